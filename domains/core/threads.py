"""One BLAS thread and one torch thread for small models. On busy shared cores a second thread spin-waits
for the first: the same tiny training step ran about 10 times slower with two threads than with one."""
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
