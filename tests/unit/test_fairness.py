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
