"""The app warms its light demos behind its first page (domains/core/warm.py): each runs its example once in this
process, one at a time, on a thread of lower OS priority; heavy (worker) demos are left to their workers."""
from __future__ import annotations

import os
import threading

import pytest

import domains
from domains.core import warm
from domains.core.loader import LOADER
from waits import until


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setenv("GALLERY_WARM", "1")
    monkeypatch.setattr(warm, "_STATE", {})
    yield
    until(lambda: not warm.running(), "the warming thread to end", 300)


def test_light_demos_are_warmed_one_by_one_on_a_lower_priority_thread(fresh, monkeypatch):
    chosen = [domains.get("vision.classify"), domains.get("concepts.backprop")]
    monkeypatch.setattr(warm, "light_demos", lambda: chosen)
    LOADER.unload("efficientnet-lite0")
    from domains.core import registry
    seen, real = [], registry.local_run

    def spy(demo, *a, **k):  # each run: on which thread, at what OS priority
        seen.append((demo.id, threading.current_thread().name,
                     os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return real(demo, *a, **k)
    monkeypatch.setattr(registry, "local_run", spy)
    monkeypatch.setattr(LOADER, "budget_mb", LOADER.used_mb() + 10_000)  # room for both, whatever this session loaded
    assert warm.start() and warm.start()  # once per process: the second call starts nothing new
    until(lambda: not warm.running(), "warming to finish", 300)
    s = warm.state()
    assert (s["done"], s["of"], s["failed"], s["skipped"]) == (2, 2, [], []) and s["finished"] >= s["started"]
    assert LOADER.is_loaded(domains.get("vision.classify").default_model)  # the room's first click finds it ready
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert seen == [(d.id, "warm-demos", min(19, server + warm.NICE)) for d in chosen], seen


def test_heavy_demos_are_not_warmed_here_and_off_means_off(monkeypatch):
    ids = {d.id for d in warm.light_demos()}
    assert "vision.classify" in ids and not ids & {d.id for d in domains.demos() if d.worker}
    assert all(not domains.get(i).online_only for i in ids)
    monkeypatch.setenv("GALLERY_WARM", "0")
    monkeypatch.setattr(warm, "_STATE", {})
    assert warm.start() is False and warm.state() is None and not warm.running()


def test_warming_leaves_the_budget_to_visitors(fresh, monkeypatch):
    """A demo whose model would take the loader past 80 % of its budget is skipped, and counted as done."""
    chosen = [domains.get("concepts.backprop"), domains.get("vision.classify")]
    monkeypatch.setattr(warm, "light_demos", lambda: chosen)
    LOADER.unload("efficientnet-lite0")
    # 80 % of the budget leaves 20 MB over what is loaded: room for backprop's 1 MB, not for EfficientNet's 40
    monkeypatch.setattr(LOADER, "budget_mb", (LOADER.used_mb() + 20) / 0.8)
    assert warm.start()
    until(lambda: not warm.running(), "warming to finish", 300)
    s = warm.state()
    assert (s["done"], s["skipped"], s["failed"]) == (2, ["vision.classify"], [])
    assert not LOADER.is_loaded(domains.get("vision.classify").default_model)
