"""What every input guard shares: the upload limits, reading a file's bytes within them, and the checked forms
of an image and a clip (`Guarded`, with what the guard saw: `ImageInfo`, `AudioInfo`).

Below both guards (`inputs` for images and text, `audio` for clips) and the wire format: each of them imports
this module, and this module imports none of them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .i18n import _

# The one upload limit, per file (image, clip, video, table): the guards, the page texts, Streamlit's server
# (set by the router from here) and nginx's body limit (deploy/cluster.py fills it in) all read this.
MAX_UPLOAD_MB = int(os.environ.get("GALLERY_MAX_UPLOAD_MB", "50"))
MAX_BYTES = MAX_UPLOAD_MB * 2**20
MAX_PIXELS = 40_000_000   # well below Pillow's bomb warning (89 MP) and error (179 MP)


@dataclass
class ImageInfo:
    width: int          # as uploaded
    height: int
    mode: str           # Pillow mode as uploaded (L, P, RGBA, CMYK, I;16, ...)
    format: str | None  # JPEG, PNG, ...
    used_width: int     # after the guard's downscale
    used_height: int
    exif_stripped: bool

    def __post_init__(self):  # also when rebuilt from a message (wire): only plausible values
        sizes = (self.width, self.height, self.used_width, self.used_height)
        if not (all(type(v) is int and 0 < v <= 10**6 for v in sizes) and isinstance(self.mode, str)
                and isinstance(self.format, (str, type(None))) and isinstance(self.exif_stripped, bool)):
            raise ValueError("not an image's description")


@dataclass
class Guarded:
    """An input the guard has already decoded and checked, in the form that travels to a model server: an image's
    pixels (RGB, camera orientation applied, at most TRANSPORT_SIDE a side) or audio's samples (mono float32 at
    16 kHz), with what the guard saw of the original. `load_image` / `load_audio` take it as it is."""

    kind: str    # "image" | "audio"
    value: Any
    info: Any    # ImageInfo | AudioInfo

    def __post_init__(self):  # also when rebuilt from a message (wire): the kind and its description agree
        if {"image": ImageInfo, "audio": AudioInfo}.get(self.kind) is not type(self.info):
            raise ValueError(f"not a guarded input: {str(self.kind)[:20]}")


@dataclass
class AudioInfo:
    duration_s: float
    sample_rate: int    # as uploaded
    channels: int
    format: str         # WAV, FLAC, OGG, MP3
    peak: float         # largest absolute sample, 0..1
    rms_db: float       # loudness in dBFS; about -90 is digital silence

    def __post_init__(self):  # also when rebuilt from a message (wire): only plausible values
        import math
        nums = (self.duration_s, self.peak, self.rms_db)
        if not (all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in nums)
                and type(self.sample_rate) is int and self.sample_rate > 0 and type(self.channels) is int
                and self.channels > 0 and isinstance(self.format, str)):
            raise ValueError("not an audio clip's description")


def read_bytes(src: Any, *, limit: int | None = None, what: str = "image") -> bytes:
    """Bytes, a path or a file object -> bytes, at most `limit` (default: the image cap); empty, missing and
    oversized inputs raise InputError. Shared by the image and audio guards."""
    limit = MAX_BYTES if limit is None else limit
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    elif isinstance(src, (str, Path)):
        p = Path(src)
        if not p.is_file():
            raise InputError(_("No such {what} file: {p}").format(what=_(what), p=p))
        if p.stat().st_size > limit:
            raise too_big(p.stat().st_size, limit)
        data = p.read_bytes()
    elif hasattr(src, "read"):
        data = src.read(limit + 1)
    else:
        raise InputError(_("Expected the {what} as bytes, a path or a file, got {type}.").format(what=_(what), type=type(src).__name__))
    if not data:
        raise InputError(_("The file is empty."))
    if len(data) > limit:
        raise too_big(len(data), limit)
    return data


def too_big(n: int, limit: int) -> InputError:
    return InputError(_("The file is {v:.1f} MB; the limit is {v2:.0f} MB.").format(v=n / 2**20, v2=limit / 2**20))
