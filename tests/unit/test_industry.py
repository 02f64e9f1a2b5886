"""Manufacturing and Energy: the measured figures (seeded) within a tolerance, the verdicts the pages state,
and the refusals of input the models cannot read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import domains
from domains.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- NIR spectra
@pytest.fixture(scope="module")
def nir():
    return domains.run("manufacturing.spectra", sample=0)


def test_spectrum_cnn_beats_pls_and_ties_the_plain_network(nir):
    r = nir.rmse
    assert r["cnn"] == pytest.approx(0.46, abs=0.08)          # measured 0.454 (three seeds averaged)
    assert r["pls"] == pytest.approx(2.2, abs=0.1)            # the chemometrics standard
    assert r["ridge"] == pytest.approx(2.08, abs=0.1)
    assert r["kernel_ridge"] == pytest.approx(0.67, abs=0.1)
    assert r["mlp"] == pytest.approx(0.47, abs=0.1)
    assert r["pls"] > 4 * r["cnn"]
    assert nir.evaluation.verdict == "tie" and nir.evaluation.best_baseline[0] == "plain network (MLP)"


def test_spectrum_of_a_held_out_sample_with_pass_fail_and_saliency(nir):
    assert nir.lab_value == pytest.approx(46.3, abs=0.1) and abs(nir.fat_percent - nir.lab_value) < 1
    assert nir.passed is False and nir.limit == 20
    assert len(nir.spectrum) == len(nir.saliency) == 100 and max(nir.saliency) == 1
    assert any(900 <= w <= 960 for w in nir.top_wavelengths)       # the C-H absorption region
    assert len(nir.parity["lab"]) == len(nir.parity["predicted"]) == 43
    near = domains.run("manufacturing.spectra", sample=0, limit=nir.fat_percent + 0.1)
    assert near.passed and near.near_limit


def test_a_users_csv_spectrum_is_read_and_bad_ones_refused(nir):
    csv = "\n".join(f"{v}" for v in nir.spectrum)
    own = domains.run("manufacturing.spectra", csv)
    assert own.lab_value is None and own.fat_percent == pytest.approx(nir.fat_percent, abs=0.01)
    for bad, match in [(",".join(["3.1"] * 99), "100 absorbances"), ("a,b,c", "numbers only"),
                       (",".join(["nan"] * 100), "missing or infinite"), (",".join(["50"] * 100), "far outside"),
                       (b"\xff\xfe\x00", "not text")]:
        with pytest.raises(InputError, match=match):
            domains.run("manufacturing.spectra", bad)


# ---------------------------------------------------------------- concrete
@pytest.fixture(scope="module")
def mix():
    return domains.run("manufacturing.concrete", mix={"cement": 350, "water": 180}, age=28)


def test_concrete_boosting_wins_on_new_recipes_and_the_page_says_so(mix):
    s = mix.scores
    assert s["boosting"]["r2"] == pytest.approx(0.879, abs=0.01)
    assert s["ensemble"]["r2"] == pytest.approx(0.87, abs=0.02)
    assert s["linear"]["r2"] == pytest.approx(0.749, abs=0.01)
    assert mix.evaluation.verdict == "baseline" and "grouped by recipe" in mix.evaluation.split


def test_concrete_curve_rises_smoothly_with_age(mix):
    c = mix.curve
    assert c["ages"][0] == 1 and c["ages"][-1] == 365
    ens = c["ensemble"]
    assert all(b > a for a, b in zip(ens[:6], ens[1:7]))          # gains strength up to 90 days
    assert ens[0] < 0.5 * ens[c["ages"].index(28)]                 # a day-old concrete is far weaker
    assert c["boosting"][0] == c["boosting"][1]                    # boosting's steps: 1 and 3 days alike
    assert mix.strength == ens[c["ages"].index(28)] and 20 < mix.strength < 60


@pytest.mark.parametrize("params,match", [({"mix": {"cement": 900}}, "outside the tested range"),
                                          ({"mix": {"sand": 10}}, "Unknown component"),
                                          ({"mix": {"water": "lots"}}, "must be a number"),
                                          ({"mix": "{not json"}, "JSON object"),
                                          ({"age": 400}, "age"), ({"age": "nan"}, "age"),
                                          ({"target": float("nan")}, "finite")])
def test_concrete_refuses_mixes_outside_what_was_tested(params, match):
    with pytest.raises(InputError, match=match):
        domains.run("manufacturing.concrete", **params)


# ---------------------------------------------------------------- demand forecast
@pytest.fixture(scope="module")
def demand():
    return domains.run("energy.forecast", day="2014-12-01")


def test_quantile_network_beats_the_baselines_and_the_band_is_calibrated(demand):
    mae = demand.mae
    assert mae["network"] == pytest.approx(0.18, abs=0.015)       # measured 0.180 GW
    assert mae["boosting"] == pytest.approx(0.194, abs=0.01)
    assert mae["ridge"] == pytest.approx(0.219, abs=0.01)
    assert mae["last_week"] == pytest.approx(0.315, abs=0.005)     # deterministic
    assert demand.evaluation.verdict == "model"
    assert demand.coverage["raw"] < 0.72 < demand.coverage["calibrated"] < 0.86   # raw bands under-cover
    assert demand.band_width["calibrated"] > demand.band_width["raw"]


def test_one_day_forecast_has_48_half_hours_inside_a_band(demand):
    f = demand.forecasts
    assert len(demand.times) == len(demand.actual) == len(f["network"]) == 48 and demand.times[0] == "00:00"
    assert all(lo <= m <= hi for lo, m, hi in zip(f["network_low"], f["network"], f["network_high"]))
    assert demand.day_mae["network"] is not None


def test_a_temperature_what_if_moves_the_forecast_and_flags_the_unknown():
    base = domains.run("energy.forecast", day="2014-12-15")
    hot = domains.run("energy.forecast", day="2014-12-15", temperature_shift=10)
    assert sum(hot.forecasts["network"]) != sum(base.forecasts["network"])
    assert hot.day_mae["network"] is None                          # no actual demand for a day that never was
    with pytest.raises(InputError, match="test day"):
        domains.run("energy.forecast", day="2014-07-15")
    with pytest.raises(InputError, match="date"):
        domains.run("energy.forecast", day="yesterday")
    heatwave = domains.run("energy.forecast", day="2014-11-08", temperature_shift=10)   # 34.6 °C + 10: hotter than
    assert any("outside the" in w for w in heatwave.warnings)                            # any fitted day (43.2 °C)
    mild = domains.run("energy.forecast", day="2014-11-08", temperature_shift=5)
    assert not mild.warnings


# ---------------------------------------------------------------- unusual days
def test_pca_finds_the_holidays_better_than_the_autoencoder():
    r = domains.run("energy.unusual_days", method="pca", top=10)
    assert r.auc["pca"] == pytest.approx(0.995, abs=0.005)
    assert 0.6 < r.auc["autoencoder"] < r.auc["pca"]
    assert r.evaluation.verdict == "baseline"
    assert sum(f["holiday"] for f in r.flagged) == r.holidays_in_top10["pca"] >= 7
    assert len(r.calendar["date"]) == 365 and sum(r.calendar["flagged"]) == 10
    ae = domains.run("energy.unusual_days", method="autoencoder", top=5)
    assert len(ae.flagged) == 5 and ae.flagged != r.flagged[:5]
    with pytest.raises(InputError):
        domains.run("energy.unusual_days", method="isolation_forest")


def test_cli_runs_and_refuses_with_one_line():
    out = subprocess.run([sys.executable, "-m", "domains", "run", "manufacturing.concrete", "--param", "age=7",
                          "--json"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["age"] == 7
    for args in (["manufacturing.spectra", "1,2,3"], ["manufacturing.concrete", "--param", "target=nan"],
                 ["energy.forecast", "--param", "day=2014-02-30"]):
        bad = subprocess.run([sys.executable, "-m", "domains", "run", *args], capture_output=True, text=True,
                             timeout=300, cwd=ROOT)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, (args, bad.stderr)
