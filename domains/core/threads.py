"""Thread counts: the one policy, stated here.

What torch does (torch 2.13, tested in tests/unit/test_threads.py): `torch.set_num_threads` sets the count for the
calling thread, and a thread that has not used torch yet starts with the count set last anywhere. Each Streamlit
session runs in its own thread, so the count is set around each piece of work, in the thread doing it, and put
back after:

- a model call (`per_call`): the cores shared among the model calls running at that moment, so concurrent calls do
  not oversubscribe the cores and a lone call gets them all. Chosen by benchmarks/bench.py (docs/benchmarks.md): a
  lone EfficientNet-Lite2 call 37.6 ms with two threads against 60.0 ms with one; four concurrent callers 39.4
  calls/s shared, 40.6 with one thread each (a tie), 36.0 with two each. `GALLERY_TORCH_THREADS=N` fixes N.
- training a small model (`single_thread`): one torch thread and one BLAS thread (on busy shared cores a second
  thread spin-waits for the first: the same tiny training step ran about 10 times slower with two).
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Inside: NumPy/SciPy's BLAS and torch use one thread each, in this thread; put back after."""
    from threadpoolctl import threadpool_limits
    import torch
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(saved)


_calls = 0  # model calls running now, in every session of this process
_calls_guard = threading.Lock()


def call_threads(active: int) -> int:
    """Torch threads for one model call while `active` calls run (the policy above)."""
    import os
    want = os.environ.get("GALLERY_TORCH_THREADS", "auto")
    if want.isdigit() and int(want) > 0:
        return int(want)
    return max(1, (os.cpu_count() or 1) // max(1, active))


@contextlib.contextmanager
def per_call() -> Iterator[None]:
    """Around one model call: the calling thread's torch thread count from how many calls are running now."""
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
