"""Medical: skin-lesion classification (HAM10000 Xception, Keras on torch), a diagnosis network the project
trains on a bundled clinical table, and an honest viewer for DICOM and other medical images.
Research demos: none of this is a diagnosis."""
from __future__ import annotations

import gzip
import io
import os
import time
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.inputs import ImageInfo, json_object, load_image, small_image_note
from ..core.loader import LOADER, Progress, adapter
from ..core.examples import example
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.i18n import N_, _
from ..core.trained import built_note
from ..core.responsible import Card


DISCLAIMER = N_("A research demo, not a medical device and not a diagnosis. Do not use it to decide anything "
                 "about anyone's health; see a clinician.")


# ---------------------------------------------------------------- dermatology
@adapter("keras_sklesion", imports=("torch",))
def _load_sklesion(spec: ModelSpec, path: str | None, progress: Progress | None):
    import importlib.util
    import pickle
    os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported: no TensorFlow needed
    import keras
    if keras.backend.backend() != "torch":
        raise InputError(_("Keras was started with the {v} backend; the gallery needs torch.").format(v=keras.backend.backend()))
    folder = os.path.dirname(importlib.util.find_spec("sklesion").origin)  # never import sklesion.model (TF)

    def pkl(name):
        with open(os.path.join(folder, name), "rb") as f:
            return pickle.load(f)

    return {"model": keras.models.load_model(os.path.join(folder, "model.keras"), compile=False),
            "props": pkl("model_props.pkl"), "info": pkl("cl_info.pkl"), "report": pkl("cr_test.pkl")}


SKLESION = ModelSpec(
    id="sklesion-xception", name=N_("Xception + metadata (sklesion)"), source="package", adapter="keras_sklesion",
    license=N_("MIT (code); weights trained on HAM10000, CC BY-NC 4.0"), size_mb=85, ram_mb=600, offline=True,
    ref="sklesion", homepage="https://pypi.org/project/sklesion/",
    description=N_("An Xception network with a head for sex, body site and age, trained on HAM10000 (10,015 "
                   "dermatoscopic images, 7 diagnoses). Its package's own test set: accuracy 0.825, macro-F1 0.73."),
    needs={"pip": "sklesion==0.2.2 (--no-deps) + keras, KERAS_BACKEND=torch", "input_size": 254},
)
SEXES = (N_("unknown"), N_("female"), N_("male"))  # the model's own values; pages show them translated
SITES = (N_("unknown"), N_("arm"), N_("head-or-neck"), N_("leg-or-genital"), N_("trunk"))
# HAM10000's class names and kinds as the package writes them, for the catalog (pages translate them)
CLASS_NAMES = (N_("Actinic keratosis or intraepithelial carcinoma"), N_("Basal cell carcinoma"),
               N_("Benign keratosis-like lesion"), N_("Dermatofibroma"), N_("Melanoma"), N_("Melanocytic nevus"),
               N_("Vascular lesion"), N_("Benign"), N_("Malign"), N_("malignant"), N_("benign"))


@dataclass
class SkinClass:
    label: str      # HAM10000 code (mel, nv, ...)
    name: str       # plain-language name
    severity: str   # "Benign" or "Malign", as the package names it
    score: float
    recall: float   # share of this class the model found on its package's test set


@dataclass
class SkinResult:
    classes: list[SkinClass]
    model: str
    latency_ms: float
    image: ImageInfo
    published: dict[str, float]   # accuracy and macro-F1 on the package's test set (1,511 images)
    disclaimer: str = field(default_factory=lambda: _(DISCLAIMER))  # in the caller's language
    warnings: list[str] = field(default_factory=list)  # reasons to doubt the answer (e.g. a tiny picture)


