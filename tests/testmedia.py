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


def _png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A PNG whose header announces width x height one-bit pixels (3.6 gigapixels by default) in a few hundred
    bytes: a decoder that trusts it allocates gigabytes. Built by hand: Pillow would have to draw it first."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = zlib.compress(b"\0" * ((width + 7) // 8 + 1) * 16)  # the first 16 rows; the rest is missing
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def _animated_gif() -> bytes:
    from domains.core import examples
    base = examples.image("astronaut").resize((128, 128))
    frames = [base, base.rotate(90), base.rotate(180)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _exif_rotated() -> bytes:
    """A landscape JPEG whose EXIF says: show it turned 90 degrees (as phones store portrait photos)."""
    from domains.core import examples
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SecretCam"
    return encode(examples.image("astronaut").resize((256, 192)), "JPEG", exif=exif.tobytes())


# name -> (bytes, "ok" when a correct result is expected, "error" when a clear message is)
def bad_images() -> dict[str, tuple[bytes, str]]:
    return {
        "empty": (b"", "error"),
        "grayscale": (_photo("L"), "ok"),
        "palette": (_photo("P"), "ok"),
        "alpha": (_photo("RGBA"), "ok"),
        "cmyk": (_photo("CMYK", "JPEG"), "ok"),
        "16-bit": (_photo("I;16"), "ok"),
        "1x1": (encode(Image.new("RGB", (1, 1), (120, 80, 60))), "error"),
        "20000x20000": (encode(Image.new("1", (20000, 20000))), "error"),
        # long and thin: fine as uploaded, a line of pixels as the model would see it (1024 x 1)
        "20000x20": (encode(Image.new("RGB", (20000, 20), (120, 80, 60))), "error"),
        "20x20000": (encode(Image.new("RGB", (20, 20000), (120, 80, 60))), "error"),
        "16x5000": (encode(Image.new("RGB", (16, 5000), (120, 80, 60))), "error"),
        "truncated-jpeg": (_truncated_jpeg(), "error"),
        "text-as-png": (b"this is a text file, not a picture\n" * 20, "error"),
        "decompression-bomb": (_png_bomb(), "error"),
        "animated-gif": (_animated_gif(), "ok"),
        "exif-rotated": (_exif_rotated(), "ok"),
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
    good_samples = (0.1 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)).astype(np.float32)
    good = wav(good_samples)
    with_nan = good_samples.copy()
    with_nan[::7] = np.nan  # a damaged float WAV: one sample in seven is not a number
    return {
        "empty": (b"", "error"),
        "header-only": (header_only_wav(), "error"),
        "silence": (wav(np.zeros(16000 * 2, np.float32)), "ok"),
        "white-noise": (wav((0.3 * rng.standard_normal(16000 * 2)).astype(np.float32)), "ok"),
        "8khz-stereo": (wav(stereo_8k, rate=8000), "ok"),
        "ten-minutes": (ten_minutes, "error"),
        "corrupt": (good[:44] + bytes(rng.integers(0, 255, 2000, dtype=np.uint8)), "ok-or-error"),
        "text-as-wav": (b"this is a text file, not a recording\n" * 10, "error"),
        "8khz": (wav(tone.astype(np.float32), rate=8000), "ok"),
        "stereo": (wav(np.stack([good_samples, 0.5 * good_samples], axis=1), subtype="FLOAT"), "ok"),
        "nan-samples": (wav(with_nan, subtype="FLOAT"), "error"),
        "mp3-named-wav": (wav(0.3 * np.sin(2 * np.pi * 330 * np.arange(16000 * 2) / 16000).astype(np.float32),
                              fmt="MP3", subtype="MPEG_LAYER_III"), "ok"),
    }


# ---------------------------------------------------------------- text
def bad_texts() -> dict[str, tuple[object, str]]:
    """name -> (str or bytes, "ok" | "error" | "ok-or-error"). "ok-or-error": a demo may take it (a multilingual
    model) or refuse it with a message (an English-only one); what it may never do is raise anything else."""
    return {
        "empty": ("", "error"),
        "whitespace": (" \n\t  ", "error"),
        "200k-characters": ("word " * 40_000, "error"),
        "invalid-utf8": (b"caf\xe9 au lait \xff\xfe", "error"),
        "control-characters": ("The \x00cat\x07 sat\x1b[31m on the\x08 mat.\r\n", "ok-or-error"),
        "emoji": ("I love this film \U0001F60D\U0001F37F\U0001F44D\u200d\U0001F468", "ok-or-error"),
        "chinese": ("今天天气很好，我们去公园散步吧。", "ok-or-error"),
        "html-and-script": (HOSTILE_TEXT, "ok-or-error"),
    }


# Markup that would act if a page rendered user text as HTML or Markdown: tags, an event handler and links.
HOSTILE_TEXT = ('<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b> '
                '[click me](javascript:alert(1)) <a href="javascript:alert(2)">link</a> **not bold**')
