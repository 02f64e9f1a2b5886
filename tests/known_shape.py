"""A demo of a known shape in a domain package of its own, one module and nothing else: what a newcomer writes. The
floor-plan test and the browser test drop it in a temporary folder (GALLERY_EXTRA_DOMAINS) and find it everywhere
the registry reaches: the CLI's list, the health check, README's table, the walk, the benchmark, and a page in
Chromium that no one wrote."""
from __future__ import annotations

from pathlib import Path

WEATHER = '''
from dataclasses import dataclass
from domains.core.evaluation import Evaluation
from domains.core.registry import Demo, Domain, ModelSpec, Param, register, register_domain
from domains.core.responsible import Card

register_domain(Domain(id="weather", title="Weather", icon=":material/sunny:", section="Everyday life",
                       blurb="Will it rain tomorrow?"))
RULE = ModelSpec(id="humidity-rule", name="Humidity rule", source="trained", adapter="none", license="MIT",
                 size_mb=0.001, ram_mb=0, offline=True, ref="a week of made-up readings")


@dataclass
class Tomorrow:
    prediction: str
    probability: float
    evaluation: Evaluation
    model: str
    latency_ms: float


def tomorrow(x=None, *, model=None, progress=None, humidity: float = 80.0) -> Tomorrow:
    p = min(1.0, max(0.0, (humidity - 40) / 60))
    ev = Evaluation.judge(data="a week of made-up readings", split="the same week", metric="accuracy",
                          higher_is_better=True, model=0.71, baselines={"always dry": 0.57}, tolerance=0.01)
    return Tomorrow("rain" if p >= 0.5 else "dry", round(p, 3), ev, RULE.id, 0.01)


register(Demo(id="weather.tomorrow", domain="weather", task="rain-tomorrow", title="Rain tomorrow?",
              summary="Humidity today in, rain or dry tomorrow out.", input_kind="none", fn=tomorrow, models=(RULE,),
              params=(Param("humidity", float, 80.0, "humidity today (%)", min=0, max=100),),
              label=":material/umbrella: Rain tomorrow", shows="rain", shape="prediction",
              responsible=Card("A made-up week.", "Any real place.", "Deciding anything about the weather.", "work")))
'''


def write_package(folder: Path) -> Path:
    """The `weather` domain package in `folder` (give `folder` to GALLERY_EXTRA_DOMAINS)."""
    (folder / "weather").mkdir(parents=True, exist_ok=True)
    (folder / "weather" / "__init__.py").write_text(WEATHER)
    return folder
