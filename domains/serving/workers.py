"""Heavy demos in worker processes, apart from the Streamlit server.

A demo declared `worker=True` (seconds of CPU per warm call: transcription, the round trip, the street video...)
runs, in the app, in a worker: a child process started when the app starts, at a lower OS priority
(GALLERY_WORKER_NICE, default 10) with one torch and BLAS thread (GALLERY_WORKER_THREADS), at most GALLERY_WORKERS of
them at once (default: the cores less one, at least one). The server process and the light demos keep a core, and
Linux gives the workers what is idle. A request and its result cross the pipe in the model server's format (`wire`:
the guard's checked input, the result dataclass; never pickle) and the worker answers with the model server's own
function (`remote.handle`): the same results and errors, the same progress messages (sent back as they happen),
the same API. Callers wait in one first-come-first-served queue for a free worker, told their place; past
GALLERY_WAIT_LIMIT_S they get Busy, as with a busy model.

GALLERY_WORKERS=0 runs every demo in the calling process (tests; a single user). The app turns workers on
(`use_in_app`); the CLI and the Python API run in their own process unless GALLERY_WORKERS is set.

A worker that dies mid-call (killed, out of memory) gives its caller WorkerLost, with a retry button on the page;
the next call starts a new worker. A worker ends with the process that started it: it reads its requests on stdin
(end of file: it exits) and watches its parent (gone: it exits).
"""
from __future__ import annotations

import atexit
import collections
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..core import errors
from ..core.errors import GalleryError
from ..core.i18n import _, current, n_
from . import remote, wire

ENV = "GALLERY_WORKERS"
IN_WORKER = "GALLERY_IN_WORKER"   # set in a worker's environment: a worker never starts workers of its own
ROOT = Path(__file__).resolve().parents[2]
BOOT = "from domains.serving.workers import serve; serve()"
_HEAD = struct.Struct(">cI")      # a frame: one tag byte, the payload's length, the payload
_app = [False]                    # the app asked for workers (use_in_app)


class WorkerLost(GalleryError):
    """The worker process running a demo stopped before it answered."""

    retry = True


def size() -> int:
    """How many workers may run at once: GALLERY_WORKERS, else (in the app) the cores less one; 0: none."""
    raw = os.environ.get(ENV, "").strip()
    if os.environ.get(IN_WORKER):
        return 0
    if raw:
        try:
            return max(0, int(raw))
        except ValueError:
            return 0
    return max(1, (os.cpu_count() or 2) - 1) if _app[0] else 0


def enabled(demo: Any) -> bool:
    """True when this demo's runs go to a worker process."""
    return bool(getattr(demo, "worker", False)) and size() > 0


def use_in_app(start: bool = True) -> None:
    """The app's setting: declared heavy demos run in workers (unless GALLERY_WORKERS says otherwise); `start`
    starts the first worker now, so its imports are done before the first heavy click."""
    _app[0] = True
    if start and size() > 0:
        POOL.start_one()


# ---------------------------------------------------------------- frames on a pipe
def _send(stream, tag: bytes, payload: bytes) -> None:
    stream.write(_HEAD.pack(tag, len(payload)) + payload)
    stream.flush()


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    out = bytearray()
    while len(out) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n - len(out), 1 << 20))
        if not chunk:
            raise EOFError
        out += chunk
    return bytes(out)


def _recv(fd: int, deadline: float | None = None) -> tuple[bytes, bytes]:
    tag, n = _HEAD.unpack(_read_exact(fd, _HEAD.size, deadline))
    return tag, _read_exact(fd, n, deadline)


