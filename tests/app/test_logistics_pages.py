"""Logistics under AppTest."""
from __future__ import annotations

from test_pages import errors, open_section, texts, table


def test_delivery_section_promises_a_time_and_shows_the_calibration():
    at = open_section("pages/logistics.py", "delivery")
    assert not at.exception and not errors(at)
    assert "### Promise 37 minutes (by 18:37)" in texts(at) and "a tie" in texts(at)
    rows = table(at, 0)
    assert list(rows["window"]) == ["calibrated network (this page)", "network, raw", "gradient boosting, quantiles"]
    lunch = open_section("pages/logistics.py", "delivery", dl_hour=12.0)
    assert not lunch.exception and "(by 12:1" in texts(lunch)
    empty = open_section("pages/logistics.py", "delivery", dl_items=[])
    assert not empty.exception and any("at least one item" in i.value for i in empty.info)


def test_delays_section_shows_the_risk_and_that_the_models_tie():
    at = open_section("pages/logistics.py", "delays")
    assert not at.exception and not errors(at)
    assert "risk of leaving more than 15 minutes late" in texts(at) and "a tie" in texts(at)
    calm = open_section("pages/logistics.py", "delays", fd_cong=-10)
    assert not calm.exception
    risk = lambda a: int([m.value for m in a.markdown if m.value.startswith("###") and "risk of leaving" in m.value][0]
                         .split("%")[0].split()[-1])
    assert risk(calm) < risk(at)
