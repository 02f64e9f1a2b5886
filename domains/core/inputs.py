"""The one input guard. Every image any demo sees comes through `load_image`."""
from __future__ import annotations

import io
import os
import warnings
import dataclasses
from typing import Any

from .errors import InputError
from .i18n import N_, _
from .media import MAX_PIXELS, Guarded, ImageInfo, read_bytes

MAX_SIDE = 1024           # downscaled to this before any model sees it
MIN_SIDE = 16             # smaller than this on a side, a picture shows nothing a model could name

# what an input is called in messages ("The {what} is empty."): in the catalog, translated where used
WHATS = (N_("image"), N_("audio"), N_("text"), N_("command"), N_("context"), N_("film title"), N_("headline"),
         N_("label list"), N_("prompt"), N_("query"), N_("question"), N_("text to search"), N_("text to speak"),
         N_("The applicant"), N_("features"), N_("ratings"), N_("state"), N_("field: value"), N_("name: number"),
         N_('"Title (Year)": stars'), N_("device: settings"))

TRANSPORT_SIDE = 2048  # the largest side any demo asks the guard for (OCR): smaller pictures travel untouched


def guard(kind: str, src: Any) -> Any:
    """A raw input (path, bytes, upload, PIL image, text) in its checked, decoded form, for a model server."""
    if src is None or isinstance(src, Guarded):
        return src
    if kind == "image":
        return Guarded("image", *load_image(src, max_side=TRANSPORT_SIDE))
    if kind == "audio":
        from .audio import load_audio
        return Guarded("audio", *load_audio(src))
    if kind == "text" and not isinstance(src, str):
        return load_text(src)
    return src


def from_client(kind: str, src: Any) -> Any:
    """A demo's input as the model server takes it from the network: the guard's decoded form (checked again by
    the same guard) or bytes for an image or a clip, a string for text, nothing for a demo without input. A string
    is never a path here: nothing a client sends makes the server open a file of its own."""
    if src is None:
        return None
    if kind in ("image", "audio"):
        if isinstance(src, Guarded):
            if src.kind != kind:
                raise InputError(_("The input arrived damaged; send it again."))
            if kind == "image":
                return Guarded("image", *load_image(src, max_side=TRANSPORT_SIDE))
            from .audio import load_audio
            return Guarded("audio", *load_audio(src))
        if isinstance(src, (bytes, bytearray)):
            return guard(kind, bytes(src))
    elif kind == "text" and isinstance(src, (str, bytes, bytearray)):
        return guard(kind, src)
    elif kind == "video" and isinstance(src, (bytes, bytearray)):  # only a worker of the app takes one (a file's
        return bytes(src)                                           # bytes; the demo checks them as it reads)
    raise InputError(_("The model server takes the {what} itself (its bytes), not {type}.").format(
        what=_(kind), type=type(src).__name__))


def json_object(raw: Any, what: str, shape: str = "field: value") -> dict:
    """A JSON object given as a dict or typed as text (the CLI's --param); nothing given is {}."""
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        import json
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as e:
            raise InputError(_("{what} must be a JSON object of {shape} ({msg}).").format(what=_(what), shape=_(shape), msg=e.msg)) from None
    if not isinstance(raw, dict):
        raise InputError(_("{what} must be a JSON object of {shape}.").format(what=_(what), shape=_(shape)))
    return raw


def items(raw: Any) -> list:
    """A list-valued parameter as a list: a list or tuple as it is, a JSON array (how lists travel through a
    str parameter), or text separated by commas or semicolons. Empty parts are dropped."""
    if isinstance(raw, str) and raw.strip().startswith("["):
        import json
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            pass
    if isinstance(raw, (list, tuple)):
        return list(raw)
    return [p.strip() for p in str(raw).replace(";", ",").split(",") if p.strip()]


