"""The one model loader: resolve a spec's source, load it through its adapter, keep it process-wide.

- one instance per model for every session, built once (loads are serialized);
- calls to one model served one at a time, first come first served: `LOADER.call(spec, fn)` runs fn(model) and
  returns its output with the call's latency (the one timing path); `with LOADER.use(spec) as model:` for more.
  A caller that has to wait is told its place in the queue and about how long ("2 requests ahead of yours,
  about 3 s"); past GALLERY_WAIT_LIMIT_S it gets a Busy error to retry, not a frozen spinner;
- a memory budget with least-recently-used eviction of idle models;
- progress callbacks while loading or downloading; typed errors (ModelUnavailable).
"""
from __future__ import annotations

import gc
import importlib.util
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple

from .errors import Busy, GalleryError, ModelUnavailable
from .registry import ModelSpec
from .threads import per_call
from .i18n import N_, _

Progress = Callable[[float | None, str], None]
DEFAULT_BUDGET_MB = 6000.0
DEFAULT_WAIT_LIMIT_S = 90.0  # a room of people on one slow model: past this, "busy, try again" beats waiting


@dataclass
class Adapter:
    """How to turn a spec into a callable model. `imports` are imported before RAM is measured."""

    load: Callable[[ModelSpec, str | None, Progress | None], Any]  # (spec, local_path, progress) -> model
    imports: tuple[str, ...] = ()


ADAPTERS: dict[str, Adapter] = {}


def adapter(name: str, imports: tuple[str, ...] = ()):
    """Register a loader function under `name`: `@adapter("efficientnet_lite", imports=("torch",))`."""
    def deco(fn):
        ADAPTERS[name] = Adapter(fn, imports)
        return fn
    return deco


class Timed(NamedTuple):
    """A model call's output and how long the call took with the model loaded (loading excluded)."""

    output: Any
    latency_ms: float


@dataclass
class Loaded:
    spec: ModelSpec
    model: Any
    ram_mb: float       # what the budget counts: the measured figure, or the estimate where that is larger
    measured_mb: float  # RSS growth while loading (at least the tensors' own bytes)
    load_s: float
    last_used: float = field(default_factory=time.monotonic)
    users: int = 0
    calls: int = 0
    # A fair queue of calls (a plain Lock neither is FIFO nor knows who waits): tickets taken in order, the
    # ticket being served, tickets whose holders gave up waiting, and recent call durations for the estimate.
    turn: threading.Condition = field(default_factory=threading.Condition)
    next_ticket: int = 0
    serving: int = 0
    abandoned: set = field(default_factory=set)
    call_s: float | None = None  # running mean of how long a call holds the model

    pending: list = field(default_factory=list)  # batch jobs waiting for a batch (batch_call)

    def wait_turn(self, progress: "Progress | None", limit_s: float, done: Callable[[], bool] | None = None) -> bool:
        """Take a ticket and wait for it, telling the caller its place in the queue; Busy past `limit_s`.
        False (the ticket given up) if `done()` turns true first: a batch ahead served this caller's request."""
        with self.turn:
            ticket, self.next_ticket = self.next_ticket, self.next_ticket + 1
        deadline, said = time.monotonic() + limit_s, None
        try:
            while True:
                with self.turn:
                    if done is not None and done():
                        self.give_up(ticket)
                        return False
                    if self.serving == ticket:
                        return True
                    ahead = ticket - self.serving - sum(1 for t in self.abandoned if self.serving < t < ticket)
                    left = deadline - time.monotonic()
                    if ahead == said and left > 0:
                        self.turn.wait(min(left, 0.5))
                        continue
                if left <= 0:
                    raise Busy(_("{name} is busy with other people's requests ({n} ahead of yours).").format(
                        name=self.spec.label, n=ahead), hint=_("Try again in a moment."))
                if progress:  # outside the lock: a page's progress call may be slow, or raise (Streamlit stops a
                    progress(None, waiting_message(self.spec.label, ahead, self.call_s))  # run by raising in it)
                said = ahead
        except BaseException:
            self.give_up(ticket)  # the queue skips it; the others keep their turn
            raise

    def give_up(self, ticket: int) -> None:
        with self.turn:  # re-entrant: the Condition's lock is an RLock
            if self.serving == ticket:  # its turn came meanwhile: pass it on
                self._advance(None)
            else:
                self.abandoned.add(ticket)

    def end_turn(self, seconds: float | None) -> None:
        with self.turn:
            self._advance(seconds)

    def _advance(self, seconds: float | None) -> None:
        if seconds is not None:
            self.call_s = seconds if self.call_s is None else 0.7 * self.call_s + 0.3 * seconds
        self.serving += 1
        while self.serving in self.abandoned:
            self.abandoned.discard(self.serving)
            self.serving += 1
        self.turn.notify_all()

    def queued(self) -> int:
        """Calls running or waiting on this model."""
        with self.turn:
            return self.next_ticket - self.serving - len(self.abandoned)


