"""City and transport: Clark/Lake riders 14 days ahead, boosting wins; what-ifs move the forecast within range."""
from __future__ import annotations

import pytest

import domains
from domains.core.errors import InputError


@pytest.fixture(scope="module")
def june():
    return domains.run("transport.ridership", day="2015-06-10")


def test_boosting_beats_the_network_and_both_beat_the_naive_forecast(june):
    mae = june.mae
    assert mae["boosting"] == pytest.approx(0.648, abs=0.01)       # deterministic given the seed
    assert mae["network"] == pytest.approx(0.76, abs=0.06)          # measured 0.779 (three seeds averaged)
    assert mae["linear"] == pytest.approx(1.085, abs=0.01) and mae["naive"] == pytest.approx(1.415, abs=0.005)
    assert june.evaluation.verdict == "baseline"
    assert june.mae_weekend["network"] - june.mae_weekend["boosting"] > june.mae_weekday["network"] - \
        june.mae_weekday["boosting"]                                  # the gap is on the rare days


def test_a_day_is_forecast_by_every_model_with_its_neighbourhood(june):
    assert june.actual == pytest.approx(22.46, abs=0.01) and june.weekday == "Wednesday"
    assert all(abs(v - june.actual) < 3 for v in june.predictions.values())
    assert len(june.history["dates"]) == len(june.history["actual"]) == 57


def test_what_ifs_stay_in_range_and_a_holiday_empties_the_station(june):
    rain = domains.run("transport.ridership", day="2015-06-10", what_if="rain")
    assert rain.actual is None and abs(rain.change["boosting"]) < 0.5          # weather barely moves commuting
    holiday = domains.run("transport.ridership", day="2015-06-10", what_if="holiday")
    assert holiday.predictions["boosting"] < 0.5 * june.predictions["boosting"]
    both = domains.run("transport.ridership", day="2015-06-10", what_if=["holiday", "cold"])
    assert both.what_if == ["holiday", "cold"]


@pytest.mark.parametrize("params,match", [({"day": "2010-06-10"}, "test day"), ({"day": "soon"}, "date"),
                                          ({"what_if": "tornado"}, "Unknown what-if")])
def test_refusals(params, match):
    with pytest.raises(InputError, match=match):
        domains.run("transport.ridership", **params)
