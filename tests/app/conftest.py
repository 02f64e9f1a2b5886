"""AppTest gives a page run 120 s. The models the project trains itself take up to a minute each to build on busy
shared cores, so they are built (and cached in the session's private cache) once here, before any page runs;
a page that timed out mid-training would leave the model's lock held for every later test."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def trained_models_built_before_any_page():
    import domains
    from domains.core.loader import LOADER
    import os
    specs = list({s.id: s for d in domains.demos() for s in d.models if s.source == "trained" and s.offline}.values())
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        specs.reverse()  # two workers build from opposite ends of the list: each model once (the file lock), in parallel
    for spec in specs:
        with LOADER.use(spec):
            pass
    yield
