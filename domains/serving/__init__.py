"""Serving: the model server's room, beside the domains and built on core alone.

`remote` sends a demo run to the model server and answers it there (`remote.handle`), `wire` is the JSON format
both sides speak, `serve_app` is the Ray Serve application that calls `remote.handle`. It runs any registered demo
through the registry (the `domains` package above finds the domains), never by importing one. Not a domain:
discovery skips it. Nothing in `domains/core/` imports it; `domains.run` does, when `GALLERY_SERVE_URL` is set.
"""
