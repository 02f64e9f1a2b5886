"""Social networks: communities from a few labelled members; friendship suggestions."""
import html

import plotly.graph_objects as go
import streamlit as st

from domains import social
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("social", N_("A social network is a graph: people are nodes, friendships are edges. Graph neural "
                             "networks learn from who is connected to whom; here they are trained on real networks and "
                             "set beside the simple rules that often do as well."))
SECTIONS = _ui.sections("social")  # declared with the demos (registry)
section = _ui.demo_selector("social_demo", SECTIONS)
# Streamlit's colour names (for the legend in text) and the same colours for the chart
PALETTE = [("blue", "#1f77b4"), ("orange", "#ff7f0e"), ("green", "#2ca02c"), ("violet", "#9467bd"),
           ("red", "#d62728"), ("gray", "#7f7f7f")]


def _graph_figure(layout, edges, colours, sizes, texts, symbols=None, lines=None, height=460):
    fig = go.Figure()
    xs, ys = [], []
    for a, b in edges:
        xs += [layout[a][0], layout[b][0], None]
        ys += [layout[a][1], layout[b][1], None]
    fig.add_scatter(x=xs, y=ys, mode="lines", line={"color": "#ccc", "width": 1}, hoverinfo="skip", showlegend=False)
    fig.add_scatter(x=[p[0] for p in layout], y=[p[1] for p in layout], mode="markers", showlegend=False,
                    marker={"color": colours, "size": sizes, "symbol": symbols or "circle",
                            "line": lines or {"color": "#fff", "width": 1}},
                    text=texts, hovertemplate="%{text}<extra></extra>")
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, xaxis_visible=False,
                      yaxis_visible=False, plot_bgcolor="#fff")
    return fig


def communities_section() -> None:
    demo = _ui.section_header("social.communities")
    a, b = st.columns([1, 1])
    graph = a.selectbox(_("Network"), [g for g in social.GRAPHS], format_func=lambda g: _(social.GRAPHS[g]),
                        key="soc_graph")
    names = social.graphs.load_graph(graph)[1] if graph != "hartford" or social.graphs.HARTFORD.is_file() else []
    if graph == "karate":
        task = b.radio(_("Groups"), list(social.TASKS), format_func=lambda t: _(social.TASKS[t]), key="soc_task")
        defaults = social.graphs.DEFAULT_LABELS[task]
        picked = st.multiselect(_("Members whose group the models are told"), names, defaults, key=f"soc_lab_{task}",
                                help=_("Mr. Hi was the instructor and John A. the club's officer; the club split "
                                       "between them in 1977."))
        labelled = ",".join(picked)
    else:
        task = "clubs"
        st.caption(_("This network has no recorded groups: name a few members and the group each belongs to, and the "
                     "models spread the groups over the rest."))
        labelled = st.text_input(_("Labelled members (member=group, comma-separated)"),
                                 ", ".join(social.graphs.DEFAULT_LABELS[graph]), key=f"soc_lab_{graph}")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, graph=graph, task=task, labelled=labelled)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="communities_result"):
        show = st.radio(_("Colour by"), ["gcn", "propagation"] + (["truth"] if result.truth else []),
                        horizontal=True, key="soc_show",
                        format_func={"gcn": _("graph network's prediction"), "propagation": _("label propagation"),
                                     "truth": _("what really happened")}.get)
        groups = getattr(result, show) if show != "truth" else result.truth
        predicted = result.gcn if show == "gcn" else result.propagation
        wrong = [result.truth is not None and show != "truth" and p != t
                 for p, t in zip(predicted, result.truth or predicted)]
        colours = [PALETTE[g % len(PALETTE)][1] for g in groups]
        sizes = [20 if i in result.labelled else 12 for i in range(len(result.members))]
        symbols = ["star" if i in result.labelled else "circle" for i in range(len(result.members))]
        lines = {"color": ["#d62728" if w else "#fff" for w in wrong], "width": [3 if w else 1 for w in wrong]}
        texts = [html.escape(f"{m}: {result.groups[g]}") for m, g in zip(result.members, groups)]  # names typed: inert
        st.plotly_chart(_graph_figure(result.layout, result.edges, colours, sizes, texts, symbols, lines),
                        key="soc_graph_plot")
        legend = " · ".join(f":{PALETTE[i % len(PALETTE)][0]}[:material/circle:] {_ui.md(g)}"
                            for i, g in enumerate(result.groups))
        st.caption(_("Stars: the labelled members. Red rings: members this method gets wrong. Groups: {g}").format(
            g=legend))
        if result.accuracy:
            c1, c2, c3 = st.columns(3)
            _ui.figure(c1, _("graph network"), f"{result.accuracy['gcn']:.0%}",
                       beside=_("± {sd:.0%} over seeds").format(sd=result.accuracy["gcn_std"]))
            c2.metric(_("label propagation"), f"{result.accuracy['propagation']:.0%}")
            c3.metric(_("largest group for everyone"), f"{result.accuracy['majority']:.0%}")
        else:
            st.metric(_("the two methods agree on"), f"{result.agreement:.0%}")
        with st.expander(_("Inside the graph network: its hidden layer")):
            h = result.hidden
            fig = go.Figure(go.Scatter(x=[p[0] for p in h], y=[p[1] for p in h], mode="markers+text",
                                       text=result.members, textposition="top center", textfont={"size": 8},
                                       marker={"color": [PALETTE[g % len(PALETTE)][1] for g in result.gcn], "size": 10}))
            fig.update_layout(height=360, margin={"l": 0, "r": 0, "t": 0, "b": 0}, xaxis_visible=False,
                              yaxis_visible=False)
            st.plotly_chart(fig, key="soc_hidden")
            st.caption(_("Each member as the network's 16 hidden units see it, flattened to 2-D: members the network "
                         "puts in one group sit together. It learned this from friendships alone."))
    _ui.evaluation(result.evaluation, N_("graph convolutional network (trained here)"))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"graph": graph, "task": task, "labelled": labelled}, result)


