"""Browser tests: when one fails, what the page showed is kept (a full-page screenshot and its text in
artifacts/failed-<test>.png/.txt, the text's end in the report), so a wait that ran out says what was there
instead of only what was awaited."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call" and rep.failed:
        for name in ("page", "pa", "pb"):
            pg = item.funcargs.get(name) if hasattr(item, "funcargs") else None
            if pg is None or not hasattr(pg, "screenshot"):
                continue
            stem = "failed-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)[:120]
            try:
                ARTIFACTS.mkdir(exist_ok=True)
                pg.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True, timeout=15_000)
                text = pg.locator("body").inner_text(timeout=15_000)
                (ARTIFACTS / f"{stem}.txt").write_text(text)
                rep.sections.append(("what the page showed", f"{pg.url}\n...{text[-1500:]}\n(artifacts/{stem}.png)"))
            except Exception as e:  # the page itself may be gone: the failure stands as it is
                rep.sections.append(("what the page showed", f"not captured: {type(e).__name__}: {e}"))
    return rep
