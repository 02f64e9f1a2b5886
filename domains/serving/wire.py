"""How demo inputs and results cross the network to the model server and back: JSON with tagged values.

Never pickle: a request is decoded by the model server and a response by every front end, so neither side may
run code the other sent. Arrays travel as dtype + shape + raw bytes (object arrays refused), images as
raw pixels (palette images as PNG), tables as Parquet, and a dataclass by name. Decoding trusts nothing: a
dataclass is rebuilt only when its name is on the allow-list (the registered demos' declared result types, every
dataclass their fields name, and the request's input types), never imported because a message names it, and
through its own constructor (its checks run); nesting deeper than MAX_DEPTH is refused.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import io
import json
import math
from typing import Any

TAG = "__wire__"
PACKAGE = __name__.split(".")[0]  # "domains": the only classes a message may name
MAX_DEPTH = 64                    # lists, dicts and dataclasses inside each other: a result is a few levels deep


class WireError(ValueError):
    """A value that cannot be sent, or a message that is not one of ours."""


def dumps(obj: Any) -> bytes:
    return json.dumps(encode(obj), separators=(",", ":"), allow_nan=False).encode()


def loads(data: bytes | str) -> Any:
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise WireError(f"not a JSON message: {e}") from None
    except RecursionError:
        raise WireError("nested too deeply") from None
    return decode(raw)


_ALLOWED: dict[str, type] = {}
_ALLOWED_FOR: list[int] = [-1]  # the registry's size the list was built for (a demo registered later joins it)


def _walk(t: Any, into: dict[str, type]) -> None:
    """`t` and every dataclass its fields name (through list[...], dict[..., ...], X | None, tuple[...])."""
    import typing
    args = typing.get_args(t)
    if args:
        for a in args:
            _walk(a, into)
        return
    if not (isinstance(t, type) and dataclasses.is_dataclass(t)):
        return
    name = f"{t.__module__}:{t.__qualname__}"
    if name in into or not t.__module__.startswith(PACKAGE + "."):
        return
    into[name] = t
    try:
        hints = typing.get_type_hints(t)
    except Exception:  # an annotation that does not resolve names no class we could rebuild
        hints = {}
    for h in hints.values():
        _walk(h, into)


def allowed() -> dict[str, type]:
    """Every dataclass a message may name: the registered demos' result types and what their fields hold, plus
    the request's input types (the guard's decoded image or audio)."""
    from ..core import registry
    from ..core.media import AudioInfo, Guarded, ImageInfo
    demos = registry.demos()
    if _ALLOWED_FOR[0] != len(demos):
        found: dict[str, type] = {}
        for t in (Guarded, ImageInfo, AudioInfo, *registry.result_types()):
            _walk(t, found)
        _ALLOWED.clear()
        _ALLOWED.update(found)
        _ALLOWED_FOR[0] = len(demos)
    return _ALLOWED


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    if not isinstance(s, str):
        raise WireError("bytes expected as base64 text")
    return base64.b64decode(s.encode("ascii"), validate=True)


def encode(obj: Any) -> Any:
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {TAG: "float", "v": repr(obj)}
    if isinstance(obj, (list, tuple)):
        items = [encode(v) for v in obj]
        return items if isinstance(obj, list) else {TAG: "tuple", "v": items}
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj) and TAG not in obj:
            return {k: encode(v) for k, v in obj.items()}
        return {TAG: "dict", "v": [[encode(k), encode(v)] for k, v in obj.items()]}
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return {TAG: "bytes", "v": _b64(bytes(obj))}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        cls = type(obj)
        if not cls.__module__.startswith(PACKAGE + "."):
            raise WireError(f"cannot send a {cls.__module__}.{cls.__qualname__}")
        return {TAG: "dc", "type": f"{cls.__module__}:{cls.__qualname__}",
                "v": {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if isinstance(obj, (_dt.datetime, _dt.date)):
        return {TAG: type(obj).__name__, "v": obj.isoformat()}
    mod = type(obj).__module__.split(".")[0]
    if mod == "numpy":
        import numpy as np
        a = np.asarray(obj)
        if a.dtype.hasobject:
            return encode(a.tolist()) if isinstance(obj, np.ndarray) else encode(obj.item())
        kind = "nd" if isinstance(obj, np.ndarray) else "np"
        return {TAG: kind, "dtype": a.dtype.str, "shape": list(a.shape), "v": _b64(np.ascontiguousarray(a).tobytes())}
    if mod == "PIL":
        from PIL import Image
        if isinstance(obj, Image.Image):
            if obj.mode == "P":  # the palette travels inside a PNG
                buf = io.BytesIO()
                obj.save(buf, format="PNG", compress_level=1)
                return {TAG: "png", "v": _b64(buf.getvalue())}
            # raw pixels: a PNG encode costs ~90 ms for a 600x400 photo, the bytes on a LAN a few ms
            return {TAG: "img", "mode": obj.mode, "size": list(obj.size), "v": _b64(obj.tobytes())}
    if mod == "pandas":
        import pandas as pd
        if isinstance(obj, (pd.DataFrame, pd.Series)):
            frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
            buf = io.BytesIO()
            frame.to_parquet(buf)
            return {TAG: "series" if isinstance(obj, pd.Series) else "frame", "v": _b64(buf.getvalue())}
    raise WireError(f"cannot send a {type(obj).__module__}.{type(obj).__qualname__}")


def _dataclass(name: Any) -> type:
    """The class a message names, from the allow-list only: nothing is imported or looked up by its name."""
    if not isinstance(name, str):
        raise WireError("bad class name")
    cls = _ALLOWED.get(name) or allowed().get(name)  # the list is rebuilt only on a miss (a demo registered since)
    if cls is None:
        raise WireError(f"refused class {str(name)[:80]}")
    return cls


def decode(raw: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    d = depth + 1
    if isinstance(raw, list):
        return [decode(v, d) for v in raw]
    if not isinstance(raw, dict):
        return raw
    tag = raw.get(TAG)
    if tag is None:
        return {k: decode(v, d) for k, v in raw.items()}
    v = raw.get("v")
    if tag == "float":
        if v not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(v)
    if tag == "tuple":
        if not isinstance(v, list):
            raise WireError("bad tuple")
        return tuple(decode(x, d) for x in v)
    if tag == "dict":
        if not (isinstance(v, list) and all(isinstance(p, list) and len(p) == 2 for p in v)):
            raise WireError("bad dict")
        return {_hashable(decode(k, d)): decode(x, d) for k, x in v}
    if tag == "bytes":
        return _unb64(v)
    if tag == "dc":
        cls = _dataclass(raw.get("type"))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        if not isinstance(v, dict) or set(v) != set(fields):
            raise WireError(f"fields of {raw.get('type')} do not match")
        values = {k: decode(x, d) for k, x in v.items()}
        try:  # through the class's own constructor: its checks (__post_init__) run on what arrived
            obj = cls(**{k: x for k, x in values.items() if fields[k].init})
        except (TypeError, ValueError) as e:
            raise WireError(f"bad {cls.__qualname__}: {e}") from None
        for k, x in values.items():
            if not fields[k].init:
                object.__setattr__(obj, k, x)
        return obj
    if tag in ("datetime", "date"):
        return getattr(_dt, tag).fromisoformat(v)
    if tag in ("nd", "np"):
        import numpy as np
        dtype = np.dtype(raw["dtype"])
        if dtype.hasobject:
            raise WireError("object arrays are refused")
        a = np.frombuffer(_unb64(v), dtype=dtype).reshape([int(s) for s in raw["shape"]]).copy()
        return a if tag == "nd" else a[()]
    if tag == "img":
        from PIL import Image
        from ..core.media import MAX_PIXELS
        try:
            w, h = (int(x) for x in raw["size"])
        except (KeyError, TypeError, ValueError):
            raise WireError("bad image size") from None
        if not (0 < w and 0 < h and w * h <= MAX_PIXELS):
            raise WireError("image too large")
        try:
            return Image.frombytes(str(raw.get("mode")), (w, h), _unb64(v))
        except ValueError as e:
            raise WireError(f"bad image: {e}") from None
    if tag in ("png", "tiff"):
        from PIL import Image
        from ..core.media import MAX_PIXELS
        try:
            img = Image.open(io.BytesIO(_unb64(v)))
            if img.width * img.height > MAX_PIXELS:  # from the header, before decoding: no bomb through the wire
                raise WireError("image too large")
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise WireError("image too large") from None
        except (OSError, SyntaxError, ValueError) as e:
            raise WireError(f"bad image: {e}") from None
        return img
    if tag in ("frame", "series"):
        import pandas as pd
        frame = pd.read_parquet(io.BytesIO(_unb64(v)))
        return frame.iloc[:, 0] if tag == "series" else frame
    raise WireError(f"unknown tag {tag!r}")


def _hashable(k: Any) -> Any:
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k
