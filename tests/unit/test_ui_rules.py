"""The page helpers' rules that need no page: how a figure's second line is drawn."""
from __future__ import annotations

import pytest

from pages import _ui


@pytest.mark.parametrize("change,higher,expected", [
    (None, None, {"delta_color": "off", "delta_arrow": "off"}),   # a comparison ("raw band: 61%"): no arrow
    (None, True, {"delta_color": "off", "delta_arrow": "off"}),
    (0.0, True, {"delta_color": "off", "delta_arrow": "off"}),    # no change: nothing to point at
    (-0.2, False, {"delta_color": "inverse", "delta_arrow": "auto"}),  # error fell: down arrow, green
    (0.3, True, {"delta_color": "normal", "delta_arrow": "auto"}),     # accuracy rose: up arrow, green
    (0.3, None, {"delta_color": "off", "delta_arrow": "auto"}),        # riders rose: up arrow, no judgement
])
def test_a_figure_arrow_follows_the_sign_and_a_comparison_has_none(change, higher, expected):
    assert _ui.delta_style(change, higher) == expected


class Spy:
    def __init__(self):
        self.calls = []

    def metric(self, *args, **kwargs):
        self.calls.append((args, kwargs))


def test_a_negative_change_is_written_with_its_sign_so_the_arrow_points_down():
    spy = Spy()
    _ui.figure(spy, "error", "0.12", change=-0.05, change_text="0.05 less")
    (args, kwargs), = spy.calls
    assert args[2] == "-0.05 less" and kwargs["delta_arrow"] == "auto"
    _ui.figure(spy, "band", "78%", beside="raw band: 61%")
    assert spy.calls[1][0][2] == "raw band: 61%" and spy.calls[1][1]["delta_arrow"] == "off"


def test_one_download_button_and_its_click_does_not_rerun_the_page(monkeypatch):
    """A rerun on click redraws the button under a new file id: a report built on demand was asked for under the
    dropped id and never arrived (a red CI run). Every page downloads through `_ui.download`, which never reruns."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    direct = [f"{f.relative_to(root)}:{i}" for f in [*root.glob("pages/*.py"), root / "streamlit_app.py"]
              for i, line in enumerate(f.read_text().splitlines(), 1) if "st.download_button(" in line]
    assert [d.split(":")[0] for d in direct] == ["pages/_ui.py"], direct
    seen = {}
    monkeypatch.setattr(_ui.st, "download_button", lambda *a, **kw: seen.update(kw))
    _ui.download("Get it", b"x", "x.bin", "application/octet-stream", key="k")
    assert seen["on_click"] == "ignore" and seen["key"] == "k"
