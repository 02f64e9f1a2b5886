"""How it works: a playground where a network learns, one backpropagation step by hand, a CNN on real digits
and an LSTM on a real series, every figure trained on this machine."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from domains import concepts
from domains.core.errors import GalleryError
from domains.core.i18n import N_, _, n_
from pages import _ui

_ui.page_header("concepts", N_("How does a network learn? Watch one learn to separate points, follow one learning "
                               "step with a pencil, and see why convolutions suit images and where a recurrent "
                               "network stands against a plain linear model. Everything here is trained on this "
                               "machine while you watch."))
SECTIONS = _ui.sections("concepts")  # declared with the demos (registry)
section = _ui.demo_selector("concepts_demo", SECTIONS)
DEFAULT_WEIGHTS = [float(v) for v in concepts.WEIGHTS.split(",")]
# layers from top to bottom, two units side by side: it reads on a phone (three layers across left each weight's
# label no room between the nodes at 390 px)
POS = {"i1": (0, 2), "i2": (1, 2), "h1": (0, 1), "h2": (1, 1), "o1": (0, 0), "o2": (1, 0)}
EDGES = [("i1", "h1", "w1"), ("i2", "h1", "w2"), ("i1", "h2", "w3"), ("i2", "h2", "w4"),
         ("h1", "o1", "w5"), ("h2", "o1", "w6"), ("h1", "o2", "w7"), ("h2", "o2", "w8")]


def network_figure(r) -> go.Figure:
    """The network as a graph: every node with its value (and delta), every weight with its gradient."""
    fig = go.Figure()
    for a, b, w in EDGES:
        (x0, y0), (x1, y1) = POS[a], POS[b]
        g = r.gradients[w]
        fig.add_scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                        line={"color": "#d62728" if g > 0 else "#1f77b4", "width": 1 + min(8, abs(g) * 60)})
        label = dict(showarrow=False, bgcolor="white", font={"size": 10},
                     text=f"{w} = {st.session_state[f'bp_{w}']:.4g}<br>∂E/∂{w} = {g:.4g}")
        if x0 == x1:  # a straight edge: the label beside it, outside the pair
            fig.add_annotation(x=x0 + (0.08 if x0 else -0.08), y=(y0 + y1) / 2, xanchor="left" if x0 else "right",
                               **label)
        else:  # the crossing pair: one label near its top, the other near its bottom, both in the middle
            t = 0.25 if x0 == 0 else 0.75
            fig.add_annotation(x=x0 + (x1 - x0) * t, y=y0 + (y1 - y0) * t, **label)
    values = {"i1": r.inputs[0], "i2": r.inputs[1], **r.hidden, **r.outputs}
    deltas = {**r.hidden_deltas, **r.output_deltas}
    text = [f"<b>{n}</b><br>{values[n]:.4f}" + (f"<br>δ {deltas[n]:.3g}" if n in deltas else "") for n in POS]
    fig.add_scatter(x=[p[0] for p in POS.values()], y=[p[1] for p in POS.values()], mode="markers+text", text=text,
                    textposition="middle center", showlegend=False, hoverinfo="skip",
                    marker={"size": 60, "color": "#f4f4f4", "line": {"color": "#555", "width": 1.5}},
                    textfont={"size": 10})
    fig.update_layout(height=560, margin={"l": 4, "r": 4, "t": 4, "b": 4}, plot_bgcolor="white",
                      xaxis={"visible": False, "range": [-0.75, 1.75], "fixedrange": True},
                      yaxis={"visible": False, "range": [-0.3, 2.3], "fixedrange": True})
    return fig


def backprop_section() -> None:
    demo = _ui.section_header("concepts.backprop")
    for i, v in enumerate(DEFAULT_WEIGHTS):
        st.session_state.setdefault(f"bp_w{i + 1}", v)

    def reset() -> None:
        for i, v in enumerate(DEFAULT_WEIGHTS):
            st.session_state[f"bp_w{i + 1}"] = v
        st.session_state.update(bp_steps_taken=0)

    def take_step(after: dict) -> None:
        st.session_state.update({f"bp_{k}": round(v, 12) for k, v in after.items()})
        st.session_state.bp_steps_taken = st.session_state.get("bp_steps_taken", 0) + 1

    a, b, c, d, e = st.columns(5)
    i1 = _ui.number(_("Input i1"), -10.0, 10.0, 0.05, 0.01, key="bp_i1", where=a, width="stretch")
    i2 = _ui.number(_("Input i2"), -10.0, 10.0, 0.10, 0.01, key="bp_i2", where=b, width="stretch")
    t1 = _ui.number(_("Target for o1"), 0.0, 1.0, 0.01, 0.01, key="bp_t1", where=c, width="stretch")
    t2 = _ui.number(_("Target for o2"), 0.0, 1.0, 0.99, 0.01, key="bp_t2", where=d, width="stretch")
    lr = _ui.number(_("Learning rate"), 0.0, 100.0, 0.5, 0.1, key="bp_lr", where=e, width="stretch")
    cols = st.columns(8)
    weights = [_ui.number(f"w{k + 1}", -1000.0, 1000.0, key=f"bp_w{k + 1}", format="%.6f", where=cols[k], width="stretch")
               for k in range(8)]
    result = _ui.run_demo(demo.id, None, model=demo.default_model, inputs=[i1, i2], targets=[t1, t2],
                          weights=weights, learning_rate=lr)
    if result is not None:
        with st.container(key="backprop_result"):
            taken = st.session_state.get("bp_steps_taken", 0)
            st.markdown(_("### Error {error:.9f} → {after:.9f} after this step").format(error=result.error,
                                                                                     after=result.error_after))
            _ui.warnings(result)
            b1, b2, b3 = st.columns([1, 1, 3])
            b1.button(_("Take the step"), key="bp_step", icon=":material/skip_next:", type="primary",
                      on_click=take_step, args=(result.weights_after,))
            b2.button(_("Reset"), key="bp_reset", icon=":material/restart_alt:", on_click=reset)
            b3.caption(_("Steps taken: {n}. Biases stay at 0.35 and 0.60, as in the worked example.").format(n=taken))
            st.plotly_chart(network_figure(result), key="bp_graph")
            st.caption(_("Red lines: a positive gradient (the step lowers that weight); blue: negative; thicker: "
                         "steeper. δ is a unit's share of the error, ∂E/∂z."))
            left, right = st.columns(2, gap="large")
            with left:
                st.markdown(_("**The chain rule, written out**"))
                st.latex(r"\begin{aligned}\delta_{o} &= (o - t)\,o\,(1-o) & \tfrac{\partial E}{\partial w_5} &= "
                         r"\delta_{o_1} h_1 \\ \delta_{h_1} &= (\delta_{o_1} w_5 + \delta_{o_2} w_7)\, h_1 (1-h_1) & "
                         r"\tfrac{\partial E}{\partial w_1} &= \delta_{h_1} i_1\end{aligned}")
                # nine decimals, as the worked example prints them: four columns of twelve fit no phone; how
                # closely the two agree is the figure beside
                _ui.table([{_("weight"): k, _("by hand"): f"{v:.9f}", _("torch autograd"): f"{result.autograd_gradients[k]:.9f}",
                            _("after the step"): f"{result.weights_after[k]:.6f}" if k in result.weights_after else "–"}
                           for k, v in result.gradients.items()])
            with right:
                st.markdown(_("**Checked against torch**"))
                st.metric(_("Largest difference, by hand vs autograd"), f"{result.autograd_max_difference:.1e}")
                st.caption(_("The same ten gradients from torch's automatic differentiation in float64: they agree to "
                             "the last bits of a double. With the defaults this reproduces the widely used worked "
                             "example: E 0.298371109, ∂E/∂w5 0.082167041, w5 → 0.35891648."))
                more = st.slider(_("Run more steps to watch the error fall"), 0, 10_000, 0, 500, key="bp_more")
                if more:
                    extra = _ui.run_demo(demo.id, None, model=demo.default_model, inputs=[i1, i2], targets=[t1, t2],
                                         weights=weights, learning_rate=lr, steps=more)
                    if extra is not None:
                        _ui.figure(st, _("Error after {n} more steps").format(n=more),
                                   f"{extra.error_after_more_steps:.3g}",
                                   change=extra.error_after_more_steps - result.error, higher_is_better=False)
        _ui.reproduce(demo, demo.default_model, {"inputs": [i1, i2], "targets": [t1, t2], "weights": weights,
                                                  "learning_rate": lr}, result)
    _ui.model_card(demo.default_model, demo)


# ---------------------------------------------------------------- playground
LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REG_RATES = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
PG_DEFAULTS = {"pg_dataset": "circles", "pg_noise": 0.05, "pg_train": 50, "pg_layers": 2, "pg_neurons": 8,
               "pg_activation": "tanh", "pg_lr": 0.03, "pg_reg": "none", "pg_reg_rate": 0.0, "pg_batch": 10,
               "pg_seed": 0}
PG_SEED_MAX = 10_000
PG_SPEED = 10          # mini-batch steps per frame
PG_MAX_STEPS = 20_000  # playing stops here (a forgotten tab does not train forever)


def _from_url() -> None:
    """The playground's setup from the link (?pg_dataset=spiral&pg_layers=3...), once per session: a teacher
    shares an exercise as a URL."""
    if st.session_state.get("_pg_url_read"):
        return
    st.session_state._pg_url_read = True
    for key, default in PG_DEFAULTS.items():
        raw = st.query_params.get(key)
        if raw is None:
            continue
        try:
            value = type(default)(float(raw)) if isinstance(default, (int, float)) else raw
        except ValueError:
            continue
        allowed = {"pg_dataset": concepts.DATASETS, "pg_activation": concepts.ACTIVATIONS,
                   "pg_reg": ("none", "l1", "l2"), "pg_lr": LEARNING_RATES, "pg_reg_rate": REG_RATES}.get(key)
        bounds = {"pg_noise": (0.0, 0.5), "pg_train": (10, 90), "pg_layers": (0, 6), "pg_neurons": (1, 8),
                  "pg_batch": (1, 30), "pg_seed": (0, PG_SEED_MAX)}.get(key)
        if (allowed is not None and value not in allowed) or (bounds and not bounds[0] <= value <= bounds[1]):
            continue
        st.session_state[key] = value


def _settings() -> dict:
    s = st.session_state
    return {"dataset": s.pg_dataset, "noise": s.pg_noise, "train_fraction": s.pg_train / 100,
            "layers": [s.pg_neurons] * s.pg_layers, "activation": s.pg_activation, "learning_rate": s.pg_lr,
            "regularization": s.pg_reg, "reg_rate": s.pg_reg_rate, "batch_size": s.pg_batch,
            "seed": int(min(max(s.pg_seed, 0), PG_SEED_MAX))}  # the box's value as the box refuses it


def _network() -> "concepts.Playground":
    """The session's network; a new one whenever a setting changes (as the playground resets)."""
    settings = _settings()
    if st.session_state.get("_pg_for") != settings or "_pg" not in st.session_state:
        st.session_state._pg = concepts.Playground(**settings)
        st.session_state._pg_for = settings
        st.session_state.pg_playing = False
    return st.session_state._pg


