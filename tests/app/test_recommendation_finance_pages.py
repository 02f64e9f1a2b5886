"""Recommendation and Finance pages under AppTest: real results from the models trained here, metrics
beside baselines, edits that move the outputs, and bad input as messages."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from test_pages import errors, evaluation_rows, open_section, texts, table


def rec(section: str, **state) -> AppTest:
    return open_section("pages/recommendation.py", section, **state)


def fin(section: str, **state) -> AppTest:
    return open_section("pages/finance.py", section, **state)



def test_recommend_default_ratings_metrics_beside_popularity():
    at = rec("recommend")
    assert not at.exception and not errors(at)
    assert "### 10 films for you" in texts(at) and "The model wins on NDCG@10" in texts(at)
    metrics = evaluation_rows(at)
    assert list(metrics.method) == ["matrix factorisation (trained here)", "most popular films (by number of ratings)"]


def test_recommend_cold_start_button():
    at = rec("recommend")
    next(b for b in at.button if b.key == "rec_clear").click().run()
    assert not at.exception and "### Most popular films" in texts(at) and "No ratings yet" in texts(at)


def test_recommend_bad_ratings_table_is_a_message():
    at = rec("recommend", rec_table=pd.DataFrame({"film": ["Toy Story (1995)"], "stars": [9.0]}))
    assert not at.exception and any("0.5 to 5" in e for e in errors(at))


def test_more_like_this_and_the_map():
    at = rec("similar")
    assert not at.exception and "### More like Toy Story (1995)" in texts(at)
    at.selectbox(key="sim_film").set_value("Alien (1979)").run()
    assert "### More like Alien (1979)" in texts(at)
    at = rec("map")
    assert not at.exception and not errors(at) and at.get("plotly_chart")


def test_forecast_verdict_baselines_and_horizon():
    at = fin("forecast")
    assert not at.exception and not errors(at)
    assert "Held-out years" in texts(at) + str([i.value for i in at.info])
    assert list(evaluation_rows(at).method) == ["LSTM (trained here)", "naive (no change)", "moving average", "drift"]
    assert "A tie on mean absolute daily error" in texts(at)  # the LSTM ties the naive forecast, and says so
    assert set(at.dataframe[0].value.method) == {"LSTM (trained here)", "naive (no change)", "moving average", "drift"}
    at.slider(key="fc_h").set_value(20).run()
    assert len(json.loads(at.json[0].value)["forecast"]) == 20
    assert any("not investment" in w.value for w in at.warning)


def test_credit_form_moves_the_estimate_and_shows_fairness():
    at = fin("credit")
    assert not at.exception and not errors(at)
    before = json.loads(at.json[0].value)["probability_default"]
    at.number_input(key="cr_income").set_value(40).run()
    at.number_input(key="cr_amount").set_value(4000).run()
    at.radio(key="cr_rec").set_value("yes").run()
    after = json.loads(at.json[0].value)["probability_default"]
    assert after > before + 0.2
    groups = table(at, -1)
    assert "under 30" in groups.group.tolist() and "approved (network)" in groups.columns


def test_headline_sentiment_and_finbert_offline():
    at = fin("headline")
    assert not at.exception and not errors(at) and "### positive" in texts(at)
    next(b for b in at.button if b.label == "Layoffs").click().run()
    assert "### negative" in texts(at)
    assert not [b for b in at.button if b.key == "hl_finbert"]  # offline: no button that can only fail
    assert "no hub is reachable from this computer" in texts(at) and not errors(at)
    assert not [b for b in at.button if (b.key or "").startswith("goto_")]  # and no pointer to its own section


@pytest.mark.parametrize("text,message", [("   ", None), ("x" * 2000, "limit is 1,000")])
def test_headline_bad_text(text, message):
    at = fin("headline")
    at.text_area(key="hl_text").input(text).run()
    assert not at.exception
    if message:
        assert any(message in e for e in errors(at))
    else:
        assert not at.get("plotly_chart") and not errors(at)


@pytest.mark.parametrize("stars,message", [("7", "is 7; ratings go from 0.5 to 5"), ("-1", "is -1; ratings go"),
                                           ("0", "is 0; ratings go"), ("abc", "must be a number, got 'abc'")])
def test_recommend_typed_stars_reach_the_guard_not_silently_clamped(stars, message):
    at = rec("recommend", rec_table=pd.DataFrame({"film": ["Toy Story (1995)"], "stars": [stars]}))
    assert not at.exception and any(message in e for e in errors(at)), errors(at)


def test_credit_out_of_range_input_is_a_message_not_a_stale_estimate():
    at = fin("credit")
    before = at.session_state["_session_runs"][-1].result.probability_default
    at.number_input(key="cr_age").set_value(150).run()
    assert not at.exception and any("Age = 150 is outside what is plausible here (18 to 100)" in e for e in errors(at))
    assert not [m for m in at.markdown if "P(default)" in m.value]  # no estimate left standing for the old age
    assert before > 0


def test_credit_huge_amount_is_refused_in_the_pages_language():
    """A loan of 1e12 reaches the model's guard as 1e12 (the box is a float box: an integer box read it as 1) and
    is refused, the field named in Chinese on a Chinese page."""
    at = fin("credit")
    at.number_input(key="cr_amount").set_value(1e12).run()
    assert not at.exception and any("Amount = 1e+12 is outside what is plausible" in e for e in errors(at))
    from test_i18n_pages import zh
    page = zh("pages/finance.py", "credit")
    page.number_input(key="cr_age").set_value(150).run()
    assert any(e.startswith("年龄 = 150") for e in errors(page)), errors(page)
