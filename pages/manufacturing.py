"""Manufacturing: quality control from a near-infrared spectrum, and a concrete mix designer."""
import math
import plotly.graph_objects as go
import streamlit as st

from domains import manufacturing
from domains.core.i18n import N_, _, join
from pages import _ui

_ui.page_header("manufacturing", N_("Two jobs from a plant's lab, on real lab data: read a product's quality from "
                                    "the light it absorbs, and design a concrete mix for a strength. Each model is "
                                    "trained here and shown beside the method engineers already use."))
SECTIONS = _ui.sections("manufacturing")  # declared with the demos (registry)
section = _ui.demo_selector("manufacturing_demo", SECTIONS)
NAMES = {"cnn": N_("1-D CNN (trained here)"), **manufacturing.spectra.BASELINES}


def spectra_section() -> None:
    demo = _ui.section_header("manufacturing.spectra")
    left, right = st.columns([2, 3], gap="large")
    with left:
        sources = {"sample": _("A held-out sample"), "upload": _("Your spectrum (CSV)")}
        source = st.radio(_("Spectrum"), list(sources), format_func=sources.get, horizontal=True, key="nir_source")
        spectrum, params = None, {}
        if source == "sample":
            params["sample"] = st.slider(_("Held-out sample"), 0, 42, 0, key="nir_sample")
        else:
            up = _ui.uploader(_("100 absorbances, 850-1050 nm in 2 nm steps (one row or one column)"),
                                  type=["csv", "txt"], key="nir_upload")
            if up is None:
                st.info(_("Upload a CSV of 100 absorbance values, as a Tecator-style instrument writes them."),
                        icon=":material/upload:")
                _ui.model_card(demo.default_model, demo)
                return
            spectrum = up.getvalue()
        limit = _ui.number(_("Spec limit: fat % at most"), 0.0, 60.0, 20.0, 0.5, key="nir_limit")
        params["limit"] = limit
    result = _ui.run_demo(demo.id, spectrum, model=demo.default_model, **params)
    if result is None:
        return
    with right, st.container(key="spectra_result"):
        verdict = _("PASS") if result.passed else _("FAIL")
        lab = "" if result.lab_value is None else " " + _("(lab: {v:.1f} %)").format(v=result.lab_value)
        st.markdown(_("### Fat {fat:.1f} %{lab} · {verdict} against ≤ {limit:g} %").format(
            fat=result.fat_percent, lab=lab, verdict=verdict, limit=result.limit).replace(" %", "\u00a0%"))  # "%" never alone on a line
        if result.near_limit:
            st.warning(_("Within the model's typical error ({rmse:.2f} points) of the limit: confirm in the lab.")
                       .format(rmse=result.rmse["cnn"]), icon=":material/science:")
        _ui.warnings(result)
        fig = go.Figure()
        top = set(result.top_wavelengths)
        for w in result.wavelengths:
            if w in top:
                fig.add_vrect(x0=w - 1, x1=w + 1, fillcolor="#ff7f0e", opacity=0.35, line_width=0)
        fig.add_scatter(x=result.wavelengths, y=result.spectrum, name=_("absorbance"), line={"color": "#1f77b4"})
        fig.add_scatter(x=result.wavelengths, y=result.saliency, name=_("sensitivity (0-1)"), yaxis="y2",
                        line={"color": "#ff7f0e", "dash": "dot"})
        fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=_("wavelength (nm)"),
                          yaxis_title=_("absorbance"), legend=_ui.LEGEND_ABOVE,
                          yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "showgrid": False,
                                  "title": _("sensitivity (0-1)"), "tickvals": [0, 0.5, 1]})
        st.plotly_chart(fig, key="nir_spectrum")
        st.caption(_("Shaded: the wavelengths where a change moves the prediction most ({waves} nm), around "
                     "the 930-950 nm band where fat's C-H bonds absorb.").format(
                         waves=", ".join(map(str, sorted(result.top_wavelengths)))))
    a, b = st.columns(2, gap="large")
    with a:
        par = go.Figure(go.Scatter(x=result.parity["lab"], y=result.parity["predicted"], mode="markers",
                                   name=_("held-out samples"), marker={"color": "#1f77b4"}))
        hi = max(result.parity["lab"] + result.parity["predicted"]) + 2
        par.add_scatter(x=[0, hi], y=[0, hi], mode="lines", name=_("perfect"), line={"color": "#999", "dash": "dash"})
        par.add_hline(y=result.limit, line={"color": "#d62728", "width": 1}, annotation_text=_("spec limit"))
        par.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=_("lab fat %"),
                          yaxis_title=_("predicted fat %"), showlegend=False)
        st.plotly_chart(par, key="nir_parity")
    with b:
        _ui.table([{_("method"): _(NAMES[k]), _("RMSE, fat %"): result.evaluation.fmt(v)}
                   for k, v in sorted(result.rmse.items(), key=lambda kv: kv[1])])
        st.caption(_("The three CNNs answered {seeds} for this sample; their spread is a rough sense of doubt.").format(
            seeds=", ".join(f"{v:.2f}" for v in result.by_seed)))
    _ui.evaluation(result.evaluation, N_("1-D CNN (trained here)"),
                   N_("Non-linearity is what beats PLS here: a plain network on the same derivative ties the CNN, "
                      "whose extra is the wavelength view above."))
    for n in result.evaluation.notes + result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, params, result)


