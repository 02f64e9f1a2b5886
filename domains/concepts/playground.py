"""A network learns to separate two kinds of points, in the spirit of TensorFlow Playground: five data sets,
noise, a train/test split, up to 6 hidden layers of 8 neurons, activation, learning rate, L1/L2 and batch size.
Written in NumPy with the forward and backward pass by hand (at this size torch's per-operation overhead makes
it about 4 times slower), Adam updates, a sigmoid output and cross-entropy. Frames are drawn straight from
arrays (matplotlib takes 80-110 ms a frame; this takes a few): the decision boundary with the points, and a
small picture of what every hidden neuron computes. Beside it, logistic regression on the same points: the
baseline a network must beat, and the reason hidden layers exist."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card
from .teaching import SYNTHETIC_TEACHING, TEACHING_ONLY

DATASETS = {"circles": N_("circles"), "xor": N_("XOR"), "gauss": N_("two clusters"), "spiral": N_("spiral"),
            "moons": N_("moons")}
ACTIVATIONS = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "sigmoid", "linear": N_("linear")}
REGULARIZATION = {"none": N_("none"), "l1": "L1", "l2": "L2"}
MAX_LAYERS, MAX_NEURONS, POINTS, GRID = 6, 8, 400, 100
ORANGE, WHITE, BLUE = (245, 147, 34), (232, 234, 235), (8, 119, 189)   # TensorFlow Playground's colours


def make_data(dataset: str, noise: float, seed: int, n: int = POINTS):
    """(X [n, 2] in about -1..1, y [n] of 0/1): the same points for the same name, noise and seed."""
    import numpy as np
    rng = np.random.default_rng(seed)
    half = n // 2
    if dataset == "circles":
        r = np.concatenate([rng.uniform(0, 0.45, half), rng.uniform(0.65, 0.95, n - half)])
        a = rng.uniform(0, 2 * math.pi, n)
        X, y = np.c_[r * np.cos(a), r * np.sin(a)], np.r_[np.zeros(half), np.ones(n - half)]
    elif dataset == "xor":
        X = rng.uniform(-1, 1, (n, 2))
        X += np.sign(X) * 0.05   # a small gap at the axes, as in the playground
        y = (X[:, 0] * X[:, 1] > 0).astype(float)
    elif dataset == "gauss":
        X = np.r_[rng.normal((-0.45, -0.45), 0.2, (half, 2)), rng.normal((0.45, 0.45), 0.2, (n - half, 2))]
        y = np.r_[np.zeros(half), np.ones(n - half)]
    elif dataset == "spiral":
        t = np.sqrt(rng.random(half)) * 3 * math.pi   # one and a half turns, points spread evenly along the arm
        arm = np.c_[t * np.cos(t), t * np.sin(t)] / (3 * math.pi)
        X, y = np.r_[arm, -arm], np.r_[np.zeros(half), np.ones(n - half)]
    elif dataset == "moons":
        a = rng.uniform(0, math.pi, n)
        top = np.c_[np.cos(a[:half]), np.sin(a[:half])]
        bottom = np.c_[1 - np.cos(a[half:]), 0.5 - np.sin(a[half:])]
        X, y = (np.r_[top, bottom] - (0.5, 0.25)) * (0.62, 0.9), np.r_[np.zeros(half), np.ones(n - half)]
    else:
        raise InputError(_("Unknown data set {name!r}. Choose one of: {names}.").format(name=dataset,
                                                                                     names=", ".join(DATASETS)))
    X = X + rng.normal(0, noise, X.shape)
    return X.astype(np.float64), y.astype(np.float64)


def parse_layers(raw: Any) -> list[int]:
    """"8,8" or [8, 8] -> [8, 8]: up to 6 hidden layers of 1-8 neurons; "" or [] is no hidden layer."""
    parts = items(raw.replace(" ", ",") if isinstance(raw, str) and not raw.strip().startswith("[") else raw)
    try:
        layers = [int(p) for p in parts]
    except (TypeError, ValueError):
        raise InputError(_("layers must be whole numbers separated by commas, e.g. 8,8; got {raw!r}.").format(
            raw=raw)) from None
    if len(layers) > MAX_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in layers):
        raise InputError(_("layers: at most {layers} hidden layers of 1 to {neurons} neurons each, got {raw!r}.")
                         .format(layers=MAX_LAYERS, neurons=MAX_NEURONS, raw=raw))
    return layers


def _act(name: str, z):
    import numpy as np
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-np.clip(z, -30, 30)))
    return z


def _act_grad(name: str, a):
    """The activation's derivative from its output a."""
    import numpy as np
    if name == "tanh":
        return 1 - a * a
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "sigmoid":
        return a * (1 - a)
    return np.ones_like(a)


