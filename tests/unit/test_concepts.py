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


# ---------------------------------------------------------------- the CNN on real digits
@pytest.fixture(scope="module")
def digit():
    return domains.run("concepts.cnn", sample=0)


def test_cnn_beats_the_plain_network_and_logistic_regression_on_held_out_digits(digit):
    acc = digit.accuracy
    assert acc["cnn"] == pytest.approx(0.96, abs=0.02)       # measured 0.961 (seeded)
    assert acc["mlp"] == pytest.approx(0.89, abs=0.03)       # 0.889
    assert acc["logistic"] == pytest.approx(0.89, abs=0.02)  # 0.890
    assert digit.evaluation.verdict == "model" and digit.evaluation.metric == "accuracy"
    assert set(digit.evaluation.baselines) == {"plain network (MLP)", "logistic regression"}
    assert digit.params["cnn"] < digit.params["mlp"]         # fewer weights, and better: the point of the page
    assert len(digit.curves["cnn"]) == 10 and digit.curves["cnn"][-1] == pytest.approx(acc["cnn"], abs=1e-4)


def test_cnn_reads_a_held_out_digit_and_explains_it(digit):
    import numpy as np
    assert digit.truth == digit.prediction == 3
    assert sum(digit.probabilities) == pytest.approx(1, abs=1e-4) and max(digit.probabilities) > 0.9
    assert digit.filters.shape == (8, 5, 5) and digit.feature_maps.shape == (8, 28, 28)
    ig = np.abs(digit.attributions)
    assert ig[digit.digit > 0.1].sum() > 0.8 * ig.sum()      # Integrated Gradients sits on the ink
    px = digit.pixel
    assert max(px.dot, 0) == pytest.approx(px.value, abs=1e-4)  # the dot product by hand is the network's pixel
    assert np.asarray(px.patch).shape == (5, 5)


def test_the_pixel_by_hand_matches_the_network_where_the_map_is_lit(digit):
    import numpy as np
    k, r, c = np.unravel_index(np.argmax(digit.feature_maps), digit.feature_maps.shape)
    out = domains.run("concepts.cnn", sample=0, channel=int(k), row=int(r), col=int(c))
    assert out.pixel.value > 0.1 and out.pixel.dot == pytest.approx(out.pixel.value, abs=1e-4)


def test_a_drawn_digit_is_brought_to_mnist_form_and_read():
    import numpy as np
    canvas = np.zeros((224, 224, 4), np.uint8)
    canvas[40:190, 100:124] = 255                             # a thick vertical stroke: a one
    d, warnings = domains.concepts.to_digit(canvas)
    assert d.shape == (28, 28) and not warnings
    rows, cols = np.where(d > 0.2)
    assert 3 <= rows.min() and rows.max() <= 24 and abs(cols.mean() - 13.5) < 1.5   # 20 px tall, centred
    assert domains.run("concepts.cnn", canvas).prediction == 1
    with pytest.raises(InputError, match="no digit"):
        domains.run("concepts.cnn", np.zeros((224, 224, 4), np.uint8))


def test_dark_ink_on_paper_is_inverted(tmp_path):
    import numpy as np
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (120, 160), "white")
    ImageDraw.Draw(img).line((60, 20, 60, 140), fill="black", width=12)
    path = tmp_path / "one.png"
    img.save(path)
    d, _w = domains.concepts.to_digit(str(path))
    assert d[14, 13:15].max() > 0.5 and d[0, 0] == 0           # white stroke on black, as MNIST
    assert domains.run("concepts.cnn", str(path)).prediction == 1


# ---------------------------------------------------------------- the LSTM on sunspots
@pytest.fixture(scope="module")
def sunspots():
    return domains.run("concepts.rnn")


def test_lstm_beats_the_naive_forecasts_and_loses_to_the_linear_ar_model(sunspots):
    r = sunspots.rmse
    assert r["persistence"] == pytest.approx(31.8, abs=0.1)      # deterministic baselines
    assert r["seasonal_naive"] == pytest.approx(35.6, abs=0.1)
    assert r["ar"] == pytest.approx(18.2, abs=0.1)
    assert r["lstm"] == pytest.approx(20.7, abs=1.5)            # mean of three seeds (measured 20.66)
    assert r["lstm"] < r["persistence"] and r["lstm"] > r["ar"]
    assert sunspots.evaluation.verdict == "baseline"
    assert len(sunspots.rmse_by_seed) == 3 and max(sunspots.rmse_by_seed.values()) - min(sunspots.rmse_by_seed.values()) > 2
    assert len(sunspots.years) == len(sunspots.actual) == 79 and sunspots.years[0] == 1930