def skin(image: Any, *, model: str | None = None, sex: str = "unknown", site: str = "unknown",
         age: float | None = None, progress: Progress | None = None) -> SkinResult:
    """Probabilities of the 7 HAM10000 diagnoses for a dermatoscopic picture of one lesion."""
    import numpy as np
    from PIL import Image
    spec = SKIN.model(model)
    sex, site, age = SKIN.param("sex").parse(sex), SKIN.param("site").parse(site), SKIN.param("age").parse(age)
    img, info = load_image(image)

    def predict(m):
        props = m["props"]
        oh = props["oh_map"]
        meta = oh["sex"][sex] + oh["loc"][site] + [
            (props["age_mean"] if age is None else age) / props["age_max"], float(age is None)]
        side = int(props["img_shape"][0])
        x = np.asarray(img.resize((side, side), Image.Resampling.BILINEAR), np.float32)[None]
        p = np.asarray(m["model"].predict([x, np.array([meta], np.float32)], verbose=0))[0]
        return p, props, m["info"], m["report"]

    (p, props, cl_info, report), latency = LOADER.call(spec, predict, progress)
    classes = sorted((SkinClass(props["i_cl_map"][i], cl_info[props["i_cl_map"][i]]["name"],
                                cl_info[props["i_cl_map"][i]]["severity"], round(float(v), 5),
                                round(float(report["recall"][props["i_cl_map"][i]]), 3))
                      for i, v in enumerate(p)), key=lambda c: -c.score)
    published = {"accuracy": round(float(report["f1-score"]["accuracy"]), 3),
                 "macro_f1": round(float(report["f1-score"]["macro avg"]), 3),
                 "test_images": int(report["support"]["accuracy"])}
    return SkinResult(classes, spec.id, round(latency, 1), info, published,
                      warnings=small_image_note(info, int(props["img_shape"][0])))


SKIN = register(Demo(
    id="medical.skin", domain="medical", task="skin-lesion-classification", title=N_("Skin lesion classifier"),
    summary=N_("Seven dermatoscopic diagnoses (melanoma, naevus, ...) from a lesion photo plus sex, site and age."),
    input_kind="image", fn=skin, models=(SKLESION,),
    params=(Param("sex", str, "unknown", "unknown | female | male", choices=SEXES),
            Param("site", str, "unknown", N_("body site"), choices=SITES),
            Param("age", float, None, N_("age in years (empty: unknown)"), min=0, max=90)),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=example("spot_irregular", age=50, site="trunk"),
    responsible=Card(
        N_("HAM10000: 10,015 dermatoscope images, mostly of fair-skinned patients in Austria and Australia."),
        N_("Dark skin (few examples in training), phone photos instead of dermatoscope images, and diagnoses outside "
           "its seven."),
        N_("Diagnosis. See a doctor about any skin change; this is a demonstration, not a medical device."), "fairness"),
    label=N_(":material/dermatology: Skin lesion"), shows="accuracy 82.5%",
))


# ---------------------------------------------------------------- tabular diagnosis, trained here
BC_SEED, BC_EPOCHS, BC_HIDDEN = 0, 300, 16


def _bc_data():
    """scikit-learn's Wisconsin breast-cancer table (569 cases x 30 features); 1 = malignant here."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    d = load_breast_cancer()
    X, y = d.data.astype(np.float32), (d.target == 0).astype(np.int64)  # sklearn codes malignant as 0
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=0.25, random_state=BC_SEED, stratify=y)
    return X, y, tr, te, list(d.feature_names)


# the table's 30 column names are a statistic ("mean", "worst", "... error") of one of ten nucleus measurements
NUCLEUS = {"radius": N_("radius"), "texture": N_("texture"), "perimeter": N_("perimeter"), "area": N_("area"),
           "smoothness": N_("smoothness"), "compactness": N_("compactness"), "concavity": N_("concavity"),
           "concave points": N_("concave points"), "symmetry": N_("symmetry"),
           "fractal dimension": N_("fractal dimension")}


def feature_label(name: str) -> str:
    """A breast-cancer column name ("worst concave points") in the page's language."""
    if name.startswith("mean "):
        return _("mean {measure}").format(measure=_(NUCLEUS.get(name[5:], name[5:])))
    if name.startswith("worst "):
        return _("worst {measure}").format(measure=_(NUCLEUS.get(name[6:], name[6:])))
    if name.endswith(" error"):
        return _("{measure} (standard error)").format(measure=_(NUCLEUS.get(name[:-6], name[:-6])))
    return name