def playground_section() -> None:
    demo = _ui.section_header("concepts.playground")
    _from_url()
    for k, v in PG_DEFAULTS.items():
        st.session_state.setdefault(k, v)
    st.segmented_control(_("Data"), list(concepts.DATASETS), format_func=lambda k: _(concepts.DATASETS[k]),
                         key="pg_dataset")
    if not st.session_state.pg_dataset:
        st.session_state.pg_dataset = "circles"
    data_col, net_col = st.columns([2, 3], gap="large")
    with data_col:
        a, b = st.columns(2)
        a.slider(_("Noise"), 0.0, 0.5, step=0.05, key="pg_noise")
        b.slider(_("Training share (%)"), 10, 90, step=10, key="pg_train")
        a.select_slider(_("Batch size"), list(range(1, 31)), key="pg_batch")
        _ui.number(_("Seed"), 0, PG_SEED_MAX, step=1, key="pg_seed", where=b, width="stretch")
    with net_col:
        a, b, c = st.columns(3)
        a.slider(_("Hidden layers"), 0, 6, key="pg_layers")
        b.slider(_("Neurons per layer"), 1, 8, key="pg_neurons")
        c.selectbox(_("Activation"), list(concepts.ACTIVATIONS), format_func=lambda k: _(concepts.ACTIVATIONS[k]),
                    key="pg_activation")
        a.select_slider(_("Learning rate"), LEARNING_RATES, key="pg_lr")
        b.selectbox(_("Regularisation"), ["none", "l1", "l2"], format_func=lambda k: _(k) if k == "none" else k.upper(),
                    key="pg_reg")
        c.select_slider(_("Regularisation rate"), REG_RATES, key="pg_reg_rate")
    for key in PG_DEFAULTS:   # the whole setup in the link
        st.query_params[key] = str(st.session_state[key])
    try:
        pg = _network()
    except GalleryError as err:
        _ui.show_error(err, demo.id)
        return

    def play(on: bool) -> None:  # Play and Pause each set the state: a click delivered twice cannot undo itself
        st.session_state.pg_playing = on

    def step() -> None:
        st.session_state.pg_playing = False
        st.session_state._pg.step(PG_SPEED)
        st.session_state._pg.record()

    def reset() -> None:
        st.session_state.pop("_pg", None)
        st.session_state.pg_playing = False

    playing = st.session_state.get("pg_playing", False)
    a, b, c, d = st.columns([1, 1, 1, 3])
    a.button(_("Pause") if playing else _("Play"), key="pg_play", icon=":material/pause:" if playing else
             ":material/play_arrow:", type="primary", on_click=play, args=(not playing,))
    b.button(_("Step"), key="pg_step", icon=":material/skip_next:", on_click=step)
    c.button(_("Reset"), key="pg_reset", icon=":material/restart_alt:", on_click=reset)
    d.caption(_("Each step trains on one batch; Play runs {n} steps a frame, about ten frames a second. Orange "
                "and blue are the two classes; white-edged squares are training points, black-edged ones test "
                "points.").format(n=PG_SPEED))

    @st.fragment(run_every=0.1 if playing else None)
    def live() -> None:
        _ui.choose_language()  # a fragment's rerun runs only this function: its language is set again here
        net = st.session_state.get("_pg")
        if net is None:
            return
        if st.session_state.get("pg_playing"):
            from domains.core.threads import single_thread
            with single_thread():
                net.step(PG_SPEED)
                net.record()
            if net.steps >= PG_MAX_STEPS:
                st.session_state.pg_playing = False
                st.rerun()
        from domains.concepts import playground as engine
        tr, te = net.history[-1][2], net.history[-1][3]
        with st.container(key="playground_result"):
            m1, m2, m3, m4 = st.columns(4)
            m1.metric(_("Epoch"), f"{net.epochs:.1f}", help=_("{n} steps").format(n=net.steps))
            m2.metric(_("Training loss"), f"{tr:.3f}")
            m3.metric(_("Test loss"), f"{te:.3f}")
            m4.metric(_("Test accuracy"), f"{net.accuracy(net.Xt, net.yt):.1%}")
            left, right = st.columns([2, 3], gap="medium")
            left.image(net.frame(), caption=_("What the network outputs over the plane"), width=300)
            picture = engine.network_picture(net)
            right.image(picture, width=min(picture.shape[1], 520), caption=_("Inputs x1, x2 → every hidden neuron's output over "
                                                                 "the same plane → the output. Lines: weights (blue "
                                                                 "positive, orange negative, thicker larger)."))
            curve = pd.DataFrame(net.history, columns=["step", "epoch", _("training loss"), _("test loss")])
            _ui.lines(curve.set_index("epoch")[[_("training loss"), _("test loss")]], _("epoch"), _("loss"),
                      key="pg_loss", height=220)

    live()
    if not playing and pg.steps == 0:
        st.info(_("Press Play (or Step) to train; the verdict against logistic regression appears when it pauses."),
                icon=":material/play_arrow:")
    elif not playing:   # the verdict needs a pause: logistic regression on the same points, then the record
        result = engine_snapshot(demo)
        if result is not None:
            _ui.warnings(result)
            _ui.evaluation(result.evaluation, N_("this network, as it stands"),
                           N_("Logistic regression draws one straight line: a data set it can separate needs no "
                              "hidden layer."))
            _ui.reproduce(demo, demo.default_model, {**{k: v for k, v in _settings().items()}, "steps": pg.steps},
                          result)
    # the network lives in this visitor's session, not in the shared loader
    _ui.model_card(demo.default_model, demo, in_memory=n_(
        "yes, in this session only: {n:,} weights and biases, trained {steps:,} step",
        "yes, in this session only: {n:,} weights and biases, trained {steps:,} steps", pg.steps).format(
            n=pg.n_params, steps=pg.steps) if pg.steps else _("not trained yet: press Play or Step"))