# ---------------------------------------------------------------- the caller's side
class _Worker:
    def __init__(self) -> None:
        threads = os.environ.get("GALLERY_WORKER_THREADS", "1")
        env = {**os.environ, IN_WORKER: "1", "GALLERY_TORCH_THREADS": threads, "OMP_NUM_THREADS": threads,
               "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        self.proc = subprocess.Popen([sys.executable, "-c", BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, cwd=str(ROOT))
        self.info: dict[str, Any] = {"pid": self.proc.pid, "rss_mb": 0.0, "models": []}
        self.calls = 0
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(self, body: bytes, progress: Callable | None, timeout_s: float) -> tuple[int, bytes] | BaseException:
        """Send one request, pass its progress on, return (status, reply). If the caller's progress raises (a page
        stopped for a rerun), that exception is returned at once and the reply is left to `finish`."""
        deadline = time.monotonic() + timeout_s
        try:
            _send(self.proc.stdin, b"q", body)
        except (BrokenPipeError, OSError) as e:
            raise self._lost(e) from None
        while True:
            tag, payload = self._next(deadline)
            if tag == b"p" and progress is not None:
                fraction, message = json.loads(payload)
                try:
                    progress(fraction, message)
                except BaseException as e:  # noqa: BLE001 (Streamlit's StopException included)
                    return e
            elif tag == b"r":
                self.calls += 1
                return int(payload[:3]), payload[3:]
            elif tag == b"i":
                self.info = json.loads(payload)

    def finish(self, timeout_s: float) -> None:
        """Read and drop the rest of an abandoned call, so the worker is free for the next one."""
        deadline = time.monotonic() + timeout_s
        while True:
            tag, payload = self._next(deadline)
            if tag == b"r":
                return
            if tag == b"i":
                self.info = json.loads(payload)

    def _next(self, deadline: float) -> tuple[bytes, bytes]:
        try:
            return _recv(self.proc.stdout.fileno(), deadline)
        except TimeoutError:
            self.stop()
            raise WorkerLost(_("The worker process gave no answer in {s:.0f} s and was stopped.").format(
                s=remote.TIMEOUT_S), _("Try again; a new worker starts.")) from None
        except (EOFError, OSError, struct.error) as e:
            raise self._lost(e) from None

    def _lost(self, e: BaseException) -> WorkerLost:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        why = (_("killed by signal {n}").format(n=-code) if code is not None and code < 0 else
               _("exit code {n}").format(n=code) if code is not None else type(e).__name__)
        self.stop()
        return WorkerLost(_("The worker process running this demo stopped before it answered ({why}).").format(
            why=why), _("Try again: a new worker starts (its first call loads the model again)."))

    def stop(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Pool:
    """At most `size()` workers, each serving one call at a time; callers queue first come, first served."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._queue: collections.deque = collections.deque()
        self._busy = 0
        self.call_s: float | None = None   # running mean of a call's duration, for the waiting message
        self.lost = 0                      # workers that died mid-call (the operator's panel shows it)

    def start_one(self) -> None:
        """Start a worker now if none runs (the app's start)."""
        with self._cond:
            if self._all or size() == 0:
                return
            w = _Worker()
            self._all.append(w)
            self._idle.append(w)

    def run(self, demo: Any, input: Any, *, model: str | None, params: dict[str, Any], progress=None) -> Any:
        from ..core.inputs import guard
        from ..core.loader import LOADER
        kind = demo.input_kind_for(params)
        sent = _bytes_of(input) if kind in remote.IN_PROCESS_KINDS and input is not None else guard(kind, input)
        body = remote.request(demo.id, sent, model, params, current())
        w = self._take(progress, LOADER.wait_limit_s)
        t0, handed_off = time.monotonic(), False
        try:
            out = w.call(body, progress, remote.TIMEOUT_S)
            if isinstance(out, BaseException):  # the page stopped: the worker finishes alone, then is free
                handed_off = True
                threading.Thread(target=self._finish, args=(w,), daemon=True, name="worker-finish").start()
                raise out
            status, reply = out
        except WorkerLost:
            self.lost += 1
            raise
        finally:
            if not handed_off:
                self._give_back(w, time.monotonic() - t0)
        msg = wire.loads(reply)
        if isinstance(msg, dict) and "error" in msg:
            err = msg["error"] if isinstance(msg["error"], dict) else {}
            if status >= 500:  # a bug, not the user's input: the traceback is in the app's log (the worker's stderr)
                raise GalleryError(_("{demo} failed in its worker process ({why}).").format(
                    demo=demo.id, why=err.get("message", "")), _("The details are in the app's log."))
            raise remote._error(err)
        return msg["result"]

    def _finish(self, w: _Worker) -> None:
        try:
            w.finish(remote.TIMEOUT_S)
        except WorkerLost:
            self.lost += 1
        finally:
            self._give_back(w, None)

    def _take(self, progress, limit_s: float) -> _Worker:
        ticket = object()
        deadline, said = time.monotonic() + limit_s, None
        with self._cond:
            self._queue.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._queue[0] is ticket and (self._idle or len(self._all) < size()):
                        self._queue.popleft()
                        self._busy += 1
                        self._cond.notify_all()
                        w = self._idle.pop() if self._idle else None
                        if w is None or not w.alive():
                            if w is not None:
                                self._all.remove(w)
                            w = _Worker()
                            self._all.append(w)
                        return w
                    ahead = self._busy + self._queue.index(ticket)
                    left = deadline - time.monotonic()
                    if ahead == said and left > 0:
                        self._cond.wait(min(left, 0.5))
                        continue
                if left <= 0:
                    raise errors.Busy(_("Heavy demos are busy with other people's requests ({n} ahead of yours).")
                                      .format(n=ahead), hint=_("Try again in a moment."))
                if progress:
                    progress(None, waiting_message(ahead, self.call_s))
                said = ahead
        except BaseException:
            with self._cond:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                self._cond.notify_all()
            raise

    def _give_back(self, w: _Worker, seconds: float | None) -> None:
        with self._cond:
            self._busy -= 1
            if seconds is not None:
                self.call_s = seconds if self.call_s is None else 0.7 * self.call_s + 0.3 * seconds
            if w.alive() and w in self._all:
                self._idle.append(w)
            elif w in self._all:
                self._all.remove(w)
            self._cond.notify_all()

    def status(self) -> list[dict[str, Any]]:
        """The workers running now: pid, memory, models loaded (as of its last call), calls, busy or idle."""
        with self._cond:
            return [{**w.info, "pid": w.proc.pid, "calls": w.calls, "busy": w not in self._idle}
                    for w in self._all if w.alive()]

    def queued(self) -> int:
        with self._cond:
            return self._busy + len(self._queue)

    def stop(self, pid: int | None = None) -> int:
        """Stop the idle workers (or the idle one with this pid): their memory goes back. Returns how many."""
        with self._cond:
            chosen = [w for w in self._idle if pid is None or w.proc.pid == pid]
            for w in chosen:
                self._idle.remove(w)
                self._all.remove(w)
        for w in chosen:
            w.stop()
        return len(chosen)

    def stop_all(self) -> None:
        with self._cond:
            chosen, self._all, self._idle = list(self._all), [], []
        for w in chosen:
            w.stop()


def waiting_message(ahead: int, call_s: float | None) -> str:
    from ..core.progress import duration
    msg = n_("Heavy demos: {n} request ahead of yours", "Heavy demos: {n} requests ahead of yours", ahead).format(n=ahead)
    return f"{msg}, {duration(ahead * call_s)}" if call_s else msg


def _bytes_of(src: Any) -> bytes:
    """A video (a path given in this process, an upload, bytes) as bytes: the worker reads bytes, never a path."""
    from ..core.media import MAX_BYTES, read_bytes
    if hasattr(src, "getvalue"):
        src = src.getvalue()
    return read_bytes(src, limit=MAX_BYTES, what="video")


POOL = Pool()
atexit.register(POOL.stop_all)


def run(demo: Any, input: Any, *, model: str | None, params: dict[str, Any], progress=None) -> Any:
    return POOL.run(demo, input, model=model, params=params, progress=progress)


# ---------------------------------------------------------------- the worker's side
def serve() -> None:
    """A worker's loop: requests on stdin, progress and replies on the pipe that was stdout (the process's own
    stdout goes to stderr, so a library that prints cannot break a frame)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        os.nice(int(os.environ.get("GALLERY_WORKER_NICE", "10")))
    except (OSError, ValueError):
        pass
    parent = os.getppid()

    def watch() -> None:  # the app was killed (no end of file came): do not outlive it
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)
    threading.Thread(target=watch, daemon=True, name="watch-parent").start()
    from ..core import registry
    from ..core.loader import LOADER, rss_mb
    registry.demos()  # discover the domains once, before the first request
    inp = sys.stdin.buffer.fileno()
    lock = threading.Lock()

    def send(tag: bytes, payload: bytes) -> None:
        with lock:
            _send(out, tag, payload)

    def progress(fraction: float | None, message: str) -> None:
        send(b"p", json.dumps([fraction, str(message)]).encode())

    while True:
        try:
            tag, body = _recv(inp)
        except (EOFError, OSError, struct.error):
            return
        if tag != b"q":
            continue
        status, reply = remote.handle(body, progress=progress, local=True)
        send(b"i", json.dumps({"pid": os.getpid(), "rss_mb": round(rss_mb()),
                               "models": [m["id"] for m in LOADER.loaded()]}).encode())
        send(b"r", b"%03d" % status + reply)
