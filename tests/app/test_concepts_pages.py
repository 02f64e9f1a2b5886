"""How it works under AppTest: the backprop step shows the worked example's numbers, steps and resets."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest
from test_pages import ROOT, TIMEOUT, errors, open_section, texts, table


def bp(**state):
    return open_section("pages/concepts.py", "backprop", **state)


def test_backprop_page_shows_the_worked_example_and_the_autograd_check():
    at = bp()
    assert not at.exception and not errors(at)
    assert "### Error 0.298371109 → 0.291027774 after this step" in texts(at)
    assert any(m.label == "Largest difference, by hand vs autograd" and float(m.value) < 1e-15 for m in at.metric)
    rows = table(at, 0)
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


# ---------------------------------------------------------------- playground
def pg(**state):
    return open_section("pages/concepts.py", "playground", **state)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_playground_steps_trains_and_reset_starts_over():
    at = pg()
    assert not at.exception and not errors(at)
    assert metric(at, "Epoch") == "0.0"
    assert any("Press Play" in i.value for i in at.info)           # no verdict before any training
    for _ in range(3):
        at.button(key="pg_step").click().run()
    assert not at.exception
    assert at.session_state["_pg"].steps == 30 and metric(at, "Epoch") == "1.5"
    assert float(metric(at, "Training loss")) < 0.69
    assert "How good is it?" in texts(at) and "logistic regression" in texts(at)
    at.button(key="pg_reset").click().run()
    assert at.session_state["_pg"].steps == 0 and metric(at, "Epoch") == "0.0"


def test_play_toggles_and_a_setting_change_resets_the_network():
    at = pg()
    at.button(key="pg_play").click().run()
    assert at.session_state["pg_playing"] is True
    assert at.button(key="pg_play").label == "Pause"
    assert at.session_state["_pg"].steps == 10                      # the run that starts playing draws one frame
    at.button(key="pg_play").click().run()
    assert at.session_state["pg_playing"] is False
    at.button(key="pg_step").click().run()
    assert at.session_state["_pg"].steps == 20
    at.slider(key="pg_layers").set_value(3).run()                  # a new network, as the playground does
    assert at.session_state["_pg"].steps == 0 and at.session_state["_pg"].layers == [8, 8, 8]


def test_the_whole_setup_lives_in_the_url_and_a_shared_link_restores_it():
    at = pg(pg_dataset="spiral", pg_layers=3, pg_lr=0.1)
    q = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert (q["pg_dataset"], q["pg_layers"], q["pg_lr"], q["demo"]) == ("spiral", "3", "0.1", "playground")
    link = AppTest.from_file(str(ROOT / "pages/concepts.py"), default_timeout=TIMEOUT)
    for k, v in {"demo": "playground", "pg_dataset": "xor", "pg_neurons": "4", "pg_activation": "relu",
                 "pg_noise": "0.2", "pg_lr": "7"}.items():                # 7 is not a learning rate offered: ignored
        link.query_params[k] = v
    link.run()
    assert not link.exception
    net = link.session_state["_pg"]
    assert (net.dataset, net.layers, net.activation, net.noise, net.lr) == ("xor", [4, 4], "relu", 0.2, 0.03)


# ---------------------------------------------------------------- CNN
def test_cnn_section_reads_a_held_out_digit_beside_its_baselines():
    at = open_section("pages/concepts.py", "cnn")
    assert not at.exception and not errors(at)
    assert "### The CNN reads **3** (it is a 3)" in texts(at)
    rows = table(at, 0)
    assert list(rows["method"]) == ["convolutional network", "plain network (MLP)", "logistic regression"]
    assert "the model wins" in texts(at)
    assert "After ReLU" in texts(at)
    at.slider(key="cnn_sample").set_value(7).run()
    at.selectbox(key="cnn_channel").set_value(5).run()
    assert not at.exception and "**Map 5, row 14, column 14**" in texts(at)


def test_cnn_section_upload_and_draw_wait_for_a_digit():
    at = open_section("pages/concepts.py", "cnn", cnn_source="upload")
    assert not at.exception and any("Upload a picture of a single digit" in i.value for i in at.info)


# ---------------------------------------------------------------- RNN
def test_rnn_section_shows_the_baselines_and_says_the_linear_model_wins():
    at = open_section("pages/concepts.py", "rnn")
    assert not at.exception and not errors(at)
    rows = table(at, 0)
    assert list(rows["method"]) == ["LSTM (trained here)", "AR(9), linear", "persistence", "seasonal naive (11 years)"]
    assert "the baseline wins" in texts(at) and "a linear model extrapolates" in texts(at)
    other = open_section("pages/concepts.py", "rnn", rnn_start=1950)
    assert not other.exception and "RMSE over these years" in texts(other)
    assert other.session_state["rnn_start"] == 1950 and "RMSE over these years: LSTM 10.41" not in texts(other)
