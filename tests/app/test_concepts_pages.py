"""How it works under AppTest: the backprop step shows the worked example's numbers, steps and resets."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def bp(**state):
    return open_section("pages/concepts.py", "backprop", **state)


def test_backprop_page_shows_the_worked_example_and_the_autograd_check():
    at = bp()
    assert not at.exception and not errors(at)
    assert "### Error 0.298371109 → 0.291027774 after this step" in texts(at)
    assert any(m.label == "Largest difference, by hand vs autograd" and float(m.value) < 1e-15 for m in at.metric)
    rows = at.table[0].value
    assert rows.loc[rows.weight == "w5", "by hand"].item().startswith("0.0821670")


def test_taking_a_step_moves_the_weights_and_lowers_the_error_then_reset():
    at = bp()
    at.button(key="bp_step").click().run()
    assert not at.exception
    assert abs(at.session_state["bp_w5"] - 0.35891648) < 1e-8
    assert "### Error 0.291027774" in texts(at)
    at.button(key="bp_reset").click().run()
    assert at.session_state["bp_w5"] == 0.40


def test_a_learning_rate_that_overshoots_is_flagged():
    at = bp(bp_t1=0.5, bp_t2=0.5, bp_lr=100.0)
    assert not at.exception
    assert any("learning rate is too large" in w.value for w in at.warning)