def engine_snapshot(demo):
    from domains.concepts import playground as engine
    try:
        return engine.snapshot(st.session_state._pg)
    except GalleryError as err:
        _ui.show_error(err, demo.id)
        return None


# ---------------------------------------------------------------- CNN
def _tiles(arrays, scale: int = 6) -> list:
    """2-D arrays -> greyscale pictures, each stretched to 0..255 and enlarged (crisp pixels)."""
    out = []
    for a in arrays:
        a = np.asarray(a, np.float32)
        a = (a - a.min()) / (float(np.ptp(a)) + 1e-9)
        out.append(np.kron((a * 255).astype(np.uint8), np.ones((scale, scale), np.uint8)))
    return out


def _clickable_map(values, key: str, title: str) -> dict | None:
    """A 28 x 28 map as a grid of squares the user can click (a heatmap cannot be selected in Streamlit)."""
    rows, cols = np.mgrid[0:28, 0:28]
    fig = go.Figure(go.Scatter(x=cols.ravel(), y=rows.ravel(), mode="markers",
                               marker={"symbol": "square", "size": 9, "color": np.asarray(values).ravel(),
                                       "colorscale": "Viridis", "showscale": False},
                               hovertemplate=_("row %{y}, column %{x}: %{marker.color:.3f}") + "<extra></extra>"))
    fig.update_layout(height=300, width=300, margin={"l": 0, "r": 0, "t": 24, "b": 0}, title={"text": title,
                      "font": {"size": 13}}, xaxis={"visible": False, "range": [-0.7, 27.7]},
                      yaxis={"visible": False, "range": [27.7, -0.7], "scaleanchor": "x"}, plot_bgcolor="white",
                      clickmode="event+select", dragmode=False)
    return st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points")


