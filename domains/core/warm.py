"""The app warms itself: once per server, behind its first page, every light demo runs its bundled example once in
this process (models loaded, corpora embedded, baselines fitted), so that the room's first clicks find them ready
instead of each visitor waiting for a model loaded for somebody else. One background thread at a lower OS priority,
one demo at a time, stopping short of the model memory budget; heavy demos (run by worker processes) are left to
their workers. GALLERY_WARM=0 turns it off (the tests)."""
from __future__ import annotations

import os
import threading
import time
from typing import Any

_STATE: dict[str, Any] = {}
_LOCK = threading.Lock()
NICE = 10  # the warming thread's OS priority below the server's (Linux: a thread has its own)


def enabled() -> bool:
    return os.environ.get("GALLERY_WARM", "1") != "0"


def start() -> bool:
    """Start warming (once per process); False when turned off."""
    if not enabled():
        return False
    with _LOCK:
        if _STATE:
            return True
        _STATE.update(done=0, of=0, started=time.time(), finished=None, failed=[], skipped=[], current="")
    threading.Thread(target=_warm, daemon=True, name="warm-demos").start()
    return True


def state() -> dict[str, Any] | None:
    """{done, of, started, finished, failed, skipped, current} while or after warming (done counts the skipped and
    failed ones too); None when it never started."""
    with _LOCK:
        return dict(_STATE) if _STATE else None


def running() -> bool:
    s = state()
    return bool(s) and s["finished"] is None


def light_demos() -> list:
    """The demos warmed: offline, run in this process (not declared heavy), with a bundled example."""
    from .registry import demos
    return [d for d in demos() if not d.online_only and not d.worker and d.example is not None]


def _warm() -> None:
    from .errors import GalleryError
    from .loader import LOADER
    from .registry import local_run
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: warm at the server's priority
        pass
    from . import health
    while health.running():  # the first start's preparation builds the models: warm what it built, after it
        time.sleep(5)
    chosen = light_demos()
    with _LOCK:
        _STATE["of"] = len(chosen)
    for demo in chosen:
        spec = demo.default_model
        if spec is not None and spec.ram_mb and LOADER.used_mb() + spec.ram_mb > 0.8 * LOADER.budget_mb:
            with _LOCK:  # room for what visitors ask for: the budget is theirs
                _STATE["skipped"].append(demo.id)
                _STATE["done"] += 1
            continue
        with _LOCK:
            _STATE["current"] = demo.id
        try:
            inp, params = demo.example()
            local_run(demo, inp, **demo.parse_params(params))
        except GalleryError as e:  # a visitor who asks sees the message; warming goes on
            with _LOCK:
                _STATE["failed"].append(f"{demo.id}: {e}")
        except Exception as e:  # noqa: BLE001 - a bug shows itself to the visitor who runs the demo
            with _LOCK:
                _STATE["failed"].append(f"{demo.id}: {type(e).__name__}: {e}")
        with _LOCK:
            _STATE["done"] += 1
    with _LOCK:
        _STATE["finished"], _STATE["current"] = time.time(), ""
