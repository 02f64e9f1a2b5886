"""The README's screenshots, in English and Chinese, from a real browser: `./gallery.sh screenshots`.

Not part of the test run (the walk in test_e2e.py screenshots every section into artifacts/ already): pytest
collects this file only when it is named on the command line. Each picture is taken at 1400x1000 after the page
shows its result, into docs/screenshots/<name>.png and docs/screenshots/zh-<name>.png, and the page must read in
its language (a Chinese page shows Chinese in its heading)."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from test_e2e import ARTIFACTS, browser, idle, page, seen, server, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# (file name, page and section, what the page shows once its result is in)
README = [("home", "", "[data-testid=stMain] h1"),
          ("vision", "vision?demo=classify", ".st-key-classify_result h3"),
          ("vision-ocr", "vision?demo=ocr", ".st-key-ocr_result"),
          ("medical-tabular", "medical?demo=tabular", "[data-testid=stMain] h3"),
          ("translation-compare", "translation?demo=compare", ".st-key-compare_result"),
          ("language-ner", "language?demo=ner", ".st-key-ner_result"),
          ("speech-vad", "speech?demo=vad", ".st-key-vad_result"),
          ("recommendation-recommend", "recommendation?demo=recommend", ".st-key-recommend_result"),
          ("finance-forecast", "finance?demo=forecast", ".st-key-forecast_result"),
          ("concepts-cnn", "concepts?demo=cnn", ".st-key-cnn_result"),
          ("manufacturing-concrete", "manufacturing?demo=concrete", ".st-key-concrete_result"),
          ("logistics-delivery", "logistics?demo=delivery", ".st-key-delivery_result"),
          ("fairness-credit", "fairness?demo=credit", ".st-key-credit_result"),
          ("energy-unusual", "energy?demo=unusual", ".st-key-unusual_result")]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name,query,selector", README, ids=[r[0] for r in README])
def test_readme_screenshot(server, page, name, query, selector, lang):
    sep = "&" if "?" in query else "?"
    page.goto(f"{server}/{query}{sep}lang={lang}")
    seen(page.locator(selector), f"{query} in {lang}")
    idle(page)
    heading = page.locator("[data-testid=stMain] h1").first.inner_text()
    assert bool(CJK.search(heading)) == (lang == "zh"), f"{query}: heading {heading!r} is not in {lang}"
    time.sleep(1.0)
    file = f"{name}.png" if lang == "en" else f"zh-{name}.png"
    shot(page, "readme-" + file)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ARTIFACTS / ("readme-" + file), DOCS / file)
