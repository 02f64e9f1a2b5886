"""A recurrent network on a real series: yearly sunspot numbers 1700-2008 (bundled with statsmodels). An LSTM
trained here on 1720-1929 forecasts each year of 1930-2008 from the 20 years before it, beside persistence
(next year = this year), the seasonal naive forecast (the year one 11-year cycle earlier) and a linear AR(9)
model. Settings were chosen on a 1900-1929 validation split, never on the test years. The AR model wins on the
test period; the LSTM beat it on validation, and lost on a period whose peaks exceed anything in training."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card
from .teaching import SYNTHETIC_TEACHING, TEACHING_ONLY

SEEDS, EPOCHS, HIDDEN, WINDOW, AR_LAGS = (0, 1, 2), 150, 32, 20, 9
TEST_FROM, HORIZON = 1930, 11


def sunspots():
    """(years, values) of the yearly sunspot numbers 1700-2008, as shipped with statsmodels."""
    import numpy as np
    from statsmodels.datasets import sunspots as data
    df = data.load_pandas().data
    return df["YEAR"].to_numpy().astype(int), df["SUNACTIVITY"].to_numpy().astype(np.float32)


def _lstm_class():
    from torch import nn

    class LSTMForecaster(nn.Module):
        def __init__(self, hidden: int = HIDDEN):
            super().__init__()
            self.lstm = nn.LSTM(1, hidden, batch_first=True)
            self.head = nn.Linear(hidden, 1)

        def forward(self, x, return_states: bool = False):   # x [B, W] (standardised)
            out, _state = self.lstm(x.unsqueeze(-1))
            y = self.head(out[:, -1]).squeeze(-1)
            return (y, out) if return_states else y

    return LSTMForecaster


class SunspotModels:
    """One LSTM per training seed (the first is the one drawn), the AR coefficients, the data."""

    def __init__(self, lstms, ar, mean, std, years, y, meta):
        self.lstms, self.lstm, self.ar, self.mean, self.std = lstms, lstms[0], ar, mean, std
        self.years, self.y, self.meta = years, y, meta

    def lstm_next(self, history):
        """One year ahead from the last WINDOW values (in sunspot units)."""
        import numpy as np
        import torch
        z = (np.asarray(history[-WINDOW:], np.float32) - self.mean) / self.std
        with torch.inference_mode():
            return float(self.lstm(torch.from_numpy(z)[None]).item()) * self.std + self.mean

    def ar_next(self, history):
        import numpy as np
        return float(self.ar[0] + self.ar[1:] @ np.asarray(history[-AR_LAGS:], np.float64)[::-1])


def _fit_ar(y):
    from statsmodels.tsa.ar_model import AutoReg
    return AutoReg(y.astype("float64"), lags=AR_LAGS).fit().params


@adapter("sunspot_lstm", imports=("torch", "statsmodels"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from ..core import trained
    from ..core.threads import single_thread
    years, y = sunspots()
    split = int(np.where(years == TEST_FROM)[0][0])
    mean, std = float(y[:split].mean()), float(y[:split].std())
    key = {"data": trained.fingerprint(y), "seeds": list(SEEDS), "epochs": EPOCHS, "hidden": HIDDEN,
           "window": WINDOW}
    Model = _lstm_class()

    def build(progress):
        z = (y - mean) / std
        idx = np.arange(WINDOW, split)
        X = torch.from_numpy(np.stack([z[i - WINDOW:i] for i in idx]))
        t = torch.from_numpy(z[idx])
        t0 = time.perf_counter()
        tensors = {}
        with single_thread():
            for s, seed in enumerate(SEEDS):   # one score from one seed is luck: three seeds show the spread
                torch.manual_seed(seed)
                net = Model()
                opt = torch.optim.Adam(net.parameters(), 3e-3)
                for ep in range(EPOCHS):   # full batch: 210 windows
                    opt.zero_grad()
                    loss = torch.nn.functional.mse_loss(net(X), t)
                    loss.backward()
                    opt.step()
                    if progress and (ep + 1) % 25 == 0:
                        progress((s * EPOCHS + ep + 1) / (EPOCHS * len(SEEDS)), _(
                            "Training the LSTM (seed {seed}): epoch {e}/{n}, loss {loss:.3f}").format(
                            seed=seed, e=ep + 1, n=EPOCHS, loss=loss.item()))
                tensors.update(trained.pack({seed: net}))
        meta = {"train_seconds": round(time.perf_counter() - t0, 2), "train_windows": int(len(idx)),
                "train_years": [int(years[WINDOW]), int(years[split - 1])]}
        return tensors, meta

    tensors, meta, built = trained.cached_model("sunspot-lstm", key, build, progress)
    nets = trained.unpack(tensors, lambda: Model(), SEEDS)
    return SunspotModels(nets, _fit_ar(y[:split]), mean, std, years, y, {**meta, "built_now": built})


NET = ModelSpec(
    id="sunspot-lstm", name=N_("Sunspot LSTM (trained here)"), source="trained", adapter="sunspot_lstm",
    license=N_("MIT (this project's code); data: public domain (SIDC via statsmodels)"), size_mb=0.02, ram_mb=10,
    offline=True, ref="statsmodels.datasets.sunspots", homepage="https://www.sidc.be/SILSO/",
    description=N_("One LSTM layer of {hidden} units and a linear read-out, trained by this project for {epochs} "
                   "full-batch epochs (three times, seeds {seeds}) to forecast next year's sunspot number from the {window} "
                   "years before it, on 1720-1929. Scored on 1930-2008 beside persistence, the seasonal naive "
                   "forecast and an AR({lags}) model."),
    text_args={"hidden": HIDDEN, "epochs": EPOCHS, "seeds": "0, 1, 2", "window": WINDOW, "lags": AR_LAGS},
)


@dataclass
class RnnResult:
    rmse: dict[str, float]               # test period 1930-2008, one year ahead: lstm (mean of 3 seeds), persistence, seasonal_naive, ar
    rmse_by_seed: dict[str, float]       # the LSTM's RMSE for each training seed
    mae: dict[str, float]
    evaluation: Evaluation
    years: list[int]                     # the test years
    actual: list[float]
    forecasts: dict[str, list[float]]    # one-year-ahead forecasts over the test years, per model
    start: int                           # first year of the recursive forecast
    recursive: dict[str, list[float]]    # years, actual, lstm, ar: HORIZON years forecast from `start`, feeding back
    recursive_rmse: dict[str, float]
    hidden_states: Any = field(metadata={"json": False})   # [test years, HIDDEN]: the LSTM's state after each window
    hidden_path: list[list[float]] = field(default_factory=list)   # the states projected on their 2 main axes
    history: dict[str, list] = field(default_factory=dict)         # the whole series: years, values
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(rmse: dict[str, float], by_seed: dict[str, float], peaks: dict[str, float]) -> Evaluation:
    return Evaluation.judge(
        data=_("yearly sunspot numbers 1700-2008 (statsmodels)"),
        split=_("trained on 1720-1929, tested on 1930-2008, one year ahead"), metric=N_("RMSE"),
        higher_is_better=False, model=rmse["lstm"],
        baselines={N_("persistence"): rmse["persistence"], N_("seasonal naive (11 years)"): rmse["seasonal_naive"],
                   N_("AR(9), linear"): rmse["ar"]}, tolerance=1.0, digits=2,
        notes=[(_("The LSTM's score is the mean over three training seeds ({seeds}): one seed alone can land on "
                  "either side of the AR model.") if min(by_seed.values()) < rmse["ar"] < max(by_seed.values()) else
                _("The LSTM's score is the mean over three training seeds ({seeds}).")).format(
                    seeds=", ".join(f"{v:g}" for v in by_seed.values())),
               _("The test years hold a peak ({peak:.0f} in {year}) above anything in the training years (at most "
                 "{most:.0f}): a linear model extrapolates, while a network whose units saturate cannot reach "
                 "values it never saw.").format(**peaks)])


def rnn(_input: Any = None, *, model: str | None = None, start: int = 1997,
        progress: Progress | None = None) -> RnnResult:
    """One-year-ahead forecasts of 1930-2008 by the LSTM and three baselines, the LSTM's hidden-state path, and
    an 11-year recursive forecast (each forecast fed back as history) from `start`."""
    import numpy as np
    import torch
    spec = RNN.model(model)
    start = RNN.param("start").parse(start)

    def answer(m: SunspotModels):
        from ..core.threads import single_thread
        years, y = m.years, m.y
        split = int(np.where(years == TEST_FROM)[0][0])
        idx = np.arange(split, len(y))
        with single_thread():
            z = (y - m.mean) / m.std
            X = torch.from_numpy(np.stack([z[i - WINDOW:i] for i in idx]))
            with torch.inference_mode():
                out, states = m.lstm(X, return_states=True)
                per_seed = [net(X).numpy() * m.std + m.mean for net in m.lstms]
            lstm = out.numpy() * m.std + m.mean
            h = states[:, -1].numpy()
        fc = {"lstm": lstm, "persistence": y[idx - 1], "seasonal_naive": y[idx - HORIZON],
              "ar": np.array([m.ar_next(y[:i]) for i in idx])}
        actual = y[idx]
        rmse = {k: round(float(np.sqrt(np.mean((v - actual) ** 2))), 2) for k, v in fc.items()}
        mae = {k: round(float(np.mean(np.abs(v - actual))), 2) for k, v in fc.items()}
        by_seed = {str(seed): round(float(np.sqrt(np.mean((v - actual) ** 2))), 2) for seed, v in zip(SEEDS, per_seed)}
        rmse["lstm"] = round(float(np.mean(list(by_seed.values()))), 2)
        mae["lstm"] = round(float(np.mean([np.mean(np.abs(v - actual)) for v in per_seed])), 2)
        s = int(np.where(years == start)[0][0])
        rec = {"lstm": [], "ar": []}
        for name, step in (("lstm", m.lstm_next), ("ar", m.ar_next)):
            hist = list(y[:s])
            for _k in range(HORIZON):
                hist.append(max(0.0, step(hist)))   # sunspot numbers are never negative
                rec[name].append(hist[-1])
        n = min(HORIZON, len(y) - s)
        truth = y[s:s + n]
        rec_rmse = {k: round(float(np.sqrt(np.mean((np.array(v[:n]) - truth) ** 2))), 2) for k, v in rec.items()}
        centred = h - h.mean(0)
        axes = np.linalg.svd(centred, full_matrices=False)[2][:2]
        peaks = {"peak": float(actual.max()), "year": int(years[idx][actual.argmax()]), "most": float(y[:split].max())}
        return (rmse, by_seed, peaks, mae, years[idx], actual, fc, rec, truth, rec_rmse, h, centred @ axes.T, m)

    (rmse, by_seed, peaks, mae, yrs, actual, fc, rec, truth, rec_rmse, h, path, m), ms = LOADER.call(
        spec, answer, progress, step=N_("Forecasting with {name}"))
    notes = built_note(m.meta)
    warnings = []
    if start + HORIZON - 1 > int(m.years[-1]):
        warnings.append(_("The series ends in {end}: only {n} of the {h} forecast years can be checked.").format(
            end=int(m.years[-1]), n=len(truth), h=HORIZON))
    r = lambda v: [round(float(x), 2) for x in v]   # noqa: E731
    return RnnResult(rmse, by_seed, mae, evaluation(rmse, by_seed, peaks), [int(v) for v in yrs], r(actual), {k: r(v) for k, v in fc.items()},
                     start, {"years": list(range(start, start + HORIZON)), "actual": r(truth),
                             "lstm": r(rec["lstm"]), "ar": r(rec["ar"])}, rec_rmse, h,
                     [[round(float(a), 4), round(float(b), 4)] for a, b in path],
                     {"years": [int(v) for v in m.years], "values": r(m.y)}, spec.id, ms, warnings, notes)


RNN = register(Demo(
    id="concepts.rnn", domain="concepts", task="time-series-forecasting", title=N_("Recurrent networks on a real series"),
    summary=N_("An LSTM trained here forecasts yearly sunspots beside persistence, the seasonal naive forecast "
               "and a linear AR model, which wins."),
    input_kind="none", fn=rnn, models=(NET,),
    params=(Param("start", int, 1997, N_("first year of the 11-year recursive forecast (1930-2008)"), min=1930,
                  max=2008),),
    example=lambda: (None, {"start": 1997}),
    responsible=Card(N_("Yearly sunspot numbers, 1720-2008."), SYNTHETIC_TEACHING, TEACHING_ONLY, "work"),
    label=N_(":material/timeline: Recurrent networks"), shows="the baseline wins",
))
