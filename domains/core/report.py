"""The session report: a self-contained HTML page of the runs a presenter made, for the stakeholder who
asks "send me what you showed". For each run: time, demo, model (name, license, revision), the input
(thumbnail, text excerpt or audio length), the result (pictures the demo drew, labels and scores,
tables), latency. Images are embedded, nothing is fetched, and it prints cleanly to PDF."""
from __future__ import annotations

import base64
import dataclasses
import html
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .i18n import _, n_
from .registry import Demo, ModelSpec

MAX_ROWS = 12           # rows of a list shown in a table
MAX_TEXT = 600          # characters of a text input or a long string shown
IMAGE_SIDE = 520        # result pictures are shrunk to this (JPEG), inputs to THUMB_SIDE
THUMB_SIDE = 200
MAX_DEPTH = 3
# result fields the run's header already shows (model, latency) or that only repeat the input's bookkeeping
SKIP = {"model", "latency_ms", "image", "images", "history"}


@dataclass
class Run:
    """One demo run as the report shows it. Build with `record` (or `domains.record`)."""

    when: str
    demo_id: str
    demo_title: str
    model: dict[str, Any]              # name, id, license, revision, source
    input: dict[str, Any]              # kind + preview: jpeg (base64) | text | seconds
    params: dict[str, Any]
    result: Any = field(repr=False)
    latency_ms: float | None = None

    key: str = ""                      # what makes two runs the same run (see run_key)


def run_key(demo_id: str, model_id: str, params: dict[str, Any], input: Any) -> str:
    """Demo, model, settings and a digest of the input: cheap to compute, so a rerun of the same run is
    recognised before any thumbnail is made."""
    import hashlib
    import json
    from .media import Guarded
    h = hashlib.sha256()
    if isinstance(input, Guarded):  # the front end's decoded input: its pixels or samples
        input = input.value
    if isinstance(input, (bytes, bytearray, memoryview)):
        h.update(bytes(input))
    elif _is_image(input):
        h.update(f"{input.mode}{input.size}".encode() + input.tobytes())
    elif hasattr(input, "tobytes"):
        h.update(input.tobytes())
    else:
        h.update(repr(input).encode())
    return json.dumps([demo_id, model_id, {k: _plain(v) for k, v in params.items()}, h.hexdigest()[:16]],
                      sort_keys=True, default=str)


def _jpeg(img, side: int, quality: int = 78) -> str:
    img = img.convert("RGB")
    img.thumbnail((side, side))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def _preview(kind: str, value: Any) -> dict[str, Any]:
    """What the report shows of an input: never the raw upload itself."""
    from .errors import GalleryError
    try:
        if kind == "image" and value is not None:
            from .inputs import load_image
            img, info = load_image(value)
            return {"kind": "image", "jpeg": _jpeg(img, THUMB_SIDE), "size": f"{info.width} x {info.height}"}
        if kind == "audio" and value is not None:
            return {"kind": "audio", "seconds": round(_seconds(value), 2)}
        if kind == "text" and value is not None:
            from .inputs import load_text
            text = load_text(value)
            return {"kind": "text", "text": text[:MAX_TEXT], "chars": len(text)}
    except GalleryError as e:
        return {"kind": kind, "error": str(e)}
    return {"kind": "none"}


def _seconds(value: Any) -> float:
    """A clip's length for the report: from the guard's description or the file's header, without decoding it
    again (the demo has; a long clip takes a while)."""
    from .media import Guarded
    if isinstance(value, Guarded):
        return value.info.duration_s
    if isinstance(value, (bytes, bytearray)):
        import soundfile as sf
        try:
            return sf.info(io.BytesIO(bytes(value))).duration
        except Exception:  # a header soundfile cannot read: the guard's own message below
            pass
    from .audio import load_audio
    return load_audio(value)[1].duration_s


