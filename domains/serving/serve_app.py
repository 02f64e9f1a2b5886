"""The model server for a room: a Ray Serve application built from the registry (optional: requirements-serve.txt).

    serve deploy deploy/serve.yaml          # or: ./gallery.sh cluster up

Deployments: `Router` (the HTTP ingress at GALLERY_SERVE_URL) sends each request by its model (Serve's
multiplexed-model header) to the model's own deployment when it has one (the popular models: the classifier,
OCR, Whisper, the sentence encoder; replicas or autoscaling set per model in the YAML), else to `LongTail`, whose
replicas each keep the last few models they served (`@serve.multiplexed`: an LRU per replica, and Serve routes a
request to a replica that already holds its model). Every replica runs the same demo functions through the one
loader (`remote.handle`): the demo code does not know it is served.
"""
from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from ray import serve
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import remote

MODELS_PER_REPLICA = int(os.environ.get("GALLERY_MODELS_PER_REPLICA", "6"))
# The popular models: their own deployments (ids as in the registry; deploy/serve.yaml may name others).
DEDICATED = ("efficientnet-lite0", "pp-ocrv4-mobile", "whisper-tiny.en", "all-minilm-l6-v2")


def deployment_name(model_id: str) -> str:
    return "Model_" + re.sub(r"[^A-Za-z0-9]+", "_", model_id).strip("_")


class _Held:
    """What the multiplexed LRU keeps per model: leaving it unloads the model from this replica's loader."""

    def __init__(self, model_id: str):
        self.model_id, self.dropped = model_id, False

    def __del__(self):  # Serve calls it when its LRU drops the model (and Python again at collection: once only)
        if not self.dropped:
            self.dropped = True
            from ..core.loader import LOADER
            LOADER.unload(self.model_id)


@serve.deployment(max_ongoing_requests=2, ray_actor_options={"num_cpus": 1})
class Models:
    """Runs demos. Blocking work goes to a thread, so the replica still answers Serve's health checks."""

    def __init__(self):
        from ..core import registry
        registry.demos()  # discover the registry once, before the first request (importing this module
        # imported the `domains` package above it, which set up discovery)

    @serve.multiplexed(max_num_models_per_replica=MODELS_PER_REPLICA)
    async def _hold(self, model_id: str) -> _Held:
        return _Held(model_id)

    async def run(self, body: bytes) -> tuple[int, bytes]:
        model_id = serve.get_multiplexed_model_id()
        if model_id:
            await self._hold(model_id)
        return await asyncio.get_running_loop().run_in_executor(None, remote.handle, body)

    async def loaded(self) -> dict[str, Any]:
        from ..core.loader import LOADER, rss_mb
        return {"pid": os.getpid(), "rss_mb": round(rss_mb()), "models": [m["id"] for m in LOADER.loaded()]}


@serve.deployment(max_ongoing_requests=200, ray_actor_options={"num_cpus": 0})
class Router:
    def __init__(self, dedicated: dict[str, Any], long_tail: Any):
        self.dedicated, self.long_tail = dedicated, long_tail

    async def __call__(self, request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(await self.status())
        too_large = JSONResponse({"error": {"type": "InputError", "message": "Request too large."}}, status_code=413)
        try:  # the size the client declares, before reading anything
            if int(request.headers.get("content-length") or 0) > remote.MAX_BODY:
                return too_large
        except ValueError:
            return JSONResponse({"error": {"type": "InputError", "message": "Bad Content-Length."}}, status_code=400)
        chunks, size = [], 0
        async for chunk in request.stream():  # and the size it sends (chunked bodies declare none)
            size += len(chunk)
            if size > remote.MAX_BODY:
                return too_large
            chunks.append(chunk)
        body = b"".join(chunks)
        model_id = request.headers.get(remote.HEADER, "")
        handle = self.dedicated.get(model_id, self.long_tail)
        try:
            code, body = await handle.options(multiplexed_model_id=model_id).run.remote(body)
        except Exception as e:  # the replica died mid-request: 503, the client retries once
            return JSONResponse({"error": {"type": "ServerUnavailable", "message": f"replica lost: {type(e).__name__}"}},
                                status_code=503)
        return Response(body, status_code=code, media_type="application/json")

    async def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"deployments": {}}
        try:
            app = next(iter(serve.status().applications.values()))
            for name, d in app.deployments.items():
                out["deployments"][name] = {"status": str(d.status.value if hasattr(d.status, "value") else d.status),
                                            "replicas": int(d.replica_states.get("RUNNING", 0))}
        except Exception as e:  # status is best effort: the sidebar says what it could not read
            out["error"] = type(e).__name__
        handles = {**{deployment_name(k): h for k, h in self.dedicated.items()}, "LongTail": self.long_tail}
        replies = await asyncio.gather(*(h.loaded.remote() for h in handles.values()), return_exceptions=True)
        out["models"] = {name: r for name, r in zip(handles, replies) if isinstance(r, dict)}
        return out


def build(args: dict[str, Any] | None = None):
    """The application (Serve's builder: `import_path: domains.serving.serve_app:build`, `args:` from the YAML).
    args: {"dedicated": [model ids with their own deployment], "replicas": {model id: replicas} (tests; an
    operator sets replicas and autoscaling per deployment in the YAML)}."""
    args = args or {}
    dedicated = tuple(args.get("dedicated", DEDICATED))
    replicas = dict(args.get("replicas", {}))
    bound = {m: Models.options(name=deployment_name(m), **({"num_replicas": replicas[m]} if m in replicas else {}))
             .bind() for m in dedicated}
    return Router.bind(bound, Models.options(name="LongTail").bind())


app = build()