def links_section() -> None:
    demo = _ui.section_header("social.links")
    a, b = st.columns([1, 1])
    graph = a.selectbox(_("Network"), list(social.GRAPHS), format_func=lambda g: _(social.GRAPHS[g]), key="lnk_graph")
    try:
        g, names, _t = social.graphs.load_graph(graph)
    except Exception as e:  # the Hartford file is a Debian package: say how to install it
        from domains.core.errors import GalleryError
        if isinstance(e, GalleryError):
            _ui.show_error(e, demo.id)
            return
        raise
    by_degree = sorted(range(len(names)), key=lambda i: -g.degree(i))
    person = b.selectbox(_("Person"), [names[i] for i in by_degree], key=f"lnk_person_{graph}",
                         help=_("Sorted by number of friends."))
    result = _ui.run_demo(demo.id, None, model=demo.default_model, graph=graph, person=person)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="links_result"):
        st.markdown(_("**{p}** has {n} friends here.").format(p=_ui.md(result.person), n=len(result.friends)))
        cols = st.columns(3)
        for col, k in zip(cols, ("gae", "adamic_adar", "common")):
            with col:
                st.markdown(f"**{_(social.graphs.LINK_METHODS[k])}**")
                _ui.table([{_("suggested"): s.member, _("score"): f"{s.score:.2f}",
                            _("friends in common"): ", ".join(s.shared[:4]) + (" …" if len(s.shared) > 4 else "")
                            or "—"} for s in result.suggestions[k]])
        who = result.members.index(result.person)
        top = {result.members.index(s.member) for s in result.suggestions["gae"]}
        colours = ["#d62728" if i == who else "#2ca02c" if i in top else "#1f77b4" if result.members[i] in
                   result.friends else "#ccc" for i in range(len(result.members))]
        sizes = [18 if i == who or i in top else 9 for i in range(len(result.members))]
        st.plotly_chart(_graph_figure(result.layout, result.edges, colours, sizes, result.members, height=380),
                        key="lnk_graph_plot")
        st.caption(_("Red: {p}. Blue: friends. Green: the graph autoencoder's top five suggestions.").format(
            p=_ui.md(result.person)))
        st.markdown(_("#### Finding hidden friendships, {k} random splits").format(k=social.graphs.SPLITS))
        order = sorted(result.auc, key=lambda k: -result.auc[k]["mean"])
        fig = go.Figure(go.Bar(x=[result.auc[k]["mean"] for k in order],
                               y=[_(social.graphs.LINK_METHODS[k]) for k in order], orientation="h",
                               error_x={"type": "data", "array": [result.auc[k]["std"] for k in order]},
                               marker_color=["#d62728" if k == "gae" else "#1f77b4" for k in order]))
        fig.update_layout(height=250, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_range=[0, 1],
                          xaxis_title=_("ROC AUC (0.5 is guessing), ± one standard deviation"), yaxis_autorange="reversed")
        st.plotly_chart(fig, key="lnk_auc")
        st.caption(_("15 % of the friendships are hidden and set beside as many pairs who are not friends; each method "
                     "ranks them. Shared friends are a strong signal: on most of these networks the graph autoencoder "
                     "does not beat them, and on the small Florentine network nothing is better than chance by a "
                     "margin the error bars can tell."))
    _ui.evaluation(result.evaluation, N_("graph autoencoder (trained here)"))
    for n in result.evaluation.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"graph": graph, "person": person}, result)


_ui.show_section("social", section, {"communities": communities_section, "links": links_section})