def _plain(v: Any) -> Any:
    """A parameter as the report shows it: bytes and long texts summarised."""
    if isinstance(v, (bytes, bytearray)):
        return f"<{len(v):,} bytes>"
    if isinstance(v, str) and len(v) > 200:
        return v[:200] + "…"
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v if isinstance(v, (int, float, str, bool, type(None), list)) else type(v).__name__


def record(demo: Demo, spec: ModelSpec | None, input: Any, params: dict[str, Any], result: Any,
           when: datetime | None = None, key: str | None = None) -> Run:
    """The run as the report keeps it; `key` when the caller has computed `run_key` already (it hashes the input)."""
    spec = spec or demo.default_model
    model = {"name": spec.label, "id": spec.id, "license": _(spec.license), "revision": spec.revision,
             "source": spec.source}
    return Run((when or datetime.now()).isoformat(timespec="seconds"), demo.id, _(demo.title), model,
               _preview(demo.input_kind_for(params), input), {k: _plain(v) for k, v in params.items()}, result,
               getattr(result, "latency_ms", None), key or run_key(demo.id, spec.id, params, input))


# ---------------------------------------------------------------- HTML
def _is_image(v: Any) -> bool:
    return hasattr(v, "convert") and hasattr(v, "size") and hasattr(v, "mode")


def _num(v: float) -> str:
    return f"{v:,.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3g}"


def _cell(v: Any, depth: int) -> str:
    if isinstance(v, bool) or v is None:
        return html.escape(str(v))
    if isinstance(v, float):
        return _num(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, str):
        return html.escape(v if len(v) <= MAX_TEXT else v[:MAX_TEXT] + "…")
    if hasattr(v, "tolist") and not _is_image(v):
        v = v.tolist()
        if isinstance(v, list) and len(v) > MAX_ROWS:
            return f"({len(v):,} values)"
        return _cell(v, depth)
    if depth >= MAX_DEPTH:
        return html.escape(type(v).__name__)
    return _value(v, depth + 1)


def _rows_table(items: list[Any], depth: int) -> str:
    rows = [dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in items]
    if not all(isinstance(r, dict) for r in rows):
        shown = ", ".join(_cell(x, depth) for x in items[:MAX_ROWS])
        return shown + (f" … ({len(items) - MAX_ROWS} more)" if len(items) > MAX_ROWS else "")
    cols: list[str] = []
    for r in rows[:MAX_ROWS]:
        cols += [k for k in r if k not in cols and not _is_image(r[k])]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c), depth)}</td>" for c in cols) + "</tr>"
                   for r in rows[:MAX_ROWS])
    more = ('<p class="more">' + _("… and {n} more rows").format(n=len(rows) - MAX_ROWS) + "</p>"
            if len(rows) > MAX_ROWS else "")
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _value(v: Any, depth: int = 0) -> str:
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        v = {f.name: getattr(v, f.name) for f in dataclasses.fields(v)
             if f.metadata.get("json", True) and not (depth == 0 and f.name in SKIP)}
    if isinstance(v, dict):
        if not v:
            return "–"
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_cell(x, depth)}</td></tr>" for k, x in v.items()
                       if not _is_image(x))
        return f'<table class="kv">{rows}</table>'
    if isinstance(v, (list, tuple)):
        return _rows_table(list(v), depth) if v else "–"
    return _cell(v, depth)


def _pictures(result: Any) -> list[tuple[str, str]]:
    """(field name, base64 JPEG) for every picture the demo drew (annotated image, overlay, output...)."""
    if not dataclasses.is_dataclass(result):
        return []
    return [(f.name, _jpeg(getattr(result, f.name), IMAGE_SIDE)) for f in dataclasses.fields(result)
            if _is_image(getattr(result, f.name))]


