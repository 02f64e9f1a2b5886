"""Fairness: the credit network's decisions by group (fairlearn), unawareness, ThresholdOptimizer, Integrated
Gradients; seeded, so the numbers reproduce."""
from __future__ import annotations

import pytest

import domains
from domains.core.errors import InputError


@pytest.fixture(scope="module")
def by_age():
    return domains.run("fairness.credit", grouping="age", applicant=3)


def test_the_approval_gap_by_age_and_what_each_remedy_does(by_age):
    g = by_age.gaps
    assert set(by_age.groups["full"]) == {"18-25", "26-35", "36-50", "51+"}
    assert g["full"]["approval_gap"] > 0.08                                   # the gap is real
    assert g["unaware"]["approval_gap"] > 0.08                                # and survives deleting Age and Marital
    assert g["mitigated"]["approval_gap"] < 0.05                              # a threshold per band closes it
    acc = by_age.accuracy
    assert acc["mitigated"] < acc["full"] and acc["approve_all"] < acc["full"]  # at a price; better than approving all
    counts = sum(v["applicants"] for v in by_age.groups["full"].values())
    assert counts == 1337


def test_the_numbers_reproduce(by_age):
    again = domains.run("fairness.credit", grouping="age", applicant=3)
    assert again.gaps == by_age.gaps and again.attributions == by_age.attributions


def test_a_decision_is_explained_by_raw_fields(by_age):
    a = by_age.attributions
    assert set(a) == {"Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price", "Home",
                      "Marital", "Records", "Job"}
    assert by_age.applicant["decision"] in ("approve", "refuse")
    assert (by_age.applicant["p_default"] >= 0.5) == (by_age.applicant["decision"] == "refuse")
    assert max(by_age.global_attributions.values()) > 0 and by_age.global_attributions["Marital"] > 0


def test_marital_status_and_refusals():
    r = domains.run("fairness.credit", grouping="marital")
    assert set(r.groups["full"]) == {"married", "single", "other"} and r.age_gaps["mitigated"]["approval_gap"] < 0.05
    with pytest.raises(InputError, match="grouping"):
        domains.run("fairness.credit", grouping="race")
    with pytest.raises(InputError, match="applicant"):
        domains.run("fairness.credit", applicant=99_999)


# ---------------------------------------------------------------- WEAT / SEAT on MiniLM
from domains.fairness import embeddings as weat_mod  # noqa: E402


def test_weat_control_is_significant_and_career_family_reproduces_the_published_direction():
    r = domains.run("fairness.embeddings", test="career_family", method="templates")
    assert r.control.effect_size > 1.0 and r.control.p_value < 0.001 and not r.control.exact   # 25+25 words: Monte-Carlo
    assert r.exact and r.permutations == 12_870                   # 8 + 8 names: every split counted
    assert r.effect_size > 0.8 and r.p_value < 0.05                # male names nearer career words
    assert r.other_method.effect_size > 0.5                       # bare words agree in sign here
    assert set(r.word_scores) == set(r.sets["X"] + r.sets["Y"])
    assert r.axis["nurse"] < 0 < r.axis["carpenter"]              # the he-she picture
    again = domains.run("fairness.embeddings", test="career_family", method="templates")
    assert (again.effect_size, again.p_value) == (r.effect_size, r.p_value)


def test_methods_disagree_on_maths_vs_arts_and_the_page_is_told():
    r = domains.run("fairness.embeddings", test="math_arts", method="words")
    assert r.effect_size > 0.5 and r.other_method.effect_size < 0   # the sign flips between WEAT and SEAT
    assert any("disagree" in n for n in r.notes)


def test_permutation_p_value_is_exact_on_a_hand_checked_case():
    import numpy as np
    # four 1-d "embeddings": s(w) = w . a - w . b with a=(1,0), b=(0,1)
    X = np.array([[1.0, 0.0], [0.8, 0.6]])
    Y = np.array([[0.0, 1.0], [0.6, 0.8]])
    score, s = weat_mod.weat(X, Y, np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert np.allclose(s, [1.0, 0.2, -1.0, -0.2])
    assert score.exact and score.permutations == 6 and score.p_value == pytest.approx(1 / 6)


def test_custom_word_sets_are_checked_before_the_model_runs():
    ok = domains.run("fairness.embeddings", test="custom", x="doctor, engineer, pilot", y="nurse, teacher, dancer",
                     a="he, man, boy", b="she, woman, girl")
    assert ok.sets["X"] == ["doctor", "engineer", "pilot"] and any("fewer than 8" in w for w in ok.warnings)
    bad = [dict(x="doctor", y="nurse, teacher", a="he, man", b="she, woman"),              # one word
           dict(x="doctor, nurse", y="nurse, teacher", a="he, man", b="she, woman"),       # a word in both sets
           dict(x="医生, 工程师", y="护士, 老师", a="他, 男人", b="她, 女人"),                     # not English
           dict(x="a" * 60 + ", b", y="c, d", a="he, man", b="she, woman"),                # not a word
           dict(x=", ".join(f"w{i}" for i in range(60)), y="c, d", a="he, man", b="she, woman")]
    for kw in bad:
        with pytest.raises(InputError):
            domains.run("fairness.embeddings", test="custom", **kw)
    with pytest.raises(InputError):
        domains.run("fairness.embeddings", test="weat99")


# ---------------------------------------------------------------- ResumeNames
def test_resume_experiment_gap_and_what_a_model_learns_from_it():
    r = domains.run("fairness.resumes", by="quality")
    assert r.rates["cauc"]["cvs"] == r.rates["afam"]["cvs"] == 2435
    assert r.rates["cauc"]["callbacks"] == 235 and r.rates["afam"]["callbacks"] == 157   # the published counts
    assert r.ratio == pytest.approx(1.5, abs=0.01) and r.p_value < 1e-4 and r.interval[0] > 0
    assert set(r.breakdown) == {"high", "low"}
    ln = r.learned
    assert ln["with_name.cauc"] - ln["with_name.afam"] > 0.02      # same CVs, the name moves the prediction
    assert abs(ln["with_name.as_sent"] - 0.081) < 0.02             # calibrated to the real callback rate
    assert r.evaluation.model > 0.6 and r.evaluation.verdict == "model"
    assert len(r.names) == 36
    with pytest.raises(InputError):
        domains.run("fairness.resumes", by="shoe size")
