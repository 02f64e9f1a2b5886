"""Recommendation and Finance: models trained here on bundled data, their held-out metrics beside
baselines, caching, and the bad inputs of issue 6."""
from __future__ import annotations

import json

import pytest

import domains
from domains import finance, recommendation
from domains.core.errors import InputError, ModelUnavailable
from domains.core.loader import LOADER
from test_registry_cli import cli


# ---------------------------------------------------------------- recommendation
def test_model_beats_popularity_on_held_out_ratings():
    r = domains.run("recommendation.recommend")
    m, b = r.metrics["model"], r.metrics["baseline"]
    assert m["users"] > 600 and r.metrics["test_ratings"] > 10_000
    assert m["ndcg@10"] > b["ndcg@10"] and m["precision@10"] > b["precision@10"]  # measured 0.075 vs 0.068


def test_cold_start_is_popularity_with_a_note():
    r = domains.run("recommendation.recommend", ratings="{}")
    assert r.cold_start and r.items[0].title == "Forrest Gump (1994)" and "No ratings" in r.notes[-1]


def test_ratings_personalise_with_reasons():
    r = domains.run("recommendation.recommend", ratings={"Toy Story (1995)": 5, "Finding Nemo (2003)": 4.5})
    assert not r.cold_start and len(r.items) == 10
    assert all(i.title not in ("Toy Story (1995)", "Finding Nemo (2003)") for i in r.items)
    assert all(i.reason.startswith("because you liked") for i in r.items)
    kids = sum("Animation" in i.genres or "Children" in i.genres for i in r.items)
    pop = domains.run("recommendation.recommend", ratings="{}")
    assert kids > sum("Animation" in i.genres or "Children" in i.genres for i in pop.items)


@pytest.mark.parametrize("ratings,message", [
    ({"Toy Stroy (1995)": 5}, "Did you mean: Toy Story \\(1995\\)"), ({"Toy Story (1995)": 7}, "0.5 to 5"),
    ({"Toy Story (1995)": 0}, "0.5 to 5"), ({"Toy Story (1995)": "great"}, "must be a number"),
    ("[1, 2]", "JSON object"), ("{oops", "JSON object"),
])
def test_bad_ratings(ratings, message):
    with pytest.raises(InputError, match=message):
        domains.run("recommendation.recommend", ratings=ratings)


def test_training_is_cached_and_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("GALLERY_CACHE_DIR", str(tmp_path))
    LOADER.unload("movielens-bpr")
    first = domains.run("recommendation.recommend", ratings={"Alien (1979)": 5})
    assert any("Trained on first use" in n for n in first.notes)
    LOADER.unload("movielens-bpr")
    again = domains.run("recommendation.recommend", ratings={"Alien (1979)": 5})
    assert not any("Trained on first use" in n for n in again.notes)
    assert [i.title for i in again.items] == [i.title for i in first.items]
    LOADER.unload("movielens-bpr")


def test_more_like_this_and_the_map():
    r = domains.run("recommendation.similar", "Toy Story (1995)")
    assert r.items and all(i.title != "Toy Story (1995)" for i in r.items)
    assert any("Toy Story" in i.title or "Animation" in i.genres for i in r.items[:3])
    df = recommendation.item_map(top=200)
    assert len(df) == 200 and df.genre.nunique() > 5


def test_cli_recommend_contract():
    out = cli("run", "recommendation.recommend", "--param", 'ratings={"Toy Story (1995)": 5}', "--json")
    items = json.loads(out.stdout)["items"]
    assert len(items) == 10 and {"title", "score", "reason"} <= set(items[0])


# ---------------------------------------------------------------- finance: forecast
def test_forecast_walk_forward_against_baselines():
    r = domains.run("finance.forecast", series="sp500", horizon=5)
    sm = r.walk_forward["summary"]
    assert set(sm) == {"lstm", "naive", "moving_average", "drift"}
    assert [f["year"] for f in r.walk_forward["folds"]] == [2014, 2015, 2016, 2017, 2018]
    assert 0.3 < sm["lstm"]["mae_pct"] < 1.5 and 0.4 < sm["lstm"]["direction"] < 0.65
    assert len(r.forecast) == 5 and r.last_date == "2018-12-07" and "not investment" in r.disclaimer
    assert ("tie" in r.verdict) == (abs(sm["naive"]["mae_pct"] - sm["lstm"]["mae_pct"]) / sm["naive"]["mae_pct"] < 0.02)