def _run_html(i: int, run: Run) -> str:
    m = run.model
    rev = " · " + _("revision {revision}").format(revision=html.escape(str(m["revision"])[:12])) if m.get("revision") else ""
    lat = f" · {run.latency_ms:,.0f} ms" if isinstance(run.latency_ms, (int, float)) else ""
    inp = run.input
    if inp.get("error"):
        shown = f"<p>{html.escape(inp['error'])}</p>"
    elif inp["kind"] == "image":
        shown = f'<img class="thumb" alt="input" src="data:image/jpeg;base64,{inp["jpeg"]}"><p>{inp["size"]} px</p>'
    elif inp["kind"] == "text":
        more = (_("(first {shown:,} of {n:,} characters)").format(shown=MAX_TEXT, n=inp["chars"])
                if inp["chars"] > MAX_TEXT else "")
        shown = f'<pre class="text">{html.escape(inp["text"])}</pre><p>{more}</p>'
    elif inp["kind"] == "audio":
        shown = "<p>" + _("Audio clip, {seconds:.1f} s").format(seconds=inp["seconds"]) + "</p>"
    else:
        shown = "<p>" + _("No input: the demo's own data.") + "</p>"
    params = {k: v for k, v in run.params.items() if v not in (None, "")}
    pics = "".join(f'<figure><img alt="{html.escape(name)}" src="data:image/jpeg;base64,{b64}">'
                   f"<figcaption>{html.escape(name)}</figcaption></figure>" for name, b64 in _pictures(run.result))
    h_in, h_set, h_out = _("Input"), _("Settings"), _("Result")
    return f"""<section>
<h2>{i}. {html.escape(run.demo_title)} <span class="id">{html.escape(run.demo_id)}</span></h2>
<p class="meta">{html.escape(run.when.replace("T", " "))} · {html.escape(m["name"])} ({html.escape(m["license"])},
{html.escape(m["source"])}){rev}{lat}</p>
<div class="io"><div class="in"><h3>{h_in}</h3>{shown}{f"<h3>{h_set}</h3>" + _value(params) if params else ""}</div>
<div class="out"><h3>{h_out}</h3>{pics}{_value(run.result)}</div></div>
</section>"""


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin:.2em 0}h3{font-size:.95em;margin:.6em 0 .3em;color:#555}
.id{font-weight:normal;color:#888;font-size:.8em;font-family:monospace}.meta{color:#555;font-size:.9em;margin:.2em 0}
section{border:1px solid #ddd;border-radius:8px;padding:1em;margin:1em 0;break-inside:avoid;page-break-inside:avoid}
.io{display:flex;gap:1.5em;flex-wrap:wrap}.in{flex:1 1 260px;min-width:0}.out{flex:2 1 420px;min-width:0}
table{border-collapse:collapse;font-size:.85em;margin:.3em 0;max-width:100%}
th,td{border:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f6f6}.kv>tbody>tr>th,.kv>tr>th{width:1%;white-space:nowrap}
img{max-width:100%;border-radius:4px}.thumb{max-width:200px}figure{margin:0 0 .5em}figcaption{font-size:.8em;color:#777}
pre.text{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:.5em;font-size:.85em}
.more{color:#777;font-size:.8em}
@media print{body{margin:0;max-width:none;font-size:10pt}section{border-color:#bbb;break-inside:auto;
page-break-inside:auto}h2,.meta,figure,tr,img{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid}
.io{flex-wrap:nowrap}.in{flex:0 0 32%}.out{flex:1 1 auto}img{max-height:8cm;width:auto}.thumb{max-height:4cm}}
"""


def html_report(runs: list[Run], title: str = "Deep Learning Gallery: session report") -> str:
    from .i18n import current
    now = datetime.now().isoformat(timespec="minutes").replace("T", " ")
    body = "".join(_run_html(i + 1, r) for i, r in enumerate(runs)) or "<p>" + _("No demo was run in this session.") + "</p>"
    meta = n_("{n} run · made {when} · every model ran on the presenter's computer; numbers are from that machine.",
              "{n} runs · made {when} · every model ran on the presenter's computer; numbers are from that machine.",
              len(runs)).format(n=len(runs), when=now)
    return f"""<!doctype html>
<html lang="{current()}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="meta">{html.escape(meta)}</p>
{body}
</body></html>"""
