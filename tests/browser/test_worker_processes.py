"""The app with its worker processes (issue 33), in Chromium: a heavy demo runs in a worker, which is killed
mid-call; the page says what happened and its "Try again" works (a new worker answers); the operator's panel lists
the worker; when the app stops, no worker is left running."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from skips import need
from waits import until

from test_e2e import ARGS, CHROMIUM, seen, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("servers")]
TOKEN = "workers-test"


def _workers() -> list[int]:
    """Pids of the gallery's worker processes on this machine (-ww: whole command lines; with COLUMNS=80 in the
    environment ps cut them at 80 characters and a long checkout path hid every worker: the red CI of 07022b0)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "domains.serving.workers import serve" in line]


def test_a_worker_killed_mid_call_is_told_and_retried_and_none_outlives_the_app():
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from domains.driving.pedestrians import VIDEO
    need(VIDEO.is_file(), "the street video (apt-get install opencv-doc)")
    from playwright.sync_api import sync_playwright
    before = set(_workers())  # another suite's app on this machine keeps its own
    with streamlit_server({"GALLERY_WORKERS": "1", "GALLERY_OPERATOR_TOKEN": TOKEN}) as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(90_000)
            page.goto(f"{url}/driving?demo=pedestrians&operator={TOKEN}")
            seen(page.get_by_text("Frame ", exact=False), "a frame's progress: the call runs in the worker")
            ours = set(_workers()) - before
            assert len(ours) == 1, ours
            pid, = ours
            os.kill(pid, signal.SIGKILL)
            seen(page.get_by_text("The worker process running this demo stopped before it answered"),
                 "the message for a worker lost mid-call")
            page.get_by_role("button", name="Try again").click()
            seen(page.locator(".st-key-pedestrians_result").get_by_text("people (a body found)"),
                 "the result, from a new worker")
            now = set(_workers()) - before
            assert len(now) == 1 and pid not in now, now
            sidebar = page.locator("[data-testid=stSidebar]")
            seen(sidebar.get_by_text(f"Worker {next(iter(now))}:"), "the worker in the operator's panel")
            seen(sidebar.get_by_text("1 worker stopped mid-call since the app started"), "the lost worker counted")
            browser.close()
    until(lambda: not (set(_workers()) - before), "every worker to stop with the app", 30)