def _metrics(y, p) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score
    pred = (p >= 0.5).astype(int)
    return {"accuracy": round(float(accuracy_score(y, pred)), 4), "roc_auc": round(float(roc_auc_score(y, p)), 4),
            "confusion": confusion_matrix(y, pred, labels=[0, 1]).tolist()}  # rows: true benign, malignant


def _bc_net(n_features: int):
    import torch
    return torch.nn.Sequential(torch.nn.Linear(n_features, BC_HIDDEN), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                               torch.nn.Linear(BC_HIDDEN, 1))


class BreastCancerModel:
    def __init__(self, net, mean, std, meta, X, y, test_idx, features):
        self.net, self.mean, self.std, self.meta = net, mean, std, meta
        self.X, self.y, self.test_idx, self.features = X, y, test_idx, features

    def logit(self, X):
        import torch
        with torch.inference_mode():
            return self.net(torch.tensor((X - self.mean) / self.std, dtype=torch.float32))[:, 0].numpy()

    def proba(self, X):
        import numpy as np
        return 1 / (1 + np.exp(-self.logit(X)))


@adapter("breast_cancer_mlp", imports=("torch", "sklearn"))
def _load_breast_cancer(spec: ModelSpec, path: str | None, progress: Progress | None):
    import torch
    from ..core import trained
    X, y, tr, te, features = _bc_data()
    key = {"data": trained.fingerprint(X, y, tr), "seed": BC_SEED, "epochs": BC_EPOCHS,
           "hidden": BC_HIDDEN}
    mean, std = X[tr].mean(0), X[tr].std(0)

    def build(progress):
        from sklearn.linear_model import LogisticRegression
        torch.manual_seed(BC_SEED)
        net = _bc_net(X.shape[1])
        opt = torch.optim.Adam(net.parameters(), lr=1e-2, weight_decay=1e-3)
        xt = torch.tensor((X[tr] - mean) / std)
        yt = torch.tensor(y[tr], dtype=torch.float32)
        t0 = time.perf_counter()
        for ep in range(BC_EPOCHS):
            net.train()
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(xt)[:, 0], yt)
            loss.backward()
            opt.step()
            if progress and (ep + 1) % 30 == 0:
                progress((ep + 1) / BC_EPOCHS, _("Training: epoch {v}/{BC_EPOCHS}, loss {v2:.3f}").format(v=ep + 1, BC_EPOCHS=BC_EPOCHS, v2=loss.item()))
        net.eval()
        with torch.inference_mode():
            p_net = torch.sigmoid(net(torch.tensor((X[te] - mean) / std)))[:, 0].numpy()
        lr = LogisticRegression(max_iter=5000).fit((X[tr] - mean) / std, y[tr])
        p_lr = lr.predict_proba((X[te] - mean) / std)[:, 1]
        meta = {"network": _metrics(y[te], p_net), "baseline": _metrics(y[te], p_lr),
                "baseline_name": N_("logistic regression (scikit-learn)"), "train_cases": int(len(tr)),
                "test_cases": int(len(te)), "train_seconds": round(time.perf_counter() - t0, 2)}
        tensors = {k: v.detach().clone() for k, v in net.state_dict().items()}
        return tensors, meta

    tensors, meta, built = trained.cached_model("breast-cancer-mlp", key, build, progress)
    net = _bc_net(X.shape[1])
    net.load_state_dict(tensors)
    net.eval()
    meta = {**meta, "built_now": built}
    return BreastCancerModel(net, mean, std, meta, X, y, te, features)


BC_SPEC = ModelSpec(
    id="breast-cancer-mlp", name=N_("Diagnosis network (trained here)"), source="trained", adapter="breast_cancer_mlp",
    license=N_("BSD-3-Clause (data: UCI / scikit-learn)"), size_mb=0.01, ram_mb=5, offline=True,
    ref="sklearn.datasets.load_breast_cancer", homepage="https://archive.ics.uci.edu/dataset/17",
    description=N_("A 30-{hidden}-1 network trained by this project (seed {seed}, {epochs} epochs) on 75 % of the "
                   "Wisconsin breast-cancer table: 30 measurements of cell nuclei in a fine-needle aspirate. "
                   "Evaluated on the other 25 %, beside logistic regression."),
    text_args={"hidden": BC_HIDDEN, "seed": BC_SEED, "epochs": BC_EPOCHS},
)


