"""Serving: the model server's room, above the domains (it runs any registered demo).

`remote` sends a demo run to the model server and answers it there (`remote.handle`), `wire` is the JSON format
both sides speak, `serve_app` is the Ray Serve application that calls `remote.handle`. Not a domain: discovery
skips it. Nothing in `domains/core/` imports it; `domains.run` does, when `GALLERY_SERVE_URL` is set.
"""
