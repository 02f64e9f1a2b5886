"""One evaluation record for every model the project trains: the data and split, one metric, the
model's score, each baseline's score, and a verdict with the tolerance it used. Pages draw it the
same way; the health check's JSON carries it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any
from .i18n import _


VERDICTS = ("model", "tie", "baseline")


def number(value: float) -> str:
    """A measured number with three significant digits, in plain notation: 0.4631 -> 0.463, 0.25 -> 0.25,
    61.23 -> 61.2, 1415.2 -> 1,415, 0.00012 -> 0.00012; a digit more where rounding would reach the next
    power of ten (0.9996 stays 0.9996: "1" would claim a perfect score)."""
    import math
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if v == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(v)))
    decimals = max(0, 2 - magnitude)
    if abs(round(v, decimals)) >= 10 ** (magnitude + 1):
        decimals += 1
    text = f"{v:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Evaluation:
    data: str                   # what it was measured on, e.g. "scikit-learn breast-cancer table (569 cases)"
    split: str                  # e.g. "held-out 25 %, stratified, seed 0"
    metric: str                 # e.g. "ROC AUC"
    higher_is_better: bool
    model: float
    baselines: dict[str, float]
    verdict: str                # "model" | "tie" | "baseline"
    tolerance: float            # differences within this (in the metric's units) are a tie
    unit: str = ""              # shown after numbers, e.g. "%"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def judge(cls, *, data: str, split: str, metric: str, higher_is_better: bool, model: float,
              baselines: dict[str, float], tolerance: float, unit: str = "", notes: list[str] | None = None,
              digits: int = 4) -> "Evaluation":
        """The verdict against the best baseline: a tie when the gap is within `tolerance`."""
        if not baselines:
            raise ValueError("an evaluation needs at least one baseline")
        best = (max if higher_is_better else min)(baselines.values())
        gain = (model - best) if higher_is_better else (best - model)
        verdict = "tie" if abs(gain) <= tolerance else ("model" if gain > 0 else "baseline")
        return cls(data, split, metric, higher_is_better, round(float(model), digits),
                   {k: round(float(v), digits) for k, v in baselines.items()}, verdict, tolerance, unit,
                   list(notes or []))

    @property
    def best_baseline(self) -> tuple[str, float]:
        pick = max if self.higher_is_better else min
        name = pick(self.baselines, key=self.baselines.get)
        return name, self.baselines[name]

    def fmt(self, value: float) -> str:
        """A score as every table and sentence of the record shows it: three significant digits (0.463, 0.18,
        61.2, 1,415), never in exponent notation, so one score reads the same wherever it appears."""
        return number(value)

    def sentence(self) -> str:
        """The verdict in one plain sentence."""
        name, score = self.best_baseline
        u = self.unit
        pair = _("{model}{unit} against {score}{unit} for {name}").format(
            model=self.fmt(self.model), score=self.fmt(score), unit=u, name=_(name))
        metric = _(self.metric)
        return {"model": _("The model wins on {metric}: {pair}."),
                "tie": _("A tie on {metric}: {pair} (within {tolerance}{unit})."),
                "baseline": _("The baseline wins on {metric}: {pair}. The simpler method is the better choice "
                              "here.")}[self.verdict].format(metric=metric, pair=pair, tolerance=f"{self.tolerance:g}",
                                                              unit=u)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
