"""Manufacturing and Energy under AppTest: every section runs to its result, says who wins, and takes input."""
from __future__ import annotations

from test_pages import errors, open_section, texts, table


def test_quality_control_reads_a_sample_and_judges_it_against_the_limit():
    at = open_section("pages/manufacturing.py", "spectra")
    assert not at.exception and not errors(at)
    assert "### Fat 46.3\u00a0% (lab: 46.3\u00a0%) · FAIL against ≤ 20\u00a0%" in texts(at)  # "%" kept with its number
    assert "a tie" in texts(at) and "PLS regression (chemometrics standard)" in table(at, 0).to_string()
    ok = open_section("pages/manufacturing.py", "spectra", nir_sample=3, nir_limit=55.0)
    assert not ok.exception and "· PASS against ≤ 55\u00a0%" in texts(ok)


def test_quality_control_upload_waits_for_a_csv():
    at = open_section("pages/manufacturing.py", "spectra", nir_source="upload")
    assert not at.exception and any("Upload a CSV of 100 absorbance" in i.value for i in at.info)


def test_concrete_designer_answers_and_says_boosting_is_more_accurate():
    at = open_section("pages/manufacturing.py", "concrete")
    assert not at.exception and not errors(at)
    assert "MPa at 28 days" in texts(at) and "the baseline wins" in texts(at)
    rows = table(at, 0)
    assert list(rows["method"])[0] == "gradient boosting"
    at.slider(key="mix_cement").set_value(500).run()
    stronger = [m.value for m in at.markdown if "MPa at 28 days" in m.value][0]
    assert not at.exception and float(stronger.split()[1]) > 40


def test_an_out_of_range_target_is_refused_in_words_and_the_page_says_what_it_uses():
    at = open_section("pages/manufacturing.py", "concrete")
    at.number_input(key="mix_target").set_value(100000.0).run()
    assert not at.exception
    said = [w.value for w in at.warning if "is refused" in w.value]
    assert said == ["Target at 28 days (MPa): 100000 is refused (allowed: 5 to 100); the page uses 100."], said
    assert "100 MPa" in texts(at)  # the result is the one the page says it used
    at.number_input(key="mix_target").set_value(60.0).run()
    assert not [w for w in at.warning if "is refused" in w.value]


def test_demand_forecast_shows_the_band_coverage_and_the_observed_temperature_caveat():
    at = open_section("pages/energy.py", "forecast")
    assert not at.exception and not errors(at)
    assert "### 2014-12-01 (Mon): demand by half-hour" in texts(at)
    assert any("observed that day" in i.value for i in at.info)
    assert any(m.label.startswith("Band coverage") and m.value == "78%" for m in at.metric)
    hot = open_section("pages/energy.py", "forecast", el_shift=10.0)
    assert not hot.exception and "A what-if at +10 °C" in texts(hot)


def test_unusual_days_flags_the_holidays_and_names_pca_the_winner():
    at = open_section("pages/energy.py", "unusual")
    assert not at.exception and not errors(at)
    assert "### 8 of the 10 most unusual weekdays were public holidays" in texts(at)
    assert "the baseline wins" in texts(at)
    ae = open_section("pages/energy.py", "unusual", ud_method="autoencoder")
    assert not ae.exception and "### 2 of the 10" in texts(ae)