def cnn_section() -> None:
    demo = _ui.section_header("concepts.cnn")
    sources = {"sample": _("A held-out digit"), "draw": _("Draw one"), "upload": _("Upload a picture")}
    left, right = st.columns([2, 3], gap="large")
    image, params = None, {}
    with left:
        source = st.radio(_("Digit"), list(sources), format_func=sources.get, horizontal=True, key="cnn_source")
        if source == "sample":
            params["sample"] = st.slider(_("Held-out digit number"), 0, 999, 0, key="cnn_sample")
        elif source == "draw":
            try:
                from streamlit_drawable_canvas import st_canvas
            except ImportError:
                st.info(_("The drawing canvas is not installed (pip install streamlit-drawable-canvas). Upload a "
                          "picture instead."))
                return
            st.caption(_("Draw one digit, large, in the middle; it is read when you lift the pen."))
            drawn = st_canvas(stroke_width=16, stroke_color="#FFFFFF", background_color="#000000", height=224,
                              width=224, drawing_mode="freedraw", return_image_data=True, key="cnn_canvas")
            image = drawn.image_data
            if image is None or float(np.asarray(image)[..., :3].max()) == 0:
                st.info(_("The canvas is empty: draw a digit."), icon=":material/draw:")
                _ui.model_card(demo.default_model, demo)
                return
            image = concepts.drawing(image)  # a picture, as an upload is: the guard and a model server take it
        else:
            up = _ui.uploader(_("A picture of one digit"), type=["png", "jpg", "jpeg", "bmp", "gif", "webp"],
                                  key="cnn_upload")
            if up is None:
                st.info(_("Upload a picture of a single digit (dark on light or light on dark)."),
                        icon=":material/upload:")
                _ui.model_card(demo.default_model, demo)
                return
            image = up.getvalue()
        st.session_state.setdefault("cnn_channel", 0)
        pixel = st.session_state.get("cnn_pixel", (14, 14))
    result = _ui.run_demo(demo.id, image, model=demo.default_model, channel=st.session_state.cnn_channel,
                          row=pixel[0], col=pixel[1], **params)
    if result is None:
        return
    with left:
        st.image(_tiles([result.digit], 8)[0], caption=_("What the networks read: 28 x 28 grey pixels"), width=224)
    with right, st.container(key="cnn_result"):
        truth = "" if result.truth is None else " " + _("(it is a {truth})").format(truth=result.truth)
        st.markdown(_("### The CNN reads **{digit}**{truth}").format(digit=result.prediction, truth=truth))
        _ui.warnings(result)
        names = {"cnn": _("convolutional network"), "mlp": _("plain network (MLP)"), "logistic": _("logistic regression")}
        _ui.table([{_("method"): names["cnn"], _("reads"): result.prediction,
                    _("sure"): _ui.pct(max(result.probabilities)), _("held-out accuracy"): f"{result.accuracy['cnn']:.1%}",
                    _("weights"): f"{result.params['cnn']:,}"}] +
                  [{_("method"): names[k], _("reads"): v["prediction"], _("sure"): _ui.pct(v["probability"]),
                    _("held-out accuracy"): f"{result.accuracy[k]:.1%}", _("weights"): f"{result.params[k]:,}"}
                   for k, v in result.other_predictions.items()])
        _ui.bar([str(d) for d in range(10)], result.probabilities, key="cnn_probs")
    st.markdown(_("#### Where it looked"))
    a, b = st.columns(2)
    ig = np.asarray(result.attributions)
    lim = float(np.abs(ig).max()) or 1.0
    fig = go.Figure(go.Heatmap(z=ig, zmin=-lim, zmax=lim, colorscale="RdBu", reversescale=True,
                               hovertemplate="%{z:.3f}<extra></extra>"))
    fig.update_layout(height=300, width=320, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis={"autorange": "reversed", "visible": False, "scaleanchor": "x"}, xaxis={"visible": False})
    a.plotly_chart(fig, key="cnn_ig")
    b.caption(_("Integrated Gradients (captum): how much each pixel pushed the network towards '{digit}', "
                "measured along a path from a black image to this one. Red pixels pushed towards it, blue away. "
                "The attributions add up to the difference between the two scores.").format(digit=result.prediction))
    st.markdown(_("#### What the first layer learned"))
    st.image(_tiles(result.filters, 12), caption=[_("filter {k}").format(k=k) for k in range(8)], width=60)
    st.image(_tiles(result.feature_maps, 3), caption=[_("map {k}").format(k=k) for k in range(8)], width=84)
    st.caption(_("Each 5 x 5 filter slides over the digit; where the strokes match its pattern the map lights up. "
                 "Edges and stroke directions emerge from training alone: nobody designed them."))
    st.markdown(_("#### One pixel of a feature map, by hand"))
    c1, c2 = st.columns([2, 3], gap="large")
    with c1:
        st.selectbox(_("Feature map"), list(range(8)), format_func=lambda k: _("map {k}").format(k=k),
                     key="cnn_channel")
        event = _clickable_map(result.feature_maps[result.pixel.channel], "cnn_map",
                               _("Click a pixel of map {k}").format(k=result.pixel.channel))
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        if points:
            chosen = (int(points[0]["y"]), int(points[0]["x"]))
            if chosen != tuple(st.session_state.get("cnn_pixel", (14, 14))):
                st.session_state.cnn_pixel = chosen
                st.rerun()
    with c2:
        px = result.pixel
        st.markdown(_("**Map {k}, row {r}, column {c}**").format(k=px.channel, r=px.row, c=px.col))
        t1, t2 = st.columns(2)
        t1.caption(_("the 5 x 5 patch of the digit under the filter"))
        t1.dataframe(pd.DataFrame(px.patch).round(2), hide_index=True)
        t2.caption(_("the filter's weights"))
        t2.dataframe(pd.DataFrame(px.kernel).round(2), hide_index=True)
        st.latex(r"\sum_{i,j} \text{patch}_{ij}\,\text{w}_{ij} + b = " + f"{px.dot - px.bias:.4f} {'+' if px.bias >= 0 else '-'} "
                 f"{abs(px.bias):.4f} = {px.dot:.4f}")
        st.markdown(_("After ReLU (negative values become 0): **{value:.4f}**, the value the network itself computed "
                      "at that pixel.").format(value=px.value))
    _ui.evaluation(result.evaluation, N_("convolutional network"),
                   N_("With the same number of weights, the plain network must learn each stroke at every position "
                      "separately; a convolution learns it once and slides it everywhere."))
    _ui.lines(pd.DataFrame({names["cnn"]: result.curves["cnn"], names["mlp"]: result.curves["mlp"]},
                           index=range(1, len(result.curves["cnn"]) + 1)), _("epoch"), _("held-out accuracy"),
              key="cnn_curves", percent=True)
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {**params, "channel": px.channel, "row": px.row, "col": px.col}, result)


