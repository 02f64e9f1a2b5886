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
    from domains import examples
    img = examples.image("astronaut").resize((256, 256))
    if mode == "I;16":
        img = Image.fromarray(np.asarray(img.convert("L"), np.uint16) * 200)
    else:
        img = img.convert(mode)
    return encode(img, fmt)


def _truncated_jpeg() -> bytes:
    from domains import examples
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
        "1x1": (encode(Image.new("RGB", (1, 1), (120, 80, 60))), "ok-or-error"),
        "20000x20000": (encode(Image.new("1", (20000, 20000))), "error"),
        "truncated-jpeg": (_truncated_jpeg(), "error"),
        "text-as-png": (b"this is a text file, not a picture\n" * 20, "error"),
    }