def test_recursive_forecast_and_hidden_states(sunspots):
    rec = sunspots.recursive
    assert rec["years"][0] == 1997 and len(rec["lstm"]) == len(rec["ar"]) == len(rec["actual"]) == 11
    assert min(rec["lstm"] + rec["ar"]) >= 0
    assert sunspots.recursive_rmse["ar"] == pytest.approx(10.1, abs=0.2)
    assert sunspots.hidden_states.shape == (79, 32) and len(sunspots.hidden_path) == 79


def test_a_forecast_past_the_data_says_how_much_can_be_checked():
    r = domains.run("concepts.rnn", start=2004)
    assert len(r.recursive["actual"]) == 5 and len(r.recursive["lstm"]) == 11
    assert any("only 5 of the 11" in w for w in r.warnings)
    with pytest.raises(InputError):
        domains.run("concepts.rnn", start=1800)


# ---------------------------------------------------------------- the playground
@pytest.mark.parametrize("dataset,steps,floor", [("circles", 1000, 0.95), ("xor", 300, 0.95), ("moons", 1000, 0.95),
                                                 ("spiral", 1500, 0.85)])
def test_playground_learns_what_a_straight_line_cannot(dataset, steps, floor):
    r = domains.run("concepts.playground", dataset=dataset, steps=steps)
    assert r.train_accuracy >= floor and r.test_accuracy >= floor - 0.05
    assert r.evaluation.verdict == "model"
    assert r.evaluation.baselines["logistic regression"] < 0.9
    assert r.loss_curve[-1][2] < r.loss_curve[0][2] / 2         # the training loss fell
    assert r.boundary.shape == (300, 300, 3) and r.network.ndim == 3


def test_playground_two_clusters_need_no_hidden_layer():
    r = domains.run("concepts.playground", dataset="gauss", steps=300)
    assert r.test_accuracy > 0.97 and r.evaluation.verdict == "tie"


def test_playground_steps_and_frames_are_reproducible():
    from domains.concepts import Playground
    a, b = Playground("spiral", seed=3), Playground("spiral", seed=3)
    a.step(50)
    b.step(20)
    b.step(30)
    assert a.loss(a.X, a.y) == b.loss(b.X, b.y)
    assert (a.frame() == b.frame()).all()


def test_playground_flags_a_learning_rate_that_blows_up():
    r = domains.run("concepts.playground", dataset="circles", steps=300, learning_rate=10, layers="8,8,8")
    assert r.warnings


@pytest.mark.parametrize("params,match", [({"dataset": "squares"}, "Unknown data set"),
                                          ({"layers": "9"}, "at most 6 hidden layers"),
                                          ({"layers": "4,4,4,4,4,4,4"}, "at most 6"),
                                          ({"layers": "two"}, "whole numbers"),
                                          ({"activation": "softmax"}, "Unknown activation"),
                                          ({"learning_rate": 100}, "learning_rate"),
                                          ({"steps": -1}, "steps")])
def test_playground_refuses_settings_it_cannot_train(params, match):
    with pytest.raises(InputError, match=match):
        domains.run("concepts.playground", **params)


def test_cli_runs_the_playground_with_the_contract_fields():
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-m", "domains", "run", "concepts.playground", "--param", "dataset=xor",
                          "--param", "steps=300", "--json"], capture_output=True, text=True, timeout=300, cwd=root)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["train_accuracy"] > 0.95 and data["test_accuracy"] > 0.9 and "boundary" not in data
    bad = subprocess.run([sys.executable, "-m", "domains", "run", "concepts.playground", "--param", "layers=99"],
                         capture_output=True, text=True, timeout=300, cwd=root)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_the_cli_runs_a_demo_whose_input_may_be_omitted_without_one():
    """concepts.cnn reads a held-out digit when no picture is given: the command line needs none either, while a
    demo that needs its input still says so (exit 2, one line)."""
    import json
    from test_registry_cli import cli
    r = cli("run", "concepts.cnn", "--param", "sample=3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["prediction"] in range(10) and out["truth"] in range(10)  # a held-out digit, with its label
    r = cli("run", "vision.classify")
    assert r.returncode == 2 and "needs an input (image)" in r.stderr and len(r.stderr.strip().splitlines()) == 1
