"""Agriculture: a tree from its leaf's outline, a learned map of leaves, and what a rice farm's inputs are worth."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from domains import agriculture
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("agriculture", N_("Three questions from the field, on real data: which tree dropped this leaf, how "
                                  "a network arranges a thousand leaves, and what more fertiliser or labour is worth "
                                  "on a rice farm. Each model is trained here beside the agronomist's own methods."))
SECTIONS = _ui.sections("agriculture")  # declared with the demos (registry)
section = _ui.demo_selector("agriculture_demo", SECTIONS)


species_name = agriculture.leaf_map.species_label  # Flavia's species, in the page's language


def leaf_section() -> None:
    demo = _ui.section_header("agriculture.leaf")
    left, right = st.columns([2, 3], gap="large")
    image, params = None, {}
    with left:
        sources = {"sample": _("A held-out leaf"), "upload": _("Your photo of a leaf")}
        source = st.radio(_("Leaf"), list(sources), format_func=sources.get, horizontal=True, key="leaf_source")
        if source == "sample":
            params["sample"] = st.slider(_("Held-out leaf"), 0, 241, 0, key="leaf_sample")
        else:
            up = _ui.uploader(_("One leaf, flat, on a plain contrasting background"),
                                  type=["png", "jpg", "jpeg", "webp", "bmp"], key="leaf_upload")
            if up is None:
                st.info(_("Upload a photo of a single leaf lying flat on plain paper."), icon=":material/upload:")
                _ui.model_card(demo.default_model, demo)
                return
            image = _ui.checked("image", up.getvalue(), demo.id)  # decoded once: the demo and the drawing share it
            if image is None:
                _ui.model_card(demo.default_model, demo)
                return
        params["rotation"] = st.slider(_("Start the tracing elsewhere on the edge (points)"), 0, 426, 0, 1,
                                       key="leaf_rotation")
    result = _ui.run_demo(demo.id, image, model=demo.default_model, **params)
    if result is None:
        return
    with right, st.container(key="leaf_result"):
        truth = ("" if result.truth is None else " " + _("(correct)") if result.truth == result.species else
                 " " + _("(it is: {truth})").format(truth=_(result.truth)))
        st.markdown(_("### {species}{truth}").format(species=_(result.species), truth=truth))
        _ui.warnings(result)
        names = list(result.probabilities)
        _ui.bar([_(n) for n in names], list(result.probabilities.values()), key="leaf_probs")
        st.caption(_("Nearest neighbour on the raw outline, started at the same point: {nn}. Move the start slider: "
                     "the network's answer holds; the neighbour's can change.").format(nn=_(result.nearest_neighbour)))
    a, b = st.columns(2, gap="large")
    with a:
        sil = go.Figure(go.Scatter(x=result.silhouette["x"] + result.silhouette["x"][:1],
                                   y=result.silhouette["y"] + result.silhouette["y"][:1], fill="toself",
                                   line={"color": "#2ca02c"}, fillcolor="rgba(44,160,44,0.25)", mode="lines"))
        sil.add_scatter(x=result.silhouette["x"][:1], y=result.silhouette["y"][:1], mode="markers",
                        marker={"size": 11, "color": "#d62728"}, name=_("where the tracing starts"))
        sil.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
                          xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"})
        st.plotly_chart(sil, key="leaf_silhouette")
        st.caption(_("The outline the network reads, drawn as a shape (distance from the centre against angle); the "
                     "red dot is where the tracing starts."))
    with b:
        if result.contour is not None and image is not None:
            from domains.core.inputs import load_image
            photo = np.asarray(load_image(image, max_side=600)[0])
            c = np.asarray(result.contour)
            fig = go.Figure(go.Image(z=photo))
            fig.add_scatter(x=c[:, 1], y=c[:, 0], mode="lines", line={"color": "#d62728", "width": 3})
            fig.update_layout(height=320, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                              xaxis={"visible": False}, yaxis={"visible": False})
            st.plotly_chart(fig, key="leaf_photo")
            st.caption(_("The edge traced on your photo."))
        else:
            series = go.Figure(go.Scatter(y=result.series, line={"color": "#2ca02c"}))
            series.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                                 xaxis_title=_("point along the edge"), yaxis_title=_("distance from the centre (z)"))
            st.plotly_chart(series, key="leaf_series")
            st.caption(_("The same outline as the 427-number series the network reads."))
    names = {"cnn": _("1-D CNN (trained here)"), **{k: _(v) for k, v in agriculture.leaf.BASELINES.items()}}
    _ui.table([{_("method"): names[k], _("held-out accuracy"): f"{v:.1%}"} for k, v in result.accuracy.items()])
    _ui.evaluation(result.evaluation, N_("1-D CNN (trained here)"),
                   N_("The network sees the outline's local shapes (lobes, teeth, the stalk) wherever they fall; "
                      "nearest neighbours compare point by point."))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, params, result)


def map_section() -> None:
    demo = _ui.section_header("agriculture.leaf_map")
    leaf = _ui.number(_("Highlight leaf number"), 0, 1906, 0, key="map_leaf")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, leaf=int(leaf))
    if result is None:
        return
    with st.container(key="map_result"):
        st.markdown(_("### Leaf {n}: {species} · the network says {predicted}").format(
            n=result.chosen, species=species_name(result.chosen_species), predicted=species_name(result.predicted)))
        pts = result.points
        a, b = st.columns(2, gap="medium")
        for col, (xk, yk, title, key) in zip((a, b), (("x", "y", _("The map the network learned"), "map_learned"),
                                                      ("pca_x", "pca_y", _("The first two principal components"),
                                                       "map_pca"))):
            fig = go.Figure(go.Scattergl(x=pts[xk], y=pts[yk], mode="markers",
                                         text=[species_name(result.species[s]) for s in pts["species"]],
                                         marker={"size": 4, "color": pts["species"], "colorscale": "Turbo",
                                                 "opacity": 0.7}, hovertemplate="%{text}<extra></extra>"))
            fig.add_scatter(x=[pts[xk][result.chosen]], y=[pts[yk][result.chosen]], mode="markers",
                            marker={"size": 16, "symbol": "star", "color": "#000", "line": {"color": "#fff", "width": 1}},
                            hoverinfo="skip")
            fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10}, showlegend=False,
                              title={"text": title, "font": {"size": 14}}, xaxis={"visible": False},
                              yaxis={"visible": False})
            col.plotly_chart(fig, key=key)
        st.caption(_("Each dot is a leaf, coloured by species; the star is the one you chose. Five nearest neighbours "
                     "on the learned map name {map:.1%} of held-out leaves; on PCA's map {pca:.1%}.").format(
                         **result.knn_2d))
    _ui.evaluation(result.evaluation, N_("network (trained here)"),
                   N_("Every method names the species almost perfectly from these 59 measurements; the network's "
                      "squeeze through two numbers costs it a little. What it adds is the map."))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"leaf": int(leaf)}, result)


def rice_section() -> None:
    demo = _ui.section_header("agriculture.rice")
    left, right = st.columns([2, 3], gap="large")
    with left:  # drawn first: the farm is what the rest starts from
        farm = _ui.number(_("Start from farm-season"), 0, 1025, 0, key="rice_farm")
    base = _ui.run_demo(demo.id, None, model=demo.default_model, farm=farm)
    if base is None:
        return
    with left:
        st.caption(_("Change the inputs; each box accepts only what these farms used."))
        changes = {}
        for k, label in agriculture.INPUTS.items():
            lo, hi = base.ranges[k]
            changes[k] = _ui.number(_(label), float(lo), float(hi), float(base.inputs[k]), key=f"rice_{k}_{base.farm}",
                                    format="%.2f" if k == "size" else "%.0f")
    changed = {k: v for k, v in changes.items() if abs(v - base.inputs[k]) > 1e-9}
    result = _ui.run_demo(demo.id, None, model=demo.default_model, farm=base.farm, inputs=changed) if changed else base
    if result is None:
        return
    names = {"cobb_douglas": _("Cobb-Douglas (log-log linear)"), "boosting": _("gradient boosting"),
             "network": _("network (trained here)")}
    with right, st.container(key="rice_result"):
        recorded = "" if result.actual_kg is None else " " + _("(recorded: {kg:,.0f} kg)").format(kg=result.actual_kg)
        st.markdown(_("### {kg:,.0f} kg of rice{recorded}").format(kg=result.output_kg["boosting"], recorded=recorded))
        st.caption(_("Gradient boosting's estimate, the most accurate of the three on farms it never saw."))
        _ui.table([{_("method"): names[k], _("output (kg)"): f"{v:,.0f}", _("per hectare (kg)"):
                    f"{result.per_hectare[k]:,.0f}", _("R², held-out farms"): result.evaluation.fmt(result.r2[k])}
                   for k, v in result.output_kg.items()])
        st.markdown(_("**What 1 % more of each input adds to output (Cobb-Douglas elasticities)**"))
        el = result.elasticities
        _ui.bar([_(agriculture.INPUTS[k]) for k in el], list(el.values()), x_title=N_("% more output per 1 % more input"), key="rice_el")
        st.caption(_("Land dominates: doubling the area about doubles the harvest (elasticity {size:.2f}); urea and "
                     "seed pay modestly; pesticide adds almost nothing measurable.").format(size=el["size"]))
    _ui.evaluation(result.evaluation, N_("network (trained here)"),
                   N_("Split by farm, so every score is for farms the models never saw."))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"farm": result.farm, "inputs": changed}, result)


_ui.show_section("agriculture", section, {"leaf": leaf_section, "map": map_section, "rice": rice_section})
