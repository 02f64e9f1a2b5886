"""The demo health check: every offline demo run on its bundled example, with its first and warm
latency, the RAM of the models it used, and its evaluation record where the model is trained here.
The latest result is kept on disk, so the home page can show each demo's badge."""
from __future__ import annotations

import json
import os
import platform
import re
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import Busy, GalleryError
from .loader import LOADER
from .registry import Demo
from .paths import cache_dir
from .i18n import _

Progress = Callable[[float | None, str], None]


def latest_path() -> Path:
    return cache_dir().parent / "health" / "latest.json"


def running_path() -> Path:
    return latest_path().with_name("running.json")


def running() -> dict[str, Any] | None:
    """The check running now on this cache, in any process (the app's preparation behind it, a CLI run):
    {"done", "of", "title", "started" (epoch s), "pid"}, or None."""
    try:
        state = json.loads(running_path().read_text())
        os.kill(int(state["pid"]), 0)
    except PermissionError:  # alive, another user's
        return state
    except (OSError, ValueError, KeyError, TypeError):  # none, unreadable, or its process is gone
        return None
    return state


def _note_running(state: dict[str, Any] | None) -> None:
    """Where the check is, for the home page (best effort: a read-only cache only costs the progress bar)."""
    path = running_path()
    try:
        if state is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".running-")
        with os.fdopen(fd, "w") as f:
            json.dump(state, f)
        os.replace(tmp, path)
    except OSError:
        pass


def machine() -> str:
    return f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}"


def _vary(x: Any, i: int) -> Any:
    """Prose with every sentence changed a little (a number added), so warm calls are not served from a
    translation cache. Titles, commands and other text without sentence ends stay as they are."""
    if isinstance(x, str) and i:
        return re.sub(r"([.!?])(\s|$)", rf" ({i})\1\2", x)
    return x


def _one(demo: Demo, run: Callable[..., Any], warm_runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"id": demo.id, "title": demo.title, "domain": demo.domain, "model": demo.default_model.id,
                           "status": "ok", "reason": "", "first_ms": None, "warm_ms": None, "ram_mb": None,
                           "evaluation": None, "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if demo.online_only:
        out.update(status="online-only", reason=_("needs a model from the Hugging Face hub (skipped)"))
        return out
    try:
        if demo.example is None and demo.input_kind != "none":
            raise GalleryError(_("no bundled example for a demo that takes {input_kind}").format(input_kind=demo.input_kind))
        x, params = demo.example() if demo.example else (None, {})
        before = {m["id"]: m["calls"] for m in LOADER.loaded()}
        t0 = time.perf_counter()
        result = run(demo.id, x, **params)
        out["first_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        warm = []
        for i in range(1, warm_runs + 1):
            t0 = time.perf_counter()
            run(demo.id, _vary(x, i) if demo.input_kind == "text" else x, **params)
            warm.append((time.perf_counter() - t0) * 1000)
        out["warm_ms"] = round(statistics.median(warm), 1) if warm else None
        used = [m for m in LOADER.loaded() if m["calls"] > before.get(m["id"], 0)]
        out["ram_mb"] = round(sum(m["measured_mb"] for m in used), 1)
        ev = getattr(result, "evaluation", None)
        out["evaluation"] = ev.to_dict() if hasattr(ev, "to_dict") else ev
    except GalleryError as e:
        out.update(status="failed", reason=str(e).splitlines()[0] if str(e) else type(e).__name__)
    except Exception as e:  # a bug in the demo: the check reports it and goes on with the others
        out.update(status="failed", reason=f"{type(e).__name__}: {e}".splitlines()[0])
    return out


def check(demos: list[Demo], run: Callable[..., Any], progress: Progress | None = None,
          warm_runs: int = 1) -> list[dict[str, Any]]:
    """One record per demo: id, status (ok | failed | online-only), reason, first_ms, warm_ms, ram_mb,
    evaluation. One failing demo never stops the others."""
    results, started = [], time.time()
    try:
        for i, demo in enumerate(demos):
            _note_running({"done": i, "of": len(demos), "title": demo.title, "started": started, "pid": os.getpid()})
            if progress:
                progress(i / max(1, len(demos)), _("Checking {title} ({v} of {n})").format(title=demo.title, v=i + 1, n=len(demos)))
            results.append(_one(demo, run, warm_runs))
    finally:
        _note_running(None)
    if progress:
        progress(1.0, _("Check done"))
    return results


@contextmanager
def exclusive(wait: bool = True, path: Path | None = None) -> Iterator[None]:
    """One health check at a time on this cache, across sessions and processes (a lock file beside the results).
    `wait=False`: raise Busy at once when another check holds it (a page must not queue a second one)."""
    import fcntl
    lock = (path or latest_path()).with_name("check.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(_("A health check is already running on this server."),
                       _("Its results appear here when it ends.")) from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def save(results: list[dict[str, Any]], path: Path | None = None) -> dict[str, Any]:
    """Keep a check's results with its date and machine (merged over the previous ones by demo id). Written
    under a temporary name of its own, then renamed: a reader sees the old file or the new one, never a part."""
    path = path or latest_path()
    old = load(path)
    by_id = {r["id"]: r for r in (old or {}).get("results", [])}
    by_id.update({r["id"]: r for r in results})
    doc = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
           "results": list(by_id.values())}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(doc, indent=2, default=str))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return doc


def load(path: Path | None = None) -> dict[str, Any] | None:
    """The latest saved check, or None."""
    path = path or latest_path()
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