def waiting_message(name: str, ahead: int, call_s: float | None) -> str:
    """ "Whisper tiny.en: 2 requests ahead of yours, about 3 s" (the estimate once a call has been timed)."""
    from .i18n import n_
    from .progress import duration
    msg = n_("{name}: {n} request ahead of yours", "{name}: {n} requests ahead of yours", ahead).format(name=name, n=ahead)
    return f"{msg}, {duration(ahead * call_s)}" if call_s else msg


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def settle_heap() -> None:
    """After a model has loaded: move every object there is (the model, the libraries it imported) out of the
    collector's sight (gc.freeze, no collection: it costs nothing). Python's full collections walk every tracked
    object: with a few models loaded that is over a million objects and hundreds of ms, and a room's page runs
    trigger one every few runs, so a warm page open cost the server 5x the CPU it cost fresh. Frozen objects are
    still freed by reference counting; a cycle frozen with them waits for release_memory, which unfreezes first."""
    gc.freeze()


def release_memory() -> None:
    """Collect garbage, then ask glibc to hand freed heap pages back to the system (malloc_trim): without it
    an unloaded model's memory stays in the process, and RSS does not fall. What stays is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing more to do
        pass


def weights_mb(model: Any) -> float:
    """Bytes held by a torch module's parameters and buffers (0 for anything else)."""
    mod = getattr(model, "model", model)
    try:
        tensors = list(mod.parameters()) + list(mod.buffers())
    except (AttributeError, TypeError):
        return 0.0
    return sum(t.numel() * t.element_size() for t in tensors) / 2**20


