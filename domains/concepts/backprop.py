"""One backpropagation step on a 2-2-2 sigmoid network, every number shown: the forward pass, the output and
hidden deltas, the ten gradients by the chain rule, the updated weights, and the same gradients from torch
autograd (float64) beside them. Defaults: the widely used worked example (inputs 0.05/0.10, targets 0.01/0.99,
weights 0.15..0.55, biases 0.35/0.60, learning rate 0.5; E = sum of 1/2 (t - o)^2), whose published values it
reproduces: E 0.298371109, dE/dw5 0.082167041, w5 -> 0.35891648, w1 -> 0.149780716."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.i18n import N_, _
from ..core.inputs import items
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card
from .teaching import SYNTHETIC_TEACHING, TEACHING_ONLY

WEIGHTS = "0.15,0.20,0.25,0.30,0.40,0.45,0.50,0.55"  # w1..w8: w1,w2 into h1; w3,w4 into h2; w5,w6 into o1; w7,w8 into o2
MAX_STEPS = 20_000


@adapter("backprop_by_hand", imports=("torch",))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    return "2-2-2 sigmoid network"  # nothing to load: the network is the numbers the user gives


NET = ModelSpec(
    id="backprop-2-2-2", name=N_("2-2-2 sigmoid network (worked example)"), source="trained", adapter="backprop_by_hand",
    license=N_("MIT (this project's code)"), size_mb=0.001, ram_mb=1, offline=True, ref=N_("the worked example's numbers"),
    description=N_("Two inputs, two hidden and two output sigmoid units, squared error: small enough that every "
                   "number of a learning step fits on the screen. Gradients by the chain rule, written out, then "
                   "checked against torch autograd in float64."),
    needs={"build": "in-page"},  # see ModelSpec.needs
)


@dataclass
class BackpropResult:
    inputs: list[float]
    targets: list[float]
    learning_rate: float
    hidden: dict[str, float]            # h1, h2 (after the sigmoid)
    outputs: dict[str, float]           # o1, o2
    error: float                        # total error before the step
    output_deltas: dict[str, float]     # dE/dz of o1, o2
    hidden_deltas: dict[str, float]     # dE/dz of h1, h2
    gradients: dict[str, float]         # w1..w8, b1, b2
    weights_after: dict[str, float]     # w1..w8 after one step (biases kept, as in the worked example)
    error_after: float                  # total error after that step
    autograd_gradients: dict[str, float]
    autograd_max_difference: float     # max |by hand - autograd| over the ten gradients
    more_steps: int
    error_after_more_steps: float | None
    model: str
    latency_ms: float
    warnings: list[str] = field(default_factory=list)  # reasons to doubt the step (shown by the page)


def _numbers(raw: Any, n: int, what: str) -> list[float]:
    parts = items(raw)
    if len(parts) != n:
        raise InputError(_("{what} needs {n} numbers separated by commas, got {k}.").format(what=_(what), n=n,
                                                                                         k=len(parts)))
    try:
        values = [float(p) for p in parts]
    except (TypeError, ValueError):
        raise InputError(_("{what} must be numbers, got {raw!r}.").format(what=_(what), raw=raw)) from None
    if any(not math.isfinite(v) or abs(v) > 1e3 for v in values):
        raise InputError(_("{what} must be finite numbers between -1000 and 1000.").format(what=_(what)))
    return values


def _sig(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _forward(w: list[float], b: list[float], x: list[float]):
    h1 = _sig(w[0] * x[0] + w[1] * x[1] + b[0])
    h2 = _sig(w[2] * x[0] + w[3] * x[1] + b[0])
    o1 = _sig(w[4] * h1 + w[5] * h2 + b[1])
    o2 = _sig(w[6] * h1 + w[7] * h2 + b[1])
    return h1, h2, o1, o2


def _error(o: tuple[float, float], t: list[float]) -> float:
    return 0.5 * (t[0] - o[0]) ** 2 + 0.5 * (t[1] - o[1]) ** 2


def _step(w, b, x, t):
    """The chain rule, one local derivative at a time: (gradients w1..w8, b1, b2), deltas, activations."""
    h1, h2, o1, o2 = _forward(w, b, x)
    d1, d2 = (o1 - t[0]) * o1 * (1 - o1), (o2 - t[1]) * o2 * (1 - o2)   # dE/do * sigmoid'(z) = o(1-o)
    e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1)                          # error flows back along the weights
    e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2)
    g = [e1 * x[0], e1 * x[1], e2 * x[0], e2 * x[1], d1 * h1, d1 * h2, d2 * h1, d2 * h2, e1 + e2, d1 + d2]
    return g, (d1, d2), (e1, e2), (h1, h2, o1, o2)


def _autograd(w, b, x, t) -> list[float]:
    import torch
    f64 = torch.float64
    W1 = torch.tensor([[w[0], w[1]], [w[2], w[3]]], dtype=f64, requires_grad=True)
    W2 = torch.tensor([[w[4], w[5]], [w[6], w[7]]], dtype=f64, requires_grad=True)
    B1 = torch.tensor(b[0], dtype=f64, requires_grad=True)
    B2 = torch.tensor(b[1], dtype=f64, requires_grad=True)
    out = torch.sigmoid(W2 @ torch.sigmoid(W1 @ torch.tensor(x, dtype=f64) + B1) + B2)
    (0.5 * ((torch.tensor(t, dtype=f64) - out) ** 2).sum()).backward()
    return [*W1.grad.flatten().tolist(), *W2.grad.flatten().tolist(), B1.grad.item(), B2.grad.item()]


def backprop(_input: Any = None, *, model: str | None = None, inputs: Any = "0.05,0.10", targets: Any = "0.01,0.99",
             weights: Any = WEIGHTS, biases: Any = "0.35,0.60", learning_rate: float = 0.5, steps: int = 0,
             progress: Progress | None = None) -> BackpropResult:
    """One gradient-descent step by hand (and `steps` more, to watch the error fall), checked against autograd."""
    spec = BACKPROP.model(model)
    x, t = _numbers(inputs, 2, N_("inputs")), _numbers(targets, 2, N_("targets"))
    w, b = _numbers(weights, 8, N_("weights")), _numbers(biases, 2, N_("biases"))
    lr = BACKPROP.param("learning_rate").parse(learning_rate)
    steps = BACKPROP.param("steps").parse(steps)
    if any(not 0 <= v <= 1 for v in t):
        raise InputError(_("Targets are sigmoid outputs: each must be between 0 and 1."))

    def run(_net):
        g, d, e, act = _step(w, b, x, t)
        auto = _autograd(w, b, x, t)
        after = [w[k] - lr * g[k] for k in range(8)]
        more, err_more = after, None
        for __ in range(steps):
            grad = _step(more, b, x, t)[0]
            more = [more[k] - lr * grad[k] for k in range(8)]
        if steps:
            err_more = _error(_forward(more, b, x)[2:], t)
        return g, d, e, act, auto, after, err_more

    (g, d, e, act, auto, after, err_more), ms = LOADER.call(spec, run, progress)
    names = [f"w{k}" for k in range(1, 9)] + ["b1", "b2"]
    warnings = []
    before, after_one = _error(act[2:], t), _error(_forward(after, b, x)[2:], t)
    if after_one > before or (err_more is not None and err_more > before):
        warnings.append(_("The error rose: the step overshot. The learning rate is too large for this network."))
    return BackpropResult(
        x, t, lr, {"h1": act[0], "h2": act[1]}, {"o1": act[2], "o2": act[3]}, _error(act[2:], t),
        {"o1": d[0], "o2": d[1]}, {"h1": e[0], "h2": e[1]}, dict(zip(names, g)),
        {f"w{k + 1}": after[k] for k in range(8)}, _error(_forward(after, b, x)[2:], t), dict(zip(names, auto)),
        max(abs(p - q) for p, q in zip(g, auto)), steps, err_more, spec.id, ms, warnings)


BACKPROP = register(Demo(
    id="concepts.backprop", domain="concepts", task="backpropagation", title=N_("Backpropagation, one step by hand"),
    summary=N_("Every number of one learning step of a small network, with the gradients checked against torch."),
    input_kind="none", fn=backprop, models=(NET,),
    params=(Param("inputs", str, "0.05,0.10", N_("the two inputs, comma-separated")),
            Param("targets", str, "0.01,0.99", N_("the two target outputs (0 to 1)")),
            Param("weights", str, WEIGHTS, N_("w1..w8, comma-separated")),
            Param("biases", str, "0.35,0.60", N_("b1 (hidden) and b2 (output)")),
            Param("learning_rate", float, 0.5, N_("the step size"), min=0.0, max=100.0),
            Param("steps", int, 0, N_("more steps after the first, to watch the error fall"), min=0, max=MAX_STEPS)),
    example=lambda: (None, {}),
    responsible=Card(N_("One worked example, six numbers."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    label=N_(":material/function: Backpropagation"), shows="Largest difference",
))
