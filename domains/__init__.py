"""Deep-learning gallery: every model and data function, free of any UI.

    import domains
    domains.run("vision.classify", "photo.jpg", top_k=3)

Importing this package is cheap (no torch, no transformers): libraries load when a model does.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .errors import GalleryError, InputError, ModelUnavailable, UnknownDemo
from .registry import demos, domains, get

__all__ = ["run", "to_dict", "demos", "domains", "get", "GalleryError", "InputError", "ModelUnavailable", "UnknownDemo"]


def run(demo_id: str, input: Any = None, *, model: str | None = None, progress=None, **params: Any) -> Any:
    """Run a demo by id with raw parameters (strings are parsed); returns the demo's result dataclass.

    A ModelUnavailable error names a model of the same demo that works offline, in `.alternative`."""
    demo = get(demo_id)
    kwargs = demo.parse_params(params)
    try:
        return demo.fn(input, model=model, progress=progress, **kwargs)
    except ModelUnavailable as e:
        if e.alternative is None:
            alt = next((m for m in demo.models if m.offline and model not in (m.id, m.ref)), None)
            e.alternative = alt.id if alt else None
        if e.alternative is None and demo.offline_instead:
            other = get(demo.offline_instead)
            e.hint = (f"This task has no model that ships offline. Offline, try {other.title} "
                      f"({other.id}) instead.")
        raise


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