@dataclass
class Attribution:
    feature: str
    value: float
    contribution: float  # log-odds of malignancy this value adds, against the feature at its training average


@dataclass
class BreastCancerResult:
    probability_malignant: float
    prediction: str                 # "malignant" or "benign" (threshold 0.5)
    truth: str | None               # the recorded diagnosis of a held-out case; None once edited
    case: int                       # index into the held-out cases
    attributions: list[Attribution]
    metrics: dict[str, Any]         # held-out metrics of the network and of the baseline
    model: str
    latency_ms: float
    notes: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None
    disclaimer: str = field(default_factory=lambda: _(DISCLAIMER))  # in the caller's language


def bc_evaluation(meta: dict[str, Any]) -> Evaluation:
    """The network against logistic regression on the held-out cases, by ROC AUC."""
    return Evaluation.judge(
        data=_("scikit-learn's Wisconsin breast-cancer table ({n} cases, 30 measurements)").format(
            n=meta["train_cases"] + meta["test_cases"]),
        split=_("held-out {n} cases (25 %, stratified, seed {seed})").format(n=meta["test_cases"], seed=BC_SEED),
        metric="ROC AUC", higher_is_better=True, model=meta["network"]["roc_auc"],
        baselines={_(meta["baseline_name"]): meta["baseline"]["roc_auc"]}, tolerance=0.001)


def breast_cancer(_input: Any = None, *, model: str | None = None, case: int = 0, features: Any = None,
                  progress: Progress | None = None) -> BreastCancerResult:
    """P(malignant) for a held-out case, optionally with edited measurements (a dict or JSON object),
    with per-feature attributions and the model's held-out metrics beside the baseline's."""
    import numpy as np
    spec = BREAST_CANCER.model(model)
    case = BREAST_CANCER.param("case").parse(case)
    edits = _parse_features(features)
    def answer(m):
        if case >= len(m.test_idx):
            raise InputError(_("case must be below {n} (the number of held-out cases).").format(n=len(m.test_idx)))
        row = m.X[m.test_idx[case]].copy()
        notes = []
        for name, value in edits.items():
            if name not in m.features:
                raise InputError(_("Unknown feature '{name}'. Features: {v}.").format(name=name, v=', '.join(m.features)))
            j = m.features.index(name)
            hi = float(m.X[:, j].max())
            if value > 10 * hi:
                raise InputError(_("{name} = {value:g} is absurd: the data's largest is {hi:g}.").format(
                    name=feature_label(name), value=value, hi=hi))
            if value > hi:
                notes.append(_("{name} = {value:g} is beyond anything in the training data (max {hi:g}): the "
                               "network is extrapolating.").format(name=feature_label(name), value=value, hi=hi))
            row[j] = value
        z = float(m.logit(row[None])[0])
        p = 1 / (1 + np.exp(-z))
        variants = np.repeat(row[None], len(row), 0)
        variants[np.arange(len(row)), np.arange(len(row))] = m.mean  # one feature at a time to the mean
        contrib = z - m.logit(variants)  # in log-odds: probabilities saturate near 0 and 1, log-odds do not
        truth = None if edits else ("malignant" if m.y[m.test_idx[case]] else "benign")
        attrs = sorted((Attribution(f, round(float(v), 4), round(float(c), 4))
                        for f, v, c in zip(m.features, row, contrib)), key=lambda a: -abs(a.contribution))
        metrics = {k: m.meta[k] for k in ("network", "baseline", "baseline_name", "train_cases", "test_cases",
                                          "train_seconds")}
        notes += built_note(m.meta)  # the first result after training only
        return p, truth, attrs, metrics, notes

    (p, truth, attrs, metrics, notes), latency = LOADER.call(spec, answer, progress)
    return BreastCancerResult(round(p, 4), "malignant" if p >= 0.5 else "benign", truth, case, attrs, metrics,
                              spec.id, round(latency, 2), notes, bc_evaluation(metrics))


