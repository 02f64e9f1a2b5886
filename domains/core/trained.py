"""The third model source: models the project trains itself on bundled data.

Built on first use (with progress), saved as safetensors plus a JSON of metadata (metrics, config),
and loaded from disk after. One key per model: the demo's key (its data's content, every setting it trains
with) plus its training code, read from the source itself (`code_fingerprint`), so a change to any of them
rebuilds the model and its published metrics; nothing is versioned by hand.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from .i18n import _
from .paths import cache_dir, shipped_dir

Progress = Callable[[float | None, str], None]
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def fingerprint(*parts: Any) -> str:
    """A short stable hash of JSON-able parts (numpy/pandas objects hash their bytes)."""
    h = hashlib.sha256()
    for p in parts:
        if hasattr(p, "to_numpy"):  # pandas
            p = p.to_numpy()
        if hasattr(p, "tobytes"):   # numpy
            h.update(str(p.dtype).encode() + str(p.shape).encode() + p.tobytes())
        else:
            h.update(json.dumps(p, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def code_fingerprint(build: Callable) -> str:
    """A hash of the training code behind `build`: the source of every module `training_modules` names."""
    import sys
    h = hashlib.sha256(Path(build.__code__.co_filename).read_bytes())  # its own file, whatever its module's name
    for m in sorted(training_modules(build) - {build.__module__}):
        f = getattr(sys.modules.get(m), "__file__", None)
        h.update(m.encode() + (Path(f).read_bytes() if f else b""))
    return h.hexdigest()[:16]


def training_modules(build: Callable) -> set[str]:
    """The module that defines `build` and every gallery module whose functions or classes it (or a function
    nested in it) names or holds in its closure."""
    import types
    modules, codes, seen = {build.__module__}, [build.__code__], set()
    objects = [c.cell_contents for c in (build.__closure__ or ()) if _filled(c)]
    while codes:
        code = codes.pop()
        if code in seen:
            continue
        seen.add(code)
        objects += [build.__globals__.get(n) for n in code.co_names]
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    for o in objects:
        m = getattr(o, "__module__", None) if callable(o) else getattr(o, "__name__", None) \
            if isinstance(o, types.ModuleType) else None
        if isinstance(m, str) and m.startswith(__name__.split(".")[0] + "."):
            modules.add(m)
    return modules


def _filled(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:  # a closure variable not assigned yet
        return False


def folder_for(name: str, key: dict[str, Any], build: Callable) -> Path:
    """Where this model lives: its name and one hash of its key and its training code."""
    return cache_dir() / f"{name}-{fingerprint({**key, '__code__': code_fingerprint(build)})}"


def cached_model(name: str, key: dict[str, Any], build: Callable[[Progress | None], tuple[dict, dict]],
                 progress: Progress | None = None) -> tuple[dict, dict, bool]:
    """(tensors, meta, built_now). `build(progress)` returns (state_dict of tensors, JSON-able meta). `key`: what the
    model is trained from and with (data fingerprints, seeds, epochs, every other setting); the code is added here."""
    from safetensors.torch import load_file, save_file

    folder = folder_for(name, key, build)
    shipped = _shipped(folder.name)
    if shipped is not None and not folder.exists():  # built by the project, for this very code and data
        if progress:
            progress(None, _("Loading {name}, shipped with the gallery").format(name=name))
        return load_file(shipped / "model.safetensors"), json.loads((shipped / "meta.json").read_text()), False
    with _locks_guard:
        lock = _locks.setdefault(str(folder), threading.Lock())
    folder.parent.mkdir(parents=True, exist_ok=True)
    with lock, _file_lock(folder.parent / f".{folder.name}.lock"):
        weights, meta_path = folder / "model.safetensors", folder / "meta.json"
        if weights.exists() and meta_path.exists():
            if progress:
                progress(None, _("Loading {name} trained earlier from {folder}").format(name=name, folder=folder))
            return load_file(weights), json.loads(meta_path.read_text()), False
        from .progress import stage
        with stage(progress, f"train:{name}", _("Training {name} on first use (cached afterwards)").format(name=name), 0.0):
            tensors, meta = build(progress)
        meta = {**meta, "key": key}
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{name}-"))
        try:  # write aside, then rename: a crash never leaves a half-written model behind
            save_file({k: v.contiguous() for k, v in tensors.items()}, tmp / "model.safetensors")
            (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return tensors, meta, True


def _shipped(folder_name: str) -> Path | None:
    """The shipped copy of a model, found by its folder's name: the name holds the fingerprint of its data, settings
    and training code, so a model whose fingerprint changed is not found here (it is rebuilt, never served stale)."""
    root = shipped_dir()
    found = root / folder_name if root else None
    return found if found and (found / "model.safetensors").is_file() and (found / "meta.json").is_file() else None


def ship(into: Path, built: Path) -> tuple[list[str], list[str]]:
    """Copy the models in `built` (a cache's trained folder) into `into` (models/), replacing what was there:
    (names added, names removed). Only model folders travel (weights and meta), not locks or data files."""
    into.mkdir(parents=True, exist_ok=True)
    new = {d.name for d in built.iterdir() if d.is_dir() and (d / "model.safetensors").is_file()
           and (d / "meta.json").is_file() and not d.name.startswith(".")}
    old = {d.name for d in into.iterdir() if d.is_dir()}
    for name in old - new:
        shutil.rmtree(into / name)
    for name in new - old:
        shutil.copytree(built / name, into / name)
    return sorted(new - old), sorted(old - new)


@contextlib.contextmanager
def _file_lock(path: Path):
    """Across processes (the app, a `python -m domains train` run, test workers, app replicas): one builds a model,
    the others wait for it and then load it from disk."""
    import fcntl
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def pack(nets: dict[Any, Any]) -> dict:
    """Several networks' weights in one safetensors dict, each under "seed{key}.": {seed: net} -> tensors."""
    return {f"seed{k}.{n}": v.detach().clone() for k, net in nets.items() for n, v in net.state_dict().items()}


def unpack(tensors: dict, make: Callable[[], Any], keys) -> list:
    """The networks `pack` stored, rebuilt with `make()` in eval mode, in the order of `keys`."""
    nets = []
    for k in keys:
        net = make()
        net.load_state_dict({n.split(".", 1)[1]: v for n, v in tensors.items() if n.startswith(f"seed{k}.")})
        nets.append(net.eval())
    return nets


def built_note(meta: dict) -> list[str]:
    """The one line a result carries when its model was trained by this very call (the first result after the
    training says so; later calls of the model, which stays loaded, do not)."""
    return [_("Trained on first use in {s} s, then cached on disk.").format(s=meta["train_seconds"])] \
        if meta.pop("built_now", False) else []