def colour(p):
    """Probabilities (any shape) -> RGB uint8: orange for class 0, white at 0.5, blue for class 1."""
    import numpy as np
    p = np.clip(np.nan_to_num(p, nan=0.5), 0, 1)[..., None]
    o, w, b = (np.array(c, np.float32) for c in (ORANGE, WHITE, BLUE))
    lo = o + (w - o) * (p / 0.5)
    hi = w + (b - w) * ((p - 0.5) / 0.5)
    return np.where(p < 0.5, lo, hi).astype(np.uint8)


class Playground:
    """One network and its data; `step(n)` trains, `frame()` and `neuron_pictures()` draw it."""

    def __init__(self, dataset: str = "circles", *, noise: float = 0.05, train_fraction: float = 0.5,
                 layers: Any = "8,8", activation: str = "tanh", learning_rate: float = 0.03,
                 regularization: str = "none", reg_rate: float = 0.0, batch_size: int = 10, seed: int = 0):
        import numpy as np
        if activation not in ACTIVATIONS:
            raise InputError(_("Unknown activation {name!r}. Choose one of: {names}.").format(
                name=activation, names=", ".join(ACTIVATIONS)))
        if regularization not in REGULARIZATION:
            raise InputError(_("Unknown regularisation {name!r}. Choose one of: {names}.").format(
                name=regularization, names=", ".join(REGULARIZATION)))
        if not 0.1 <= train_fraction <= 0.9:
            raise InputError(_("The training share must be between 10 % and 90 %."))
        self.dataset, self.noise, self.layers = dataset, float(noise), parse_layers(layers)
        self.activation, self.lr, self.reg, self.reg_rate = activation, float(learning_rate), regularization, float(reg_rate)
        self.seed = int(seed)
        X, y = make_data(dataset, self.noise, self.seed)
        order = np.random.default_rng(self.seed + 1).permutation(len(y))
        k = int(round(len(y) * train_fraction))
        self.X, self.y, self.Xt, self.yt = X[order[:k]], y[order[:k]], X[order[k:]], y[order[k:]]
        self.batch = max(1, min(int(batch_size), k))
        rng = np.random.default_rng(self.seed)
        sizes = [2, *self.layers, 1]
        self.W = [rng.normal(0, 1 / math.sqrt(a), (a, b)) for a, b in zip(sizes, sizes[1:])]
        self.b = [np.zeros(b) for b in sizes[1:]]
        self._m = [np.zeros_like(p) for p in self.W + self.b]
        self._v = [np.zeros_like(p) for p in self.W + self.b]
        self._rng = np.random.default_rng(self.seed + 2)
        self._order, self._pos = self._rng.permutation(k), 0
        self.steps, self.history = 0, []
        gx = np.linspace(-1.2, 1.2, GRID)
        gxx, gyy = np.meshgrid(gx, gx[::-1])   # row 0 at the top: y = +1.2
        self.grid = np.c_[gxx.ravel(), gyy.ravel()]
        self.record()

    @property
    def n_params(self) -> int:
        """Weights and biases, all layers."""
        return int(sum(p.size for p in self.W + self.b))

    @property
    def epochs(self) -> float:
        return self.steps * self.batch / len(self.y)

    def forward(self, X):
        """Activations of every layer, the input first and the output probability last."""
        import numpy as np
        acts = [X]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W + b
            last = i == len(self.W) - 1
            acts.append(1 / (1 + np.exp(-np.clip(z, -30, 30))) if last else _act(self.activation, z))
        return acts

    def loss(self, X, y) -> float:
        import numpy as np
        p = np.clip(self.forward(X)[-1][:, 0], 1e-7, 1 - 1e-7)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def accuracy(self, X, y) -> float:
        import numpy as np
        return float(np.mean((self.forward(X)[-1][:, 0] > 0.5) == (y > 0.5)))

    def step(self, n: int = 1) -> None:
        """`n` mini-batch steps of Adam on cross-entropy (+ the chosen L1/L2 penalty on the weights)."""
        import numpy as np
        for _k in range(int(n)):
            if self._pos + self.batch > len(self._order):
                self._order, self._pos = self._rng.permutation(len(self.y)), 0
            j = self._order[self._pos:self._pos + self.batch]
            self._pos += self.batch
            acts = self.forward(self.X[j])
            delta = (acts[-1][:, 0] - self.y[j])[:, None] / len(j)   # d(cross-entropy)/dz of a sigmoid output
            gW, gb = [None] * len(self.W), [None] * len(self.b)
            for i in range(len(self.W) - 1, -1, -1):
                gW[i], gb[i] = acts[i].T @ delta, delta.sum(0)
                if self.reg == "l2":
                    gW[i] = gW[i] + self.reg_rate * self.W[i]
                elif self.reg == "l1":
                    gW[i] = gW[i] + self.reg_rate * np.sign(self.W[i])
                if i:
                    delta = (delta @ self.W[i].T) * _act_grad(self.activation, acts[i])
            self.steps += 1
            t = self.steps
            params, grads = self.W + self.b, gW + gb
            for q, (p, g) in enumerate(zip(params, grads)):
                self._m[q] = 0.9 * self._m[q] + 0.1 * g
                self._v[q] = 0.999 * self._v[q] + 0.001 * g * g
                p -= self.lr * (self._m[q] / (1 - 0.9 ** t)) / (np.sqrt(self._v[q] / (1 - 0.999 ** t)) + 1e-8)

    def record(self) -> None:
        """Append (step, epoch, train loss, test loss) to the loss curve."""
        self.history.append((self.steps, round(self.epochs, 3), self.loss(self.X, self.y), self.loss(self.Xt, self.yt)))

    def frame(self, size: int = 300, show_test: bool = True):
        """The decision boundary (the network's output over the plane) with the points: an RGB uint8 array."""
        import numpy as np
        p = self.forward(self.grid)[-1][:, 0].reshape(GRID, GRID)
        soft = (colour(p).astype(np.uint16) + 255) // 2   # the background half way to white: points stand out
        img = np.kron(soft.astype(np.uint8), np.ones((size // GRID, size // GRID, 1), np.uint8))
        side = img.shape[0]
        sets = [(self.X, self.y, (255, 255, 255))] + ([(self.Xt, self.yt, (0, 0, 0))] if show_test else [])
        for X, y, edge in sets:
            px = np.clip(((X[:, 0] + 1.2) / 2.4 * side).astype(int), 2, side - 3)
            py = np.clip(((1.2 - X[:, 1]) / 2.4 * side).astype(int), 2, side - 3)
            for d in (-2, -1, 0, 1, 2):   # a 5 x 5 square with a 1-pixel edge: white for train, black for test
                for e in (-2, -1, 0, 1, 2):
                    img[py + d, px + e] = edge
            fill = np.where(y[:, None] > 0.5, BLUE, ORANGE).astype(np.uint8)
            for d in (-1, 0, 1):
                for e in (-1, 0, 1):
                    img[py + d, px + e] = fill
        return img

    def neuron_pictures(self, size: int = 25):
        """What every hidden neuron computes over the plane: [layer][neuron] -> size x size RGB uint8."""
        import numpy as np
        g = np.linspace(-1.2, 1.2, size)
        xx, yy = np.meshgrid(g, g[::-1])
        acts = self.forward(np.c_[xx.ravel(), yy.ravel()])[1:-1]
        out = []
        for a in acts:
            lo, hi = a.min(0), a.max(0)
            scaled = (a - lo) / np.where(hi - lo > 1e-9, hi - lo, 1)
            out.append([colour(scaled[:, j].reshape(size, size)) for j in range(a.shape[1])])
        return out


def network_picture(pg: Playground, tile: int = 44, gap: int = 46):
    """The whole network as one picture: the inputs, every hidden neuron's picture and the output, columns left
    to right, joined by lines whose colour is the weight's sign (blue +, orange -) and width its size."""
    import numpy as np
    from PIL import Image, ImageDraw
    pics = pg.neuron_pictures()
    g = np.linspace(-1.2, 1.2, 25)
    xx, yy = np.meshgrid(g, g[::-1])
    inputs = [colour((xx + 1.2) / 2.4), colour((yy + 1.2) / 2.4)]
    out = colour(pg.forward(np.c_[xx.ravel(), yy.ravel()])[-1][:, 0].reshape(25, 25))
    cols = [inputs, *pics, [out]]
    rows = max(len(c) for c in cols)
    width, height = len(cols) * tile + (len(cols) - 1) * gap + 8, rows * (tile + 8) + 8
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    pos = [[(4 + c * (tile + gap), 4 + (rows - len(col)) * (tile + 8) // 2 + r * (tile + 8))
            for r in range(len(col))] for c, col in enumerate(cols)]
    biggest = max(float(np.abs(W).max()) for W in pg.W) or 1.0
    for c, W in enumerate(pg.W):
        for i, (x0, y0) in enumerate(pos[c]):
            for j, (x1, y1) in enumerate(pos[c + 1]):
                w = float(W[i, j]) if np.isfinite(W[i, j]) else 0.0
                draw.line((x0 + tile, y0 + tile // 2, x1, y1 + tile // 2), fill=BLUE if w > 0 else ORANGE,
                          width=max(1, round(4 * abs(w) / biggest)))
    for c, col in enumerate(cols):
        for r, pic in enumerate(col):
            x, y = pos[c][r]
            img.paste(Image.fromarray(pic).resize((tile, tile), Image.Resampling.NEAREST), (x, y))
            draw.rectangle((x - 1, y - 1, x + tile, y + tile), outline=(120, 120, 120))
    return np.asarray(img)


def baseline_accuracy(pg: Playground) -> float:
    """Logistic regression on the same training points, scored on the same test points."""
    from sklearn.linear_model import LogisticRegression
    return float(LogisticRegression().fit(pg.X, pg.y).score(pg.Xt, pg.yt))


@adapter("numpy_playground", imports=("numpy", "sklearn"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    return "NumPy network"   # nothing to load: the network is built from the user's settings on every run


NET = ModelSpec(
    id="playground-mlp", name=N_("Playground network (NumPy, trained live)"), source="trained", adapter="numpy_playground",
    license=N_("MIT (this project's code)"), size_mb=0.001, ram_mb=5, offline=True, ref=N_("generated points"),
    description=N_("A small fully connected network (2 inputs, your hidden layers, 1 sigmoid output) written in "
                   "NumPy with backpropagation by hand and Adam, trained live on generated points; logistic "
                   "regression on the same points is the baseline."),
    needs={"build": "in-page"},  # see ModelSpec.needs
)


@dataclass
class PlaygroundResult:
    train_accuracy: float
    test_accuracy: float
    train_loss: float
    test_loss: float
    steps: int
    epochs: float
    evaluation: Evaluation
    loss_curve: list[list[float]]               # [step, epoch, train loss, test loss]
    settings: dict[str, Any]
    boundary: Any = field(metadata={"json": False})   # RGB uint8 frame
    network: Any = field(metadata={"json": False})    # the network drawn: inputs, neuron pictures, weights, output
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)


def evaluate(pg: Playground) -> Evaluation:
    return Evaluation.judge(
        data=_("{n} generated points ({dataset}, noise {noise:g})").format(
            n=len(pg.y) + len(pg.yt), dataset=_(DATASETS[pg.dataset]), noise=pg.noise),
        split=_("held-out {n} points (seed {seed})").format(n=len(pg.yt), seed=pg.seed), metric=N_("accuracy"),
        higher_is_better=True, model=pg.accuracy(pg.Xt, pg.yt),
        baselines={N_("logistic regression"): baseline_accuracy(pg)}, tolerance=0.01, digits=3)


def snapshot(pg: Playground, spec_id: str = NET.id, latency_ms: float = 0.0) -> PlaygroundResult:
    """Where the network stands now, with its frame and neuron pictures."""
    import numpy as np
    if not pg.history or pg.history[-1][0] != pg.steps:
        pg.record()
    warnings = []
    if not all(np.isfinite(p).all() for p in pg.W):
        warnings.append(_("The weights blew up (not finite): the learning rate is far too large. Reset and lower it."))
    elif pg.history[-1][2] > 2 * pg.history[0][2] + 0.1:
        warnings.append(_("The training loss rose: the steps overshoot. Lower the learning rate."))
    tr_loss, te_loss = pg.history[-1][2], pg.history[-1][3]
    if pg.steps >= 200 and te_loss > 1.5 * tr_loss + 0.05:
        warnings.append(_("The test loss is well above the training loss: the network is fitting the noise of "
                          "its training points (overfitting). Try regularisation or fewer neurons."))
    settings = {"dataset": pg.dataset, "noise": pg.noise, "layers": pg.layers, "activation": pg.activation,
                "learning_rate": pg.lr, "regularization": pg.reg, "reg_rate": pg.reg_rate, "batch_size": pg.batch,
                "train_points": len(pg.y), "test_points": len(pg.yt), "seed": pg.seed}
    return PlaygroundResult(round(pg.accuracy(pg.X, pg.y), 4), round(pg.accuracy(pg.Xt, pg.yt), 4),
                            round(tr_loss, 5), round(te_loss, 5), pg.steps, round(pg.epochs, 2), evaluate(pg),
                            [[s, e, round(a, 5), round(b, 5)] for s, e, a, b in pg.history], settings, pg.frame(),
                            network_picture(pg), spec_id, latency_ms, warnings)


def playground(_input: Any = None, *, model: str | None = None, dataset: str = "circles", steps: int = 500,
               noise: float = 0.05, train_fraction: float = 0.5, layers: Any = "8,8", activation: str = "tanh",
               learning_rate: float = 0.03, regularization: str = "none", reg_rate: float = 0.0,
               batch_size: int = 10, seed: int = 0, progress: Progress | None = None) -> PlaygroundResult:
    """Train a fresh network for `steps` mini-batch steps on the chosen points; accuracy beside the baseline."""
    spec = PLAYGROUND.model(model)
    p = {k: PLAYGROUND.param(k).parse(v) for k, v in (("steps", steps), ("noise", noise), ("train_fraction",
         train_fraction), ("learning_rate", learning_rate), ("reg_rate", reg_rate), ("batch_size", batch_size),
         ("seed", seed))}
    pg = Playground(str(dataset), noise=p["noise"], train_fraction=p["train_fraction"], layers=layers,
                    activation=str(activation), learning_rate=p["learning_rate"], regularization=str(regularization),
                    reg_rate=p["reg_rate"], batch_size=p["batch_size"], seed=p["seed"])

    def train(_net):
        from ..core.threads import single_thread
        with single_thread():
            every = max(1, p["steps"] // 50)
            for done in range(0, p["steps"], every):
                pg.step(min(every, p["steps"] - done))
                pg.record()
        return pg

    _pg, ms = LOADER.call(spec, train, progress, step=N_("Training {name}"))
    return snapshot(pg, spec.id, ms)


PLAYGROUND = register(Demo(
    id="concepts.playground", domain="concepts", task="classification", title=N_("Playground: a network learns"),
    summary=N_("A small network learns to separate two kinds of points; watch the boundary and every neuron "
               "change as it trains."),
    input_kind="none", fn=playground, models=(NET,),
    params=(Param("dataset", str, "circles", N_("circles, xor, gauss, spiral or moons")),
            Param("steps", int, 500, N_("mini-batch training steps"), min=0, max=20_000),
            Param("noise", float, 0.05, N_("noise added to the points (0 to 0.5)"), min=0.0, max=0.5),
            Param("train_fraction", float, 0.5, N_("share of the points used for training (0.1 to 0.9)"), min=0.1,
                  max=0.9),
            Param("layers", str, "8,8", N_("hidden layers, e.g. 8,8 (up to 6 layers of 8)")),
            Param("activation", str, "tanh", N_("tanh, relu, sigmoid or linear")),
            Param("learning_rate", float, 0.03, N_("Adam's step size"), min=1e-5, max=10.0),
            Param("regularization", str, "none", N_("none, l1 or l2")),
            Param("reg_rate", float, 0.0, N_("regularisation rate"), min=0.0, max=1.0),
            Param("batch_size", int, 10, N_("points per step"), min=1, max=400),
            Param("seed", int, 0, N_("seed of the points and the first weights"), min=0, max=10_000)),
    example=lambda: (None, {"dataset": "circles", "steps": 300}),
    responsible=Card(N_("Points generated on the page."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    label=N_(":material/scatter_plot: Playground"), shows="Test accuracy",
))
