"""Stages of work with an estimate: how long each stage (loading a model, a model call, training) took the
last times on this machine, kept on disk beside the trained models, so a progress message can say what is
happening and about how long it will take ("Loading Whisper tiny · about 12 s").

`with stage(progress, key, message):` announces the stage (with its estimate once one exists) and records
how long it took. Estimates are a running mean of the last runs, so a busy machine moves them gradually.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .paths import cache_root

Progress = Callable[[float | None, str], None]
SHOW_FROM_S = 1.0   # estimates under a second are not worth reading
_lock = threading.Lock()
_cache: dict[str, float] | None = None


def _path() -> Path:
    return cache_root() / "timings.json"


def _load() -> dict[str, float]:
    global _cache
    if _cache is None:
        try:
            _cache = {k: float(v) for k, v in json.loads(_path().read_text()).items()}
        except (OSError, ValueError, AttributeError):
            _cache = {}
    return _cache


def estimate(key: str) -> float | None:
    """Seconds the stage took recently on this machine, or None if it never ran here."""
    with _lock:
        return _load().get(key)


def remember(key: str, seconds: float) -> None:
    """Fold one measured duration into the stage's estimate; write the estimates to disk (best effort) only when
    one that matters moved: most stages are model calls of milliseconds, and a file write per call is not free."""
    with _lock:
        times = _load()
        old = times.get(key)
        new = times[key] = round(seconds if old is None else 0.5 * old + 0.5 * seconds, 2)
        if max(new, old or 0.0) < SHOW_FROM_S / 2 or (old is not None and abs(new - old) <= 0.1 * old):
            return  # too short to ever be shown, or no real change: kept in memory only
        try:
            path = _path()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".timings-")
            with os.fdopen(fd, "w") as f:
                json.dump(times, f, indent=0, sort_keys=True)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs the estimate


def forget() -> None:
    """Drop the in-memory copy (tests point the cache elsewhere)."""
    global _cache
    with _lock:
        _cache = None


def duration(seconds: float) -> str:
    """'about 8 s', 'about 1 min 20 s'."""
    from .i18n import _
    s = max(1, round(seconds))
    if s < 60:
        return _("about {s} s").format(s=s)
    if s % 60:
        return _("about {m} min {s} s").format(m=s // 60, s=s % 60)
    return _("about {m} min").format(m=s // 60)


def announce(message: str, key: str) -> str:
    """The message with the stage's estimate, when one exists and is worth reading."""
    est = estimate(key)
    return f"{message} · {duration(est)}" if est is not None and est >= SHOW_FROM_S else message


@contextmanager
def stage(progress: Progress | None, key: str, message: str, fraction: float | None = None) -> Iterator[None]:
    """Announce a stage of work (with its estimate) and, when it finishes, record how long it took."""
    if progress:
        progress(fraction, announce(message, key))
    t0 = time.perf_counter()
    yield
    remember(key, time.perf_counter() - t0)
