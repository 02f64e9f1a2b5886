"""How it works: one backpropagation step, every number in sight."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from domains import concepts, get
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("concepts", N_("A network learns by nudging every weight against its share of the error. Here is "
                               "one such nudge on a network small enough to follow with a pencil: change any "
                               "number, step, and watch the rest follow."))
SECTIONS = {"backprop": _(":material/function: Backpropagation")}
section = _ui.demo_selector("concepts_demo", SECTIONS)
DEFAULT_WEIGHTS = [float(v) for v in concepts.WEIGHTS.split(",")]
POS = {"i1": (0, 1), "i2": (0, 0), "h1": (1, 1), "h2": (1, 0), "o1": (2, 1), "o2": (2, 0)}
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
        t = 0.3 if a.startswith("i") else 0.7
        fig.add_annotation(x=x0 + (x1 - x0) * t, y=y0 + (y1 - y0) * t, showarrow=False, bgcolor="white",
                           text=f"{w} = {st.session_state[f'bp_{w}']:.4g}<br>∂E/∂{w} = {g:.4g}", font={"size": 11})
    values = {"i1": r.inputs[0], "i2": r.inputs[1], **r.hidden, **r.outputs}
    deltas = {**r.hidden_deltas, **r.output_deltas}
    text = [f"<b>{n}</b><br>{values[n]:.4f}" + (f"<br>δ {deltas[n]:.3g}" if n in deltas else "") for n in POS]
    fig.add_scatter(x=[p[0] for p in POS.values()], y=[p[1] for p in POS.values()], mode="markers+text", text=text,
                    textposition="middle center", showlegend=False, hoverinfo="skip",
                    marker={"size": 78, "color": "#f4f4f4", "line": {"color": "#555", "width": 1.5}})
    fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
                      xaxis={"visible": False, "range": [-0.35, 2.35]}, yaxis={"visible": False, "range": [-0.35, 1.35]})
    return fig


if section == "backprop":
    demo = get("concepts.backprop")
    st.subheader(_(demo.title))
    st.caption(_(demo.summary))
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
    i1 = a.number_input(_("Input i1"), -10.0, 10.0, 0.05, 0.01, key="bp_i1")
    i2 = b.number_input(_("Input i2"), -10.0, 10.0, 0.10, 0.01, key="bp_i2")
    t1 = c.number_input(_("Target for o1"), 0.0, 1.0, 0.01, 0.01, key="bp_t1")
    t2 = d.number_input(_("Target for o2"), 0.0, 1.0, 0.99, 0.01, key="bp_t2")
    lr = e.number_input(_("Learning rate"), 0.0, 100.0, 0.5, 0.1, key="bp_lr")
    cols = st.columns(8)
    weights = [cols[k].number_input(f"w{k + 1}", -1000.0, 1000.0, key=f"bp_w{k + 1}", format="%.6f")
               for k in range(8)]
    result = _ui.run_demo(demo.id, None, model=demo.default_model, inputs=[i1, i2], targets=[t1, t2],
                          weights=weights, learning_rate=lr)
    if result is not None:
        with st.container(key="bp_result"):
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
                _ui.table([{_("weight"): k, _("by hand"): f"{v:.12f}", _("torch autograd"): f"{result.autograd_gradients[k]:.12f}",
                            _("after the step"): f"{result.weights_after[k]:.9f}" if k in result.weights_after else "–"}
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
                        st.metric(_("Error after {n} more steps").format(n=more),
                                  f"{extra.error_after_more_steps:.3g}",
                                  delta=f"{extra.error_after_more_steps - result.error:.3g}", delta_color="inverse")
        _ui.reproduce(demo, demo.default_model, {"inputs": [i1, i2], "targets": [t1, t2], "weights": weights,
                                                  "learning_rate": lr}, result)
    _ui.model_card(demo.default_model)
