"""Test media built in memory: images in every Pillow mode and the bad inputs every image demo must survive."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def gradient(mode: str, size=(64, 48)) -> Image.Image:
    base = Image.linear_gradient("L").resize(size)
    if mode == "I;16":
        return Image.fromarray(np.asarray(base, np.uint16) * 257)
    if mode == "F":
        return Image.fromarray(np.asarray(base, np.float32) / 255.0)
    if mode == "I":
        return Image.fromarray(np.asarray(base, np.int32) * 1000)
    return base.convert(mode)


def _photo(mode: str, fmt: str = "PNG") -> bytes:
    from domains.core import examples
    img = examples.image("astronaut").resize((256, 256))
    if mode == "I;16":
        img = Image.fromarray(np.asarray(img.convert("L"), np.uint16) * 200)
    else:
        img = img.convert(mode)
    return encode(img, fmt)


def _truncated_jpeg() -> bytes:
    from domains.core import examples
    data = encode(examples.image("coffee"), "JPEG")
    return data[: len(data) // 3]


# name -> (bytes, "ok" when a correct result is expected, "error" when a clear message is)
def bad_images() -> dict[str, tuple[bytes, str]]:
    return {
        "grayscale": (_photo("L"), "ok"),
        "palette": (_photo("P"), "ok"),
        "alpha": (_photo("RGBA"), "ok"),
        "cmyk": (_photo("CMYK", "JPEG"), "ok"),
        "16-bit": (_photo("I;16"), "ok"),
        "1x1": (encode(Image.new("RGB", (1, 1), (120, 80, 60))), "error"),
        "20000x20000": (encode(Image.new("1", (20000, 20000))), "error"),
        "truncated-jpeg": (_truncated_jpeg(), "error"),
        "text-as-png": (b"this is a text file, not a picture\n" * 20, "error"),
    }


# ---------------------------------------------------------------- audio
def wav(samples, rate: int = 16000, subtype: str = "PCM_16", fmt: str = "WAV") -> bytes:
    import soundfile as sf
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


def header_only_wav() -> bytes:
    """A valid WAV header that announces no samples."""
    return wav(np.zeros(0, np.float32))


def bad_audio() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, "ok" | "error"): every speech demo must give a result or a clear message."""
    rng = np.random.default_rng(0)
    t = np.arange(8000 * 3) / 8000
    tone = 0.3 * np.sin(2 * np.pi * 220 * t)
    stereo_8k = np.stack([tone, 0.5 * tone], axis=1).astype(np.float32)
    ten_minutes = wav(np.zeros(16000 * 600, np.int16), subtype="PCM_16")
    good = wav(0.1 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000))
    return {
        "empty": (b"", "error"),
        "header-only": (header_only_wav(), "error"),
        "silence": (wav(np.zeros(16000 * 2, np.float32)), "ok"),
        "white-noise": (wav((0.3 * rng.standard_normal(16000 * 2)).astype(np.float32)), "ok"),
        "8khz-stereo": (wav(stereo_8k, rate=8000), "ok"),
        "ten-minutes": (ten_minutes, "error"),
        "corrupt": (good[:44] + bytes(rng.integers(0, 255, 2000, dtype=np.uint8)), "ok-or-error"),
        "text-as-wav": (b"this is a text file, not a recording\n" * 10, "error"),
    }
