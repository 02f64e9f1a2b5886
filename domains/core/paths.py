"""Where the gallery keeps what it makes on a machine: trained models, converted models, example clips, timings.

The ground under `trained` and `progress` (both need the cache's place; neither needs the other for it)."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """GALLERY_CACHE_DIR, else the user's cache folder (XDG_CACHE_HOME or ~/.cache) / dl-gallery."""
    return Path(os.environ.get("GALLERY_CACHE_DIR")
                or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dl-gallery")


def cache_dir() -> Path:
    """The trained models' folder."""
    return cache_root() / "trained"


SHIPPED = Path(__file__).resolve().parents[2] / "models"  # the checkout's models/ folder


def shipped_dir() -> Path | None:
    """The trained models that ship with the gallery (built by `python -m domains train --ship`), read-only:
    GALLERY_SHIPPED_MODELS (a folder, or 0 for none: every model is built here), else the checkout's models/."""
    raw = os.environ.get("GALLERY_SHIPPED_MODELS")
    if raw is not None and raw.strip() in ("", "0", "off", "none"):
        return None
    return Path(raw) if raw else SHIPPED
