"""Heavy demos in worker processes (issue 33): the same result, errors and progress as in the calling process; one
queue for a free worker with its place told; a worker killed mid-call gives a clear message and a retry works;
no worker outlives what started it."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from waits import until

import domains
from domains.core import registry
from domains.core.errors import Busy, InputError
from domains.serving import workers

ROOT = Path(__file__).resolve().parents[2]
DOUBLE = '''
import os, time
from dataclasses import dataclass
from domains.core.errors import InputError
from domains.core.registry import Demo, ModelSpec, Param, register

@dataclass
class Echo:
    text: str
    pid: int

def echo(text=None, *, model=None, progress=None, seconds: float = 0.0) -> Echo:
    """Waits `seconds` (a long call), says so in its progress, refuses 'bad', answers with its process id."""
    if text == "bad":
        raise InputError("Bad words are refused.", "Try good ones.")
    if progress:
        progress(0.5, "half way")
    time.sleep(seconds)
    return Echo(text.upper(), os.getpid())

M = ModelSpec(id="echo-double", name="Echo double", source="trained", adapter="none", license="MIT", size_mb=0,
              ram_mb=0, offline=True, ref="none")
register(Demo(id="vision.echo_double", domain="vision", task="t", title="Echo", summary="s", input_kind="text",
              fn=echo, models=(M,), params=(Param("seconds", float, 0.0, min=0, max=300),), worker=True))
'''


@pytest.fixture
def pool(tmp_path, monkeypatch):
    """A demo declared `worker=True`, known to this process and to its workers (GALLERY_EXTRA_DOMAINS), and a
    fresh pool of one worker."""
    pkg = tmp_path / "extra" / "zz_echo_double"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(DOUBLE)
    monkeypatch.setenv("GALLERY_EXTRA_DOMAINS", str(tmp_path / "extra"))
    monkeypatch.setenv(workers.ENV, "1")
    monkeypatch.setattr(domains, "__path__", [*domains.__path__, str(tmp_path / "extra")])
    import importlib
    importlib.import_module("domains.zz_echo_double")
    p = workers.Pool()
    monkeypatch.setattr(workers, "POOL", p)
    yield p
    p.stop_all()
    registry.unregister("vision.echo_double")
    sys.modules.pop("domains.zz_echo_double", None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(out) and not out.startswith("Z")


def test_a_declared_demo_runs_in_a_worker_with_its_progress_and_errors(pool, monkeypatch):
    said = []
    got = domains.run("vision.echo_double", "hello", progress=lambda f, m: said.append((f, m)))
    assert got.text == "HELLO" and dataclasses.is_dataclass(got)
    assert got.pid != os.getpid() and got.pid == pool.status()[0]["pid"]  # another process answered
    assert (0.5, "half way") in said                                      # its progress, as it happened
    with pytest.raises(InputError, match="Bad words are refused") as e:   # its refusal, as the same error
        domains.run("vision.echo_double", "bad")
    assert e.value.hint == "Try good ones."
    assert domains.run("vision.echo_double", "again").pid == got.pid      # the worker stays for the next call
    monkeypatch.setenv(workers.ENV, "0")                                  # the setting: in this process
    assert domains.run("vision.echo_double", "here").pid == os.getpid()


def test_the_worker_runs_at_a_lower_priority_with_one_thread(pool):
    pid = domains.run("vision.echo_double", "x").pid
    nice = int(subprocess.run(["ps", "-o", "ni=", "-p", str(pid)], capture_output=True, text=True).stdout)
    assert nice >= min(19, os.nice(0) + 10)  # nice values stop at 19
    env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"OMP_NUM_THREADS=1" in env and b"GALLERY_IN_WORKER=1" in env


def test_a_worker_killed_mid_call_gives_a_clear_message_and_a_retry_works(pool):
    errors, said = [], threading.Event()

    def call():
        try:
            domains.run("vision.echo_double", "slow", seconds=60, progress=lambda f, m: said.set())
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    t = threading.Thread(target=call)
    t.start()
    assert said.wait(60), "the call never started"
    pid = pool.status()[0]["pid"]
    os.kill(pid, signal.SIGKILL)
    t.join(30)
    assert not t.is_alive()
    (err,), = [errors]
    assert isinstance(err, workers.WorkerLost) and err.retry
    assert "stopped before it answered (killed by signal 9)" in str(err) and "Try again" in err.hint
    again = domains.run("vision.echo_double", "retry")                 # the retry: a new worker answers
    assert again.text == "RETRY" and again.pid != pid and pool.lost == 1
    assert not _alive(pid)


def test_callers_wait_their_turn_told_their_place_and_get_busy_past_the_limit(pool, monkeypatch):
    from domains.core.loader import LOADER
    started = threading.Event()
    first = threading.Thread(target=lambda: domains.run("vision.echo_double", "a", seconds=4,
                                                          progress=lambda f, m: started.set()))
    first.start()
    assert started.wait(60)
    said = []
    got = domains.run("vision.echo_double", "b", progress=lambda f, m: said.append(m))
    first.join()
    assert got.text == "B" and "Heavy demos: 1 request ahead of yours" in said[0]
    first = threading.Thread(target=lambda: domains.run("vision.echo_double", "c", seconds=5))
    first.start()
    until(lambda: pool.queued() == 1, "the first call to take the worker")
    monkeypatch.setattr(LOADER, "wait_limit_s", 0.5)
    with pytest.raises(Busy, match="Heavy demos are busy with other people.s requests \\(1 ahead of yours\\)"):
        domains.run("vision.echo_double", "d")
    first.join()
    assert pool.queued() == 0


def test_a_page_that_stops_mid_call_frees_the_worker_when_its_call_ends(pool):
    class Stop(Exception):
        pass

    def stop(f, m):
        raise Stop  # what Streamlit does to a run a visitor left: it raises in the run's next page call
    with pytest.raises(Stop):
        domains.run("vision.echo_double", "left", seconds=1, progress=stop)
    assert domains.run("vision.echo_double", "next").text == "NEXT"  # the same worker, once the call ended
    assert len(pool.status()) == 1


def test_no_worker_outlives_the_process_that_started_it(pool, tmp_path):
    """Killed without a word (SIGKILL, no end of file on the worker's stdin while it works): the worker sees its
    parent gone and exits too."""
    code = ("import domains, os, threading\n"
            "from domains.serving import workers\n"
            "threading.Thread(target=lambda: domains.run('vision.echo_double', 'x', seconds=120), daemon=True).start()\n"
            "import time\n"
            "end = time.monotonic() + 60\n"
            "while not workers.POOL.status() and time.monotonic() < end: time.sleep(0.1)\n"
            "print(workers.POOL.status()[0]['pid'], flush=True)\n"
            "time.sleep(300)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        pid = int(parent.stdout.readline())
        assert _alive(pid)
        parent.kill()
        parent.wait()
        until(lambda: not _alive(pid), "the orphaned worker to exit", 15)
    finally:
        parent.kill()
