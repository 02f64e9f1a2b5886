"""Deep-learning gallery: every model and data function, free of any UI.

    import domains
    domains.run("vision.classify", "photo.jpg", top_k=3)

Layout: `domains/core/` is the shared machinery (registry, loader, input guards, evaluation records,
health check, report); every other sub-package is one domain (`domains/vision/`, `domains/speech/`, ...),
found by discovery: a domain exists when its package does. Importing this package is cheap (no torch,
no transformers): libraries load when a model does.
"""
from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
import threading
from typing import Any

from .core import registry
from .core.errors import GalleryError, InputError, ModelUnavailable, UnknownDemo
from .core.evaluation import Evaluation
from .core.registry import demos, domains, get, local_run
from .core.report import Run
from .core.i18n import _
from .core.i18n import language as _in_language  # not `language`: that name is the language domain

__all__ = ["run", "to_dict", "check", "report", "record", "demos", "domains", "get", "Run", "Evaluation",
           "GalleryError", "InputError", "ModelUnavailable", "UnknownDemo"]

NOT_DOMAINS = ("core", "serving")  # the shared ground floor, and the model server above the domains
# Folders (os.pathsep-separated) of more domain packages, the operator's own: found like the gallery's, e.g. a demo
# written in a workshop, run by `GALLERY_EXTRA_DOMAINS=~/my-demos ./gallery.sh app`. Set by whoever starts the
# server; nothing a visitor sends names a module.
EXTRA = "GALLERY_EXTRA_DOMAINS"
_found = False
_finding = False
_discovery = threading.RLock()  # re-entrant: a domain's import may look a demo up (same thread, returns at once)


def _discover() -> None:
    """Import every domain package once (each registers its domain and demos on import). Thread-safe: the first
    visitors of a fresh server arrive together, and a second one must not see half the domains registered."""
    global _found, _finding
    if _found:
        return
    with _discovery:
        if _found or _finding:
            return
        _finding = True
        try:
            for folder in os.environ.get(EXTRA, "").split(os.pathsep):  # the operator's own domain packages
                if folder and folder not in __path__:
                    __path__.append(folder)
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
                if info.ispkg and info.name not in NOT_DOMAINS and not info.name.startswith("_"):
                    package = importlib.import_module(f"{__name__}.{info.name}")
                    for module in pkgutil.iter_modules(package.__path__):  # a demo module needs no import line
                        if not module.ispkg and not module.name.startswith("_"):
                            importlib.import_module(f"{package.__name__}.{module.name}")
            _found = True
        finally:
            _finding = False


registry.set_discovery(_discover)


def run(demo_id: str, input: Any = None, *, model: str | None = None, progress=None, lang: str | None = None,
        **params: Any) -> Any:
    """Run a demo by id with raw parameters (strings are parsed); returns the demo's result dataclass.
    `lang` ("en", "zh") is the language of every message the run writes (notes, progress, errors); None keeps
    the caller's (English unless set).

    A ModelUnavailable error names a model of the same demo that works offline, in `.alternative`."""
    with _in_language(lang):
        return _run(demo_id, input, model=model, progress=progress, **params)


def _run(demo_id: str, input: Any = None, *, model: str | None = None, progress=None, **params: Any) -> Any:
    demo = get(demo_id)
    kwargs = demo.parse_params(params)
    from .serving import remote
    if remote.enabled(demo):  # GALLERY_SERVE_URL: the model server runs it (its own errors come back whole)
        return remote.run(demo, input, model=model, params=kwargs, progress=progress)
    from .serving import workers
    if workers.enabled(demo):  # a heavy demo, in the app: a worker process runs it (the same results and errors)
        return workers.run(demo, input, model=model, params=kwargs, progress=progress)
    return local_run(demo, input, model=model, progress=progress, **kwargs)


def record(demo_id: str, input: Any = None, *, model: str | None = None, progress=None, lang: str | None = None,
           **params: Any) -> Run:
    """`run`, kept as a Run (time, demo, model card, input preview, result) for `report`."""
    from .core.report import record as _record
    with _in_language(lang):
        result = run(demo_id, input, model=model, progress=progress, **params)
        demo = get(demo_id)
        used = getattr(result, "model", None)  # a demo that picks its model by the input (language.ner) says which
        if model is None and used in {m.id for m in demo.models}:
            model = used
        return _record(demo, demo.model(model), input, params, result)


def report(runs: list[Run], title: str | None = None, lang: str | None = None) -> str:
    """A self-contained HTML report of these runs (images embedded; opens offline; prints to PDF)."""
    from .core.report import html_report
    with _in_language(lang):
        return html_report(runs, title or _("Deep Learning Gallery: session report"))


def check(demo_ids: list[str] | None = None, *, progress=None, warm_runs: int = 1,
          lang: str | None = None, save: bool = False, wait: bool = True) -> list[dict[str, Any]]:
    """Run every offline demo (or those named) on its bundled example: status, latencies, RAM, evaluation.
    One check at a time per cache (`wait=False`: Busy when another runs); `save=True` keeps the results for the
    home page's badges, under the same lock."""
    from .core import health
    with _in_language(lang), health.exclusive(wait=wait):
        chosen = [get(d) for d in demo_ids] if demo_ids else demos()
        results = health.check(chosen, run, progress=progress, warm_runs=warm_runs)
        if save:
            health.save(results)
        return results


def to_dict(obj: Any) -> Any:
    """A demo result as plain JSON-able data; fields marked `metadata={"json": False}` (images) are left out."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.metadata.get("json", True)}
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return obj.tolist()
    return obj
