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
