"""Work under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_exposure_section_shows_the_label_the_occupation_and_the_groups():
    at = open_section("pages/work.py", "exposure")
    assert not at.exception and not errors(at)
    assert "Text similarity, not a forecast of job loss." in at.info[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rank"] == "5 of 818" and metrics["Employed in the US (May 2025)"] == "2,595,750"
    assert "By occupation group" in texts(at) and "Highest scores" in texts(at)


def test_own_description_good_and_bad():
    at = open_section("pages/work.py", "exposure", work_group="27",
                      work_description="I translate contracts and letters between Spanish and English.")
    assert not at.exception and not errors(at) and "Your description" in texts(at)
    at.text_area(key="work_description").set_value("<b>hi</b>").run()
    assert not at.exception and any("at least five words" in e for e in errors(at))


def test_sectors_section_and_its_guards():
    at = open_section("pages/work.py", "sectors")
    assert not at.exception and not errors(at)
    assert "Dotted: where the trend of the 20 years before 1990 pointed for 2019." in texts(at)
    none = open_section("pages/work.py", "sectors", work_sectors=[])
    assert not none.exception and "Pick at least one sector." in none.info[0].value