def test_moving_average_forecast_is_flat_and_drift_is_drawn():
    r = domains.run("finance.forecast", series="sp500", horizon=60)
    assert len({row["moving_average"] for row in r.forecast}) == 1  # a moving average of prices is a flat line
    assert r.forecast[0]["drift"] != r.forecast[-1]["drift"] and all("drift" in row for row in r.forecast)
    assert abs(r.forecast[-1]["moving_average"] / r.last_close - 1) < 0.1


@pytest.mark.parametrize("horizon", [0, 10_000, "soon"])
def test_forecast_bad_horizon(horizon):
    with pytest.raises(InputError, match="horizon"):
        domains.run("finance.forecast", horizon=horizon)


def test_forecast_djia_and_cli():
    out = cli("run", "finance.forecast", "--param", "series=djia", "--param", "horizon=3", "--json")
    data = json.loads(out.stdout)
    assert data["series"] == "djia" and len(data["forecast"]) == 3 and data["last_date"].startswith("2023")


# ---------------------------------------------------------------- finance: credit
def test_credit_metrics_calibration_and_groups():
    r = domains.run("finance.credit", applicant={"Age": 30, "Income": 100, "Amount": 1500})
    m = r.metrics
    assert 0.75 < m["network"]["roc_auc"] < 0.95 and 0.75 < m["baseline"]["roc_auc"] < 0.95
    assert len(m["network"]["calibration"]["predicted"]) >= 5
    assert {"under 30", "60 and over"} <= {g["group"] for g in r.groups}
    assert set(r.filled) == set(finance.NUMERIC + finance.CATEGORICAL) - {"Age", "Income", "Amount"}
    assert r.attributions[0].feature in ("Amount", "Income", "Age")


def test_credit_edits_move_the_estimate():
    safe = domains.run("finance.credit", applicant={"Income": 300, "Amount": 500, "Records": "no", "Job": "fixed"})
    risky = domains.run("finance.credit", applicant={"Income": 50, "Amount": 4000, "Records": "yes", "Job": "partime"})
    assert risky.probability_default > safe.probability_default + 0.3
    assert safe.decision == "approve" and risky.decision == "refer to a person"


@pytest.mark.parametrize("applicant,message", [
    ({"Age": 5}, "Age = 5 is outside"), ({"Age": "old"}, "must be a number"), ({"Income": -10}, "outside"),
    ({"Amount": 1e9}, "outside"), ({"Job": "astronaut"}, "Job must be one of"), ({"Salary": 3}, "Unknown field"),
    ("{nope", "JSON object"),
])
def test_credit_bad_applicants(applicant, message):
    with pytest.raises(InputError, match=message):
        domains.run("finance.credit", applicant=applicant)


def test_cli_credit_contract():
    out = cli("run", "finance.credit", "--param", 'applicant={"Age": 40, "Income": 150}', "--json")
    assert 0 < json.loads(out.stdout)["probability_default"] < 1


# ---------------------------------------------------------------- finance: headlines
def test_headline_sentiment_by_similarity_is_measured():
    r = domains.run("finance.headline", "Company layoffs deepen as sales collapse")
    assert r.label == "negative" and r.evaluation.data.startswith("30 headlines")
    assert r.evaluation.model > r.evaluation.baselines["majority class"] and r.evaluation.verdict == "model"
    assert domains.run("finance.headline", "Profits soar as the company wins new orders").label == "positive"


def test_finbert_offline_points_to_the_offline_demo():
    with pytest.raises(ModelUnavailable) as e:
        domains.run("finance.finbert", "Profits soar")
    assert "try Headline sentiment instead" in e.value.hint and "finance." not in e.value.hint  # no internal id
    assert e.value.instead == "finance.headline"  # the id, for the CLI and the API
