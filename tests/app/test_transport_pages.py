"""City and transport under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_ridership_section_shows_the_day_the_models_and_who_wins():
    at = open_section("pages/transport.py", "ridership")
    assert not at.exception and not errors(at)
    assert "### 2015-06-10 (Wednesday): 22.5 thousand riders entered" in texts(at)
    assert [m.label for m in at.metric][:2] == ["gradient boosting", "network (trained here)"]
    assert "the baseline wins" in texts(at)
    what_if = open_section("pages/transport.py", "ridership", tr_whatif_holiday=True)
    assert not what_if.exception and "what if: a public holiday" in texts(what_if)
    assert any((m.delta or "").endswith("from the what-if") for m in what_if.metric)
