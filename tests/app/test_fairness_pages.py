"""Fairness under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_credit_audit_shows_the_gap_the_lessons_and_one_decision():
    at = open_section("pages/fairness.py", "credit")
    assert not at.exception and not errors(at)
    assert "Three lessons" in texts(at) and "Why was applicant 3" in texts(at)
    assert "Deleting the sensitive columns does not delete the gap." in texts(at)
    marital = open_section("pages/fairness.py", "credit", fair_group="marital", fair_applicant=10)
    assert not marital.exception and "Why was applicant 10" in texts(marital)