class ModelLoader:
    def __init__(self, budget_mb: float | None = None, wait_limit_s: float | None = None):
        self.budget_mb = float(budget_mb or os.environ.get("GALLERY_MODEL_BUDGET_MB") or DEFAULT_BUDGET_MB)
        self.wait_limit_s = float(wait_limit_s or os.environ.get("GALLERY_WAIT_LIMIT_S") or DEFAULT_WAIT_LIMIT_S)
        self._models: OrderedDict[str, Loaded] = OrderedDict()  # least recently used first
        self._book = threading.RLock()   # guards _models
        self._load = threading.Lock()    # one load at a time: no double builds, honest RAM deltas
        self.evictions: list[str] = []

    # ------------------------------------------------------------------ public
    @contextmanager
    def use(self, spec: ModelSpec, progress: Progress | None = None) -> Iterator[Any]:
        """Yield the loaded model when it is this caller's turn (calls to one model run one at a time, in order
        of arrival); it cannot be evicted meanwhile."""
        entry = self._acquire(spec, progress)
        try:
            entry.wait_turn(progress, self.wait_limit_s)
            t0, ok = time.perf_counter(), False
            try:
                entry.calls += 1
                with per_call():
                    yield entry.model
                ok = True
            finally:
                entry.end_turn(time.perf_counter() - t0 if ok else None)
        finally:
            with self._book:
                entry.users -= 1
                entry.last_used = time.monotonic()

    def call(self, spec: ModelSpec, fn: Callable[[Any], Any], progress: Progress | None = None,
             step: str = "") -> Timed:
        """Run `fn(model)` with the model loaded and its lock held: the output and the call's latency.
        The call is announced as a stage (`step`, e.g. N_("Transcribing with {name}"), names it when a demo makes
        several kinds of call), with
        the time it took recently on this machine."""
        from .progress import stage
        with self.use(spec, progress) as model:
            with stage(progress, f"call:{spec.id}:{step}", _(step or N_("Running {name}")).format(name=spec.label)):
                t0 = time.perf_counter()
                out = fn(model)
                return Timed(out, round((time.perf_counter() - t0) * 1000, 1))

    def batch_call(self, spec: ModelSpec, item: Any, fn: Callable[[Any, list], list], key: str = "",
                   progress: Progress | None = None, max_batch: int = 32) -> Timed:
        """Dynamic batching: `fn(model, items) -> outputs` (one per item) for requests that queue together.
        This request joins the model's pending jobs with the same `key`; whoever gets the model's turn first runs
        every pending job of that key as one batch (up to `max_batch`) and hands each its output; a caller whose
        job a batch ahead of it served returns at once. No wait window: a batch is whatever arrived while the
        model was busy, so a lone request is never delayed. Worth it where a batch is cheaper per item than
        single calls (measured: benchmarks/bench.py, batching_rows); the latency is the batch's."""
        from .progress import stage
        entry = self._acquire(spec, progress)
        job = {"key": key, "item": item, "done": False}
        try:
            with entry.turn:
                entry.pending.append(job)
            try:
                mine = entry.wait_turn(progress, self.wait_limit_s, done=lambda: job["done"])
            except BaseException:
                with entry.turn:
                    if job in entry.pending:
                        entry.pending.remove(job)
                raise
            if mine:
                t0, ok = time.perf_counter(), False
                try:
                    with entry.turn:
                        others = [j for j in entry.pending if j["key"] == key and j is not job]
                        batch = ([job] + others)[:max_batch] if not job["done"] else []
                        for j in batch:
                            entry.pending.remove(j)
                    if batch:
                        entry.calls += 1
                        try:
                            with per_call(), stage(progress, f"call:{spec.id}:batch",
                                                   _(N_("Running {name}")).format(name=spec.label)):
                                outs, err = list(fn(entry.model, [j["item"] for j in batch])), None
                            assert len(outs) == len(batch), "a batch function returns one output per item"
                        except Exception as e:  # every job of the batch gets the error
                            outs, err = [None] * len(batch), e
                        except BaseException:  # this caller's run was stopped: the others' jobs wait for the next
                            with entry.turn:
                                entry.pending[:0] = [j for j in batch if j is not job]
                                entry.turn.notify_all()
                            raise
                        ms = round((time.perf_counter() - t0) * 1000, 1)
                        with entry.turn:
                            for j, out in zip(batch, outs):
                                j.update(done=True, out=out, err=err, ms=ms, size=len(batch))
                            entry.turn.notify_all()
                    ok = True
                finally:
                    entry.end_turn(time.perf_counter() - t0 if ok and job.get("size") else None)
            if job.get("err") is not None:
                raise job["err"]
            return Timed(job["out"], job["ms"])
        finally:
            with self._book:
                entry.users -= 1
                entry.last_used = time.monotonic()

    def loaded(self) -> list[dict[str, Any]]:
        """What is in memory, most recently used first, for the UI and the CLI."""
        with self._book:
            return [{"id": e.spec.id, "name": e.spec.name, "source": e.spec.source, "ram_mb": round(e.ram_mb, 1),
                     "measured_mb": round(e.measured_mb, 1),
                     "load_s": round(e.load_s, 2), "calls": e.calls, "in_use": e.users > 0, "queued": e.queued()}
                    for e in reversed(self._models.values())]

    def used_mb(self) -> float:
        with self._book:
            return sum(e.ram_mb for e in self._models.values())

    def is_loaded(self, spec: ModelSpec) -> bool:
        with self._book:
            return spec.id in self._models

    def unload(self, model_id: str) -> float | None:
        """Drop an idle model and give its memory back to the system where the allocator allows.
        Returns the MB the process's resident memory shrank by (None: not loaded, or in use)."""
        with self._book:
            entry = self._models.get(model_id)
            if entry is None or entry.users:
                return None
            del self._models[model_id]
        before = rss_mb()
        del entry
        release_memory()
        return round(max(0.0, before - rss_mb()), 1)

    def clear(self) -> None:
        for mid in [e["id"] for e in self.loaded()]:
            self.unload(mid)

    # ------------------------------------------------------------------ internals
    def _acquire(self, spec: ModelSpec, progress: Progress | None) -> Loaded:
        with self._book:
            entry = self._models.get(spec.id)
            if entry is not None:
                entry.users += 1
                self._models.move_to_end(spec.id)
                return entry
        if progress and self._load.locked():
            progress(None, _("Waiting for another model to finish loading"))
        evicted: list[Loaded] = []
        built = False
        try:
            with self._load:
                with self._book:  # another thread may have built it while we waited
                    entry = self._models.get(spec.id)
                    if entry is not None:
                        entry.users += 1
                        self._models.move_to_end(spec.id)
                        return entry
                if spec.ram_mb and spec.ram_mb > self.budget_mb:
                    raise ModelUnavailable(
                        _("{name} needs about {ram_mb:.0f} MB, more than the model memory budget ({budget_mb:.0f} MB).").format(name=spec.label, ram_mb=spec.ram_mb, budget_mb=self.budget_mb), hint=_("Raise GALLERY_MODEL_BUDGET_MB to load it."))
                evicted += self._make_room(spec.ram_mb or 0.0)
                entry = self._build(spec, progress)
                built = True
                with self._book:
                    entry.users += 1
                    self._models[spec.id] = entry
                    evicted += self._make_room(0.0)  # measured RAM may exceed the estimate
                return entry
        finally:
            # Memory goes back only after a real eviction, and outside the load lock: a full collection of this
            # heap takes hundreds of ms, and nobody's acquire should wait behind one that freed nothing.
            if evicted:
                evicted.clear()
                release_memory()
            elif built:
                settle_heap()

    def _make_room(self, need_mb: float) -> list[Loaded]:
        """Evict idle models, least recently used first, until `need_mb` fits; the evicted entries are returned
        (the caller gives their memory back once it holds no lock)."""
        dropped = []
        with self._book:
            for mid in list(self._models):
                if self.used_mb() + need_mb <= self.budget_mb:
                    break
                if self._models[mid].users == 0:
                    dropped.append(self._models.pop(mid))
                    self.evictions.append(mid)
        return dropped

    def _build(self, spec: ModelSpec, progress: Progress | None) -> Loaded:
        ad = ADAPTERS.get(spec.adapter)
        if ad is None:
            raise ModelUnavailable(_("No adapter '{adapter}' for {name}.").format(adapter=spec.adapter, name=spec.label))
        path = self._resolve(spec, progress)
        for mod in ad.imports:  # library import costs are not the model's RAM
            if mod.split(".")[0] == __name__.split(".")[0]:  # libraries only: core never imports the gallery above it
                raise ValueError(f"adapter {spec.adapter} names a gallery module to import: {mod}")
            __import__(mod)
        from .progress import stage
        before, t0 = rss_mb(), time.perf_counter()
        try:
            with stage(progress, f"load:{spec.id}", _("Loading {name}").format(name=spec.label)):
                model = ad.load(spec, path, progress)
        except GalleryError:
            raise
        except Exception as e:  # foreign weights fail in library-specific ways (SafetensorError, ...)
            raise ModelUnavailable(_("{name} could not be loaded: {error}").format(name=spec.label, error=e).splitlines()[0]) from e
        load_s = time.perf_counter() - t0
        measured = max(rss_mb() - before, weights_mb(model))
        if progress:
            progress(1.0, _("Loaded {name} in {load_s:.1f} s").format(name=spec.label, load_s=load_s))
        # RSS growth under-counts lazily mapped weights, so the budget takes the larger figure.
        return Loaded(spec, model, max(measured, spec.ram_mb or 0.0), measured, load_s)

    @staticmethod
    def _resolve(spec: ModelSpec, progress: Progress | None) -> str | None:
        if spec.source == "hub":
            from . import hub
            return hub.snapshot(spec.ref, spec.revision, progress)
        if spec.source == "package" and "apt" not in spec.needs:  # system programs: their adapter checks
            if importlib.util.find_spec(spec.ref) is None:
                pkg = spec.needs.get("pip", spec.ref)
                raise ModelUnavailable(_("{name} needs the package '{pkg}', which is not installed.").format(name=spec.label, pkg=pkg),
                                       hint=_("pip install {pkg}").format(pkg=pkg))
        return None  # package and trained adapters find their own files


LOADER = ModelLoader()
