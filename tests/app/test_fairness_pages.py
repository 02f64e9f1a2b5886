"""Fairness under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_credit_audit_shows_the_gap_the_lessons_and_one_decision():
    at = open_section("pages/fairness.py", "credit")
    assert not at.exception and not errors(at)
    assert "Three lessons" in texts(at) and "Why was applicant 3" in texts(at)
    assert "Deleting the sensitive columns does not delete the gap." in texts(at)
    # measures down, the three networks across under short names: five long columns ran past a phone's edge
    table = at.table[0].value
    assert list(table.columns) == ["network", "every column", "no Age, Marital", "threshold per age"]
    assert [v.replace("\\", "") for v in table["network"]] == [  # cells are Markdown-escaped plain text
        "accuracy", "approval gap", "lowest / highest approval", "equalised-odds gap"]
    assert all(float(v.replace("\\", "").rstrip("%")) > 0 for v in table["every column"]), table
    marital = open_section("pages/fairness.py", "credit", fair_group="marital", fair_applicant=10)
    assert not marital.exception and "Why was applicant 10" in texts(marital)


def test_embedding_bias_shows_the_test_the_control_and_the_axis():
    at = open_section("pages/fairness.py", "embeddings")
    assert not at.exception and not errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Effect size d"].startswith("+1.") and metrics["p-value"] == "0.005"
    assert "Occupations on a he–she axis" in texts(at) and "unlikely to be chance" in texts(at)
    flip = open_section("pages/fairness.py", "embeddings", weat_test="math_arts", weat_method="words")
    assert not flip.exception and any("disagree" in i.value for i in flip.info)


def test_custom_word_sets_bad_and_good():
    at = open_section("pages/fairness.py", "embeddings", weat_test="custom")
    assert not at.exception and not errors(at) and len(at.text_area) == 4   # starts from WEAT 6's lists
    at.text_area(key="weat_x").set_value("doctor").run()
    assert not at.exception and any("2 to 50 different words" in e for e in errors(at))
    at.text_area(key="weat_x").set_value("<b>doctor</b>, [engineer](javascript:alert(1)), pilot").run()
    assert not at.exception and not errors(at)
    assert "<b>doctor</b>" not in str([m.value for m in at.markdown])   # user words never become HTML


def test_resume_experiment_section():
    at = open_section("pages/fairness.py", "resumes", cv_by="city")
    assert not at.exception and not errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["white-sounding names"] == "9.7%" and metrics["African-American-sounding names"] == "6.5%"
    assert "A screening model trained on these callbacks" in texts(at) and "1.50 times" in texts(at)
