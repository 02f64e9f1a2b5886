"""AppTest gives a page run 120 s. The models the project trains itself take up to a minute each to build on busy
shared cores, so they are built (and cached in the session's private cache) once here, before any page runs;
a page that timed out mid-training would leave the model's lock held for every later test."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def trained_models_built_before_any_page():
    import domains
    from domains.core.loader import LOADER
    seen = set()
    for demo in domains.demos():
        for spec in demo.models:
            if spec.source == "trained" and spec.offline and spec.id not in seen:
                seen.add(spec.id)
                with LOADER.use(spec):
                    pass
    yield
