"""The one way a test skips. Off CI a missing Debian package or tool skips with the command that installs it;
under CI=true that is a failure (.ci/run installs everything the suite needs), except for the reasons named in
ALLOWED_ON_CI, which no install can change."""
from __future__ import annotations

import os

import pytest

# Reasons that hold on CI too: a test written for a situation CI's machine is never in.
NO_INPUT_BOX = "no upload or text box in this section (its own tests cover its inputs)"
ALLOWED_ON_CI = (NO_INPUT_BOX,)


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def need(ok: bool, reason: str) -> None:
    """Go on when `ok`; else skip, or fail under CI unless `reason` is on the allowed list."""
    if ok:
        return
    if on_ci() and reason not in ALLOWED_ON_CI:
        pytest.fail(f"{reason} (CI installs what the tests need: see .ci/run)", pytrace=False)
    pytest.skip(reason)


def needs(ok: bool, reason: str):
    """The same as a mark, for a whole test or module: `@needs(shutil.which("apertium"), "...")`."""
    return pytest.mark.usefixtures() if ok else pytest.mark.needs_missing(reason=reason)
