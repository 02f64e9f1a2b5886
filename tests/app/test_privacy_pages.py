"""Privacy under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_pii_section_shows_finds_side_by_side_and_the_measured_misses():
    at = open_section("pages/privacy.py", "pii")
    assert not at.exception and not errors(at)
    assert "Shared instead" in texts(at) and "How much does it catch? 30 labelled sentences" in texts(at)
    assert "<PERSON>" in at.code[0].value and "maria.garcia@example.com" not in at.code[0].value
    # the first example shows the model at its best: nothing personal left, nothing tagged as what it is not
    assert "London" not in at.code[0].value and "DATE_TIME" not in at.code[0].value
    at.text_area(key="pii_text").set_value("").run()
    assert not at.exception and "Paste English text" in at.info[0].value
    html = open_section("pages/privacy.py", "pii", pii_text="<b>Alice Johnson</b> <img src=x onerror=alert(1)>")
    assert not html.exception and "<img src=x onerror=alert(1)>" in html.code[0].value


def test_faces_section_hides_the_face_and_says_what_survives():
    at = open_section("pages/privacy.py", "faces")
    assert not at.exception and not errors(at)
    assert [m.value for m in at.metric][:2] == ["1", "0"]
    assert "name on her uniform" in texts(at)


def test_dp_section_compares_the_three_trainings():
    at = open_section("pages/privacy.py", "dp")
    assert not at.exception and not errors(at)
    assert [m.label for m in at.metric].count("attack AUC") == 3 and "the model wins" in texts(at)
    small = open_section("pages/privacy.py", "dp", dp_eps=0.5)
    assert any("noise drowns the signal" in w.value for w in small.warning)