def concrete_section() -> None:
    demo = _ui.section_header("manufacturing.concrete")
    ranges = {"cement": (102, 540, 350), "blast_furnace_slag": (0, 359, 0), "fly_ash": (0, 200, 0),
              "water": (122, 247, 180), "superplasticizer": (0, 32, 6), "coarse_aggregate": (801, 1145, 970),
              "fine_aggregate": (594, 993, 780)}
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.caption(_("kg per m³ of concrete; each slider spans what the lab tested, so the models never guess "
                     "outside it."))
        mix = {k: st.slider(_(manufacturing.concrete.LABELS[k]), lo, hi, default, key=f"mix_{k}")
               for k, (lo, hi, default) in ranges.items()}
        a, b = st.columns(2)
        age = a.select_slider(_("Age (days)"), manufacturing.concrete.AGES, 28, key="mix_age")
        target = _ui.number(_("Target at 28 days (MPa)"), 5.0, 100.0, 40.0, 2.5, key="mix_target", where=b)
    result = _ui.run_demo(demo.id, None, model=demo.default_model, mix=mix, age=age, target=target)
    if result is None:
        return
    with right, st.container(key="concrete_result"):
        # the headline says whose number it is: the more accurate method is named beside it
        st.markdown(_("### {strength:.1f} MPa at {age} days · network ensemble").format(strength=result.strength,
                                                                                      age=result.age))
        verdict = (_("At 28 days the network ensemble meets the {target:g} MPa target.") if result.meets_target else
                   _("At 28 days the network ensemble misses the {target:g} MPa target."))
        boosting = (_("Gradient boosting, the more accurate on held-out recipes, says {gb:.1f} MPa.")
                    if result.evaluation.verdict == "baseline" else _("Gradient boosting says {gb:.1f} MPa."))
        st.markdown(join(boosting.format(gb=result.boosting),
                         verdict.format(target=result.target),
                         _("Water/cement ratio {wc:.2f}.").format(wc=mix["water"] / mix["cement"])))
        _ui.warnings(result)
        c = result.curve
        fig = go.Figure()
        fig.add_scatter(x=c["ages"] + c["ages"][::-1], y=c["ensemble_high"] + c["ensemble_low"][::-1], fill="toself", mode="lines",
                        fillcolor="rgba(214,39,40,0.15)", line={"width": 0}, name=_("ensemble ± 2 spreads"),
                        hoverinfo="skip")
        fig.add_scatter(x=c["ages"], y=c["ensemble"], name=_("network ensemble (trained here)"),
                        line={"color": "#d62728"}, mode="lines+markers")
        fig.add_scatter(x=c["ages"], y=c["boosting"], name=_("gradient boosting"), line={"color": "#2ca02c",
                        "shape": "hv"}, mode="lines+markers")
        fig.add_scatter(x=c["ages"], y=c["linear"], name=_("linear regression"), line={"color": "#999", "dash": "dot"})
        fig.add_hline(y=result.target, line={"color": "#555", "dash": "dash"}, annotation_text=_("target"),
                      annotation_position="top left", annotation_bgcolor="rgba(255,255,255,0.8)")
        fig.add_vline(x=28, line={"color": "#bbb", "width": 1})
        # an annotation on a log axis takes log10 of its x (at x=28 it stretched the axis to 1e28)
        fig.add_annotation(x=math.log10(28), y=0, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                           text=_("28 days"), font={"size": 11, "color": "#777"})
        fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis={"type": "log", "tickvals": c["ages"], "title": _("age (days, log scale)")},
                          yaxis_title=_("compressive strength (MPa)"),
                          legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="mix_curve")
        st.caption(_("The ensemble's curve rises smoothly with age, as cement hydration does; gradient boosting's "
                     "moves in steps and can give the same strength at 1 and 3 days. The shaded band is the five "
                     "networks' disagreement: it ranks doubt, but it is narrower than the real error."))
    s, ev = result.scores, result.evaluation
    _ui.table([{_("method"): name, "R²": ev.fmt(s[k]["r2"]), _("RMSE (MPa)"): ev.fmt(s[k]["rmse"])}
               for k, name in (("boosting", _("gradient boosting")), ("ensemble", _("network ensemble (trained here)")),
                               ("linear", _("linear regression")))])
    _ui.evaluation(result.evaluation, N_("network ensemble (trained here)"),
                   N_("On new recipes gradient boosting is the more accurate choice; use the network for the shape "
                      "of the age curve."))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"mix": mix, "age": age, "target": target}, result)


_ui.show_section("manufacturing", section, {"spectra": spectra_section, "concrete": concrete_section})
