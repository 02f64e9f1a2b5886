"""Work: real OEWS employment and wages joined to O*NET descriptions, the illustrative exposure score (MiniLM text
similarity), and US employment by sector with a trend model against no change."""
from __future__ import annotations

import pytest

import domains
from domains.core.errors import InputError


@pytest.fixture(scope="module")
def csr():
    return domains.run("work.exposure", occupation="Customer Service Representatives")


def test_real_employment_data_joins_and_covers_most_jobs(csr):
    assert csr.coverage["occupations"] == 818 and 0.9 < csr.coverage["share"] < 0.97
    sel = csr.selected
    assert sel["soc"] == "43-4051" and sel["employment"] > 2_000_000 and 30_000 < sel["median_wage"] < 60_000
    assert max(sel["similarities"], key=sel["similarities"].get) == "answer customer questions and handle routine enquiries"
    assert len(csr.occupations) == 818 and len(csr.groups) == 22


def test_exposure_ranks_translators_and_office_work_high_and_manual_work_low(csr):
    by_title = {o["title"]: o for o in csr.occupations}
    assert by_title["Interpreters and Translators"]["closest"] == "translate text between languages"
    top = sorted(csr.occupations, key=lambda o: -o["score"])[:20]
    assert "Interpreters and Translators" in [o["title"] for o in top]
    assert by_title["Interpreters and Translators"]["score"] > by_title["Roofers"]["score"] + 0.1
    office = next(g for g in csr.groups if g["group"] == "43")
    assert office["score"] == max(g["score"] for g in csr.groups)   # the research note's finding, reproduced
    assert any("not a forecast" in n for n in csr.notes)


def test_own_description_is_scored_and_guarded():
    r = domains.run("work.exposure", description="I translate legal contracts and letters from Spanish into English.")
    assert r.own["nearest"][0]["title"] == "Interpreters and Translators" and r.own["percentile"] > 90
    assert r.warnings == []
    for bad in ("Too short here", "我在工厂里组装汽车零件，每天工作八个小时。", "x" * 3000):
        with pytest.raises(InputError):
            domains.run("work.exposure", description=bad)
    tale = domains.run("work.exposure", description="Once upon a time a princess lived in a castle by the sea.")
    assert tale.own["score"] > 0 and any("does not read much like a job description" in w for w in tale.warnings)


def test_occupation_lookup_by_code_title_and_part():
    occ, _t = domains.work.exposure.occupations()
    f = domains.work.exposure.find_occupation
    assert occ.title[f("15-1252", occ)] == "Software Developers" == occ.title[f("151252", occ)]
    assert occ.title[f("software developers", occ)] == "Software Developers"
    for bad in ("99-9999", "zzz", "Clerks"):
        with pytest.raises(InputError):
            f(bad, occ)
    with pytest.raises(InputError):
        domains.run("work.exposure", group="99")


def test_sectors_history_changes_and_trend_against_no_change():
    r = domains.run("work.sectors", sectors="Manufacturing, Retail Trade", start=1990, end=2019)
    m = next(c for c in r.changes if c["sector"] == "Manufacturing")
    assert m["start"] == pytest.approx(17649, abs=1) and -0.3 < m["change"] < -0.25   # BLS: -28 % since 1990
    assert m["vs_trend"] < -0.2                                                     # far below its earlier trend
    assert r.series["Manufacturing"][1943] > r.series["Manufacturing"][1940]        # the war economy, from 1940
    assert r.evaluation.baselines and r.evaluation.verdict in ("model", "tie", "baseline")
    for bad in (dict(sectors="Farming"), dict(start=2019, end=2000), dict(start=1941), dict(trend_years=3)):
        with pytest.raises(InputError):
            domains.run("work.sectors", **bad)
