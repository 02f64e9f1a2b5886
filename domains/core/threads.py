"""Thread counts. Training small models: one BLAS thread and one torch thread (on busy shared cores a second
thread spin-waits for the first: the same tiny training step ran about 10 times slower with two threads than
with one). Model calls: the cores shared among the calls running at that moment (`per_call`)."""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator

_guard = threading.Lock()
_depth = 0
_saved = 1


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Inside: NumPy/SciPy's BLAS and torch use one thread each; torch's setting is put back after the last
    nested user leaves (torch's thread count is process-wide)."""
    global _depth, _saved
    from threadpoolctl import threadpool_limits
    import torch
    with _guard:
        if _depth == 0:
            _saved = torch.get_num_threads()
            torch.set_num_threads(1)
        _depth += 1
    try:
        with threadpool_limits(1):
            yield
    finally:
        with _guard:
            _depth -= 1
            if _depth == 0:
                torch.set_num_threads(_saved)


_calls = 0  # model calls running now, in every session of this process
_calls_guard = threading.Lock()


def call_threads(active: int) -> int:
    """Torch threads for one model call while `active` calls run: GALLERY_TORCH_THREADS (a number), or by default
    the cores shared among the calls running now, so that concurrent calls do not oversubscribe the cores (measured
    by benchmarks/bench.py, `concurrency_rows`: the shared policy beat one and two threads per call)."""
    import os
    want = os.environ.get("GALLERY_TORCH_THREADS", "auto")
    if want.isdigit() and int(want) > 0:
        return int(want)
    return max(1, (os.cpu_count() or 1) // max(1, active))


@contextlib.contextmanager
def per_call() -> Iterator[None]:
    """Around one model call: set the calling thread's torch thread count (torch keeps it per thread; each
    Streamlit session runs in its own thread) from how many calls are running now."""
    global _calls
    import sys
    with _calls_guard:
        _calls += 1
        n = call_threads(_calls)
    torch = sys.modules.get("torch")  # a model that does not use torch does not import it
    saved = torch.get_num_threads() if torch else None
    if torch and saved != n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        with _calls_guard:
            _calls -= 1
        if torch and saved != n:
            torch.set_num_threads(saved)