def _parse_features(features: Any) -> dict[str, float]:
    features = json_object(features, "features", "name: number")
    out = {}
    for k, v in features.items():
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            raise InputError(_("{k} must be a number, got {v!r}.").format(k=k, v=v)) from None
        if not out[str(k)] >= 0 or out[str(k)] == float("inf"):  # also catches NaN
            raise InputError(_("{k} must be a finite number of at least 0, got {v!r}.").format(k=k, v=v))
    return out


BREAST_CANCER = register(Demo(
    id="medical.breast_cancer", domain="medical", task="tabular-classification", title=N_("Diagnosis from measurements"),
    summary=N_("A network trained here on 426 biopsies predicts malignancy for held-out ones, beside a baseline."),
    input_kind="none", fn=breast_cancer, models=(BC_SPEC,),
    params=(Param("case", int, 0, N_("index of a held-out case"), min=0, max=10_000),
            Param("features", str, "", N_('JSON object of edited measurements, e.g. {"mean radius": 20}'))),
    example=lambda: (None, {"case": 3}),
    responsible=Card(
        N_("The Wisconsin table: 569 fine-needle aspirates measured at one US hospital around 1995."),
        N_("Other hospitals, other imaging and measuring methods, and other populations."),
        N_("Diagnosis or treatment decisions: this is a demonstration, not a medical device."), "fairness"),
    section="tabular", label=N_(":material/table_chart: Diagnosis from measurements"), shows="P(malignant)",
))


# ---------------------------------------------------------------- medical images: an honest viewer
@dataclass
class MedicalImage:
    pixels: Any              # 2-D float array (CT in Hounsfield units) or H x W x 3 uint8 for colour
    modality: str
    description: str
    window: tuple[float, float] | None  # default (centre, width) for greyscale, None for colour
    meta: dict[str, str]     # non-identifying tags only
    source: str


SAMPLES = {
    "ct": N_("CT slice (pydicom sample, 128x128)"),
    "mr": N_("MR slice (pydicom sample, 64x64)"),
    "brain": N_("Brain MRI, sagittal (matplotlib sample, 256x256, 16-bit)"),
    "retina": N_("Retina, fundus photograph (scikit-image)"),
    "pathology": N_("Immunohistochemistry slide (scikit-image)"),
}
SAFE_TAGS = ("Modality", "BodyPartExamined", "StudyDescription", "SeriesDescription", "Manufacturer",
             "SliceThickness", "PixelSpacing", "Rows", "Columns", "BitsStored", "PhotometricInterpretation",
             "RescaleSlope", "RescaleIntercept", "WindowCenter", "WindowWidth", "KVP")
TAG_UNITS = {"SliceThickness": "mm", "PixelSpacing": N_("mm (row, column)"), "WindowCenter": N_("HU (CT) or stored value"),
             "WindowWidth": N_("HU (CT) or stored value"), "KVP": "kV", "RescaleIntercept": "HU (CT)"}
MAX_DICOM_BYTES = 50 * 2**20


def sample_image(name: str) -> MedicalImage:
    import numpy as np
    if name in ("ct", "mr"):
        from pydicom import examples
        return _from_dataset(getattr(examples, name), SAMPLES[name])
    if name == "brain":
        import matplotlib.cbook
        with matplotlib.cbook.get_sample_data("s1045.ima.gz") as f:
            raw = f.read()  # recent matplotlib hands back the file already gunzipped; older ones do not
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        a = np.frombuffer(raw, "<u2").reshape(256, 256).astype(np.float32)
        return MedicalImage(a, "MR", SAMPLES[name], _auto_window(a), {"Rows": "256", "Columns": "256"},
                            N_("matplotlib sample data"))
    if name in ("retina", "pathology"):
        import skimage.data
        a = skimage.data.retina() if name == "retina" else skimage.data.immunohistochemistry()
        return MedicalImage(a, "OP" if name == "retina" else "SM", SAMPLES[name], None, {}, N_("scikit-image data"))
    raise InputError(_("No sample '{name}'. Known: {v}.").format(name=name, v=', '.join(SAMPLES)))


