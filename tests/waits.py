"""Bounded waits for tests: a condition polled until a deadline, then a failure that says what was awaited.
(Waits order threads by what they can observe, never by sleeping a guessed time.)"""
from __future__ import annotations

import time
from typing import Callable

import pytest


def until(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout_s:.0f} s for {what}", pytrace=False)
        time.sleep(0.005)
