"""The thread policy of domains/core/threads.py rests on what torch does with its thread count: checked here on the
pinned build, with two threads ordered by events."""
from __future__ import annotations

import threading

import torch

from domains.core import threads


def _in_thread(fn):
    out = {}
    t = threading.Thread(target=lambda: out.update(v=fn()))
    t.start()
    t.join(30)
    return out["v"]


def test_torch_keeps_the_thread_count_per_thread_and_new_threads_start_from_the_last_one_set():
    base = torch.get_num_threads()
    set_one, checked = threading.Event(), threading.Event()
    seen = {}

    def setter():
        torch.set_num_threads(1)
        seen["setter"] = torch.get_num_threads()
        set_one.set()
        checked.wait(30)

    def user():  # a thread that used torch before the other one changed the count
        seen["before"] = torch.get_num_threads()
        set_one.wait(30)
        seen["after"] = torch.get_num_threads()
        checked.set()

    ts = [threading.Thread(target=user), threading.Thread(target=setter)]
    ts[0].start()
    ts[1].start()
    for t in ts:
        t.join(30)
    try:
        assert seen["setter"] == 1
        assert seen["after"] == seen["before"] == base   # its own count: untouched by the other thread
        assert _in_thread(torch.get_num_threads) == 1     # a fresh thread starts from the count set last
        assert torch.get_num_threads() == base            # but not the main thread, which had used torch
    finally:
        torch.set_num_threads(base)


def test_per_call_shares_the_cores_among_running_calls_and_puts_the_count_back(monkeypatch):
    import os
    monkeypatch.delenv("GALLERY_TORCH_THREADS", raising=False)
    cores = os.cpu_count() or 1
    assert threads.call_threads(1) == cores and threads.call_threads(cores) == 1 and threads.call_threads(99) == 1
    monkeypatch.setenv("GALLERY_TORCH_THREADS", "3")
    assert threads.call_threads(1) == 3
    monkeypatch.delenv("GALLERY_TORCH_THREADS")
    base = torch.get_num_threads()
    inside = {"first": threading.Event(), "second": threading.Event()}
    release = threading.Event()
    counts = {}

    def call(name):
        with threads.per_call():
            counts[name] = torch.get_num_threads()
            inside[name].set()
            release.wait(30)

    first = threading.Thread(target=call, args=("first",))
    first.start()
    assert inside["first"].wait(30)
    second = threading.Thread(target=call, args=("second",))  # while the first call still runs
    second.start()
    assert inside["second"].wait(30)
    release.set()
    first.join(30)
    second.join(30)
    assert counts["first"] == cores and counts["second"] == max(1, cores // 2)
    with threads.single_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == base