def load_image(src: Any, *, max_side: int = MAX_SIDE) -> tuple[Any, ImageInfo]:
    """Bytes, a path, a file-like object or a PIL image -> (RGB PIL image, what was done to it).

    Raises InputError with a message fit for a user for anything that is not a usable image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(src, Guarded) and src.kind == "image":  # checked and decoded by the front end
        if not (isinstance(src.value, Image.Image) and isinstance(src.info, ImageInfo)):
            raise InputError(_("The input arrived damaged; send it again."))
        _check_shape(src.value.width, src.value.height, max_side)
        img = src.value.convert("RGB")
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return img, dataclasses.replace(src.info, used_width=img.width, used_height=img.height)
    if isinstance(src, Image.Image):
        img, fmt = src, None
        if img.width * img.height > MAX_PIXELS:
            raise _too_many_pixels(img.width, img.height)
    else:
        data = read_bytes(src)
        try:
            with warnings.catch_warnings():  # Pillow's bomb warning: our own cap is lower and says more
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data))
            fmt = img.format
            if img.width * img.height > MAX_PIXELS:  # checked from the header, before decoding
                raise _too_many_pixels(img.width, img.height)
            img.load()
        except InputError:
            raise
        except UnidentifiedImageError:
            raise InputError(_("This file is not an image we can read (PNG, JPEG, GIF, BMP, TIFF, WebP).")) from None
        except Image.DecompressionBombError:
            raise InputError(_("The image has far more pixels than the {v:.0f}-megapixel limit. Please resize it "
                               "first.").format(v=MAX_PIXELS / 1e6)) from None
        except (OSError, SyntaxError, ValueError) as e:
            raise InputError(_("The image is corrupt or truncated and cannot be decoded ({e}).").format(e=e)) from None
    width, height, mode = img.width, img.height, img.mode
    if width < 1 or height < 1:
        raise InputError(_("The image has no pixels."))
    if min(width, height) < MIN_SIDE:
        raise InputError(_("The image is {width} x {height} pixels: too small to show anything a model could "
                           "recognise. Use a picture at least {MIN_SIDE} pixels on each side.").format(width=width, height=height, MIN_SIDE=MIN_SIDE))
    _check_shape(width, height, max_side)
    exif = bool(img.getexif()) if hasattr(img, "getexif") else False
    try:
        img = ImageOps.exif_transpose(img)  # honour the camera's orientation, then drop the metadata
    except (OSError, ValueError, SyntaxError, TypeError):
        pass
    img = _to_rgb(img)
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)  # only ever shrinks
    clean = Image.frombytes("RGB", img.size, img.tobytes())          # pixels only: no EXIF, ICC, text chunks
    return clean, ImageInfo(width, height, mode, fmt, clean.width, clean.height, exif)


def small_image_note(info: ImageInfo, side: int) -> list[str]:
    """A warning when the picture is smaller than what the model reads: it is enlarged, and the answer is a guess."""
    if min(info.used_width, info.used_height) < side:
        return [_("This picture is {width} x {height} pixels, smaller than the {side} x {side} the model reads: it "
                  "is enlarged, so the model sees detail that was never there. Treat the answer as a guess.").format(
            width=info.used_width, height=info.used_height, side=side)]
    return []


def _check_shape(width: int, height: int, max_side: int) -> None:
    """The picture the model will see, not only the upload: shrunk to fit `max_side`, a very long and thin image
    (20000 x 20) would be a line of pixels (1024 x 1)."""
    scale = min(1.0, max_side / max(width, height))
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    if min(w, h) < MIN_SIDE <= min(width, height):
        raise InputError(_("The image is {width} x {height} pixels: too long and thin. Shrunk to {w} x {h}, as the "
                           "model would see it, one side is under {min_side} pixels. Crop it closer to what it "
                           "shows.").format(width=width, height=height, w=w, h=h, min_side=MIN_SIDE))


def _too_many_pixels(w: int, h: int) -> InputError:
    return InputError(_("The image is {w}x{h} ({v:.0f} megapixels); the limit is {v2:.0f} megapixels. Please "
                        "resize it first.").format(w=w, h=h, v=w * h / 1e6, v2=MAX_PIXELS / 1e6))


def _to_rgb(img):
    """Any Pillow mode -> 8-bit RGB; transparency composited on white, 16-bit and float rescaled."""
    from PIL import Image
    import numpy as np

    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(a)
        img = Image.fromarray(a.astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(canvas, rgba)
    return img.convert("RGB")


# ---------------------------------------------------------------- text
MAX_TEXT_CHARS = int(os.environ.get("GALLERY_MAX_TEXT_CHARS", "100000"))


def load_text(src: Any, *, max_chars: int = MAX_TEXT_CHARS, what: str = "text") -> str:
    """A str, UTF-8 bytes or a text file object -> the text, stripped. Every script and emoji passes;
    empty, whitespace-only, non-UTF-8 and over-long input raise InputError with a message fit for a user."""
    if hasattr(src, "read"):
        src = src.read(max_chars * 4 + 4)
    if isinstance(src, (bytes, bytearray, memoryview)):
        raw = bytes(src)
        if len(raw) > max_chars * 4:
            raise _too_long(what, len(raw.decode("utf-8", "replace")), max_chars)
        try:
            src = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(_("The file is not UTF-8 text (byte 0x{v:02x} at position {start} is not valid "
                               "UTF-8). Save it as UTF-8 and upload it again.").format(v=raw[e.start], start=e.start)) from None
    if src is None:
        raise InputError(_("The {what} is empty.").format(what=_(what)))
    if not isinstance(src, str):
        raise InputError(_("Expected the {what} as a string, got {type}.").format(what=_(what), type=type(src).__name__))
    text = src.replace("\x00", "").strip()
    if not text:
        raise InputError(_("The {what} is empty.").format(what=_(what)) if not src else _("The {what} is only whitespace.").format(what=_(what)))
    if len(text) > max_chars:
        raise _too_long(what, len(text), max_chars)
    return text


def _too_long(what: str, n: int, limit: int) -> InputError:
    return InputError(_("The {what} is {n:,} characters; the limit is {limit:,}. Please shorten it.").format(what=_(what), n=n, limit=limit))


# ---------------------------------------------------------------- scripts: what a text model can read
SCRIPT_NAMES = {"LATIN": N_("Latin letters"), "CJK": N_("Chinese characters"), "HIRAGANA": N_("Japanese kana"),
                "KATAKANA": N_("Japanese kana"), "HANGUL": N_("Korean hangul"), "CYRILLIC": N_("Cyrillic letters"),
                "ARABIC": N_("Arabic letters"), "GREEK": N_("Greek letters"), "HEBREW": N_("Hebrew letters"),
                "DEVANAGARI": N_("Devanagari letters"), "THAI": N_("Thai letters")}


def scripts(text: str) -> dict[str, int]:
    """How many letters of each script the text has (digits, punctuation, symbols and emoji are not letters)."""
    import unicodedata
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "OTHER").split()[0]
            counts[name] = counts.get(name, 0) + 1
    return counts


def mostly(text: str, script: str) -> bool:
    """True when more than half of the text's letters are of `script` ("CJK": Chinese characters): which model
    of a demo that has one per script reads it."""
    counts = scripts(text)
    return counts.get(script, 0) > sum(counts.values()) / 2 if counts else False


def check_script(text: str, allowed: tuple[str, ...], reader: str, languages: str,
                 letters_required: bool = True, refuse: bool = True,
                 instead: dict[str, str] | None = None) -> list[str]:
    """Refuse text a model cannot read before it runs: no letters at all, or mostly letters of a script the
    model does not know (`allowed`, e.g. ("LATIN",)). A few foreign letters are flagged, not refused:
    returns the notes to show. `reader` names the model, `languages` what it reads ("English"); `instead` says,
    per script ("CJK"), which model would read such text (translated): the refusal's hint."""
    counts = scripts(text)
    letters = sum(counts.values())
    if not letters and not letters_required:
        return []
    if not letters:
        raise InputError(_("The text has no letters, only digits, symbols or emoji: {reader} reads {languages} text.").format(reader=reader, languages=languages))
    foreign = {s: n for s, n in counts.items() if s not in allowed}
    share = sum(foreign.values()) / letters
    if not foreign:
        return []
    top = max(foreign, key=foreign.get)
    main = _(SCRIPT_NAMES.get(top, N_("letters of another script")))
    if share > 0.5 and not refuse:  # models that still give something useful (a ranking) flag instead
        return [_("This text is mostly {main}, and {reader} reads {languages} only: its answer means little. "
                  "Pick a multilingual model if there is one.").format(main=main, reader=reader, languages=languages)]
    if share > 0.5:
        raise InputError(_("{reader} reads {languages} only, and this text is mostly {main}. Use {languages} text, "
                           "or a model made for this language.").format(reader=reader, languages=languages, main=main),
                         hint=(instead or {}).get(top, ""))
    return [_("{n} of {letters} letters are {main}: {reader} reads {languages} only, so those words are not "
              "understood.").format(n=sum(foreign.values()), letters=letters, main=main, reader=reader,
                                    languages=languages)]


def script_check(text: str, spec: Any, letters_required: bool = True, refuse: bool = True,
                 instead: dict[str, str] | None = None) -> list[str]:
    """`check_script` against what a model spec says it reads (nothing to check when it names no scripts)."""
    if not getattr(spec, "scripts", ()):
        return []
    return check_script(text, spec.scripts, spec.label, spec.text("languages") or _("its own languages"),
                        letters_required, refuse, instead)
