"""Where demos run: in this process (the default), or on a model server when `GALLERY_SERVE_URL` is set.

The model server is a Ray Serve application built from the registry (`domains/serving/serve_app.py`, configured by
`deploy/serve.yaml`): one POST per demo run to `GALLERY_SERVE_URL`, the model named in Serve's multiplexed-model
header so the request reaches a replica that holds it. The input travels as the guard's checked, decoded form
(`inputs.guard`: pixels or samples, never the user's file) and the result comes back as the same result
dataclass (`wire`: JSON, never pickle). Pages, CLI and API do not change: `domains.run` decides.

A server error (HTTP 5xx, refused or dropped connection) is retried once (a demo run has no side effects); a
second failure is a `ServerUnavailable` with a message for the user. A `GalleryError` raised on the server (bad
input, busy model) comes back as the same error type with its message and hint.
"""
from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from ..core import errors
from . import wire
from ..core.errors import GalleryError
from ..core.i18n import _, current
from ..core.progress import stage

ENV = "GALLERY_SERVE_URL"
HEADER = "serve_multiplexed_model_id"   # Ray Serve's model-multiplexing header: routes to a replica holding it
TIMEOUT_S = float(os.environ.get("GALLERY_SERVE_TIMEOUT_S", "300"))
IN_PROCESS_KINDS = ("video",)           # a video file is read frame by frame where it lies: not sent
STATUS_PATH = "/-/gallery"              # the server's own status (replicas, models loaded)
# The largest request the server reads (the router answers 413 past it): a 2048-pixel photo as raw pixels or
# five minutes of 16 kHz samples, base64-encoded, fit with room to spare.
MAX_BODY = int(float(os.environ.get("GALLERY_SERVE_MAX_BODY_MB", "40")) * 2**20)
RETRIES = [0]                           # retries made by this process (the fault test reads it)


class ServerUnavailable(GalleryError):
    """The model server did not answer, twice."""

    retry = True


def url() -> str:
    return os.environ.get(ENV, "").strip().rstrip("/")


def enabled(demo: Any = None) -> bool:
    """True when this demo's runs go to the model server."""
    return bool(url()) and (demo is None or demo.input_kind not in IN_PROCESS_KINDS)


def request(demo_id: str, input: Any, model: str | None, params: dict[str, Any], lang: str) -> bytes:
    return wire.dumps({"demo": demo_id, "input": input, "model": model, "params": params, "lang": lang})


def run(demo: Any, input: Any, *, model: str | None, params: dict[str, Any], progress=None) -> Any:
    """Run `demo` on the model server: guard the input here, send it, return the result or raise its error."""
    from ..core.inputs import guard
    spec = demo.model(model)
    body = request(demo.id, guard(demo.input_kind_for(params), input), model, params, current())
    with stage(progress, f"remote:{spec.id}", _("Running {name} on the model server").format(name=spec.label)):
        reply = _post(body, spec.id)
    if "error" in reply:
        raise _error(reply["error"])
    return reply["result"]


