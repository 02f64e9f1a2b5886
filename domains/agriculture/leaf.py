"""Tree species from a leaf's outline: OSULeaf (inside the sktime wheel), 442 leaves of six Oregon trees traced
anticlockwise into 427-point series (the file's own split: 200 to train, 242 held out). A 1-D CNN with circular
padding, trained with random rotations (where the tracing starts is arbitrary) and mirror images, three seeds
averaged; beside 1-nearest-neighbour on the raw series, the same on rotation-free FFT magnitudes, and a random
forest on those. A photo of one leaf on a plain background is traced the same way: its largest outline
(scikit-image), the distance from the leaf's centre at 427 points along the edge, z-normalised."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

SEEDS, EPOCHS, LENGTH = (0, 1, 2), 60, 427
SPECIES = [N_("Vine maple (Acer circinatum)"), N_("Rocky Mountain maple (Acer glabrum)"),
           N_("Bigleaf maple (Acer macrophyllum)"), N_("Boxelder (Acer negundo)"),
           N_("Oregon white oak (Quercus garryana)"), N_("California black oak (Quercus kelloggii)")]
BASELINES = {"nn_raw": N_("1-nearest neighbour, raw outline"), "nn_fft": N_("1-nearest neighbour, FFT magnitudes"),
             "forest_fft": N_("random forest, FFT magnitudes")}


def osuleaf():
    import numpy as np
    from ..core.datasets import ts_file
    xtr, ytr = ts_file("OSULeaf", "train")
    xte, yte = ts_file("OSULeaf", "test")
    return (np.stack(xtr).astype(np.float32), ytr.astype(int) - 1, np.stack(xte).astype(np.float32),
            yte.astype(int) - 1)


def fft_magnitudes(X, k: int = 40):
    """Rotation-invariant: where the tracing starts changes the phases, not the magnitudes."""
    import numpy as np
    F = np.abs(np.fft.rfft(X, axis=1))[:, 1:k + 1]
    return F / (F[:, :1] + 1e-8)


def _cnn():
    import torch
    from torch import nn

    def block(i, o, k):
        return [nn.Conv1d(i, o, k, padding=k // 2, padding_mode="circular"), nn.BatchNorm1d(o), nn.ReLU()]

    class OutlineCNN(nn.Module):
        def __init__(self, c: int = 32):
            super().__init__()
            self.f = nn.Sequential(*block(1, c, 9), nn.MaxPool1d(2), *block(c, c, 7), nn.MaxPool1d(2),
                                   *block(c, c, 5), nn.MaxPool1d(2), *block(c, c, 3))
            self.head = nn.Linear(2 * c, 6)

        def forward(self, x):   # x [B, 427]
            h = self.f(x.unsqueeze(1))
            return self.head(torch.cat([h.mean(-1), h.amax(-1)], 1))

    return OutlineCNN()


def _rotate_and_mirror(xb, g):
    import torch
    shift = torch.randint(0, xb.shape[-1], (len(xb),), generator=g)
    idx = (torch.arange(xb.shape[-1])[None, :] + shift[:, None]) % xb.shape[-1]
    xb = torch.gather(xb, 1, idx)
    return torch.flip(xb, [-1]) if torch.rand(1, generator=g) < 0.5 else xb


class LeafModels:
    def __init__(self, nets, meta, data):
        from sklearn.neighbors import KNeighborsClassifier
        self.nets, self.meta = nets, meta
        self.Xtr, self.ytr, self.Xte, self.yte = data
        self.nearest = KNeighborsClassifier(1).fit(self.Xtr, self.ytr)   # for the rotation comparison, once

    def proba(self, X):
        import numpy as np
        import torch
        with torch.inference_mode():
            return np.mean([torch.softmax(n(torch.as_tensor(X, dtype=torch.float32)), 1).numpy() for n in self.nets], 0)


@adapter("leaf_outline_cnn", imports=("torch", "sklearn"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    data = Xtr, ytr, Xte, yte = osuleaf()
    key = {"data": trained.fingerprint(Xtr, ytr), "seeds": list(SEEDS), "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        tensors = {}
        X, Y = torch.from_numpy(Xtr), torch.from_numpy(ytr)
        with single_thread():
            for k, seed in enumerate(SEEDS):
                if progress:
                    progress(k / (len(SEEDS) + 1), _("Training the outline CNN (seed {seed})").format(seed=seed))
                torch.manual_seed(seed)
                net = fit(_cnn(), X, Y, epochs=EPOCHS, batch=20, seed=seed, wd=1e-3, augment=_rotate_and_mirror,
                          loss=lambda o, y: torch.nn.functional.cross_entropy(o, y, label_smoothing=0.1))
                tensors.update(trained.pack({seed: net}))
            acc = {"nn_raw": KNeighborsClassifier(1).fit(Xtr, ytr).score(Xte, yte),
                   "nn_fft": KNeighborsClassifier(1).fit(fft_magnitudes(Xtr), ytr).score(fft_magnitudes(Xte), yte),
                   "forest_fft": RandomForestClassifier(500, random_state=0).fit(fft_magnitudes(Xtr), ytr)
                   .score(fft_magnitudes(Xte), yte)}
        return tensors, {"baselines": {k: round(float(v), 4) for k, v in acc.items()},
                         "train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("leaf-outline-cnn", key, build, progress)
    nets = trained.unpack(tensors, lambda: _cnn(), SEEDS)
    m = LeafModels(nets, {**meta, "built_now": built}, data)
    m.meta["accuracy"] = round(float(np.mean(m.proba(Xte).argmax(1) == yte)), 4)
    return m


NET = ModelSpec(
    id="leaf-outline-cnn", name=N_("Leaf outline CNN (trained here)"), source="trained", adapter="leaf_outline_cnn",
    license=N_("MIT (this project's code); data: OSULeaf (UCR archive, free for research), via sktime"), size_mb=0.2,
    ram_mb=20, offline=True, ref="sktime/datasets/data/OSULeaf", homepage="https://www.timeseriesclassification.com",
    description=N_("Four 1-D convolution blocks with circular padding (an outline has no start) and mean+max "
                   "pooling, trained by this project three times (seeds 0-2, averaged) for {epochs} epochs on 200 "
                   "OSULeaf outlines, each batch rotated to a random start and mirrored half the time; scored on the "
                   "242 held-out leaves."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class LeafResult:
    species: str
    probabilities: dict[str, float]     # every species, best first
    truth: str | None                   # a held-out leaf's species; None for a photo
    rotation: int                       # where the tracing was started (points along the edge)
    series: list[float]                 # the 427-point outline the model read
    silhouette: dict[str, list[float]]  # x, y of the outline drawn as a shape
    contour: list[list[float]] | None   # a photo's traced edge in its own pixels (row, column)
    nearest_neighbour: str              # what 1-NN on the raw series says for the same (rotated) outline
    accuracy: dict[str, float]          # held-out accuracy: cnn and every baseline
    evaluation: Evaluation
    sample: int | None = None
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    return Evaluation.judge(
        data=_("OSULeaf: 442 leaf outlines of six Oregon trees, 427 points each"),
        split=_("the file's own split: 200 to train, 242 held out"), metric=N_("accuracy"), higher_is_better=True,
        model=meta["accuracy"], baselines={BASELINES[k]: v for k, v in meta["baselines"].items()}, tolerance=0.01)


def outline_from_photo(image: Any):
    """A photo of one leaf on a plain background -> (427-point z-normalised series, traced edge [n, 2] in the
    photo's pixels, warnings). Refuses a picture with no single clear leaf."""
    import numpy as np
    from skimage import filters, measure, morphology
    from ..core.inputs import load_image
    img, _info = load_image(image, max_side=600)
    grey = np.asarray(img.convert("L"), dtype=float) / 255.0
    if grey.std() < 0.03:
        raise InputError(_("The picture is nearly uniform: there is no leaf to trace."))
    t = filters.threshold_otsu(grey)
    border = np.r_[grey[0], grey[-1], grey[:, 0], grey[:, -1]]
    mask = grey < t if np.median(border) > t else grey > t     # the leaf is whatever differs from the border
    mask = morphology.remove_small_objects(morphology.binary_closing(mask, morphology.disk(3)), 64)
    labels = measure.label(mask)
    regions = sorted(measure.regionprops(labels), key=lambda r: -r.area)
    if not regions or regions[0].area < 0.01 * mask.size:
        raise InputError(_("No leaf found: photograph one leaf, flat, on a plain background that contrasts with it."))
    warnings = []
    leaf = regions[0]
    if leaf.area > 0.85 * mask.size:
        raise InputError(_("The leaf fills the whole picture: leave some plain background around it."))
    if len(regions) > 1 and regions[1].area > 0.3 * leaf.area:
        warnings.append(_("There seem to be several leaves or objects; only the largest was traced."))
    minr, minc, maxr, maxc = leaf.bbox
    if minr == 0 or minc == 0 or maxr == mask.shape[0] or maxc == mask.shape[1]:
        warnings.append(_("The leaf touches the edge of the picture: its outline is cut, and the answer may be wrong."))
    contour = max(measure.find_contours(np.pad(labels == leaf.label, 1).astype(float), 0.5), key=len) - 1
    seg = np.r_[0, np.cumsum(np.hypot(*np.diff(contour, axis=0).T))]
    at = np.linspace(0, seg[-1], LENGTH, endpoint=False)
    pts = np.c_[np.interp(at, seg, contour[:, 0]), np.interp(at, seg, contour[:, 1])]
    r = np.hypot(*(pts - pts.mean(0)).T)
    series = (r - r.mean()) / (r.std() + 1e-8)
    return series.astype(np.float32), contour, warnings


def silhouette(series):
    """The outline as a shape: radius (the series, shifted positive) against angle."""
    import numpy as np
    r = np.asarray(series) - np.min(series) + 1
    a = 2 * np.pi * np.arange(len(r)) / len(r)
    return {"x": [round(float(v), 4) for v in r * np.cos(a)], "y": [round(float(v), 4) for v in r * np.sin(a)]}


def leaf(image: Any = None, *, model: str | None = None, sample: int = 0, rotation: int = 0,
         progress: Progress | None = None) -> LeafResult:
    """The species of a held-out leaf (`sample`) or of a photographed one (`image`), its outline started
    `rotation` points further along the edge (the answer should not change)."""
    import numpy as np
    spec = LEAF.model(model)
    sample = LEAF.param("sample").parse(sample)
    rotation = LEAF.param("rotation").parse(rotation)
    photo = outline_from_photo(image) if image is not None else None

    def answer(m: LeafModels):
        if photo is None:
            if sample >= len(m.yte):
                raise InputError(_("sample must be below {n} (the number of held-out leaves).").format(n=len(m.yte)))
            s, truth, contour, warnings = m.Xte[sample], int(m.yte[sample]), None, []
        else:
            s, contour, warnings = photo
            truth = None
        s = np.roll(s, -rotation)
        p = m.proba(s[None])[0]
        nn = int(m.nearest.predict(s[None])[0])
        return s, truth, contour, warnings, p, nn, m

    (s, truth, contour, warnings, p, nn, m), ms = LOADER.call(spec, answer, progress,
                                                              step=N_("Reading the outline with {name}"))
    order = np.argsort(-p)
    notes = built_note(m.meta)
    if photo is not None:
        warnings = list(warnings) + [_("The network learned from the archive's own tracings of six Oregon trees; a "
                                       "photo is traced here as closely as we can, and any other species is "
                                       "forced into one of the six.")]
    return LeafResult(SPECIES[order[0]], {SPECIES[i]: round(float(p[i]), 4) for i in order},
                      None if truth is None else SPECIES[truth], rotation, [round(float(v), 4) for v in s],
                      silhouette(s), None if contour is None else [[round(float(a), 1), round(float(b), 1)]
                                                                   for a, b in contour[::max(1, len(contour) // 400)]],
                      SPECIES[nn], {"cnn": m.meta["accuracy"], **m.meta["baselines"]}, evaluation(m.meta),
                      None if photo is not None else sample, spec.id, ms, warnings, notes)


LEAF = register(Demo(
    id="agriculture.leaf", domain="agriculture", task="classification", title=N_("Tree species from a leaf's outline"),
    summary=N_("A 1-D CNN trained here names six Oregon trees from a leaf's traced outline, wherever the tracing "
               "starts; beside nearest-neighbour and random-forest baselines."),
    input_kind="image", fn=leaf, models=(NET,),
    params=(Param("sample", int, 0, N_("index of a held-out leaf (when no photo is given)"), min=0, max=241),
            Param("rotation", int, 0, N_("start the outline this many points further along the edge (0-426)"),
                  min=0, max=LENGTH - 1)),
    example=lambda: (None, {"sample": 0}),
    responsible=Card(
        N_("OSULeaf: 442 leaf outlines of six tree species from Oregon State University."),
        N_("Other species (it names one of its six anyway), damaged or overlapping leaves."),
        N_("Identifying plants for eating or medicine."), "work"),
    label=N_(":material/eco: Leaf outline"), shows="(correct)",
))