# ---------------------------------------------------------------- RNN
def rnn_section() -> None:
    demo = _ui.section_header("concepts.rnn")
    start = st.slider(_("Start the 11-year forecast in"), 1930, 1998, 1997, key="rnn_start")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, start=start)
    if result is None:
        return
    names = {"lstm": _("LSTM (trained here)"), "persistence": _("persistence"),
             "seasonal_naive": _("seasonal naive (11 years)"), "ar": _("AR(9), linear")}
    with st.container(key="rnn_result"):
        _ui.warnings(result)
        fig = go.Figure()
        fig.add_scatter(x=result.history["years"], y=result.history["values"], name=_("observed"),
                        line={"color": "#999", "width": 1.5})
        for k, colour in (("ar", "#2ca02c"), ("lstm", "#d62728")):
            fig.add_scatter(x=result.years, y=result.forecasts[k], name=names[k], line={"color": colour, "width": 1.5})
        fig.add_vrect(x0=1929.5, x1=result.years[-1] + 0.5, fillcolor="#eee", opacity=0.4, line_width=0,
                      annotation_text=_("test years"), annotation_position="top left")
        fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis_title=_("sunspot number"),
                          legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="rnn_series")
        _ui.table([{_("method"): names[k], _("RMSE"): f"{result.rmse[k]:.1f}", _("MAE"): f"{result.mae[k]:.1f}"}
                   for k in ("lstm", "ar", "persistence", "seasonal_naive")])
        st.caption(_("One year ahead, every test year from the true history. LSTM: the mean over three training "
                     "seeds ({seeds}); the red line is seed 0.").format(
                         seeds=", ".join(f"{v:g}" for v in result.rmse_by_seed.values())))
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown(_("#### Forecasting {n} years, feeding back its own output").format(n=len(result.recursive["years"])))
            rec = go.Figure()
            n = len(result.recursive["actual"])
            rec.add_scatter(x=result.recursive["years"][:n], y=result.recursive["actual"], name=_("observed"),
                            line={"color": "#555"})
            rec.add_scatter(x=result.recursive["years"], y=result.recursive["ar"], name=names["ar"],
                            line={"color": "#2ca02c", "dash": "dash"})
            rec.add_scatter(x=result.recursive["years"], y=result.recursive["lstm"], name=names["lstm"],
                            line={"color": "#d62728", "dash": "dash"})
            rec.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend=_ui.LEGEND_ABOVE)
            st.plotly_chart(rec, key="rnn_recursive")
            if result.recursive_rmse:
                st.caption(_("RMSE over these years: LSTM {lstm:g}, AR(9) {ar:g}. Each year's forecast becomes "
                             "history for the next, so errors compound.").format(**result.recursive_rmse))
        with right:
            st.markdown(_("#### What the LSTM remembers"))
            path = np.asarray(result.hidden_path)
            hid = go.Figure(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", text=result.years,
                                       marker={"color": result.actual, "colorscale": "YlOrRd", "size": 7,
                                               "colorbar": {"title": _("sunspots")}},
                                       line={"color": "#ccc", "width": 1},
                                       hovertemplate="%{text}<extra></extra>"))
            hid.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                              xaxis_title=_("hidden state, axis 1"), yaxis_title=_("hidden state, axis 2"))
            st.plotly_chart(hid, key="rnn_hidden")
            st.caption(_("The LSTM's 32-number memory after reading each 20-year window, flattened to its two main "
                         "axes: the path circles once per solar cycle, so the network has learned the cycle's "
                         "phase."))
        _ui.evaluation(result.evaluation, N_("LSTM (trained here)"))
        for note in result.evaluation.notes + result.notes:
            st.caption(note)
        _ui.latency(result)
    _ui.reproduce(demo, demo.default_model, {"start": start}, result)
    _ui.model_card(demo.default_model, demo)


_ui.show_section("concepts", section, {"playground": playground_section, "backprop": backprop_section, "cnn": cnn_section, "rnn": rnn_section})