def read_dicom(data: bytes) -> MedicalImage:
    """An uploaded DICOM file -> pixels in modality units (HU for CT) and a few non-identifying tags."""
    import pydicom
    from pydicom.errors import InvalidDicomError
    if not data:
        raise InputError(_("The file is empty."))
    if len(data) > MAX_DICOM_BYTES:
        raise InputError(_("The file is {v:.0f} MB; the limit is {v2:.0f} MB.").format(v=len(data) / 2**20, v2=MAX_DICOM_BYTES / 2**20))
    try:
        ds = pydicom.dcmread(io.BytesIO(data))
    except InvalidDicomError:
        raise InputError(_("This is not a DICOM file (no DICM marker). Upload a .dcm file from a scanner or PACS "
                           "export.")) from None
    except Exception as e:  # truncated or malformed element data
        raise InputError(_("The DICOM file is damaged and cannot be read ({__name__}).").format(__name__=type(e).__name__)) from None
    return _from_dataset(ds, str(ds.get("SeriesDescription", "") or ds.get("Modality", "DICOM image")))


def _from_dataset(ds, description: str) -> MedicalImage:
    import numpy as np
    if "PixelData" not in ds:
        raise InputError(_("This DICOM file holds no image (no pixel data): it may be a report or a directory."))
    try:
        a = ds.pixel_array
    except Exception as e:
        raise InputError(_("The image in this DICOM file cannot be decoded here ({v}).").format(v=str(e).splitlines()[0])) from None
    if a.ndim == 3 and a.shape[-1] != 3:  # multi-frame: show the middle frame
        a = a[a.shape[0] // 2]
    photometric = str(ds.get("PhotometricInterpretation", ""))
    meta = {t: str(ds.get(t)) + (f" {_(TAG_UNITS[t])}" if t in TAG_UNITS else "") for t in SAFE_TAGS if t in ds}
    if a.ndim == 3 or photometric.startswith(("RGB", "YBR", "PALETTE")):
        from pydicom.pixels import apply_color_lut, convert_color_space
        if photometric == "PALETTE COLOR":
            a = apply_color_lut(a, ds)
            a = (a / max(1, a.max()) * 255).astype(np.uint8)
        elif photometric.startswith("YBR"):
            a = convert_color_space(a, photometric, "RGB")
        return MedicalImage(np.asarray(a, np.uint8), str(ds.get("Modality", "")), description, None, meta, "DICOM")
    from pydicom.pixels import apply_modality_lut
    a = apply_modality_lut(a, ds).astype(np.float32)
    if photometric == "MONOCHROME1":
        a = a.max() - a
    center, width = ds.get("WindowCenter"), ds.get("WindowWidth")
    if center is not None and width is not None:
        first = lambda v: float(v[0]) if isinstance(v, (list, tuple)) or hasattr(v, "__getitem__") and not isinstance(v, str) and len(v) else float(v)
        window = (first(center), first(width))
    else:
        window = _auto_window(a)
    return MedicalImage(a, str(ds.get("Modality", "")), description, window, meta, "DICOM")


def _auto_window(a) -> tuple[float, float]:
    import numpy as np
    lo, hi = np.percentile(a, [1, 99])
    return float((lo + hi) / 2), float(max(hi - lo, 1))


CT_PRESETS = {N_("soft tissue"): (40, 400), N_("lung"): (-600, 1500), N_("bone"): (400, 1800), N_("brain"): (40, 80)}


def render(img: MedicalImage, center: float | None = None, width: float | None = None):
    """Greyscale pixels through a window (centre, width) -> 8-bit PIL image; colour passes through."""
    import numpy as np
    from PIL import Image
    if img.window is None:
        return Image.fromarray(img.pixels)
    c, w = (center, width) if center is not None and width is not None else img.window
    w = max(float(w), 1e-6)
    a = np.clip((img.pixels - (c - w / 2)) / w, 0, 1)
    return Image.fromarray((a * 255).astype(np.uint8))