def _post(body: bytes, model_id: str) -> dict[str, Any]:
    last = ""
    for attempt in (1, 2):
        req = urllib.request.Request(url() + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/json", HEADER: model_id})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
                return wire.loads(resp.read())
        except urllib.error.HTTPError as e:
            last = f"HTTP {e.code}"
            if e.code < 500:  # the server understood and refused: its reason, if it gave one (no retry)
                try:
                    reply = wire.loads(e.read())
                except (OSError, wire.WireError):
                    break
                if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
                    return reply
                break
        except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as e:
            last = str(getattr(e, "reason", e)) or type(e).__name__
        except wire.WireError as e:
            last = str(e)
            break
        if attempt == 1:
            RETRIES[0] += 1
            time.sleep(0.5)
    raise ServerUnavailable(
        _("The model server at {url} did not answer ({why}).").format(url=url(), why=last),
        _("Try again in a moment; if it keeps failing, the person running the gallery can check the cluster "
          "(./gallery.sh cluster status)."))


def _error(raw: Any) -> GalleryError:
    """The server's GalleryError as the same type here (only the gallery's own error types)."""
    raw = raw if isinstance(raw, dict) else {}
    kinds = {c.__name__: c for c in (errors.InputError, errors.ModelUnavailable, errors.Busy, errors.UnknownDemo,
                                    ServerUnavailable, GalleryError)}
    cls = kinds.get(str(raw.get("type")), GalleryError)
    err = cls(str(raw.get("message", "")), str(raw.get("hint") or ""))
    if isinstance(err, errors.ModelUnavailable):
        err.alternative, err.instead = raw.get("alternative"), raw.get("instead")
    return err


def error_reply(e: GalleryError) -> dict[str, Any]:
    """What the server sends back for a GalleryError (the client's `_error` reads it)."""
    return {"error": {"type": type(e).__name__, "message": str(e), "hint": e.hint,
                      "alternative": getattr(e, "alternative", None), "instead": getattr(e, "instead", None)}}


def status(timeout: float = 3.0) -> dict[str, Any]:
    """Where models run, for the sidebar: {"where": "process"} or the server's own report (replicas per
    deployment, models loaded), or {"where": "server", "error": ...} when it does not answer."""
    if not url():
        return {"where": "process"}
    try:
        with urllib.request.urlopen(url() + STATUS_PATH, timeout=timeout) as resp:
            out = json.loads(resp.read())
        return {"where": "server", "url": url(), **(out if isinstance(out, dict) else {})}
    except (OSError, ValueError) as e:
        return {"where": "server", "url": url(), "error": str(getattr(e, "reason", e))}


# ---------------------------------------------------------------- the server side (no Ray here: testable alone)
def handle(body: bytes, progress=None, *, local: bool = False) -> tuple[int, bytes]:
    """One request as the model server runs it: (HTTP status, reply). The demo runs in this process through the
    one loader; a GalleryError is a normal reply (200) the client raises again; anything else is a 500, which the
    client retries once (the traceback stays in the server's log). `local`: a worker process of the app itself
    (serving/workers.py) answers it, which also takes a video (as bytes) and reports progress."""
    import logging
    from ..core.registry import get, local_run  # the domains are found by the package above (discovery)
    from ..core.i18n import language
    from ..core.inputs import from_client
    if len(body) > MAX_BODY:
        return 413, wire.dumps(error_reply(errors.InputError(f"Request too large ({len(body) / 2**20:.0f} MB).")))
    try:
        msg = wire.loads(body)
        if not (isinstance(msg, dict) and set(msg) == {"demo", "input", "model", "params", "lang"}
                and isinstance(msg["demo"], str) and isinstance(msg["params"], dict)
                and isinstance(msg["model"], (str, type(None))) and isinstance(msg["lang"], str)):
            raise wire.WireError("not a demo request")
    except (wire.WireError, ValueError, TypeError) as e:
        return 400, wire.dumps(error_reply(errors.InputError(f"Bad request: {e}")))
    try:
        with language(msg["lang"]):
            demo = get(msg["demo"])
            if demo.input_kind in IN_PROCESS_KINDS and not local:  # a video is read where it lies: not sent
                raise errors.InputError(f"{demo.id} does not run on the model server.")
            kwargs = demo.parse_params(msg["params"])
            try:  # bytes or the guard's decoded form, checked again here; never a path
                given = from_client(demo.input_kind_for(kwargs), msg["input"])
            except errors.InputError as e:
                return 400, wire.dumps(error_reply(e))
            result = local_run(demo, given, model=msg["model"], progress=progress, **kwargs)
            return 200, wire.dumps({"result": result})
    except GalleryError as e:
        return 200, wire.dumps(error_reply(e))
    except Exception as e:  # a bug, not the user's input: logged here, retried once by the client
        logging.getLogger("gallery.serve").exception("demo %s failed", msg.get("demo"))
        return 500, wire.dumps(error_reply(GalleryError(f"{msg.get('demo')} failed on the model server "
                                                        f"({type(e).__name__}).")))
