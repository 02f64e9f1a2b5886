"""Offline mode is decided before HF libraries load; the trained-model source builds once and caches."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from domains.core import trained
from domains.core.loader import ModelLoader, adapter, ADAPTERS
from domains.core.registry import ModelSpec


def test_unreachable_hub_switches_on_offline_mode_before_hf_imports():
    code = ("from domains.core import hub\n"
            "print('ONLINE', hub.online())\n"
            "import huggingface_hub.constants as c, os\n"
            "print('ENV', os.environ.get('HF_HUB_OFFLINE'), 'CONST', c.HF_HUB_OFFLINE)\n")
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env["HF_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "ONLINE False" in out.stdout and "ENV 1 CONST True" in out.stdout


def test_reachable_endpoint_counts_as_online():
    import socket
    from domains.core import hub
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    try:
        assert hub._reachable(f"http://127.0.0.1:{srv.getsockname()[1]}")
    finally:
        srv.close()


def _train_breast_cancer(epochs: int):
    """A logistic-regression network trained on scikit-learn's bundled breast-cancer data."""
    import torch
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    mu, sd = Xtr.mean(0), Xtr.std(0)
    key = {"data": trained.fingerprint(X, y), "code": "test-v1", "seed": 0, "epochs": epochs}

    def build(progress):
        torch.manual_seed(0)
        net = torch.nn.Linear(30, 1)
        opt = torch.optim.Adam(net.parameters(), lr=0.05)
        xt, yt = torch.tensor((Xtr - mu) / sd, dtype=torch.float32), torch.tensor(ytr, dtype=torch.float32)
        for ep in range(epochs):
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(xt)[:, 0], yt)
            loss.backward()
            opt.step()
            if progress:
                progress((ep + 1) / epochs, f"epoch {ep + 1}")
        with torch.no_grad():
            acc = float(((net(torch.tensor((Xte - mu) / sd, dtype=torch.float32))[:, 0] > 0).numpy() == yte).mean())
        return dict(net.state_dict()), {"test_accuracy": acc, "baseline_accuracy": float(max(yte.mean(), 1 - yte.mean()))}

    return key, build


def test_trained_model_builds_once_then_loads_and_rebuilds_on_change():
    import uuid
    key, build = _train_breast_cancer(epochs=60)
    seen = []
    name = f"bc-test-{uuid.uuid4().hex[:8]}"  # its own: a cache kept from an earlier run holds "bc-test" already
    t1, meta1, built1 = trained.cached_model(name, key, build, progress=lambda f, m: seen.append(m))
    assert built1 and any(m.startswith("Training") for m in seen) and "epoch 60" in seen
    assert meta1["test_accuracy"] > meta1["baseline_accuracy"] + 0.2  # beats the majority class on held-out data
    t2, meta2, built2 = trained.cached_model(name, key, build)
    assert not built2 and meta2["test_accuracy"] == meta1["test_accuracy"]
    assert all(np.array_equal(t1[k].numpy(), t2[k].numpy()) for k in t1)
    key3, build3 = _train_breast_cancer(epochs=61)  # a changed hyper-parameter (or data, or code) rebuilds
    _, _, built3 = trained.cached_model(name, key3, build3)
    assert built3


def test_trained_source_through_the_loader():
    import torch
    key, build = _train_breast_cancer(epochs=30)

    @adapter("test_bc")
    def _load(spec, path, progress):
        tensors, meta, _ = trained.cached_model("bc-loader", key, build, progress)
        net = torch.nn.Linear(30, 1)
        net.load_state_dict(tensors)
        return net

    try:
        spec = ModelSpec(id="bc", name="BC", source="trained", adapter="test_bc", license="BSD-3-Clause",
                         size_mb=0.01, ram_mb=1, offline=True, ref="sklearn/breast_cancer")
        with ModelLoader().use(spec) as net:
            assert net.weight.shape == (1, 30)
    finally:
        ADAPTERS.pop("test_bc")


class _Stop(Exception):
    pass


def _folder_of(monkeypatch, load, spec):
    """Where a trained demo's adapter would find (or build) its model: its one key, computed the way it is for
    real, without training (cached_model replaced by a spy that stops there)."""
    seen = []

    def spy(name, key, build, progress=None):
        seen.append(trained.folder_for(name, key, build))
        raise _Stop
    monkeypatch.setattr(trained, "cached_model", spy)
    with pytest.raises(_Stop):
        load(spec, None, None)
    monkeypatch.undo()
    return seen[0]


def test_a_trained_demos_key_covers_every_setting_and_its_training_code(monkeypatch):
    """Differential privacy's model: the clipping norm and the seed are in its key (they were not), and its
    training code is read from the source, so a changed setting or a changed line rebuilds it."""
    import domains
    from domains.privacy import dp
    spec = domains.get("privacy.dp").default_model
    first = _folder_of(monkeypatch, dp._load, spec)
    assert _folder_of(monkeypatch, dp._load, spec) == first  # stable: the same model is found again
    for name, value in (("CLIP", 2.0), ("SEED", 1), ("DELTA", 1e-6), ("EPSILONS", (1.0, 4.0))):
        monkeypatch.setattr(dp, name, value)
        changed = _folder_of(monkeypatch, dp._load, spec)
        assert changed != first, f"{name} is not in the key: the old model would be served"
    # the training code: the module of the build function and the gallery modules it calls
    captured = []

    def spy(name, key, build, progress=None):
        captured.append(build)
        raise _Stop
    monkeypatch.setattr(trained, "cached_model", spy)
    with pytest.raises(_Stop):
        dp._load(spec, None, None)
    monkeypatch.undo()
    assert {"domains.privacy.dp", "domains.core.threads"} <= trained.training_modules(captured[0])


def test_a_changed_line_of_training_code_changes_the_key(tmp_path, monkeypatch):
    import importlib.util
    src = tmp_path / "keytest_module.py"
    src.write_text("EPOCHS = 3\n\ndef build(progress):\n    return {}, {'epochs': EPOCHS}\n")
    spec = importlib.util.spec_from_file_location("domains.keytest_module", src)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["domains.keytest_module"] = mod
    try:
        spec.loader.exec_module(mod)
        before = trained.code_fingerprint(mod.build)
        src.write_text("EPOCHS = 3\n\ndef build(progress):\n    return {}, {'epochs': EPOCHS + 1}\n")
        assert trained.code_fingerprint(mod.build) != before
    finally:
        sys.modules.pop("domains.keytest_module", None)


def test_no_model_is_versioned_by_hand():
    import re
    from pathlib import Path
    root = Path(trained.__file__).resolve().parents[1]
    hand = [str(p.relative_to(root)) for p in root.rglob("*.py")
            if re.search(r"\b[A-Z_]*VERSION\b\s*=|[\"']v[\"']\s*:\s*\d", p.read_text())]
    assert not hand, f"cache keys with hand-bumped versions (the code is in the key already): {hand}"
