"""The models the project trains ship in models/ (issue 33), built by `python -m domains train --ship`: a fresh cache
finds every one of them for today's code and data and builds nothing, and a retrain here (the models the test
session trains itself) reproduces each shipped model's evaluation record within that record's own tolerance."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import domains
from domains.core import paths

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("trained")
# the demos of every model trained once and kept on disk (not those trained per request or live in a page)
KEPT = [d.id for d in domains.demos()
        if any(m.source == "trained" and m.needs.get("build") in (None, "long") for m in d.models)]


def _check(env: dict) -> dict[str, dict]:
    out = subprocess.run([sys.executable, "-m", "domains", "check", "--json", "--warm", "0", *KEPT], cwd=ROOT,
                         env={**os.environ, **env}, capture_output=True, text=True, timeout=3600)
    assert out.stdout.strip().startswith("["), out.stderr[-3000:]
    return {r["id"]: r for r in json.loads(out.stdout)}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    cache = tmp_path_factory.mktemp("fresh-cache")
    return _check({"GALLERY_CACHE_DIR": str(cache), "GALLERY_SHIPPED_MODELS": str(paths.SHIPPED)}), cache


def test_a_fresh_cache_builds_nothing_every_model_ships_for_todays_code(shipped):
    records, cache = shipped
    assert len(KEPT) >= 15 and set(records) == set(KEPT)
    assert all(r["status"] == "ok" for r in records.values()), [(r["id"], r["reason"]) for r in records.values()]
    built = sorted(d.name for d in (cache / "trained").glob("*") if (d / "model.safetensors").is_file())
    assert not built, (f"built in a fresh cache, so models/ has no copy for today's code or data: {built}. "
                       "Rebuild the shipped models: python -m domains train --ship")
    names = {d.name.rsplit("-", 1)[0] for d in paths.SHIPPED.iterdir() if d.is_dir()}
    assert {"highway-dqn", "mnist-digit-models", "leaf-outline-cnn", "rice-mlp"} <= names  # the slow ones among them


def test_a_retrain_reproduces_every_shipped_evaluation_within_its_tolerance(shipped):
    records, _ = shipped
    retrained = _check({"GALLERY_SHIPPED_MODELS": "0"})  # the test session's own cache: trained here
    compared = 0
    for demo_id, r in records.items():
        a, b = r["evaluation"], retrained[demo_id]["evaluation"]
        if a is None:
            continue
        assert b is not None, demo_id
        compared += 1
        assert abs(a["model"] - b["model"]) <= max(a["tolerance"], 1e-9), (demo_id, a["metric"], a["model"], b["model"])
    assert compared >= 10
