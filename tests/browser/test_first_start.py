"""The first start (issue 33): `./gallery.sh app` with an empty cache (the install reused) answers its health check
and renders the home page in Chromium within 60 s, while what the gallery builds on first use is prepared behind it;
stopping the app (Ctrl-C) stops that too: nothing it started is left running."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from skips import need
from waits import until

from test_e2e import ARGS, CHROMIUM, ROOT, free_port

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("servers")]
BUDGET_S = 60


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def _session(sid: int) -> list[str]:
    """The processes still alive in the app's session: (pid, command) lines."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "-s", str(sid)], capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def test_a_fresh_start_serves_the_home_page_within_a_minute_and_stops_whole(tmp_path):
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GALLERY_CACHE_DIR": str(tmp_path / "cache"), "GALLERY_OPERATOR_TOKEN": "first-start"}
    env.pop("GALLERY_WORKERS")  # the app as it runs anywhere: with its worker process for the heavy demos
    log = open(tmp_path / "app.log", "w")
    proc = subprocess.Popen(["./gallery.sh", "app", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    started = time.monotonic()
    try:
        until(lambda: _healthy(url) or proc.poll() is not None, "the app's health check", BUDGET_S)
        assert proc.poll() is None, (tmp_path / "app.log").read_text()[-2000:]
        left_ms = max(1.0, BUDGET_S - (time.monotonic() - started)) * 1000
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(url, timeout=left_ms)
            page.get_by_text("Image classification").first.wait_for(timeout=left_ms)  # the home page's cards
            bar = page.get_by_text("Preparing the demos behind the app:")
            # the preparation writes where it is once its imports are done: the page shows it then (redrawn every
            # 5 s; a reload stands for a visitor who arrives a little later)
            from playwright.sync_api import TimeoutError as PlaywrightTimeout
            for _ in range(9):
                try:
                    bar.first.wait_for(timeout=10_000)
                    break
                except PlaywrightTimeout:
                    page.reload()
            else:
                pytest.fail("waited 90 s for the preparation's progress on the home page", pytrace=False)
            browser.close()
        text = (tmp_path / "app.log").read_text()
        assert "behind the app" in text, text[-2000:]  # the preparation runs while the app serves
        until(lambda: any("domains check" in line for line in _session(proc.pid)), "the preparation behind the app")
        until(lambda: any("domains.serving.workers" in line for line in _session(proc.pid)), "the app's worker")
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole foreground group
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        log.close()
    until(lambda: not _session(proc.pid), f"every process of the app to stop: {_session(proc.pid)}", 30)
