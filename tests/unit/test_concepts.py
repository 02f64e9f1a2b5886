"""How it works: the numbers of one backpropagation step, exactly as the worked example publishes them."""
from __future__ import annotations

import pytest

import domains
from domains.core.errors import InputError


def test_backprop_reproduces_the_worked_example_and_agrees_with_autograd():
    r = domains.run("concepts.backprop")
    assert r.error == pytest.approx(0.298371109, abs=1e-9)
    assert r.gradients["w5"] == pytest.approx(0.082167041, abs=1e-9)
    assert r.weights_after["w5"] == pytest.approx(0.35891648, abs=1e-8)
    assert r.weights_after["w1"] == pytest.approx(0.149780716, abs=1e-9)
    assert r.error_after == pytest.approx(0.291027774, abs=1e-9)  # exact; the published 0.291027924 was rounded
    assert set(r.gradients) == {f"w{k}" for k in range(1, 9)} | {"b1", "b2"}
    assert r.autograd_max_difference < 1e-15
    assert all(r.autograd_gradients[k] == pytest.approx(v, abs=1e-15) for k, v in r.gradients.items())


def test_more_steps_keep_lowering_the_error_and_a_huge_rate_is_flagged():
    r = domains.run("concepts.backprop", steps=10000)
    assert r.error_after_more_steps == pytest.approx(3.5e-5, rel=0.02)
    assert not r.warnings
    big = domains.run("concepts.backprop", learning_rate=100, targets="0.5,0.5")
    assert big.error_after > big.error and "learning rate is too large" in big.warnings[0]


@pytest.mark.parametrize("params,message", [({"weights": "1,2,3"}, "8 numbers"), ({"inputs": "a,b"}, "numbers"),
                                            ({"targets": "0.5,2"}, "between 0 and 1"),
                                            ({"biases": "1e9,0"}, "between -1000 and 1000")])
def test_bad_numbers_get_a_message(params, message):
    with pytest.raises(InputError, match=message):
        domains.run("concepts.backprop", **params)
