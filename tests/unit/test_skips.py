"""The one skip helper: off CI a missing tool skips; under CI=true it fails, except for the allowed reasons."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import skips

TESTS = Path(__file__).resolve().parents[1]


def test_a_missing_tool_skips_off_ci_and_fails_on_ci(monkeypatch):
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        skips.need(False, "no frobnicator (apt-get install frobnicator)")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no frobnicator"):
        skips.need(False, "no frobnicator (apt-get install frobnicator)")
    with pytest.raises(pytest.skip.Exception):  # a reason no install can change
        skips.need(False, skips.NO_INPUT_BOX)
    skips.need(True, "anything")  # nothing missing: nothing happens


def test_no_test_skips_any_other_way():
    other = [f"{p.relative_to(TESTS)}:{i}" for p in TESTS.rglob("*.py") if p.name != "skips.py"
             for i, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"pytest\.skip\(|mark\.skipif|importorskip|mark\.skip\b", line) and "re.search" not in line]
    assert not other, f"skip through tests/skips.py (need / needs): {other}"
