"""Medical: deep learning in medicine, honestly."""
import pandas as pd
import streamlit as st

from domains import get, medical
from domains.core import examples
from domains.core.errors import GalleryError
from pages import _ui
from domains.core.i18n import N_, _, n_

_ui.page_header("medical", N_("Networks read skin photos, scans and lab measurements. Each demo shows what the "
                             "model was trained on and how often it is right on data it never saw."))
st.warning(_(medical.DISCLAIMER), icon=":material/health_and_safety:")

SECTIONS = _ui.sections("medical")  # declared with the demos (registry)
section = _ui.demo_selector("medical_demo", SECTIONS)

if section == "skin":
    def knobs():
        a, b, c = st.columns(3)
        age = _ui.number(_("Age (blank: unknown)"), 0, 90, None, key="skin_age", where=c)
        return {"sex": a.selectbox(_("Sex"), medical.SEXES, format_func=_, key="skin_sex"),
                "site": b.selectbox(_("Body site"), medical.SITES, format_func=_, key="skin_site"), "age": age}

    KIND = {"Malign": N_("malignant"), "Benign": N_("benign")}  # the package's words, as a reader says them

    def show(result, source, caption):
        best = result.classes[0]
        st.markdown(f"### {_(best.name)} · {_ui.pct(best.score)}")
        if st.session_state.get("skin_src", (None,))[0] == "example":  # said beside the answer, not below the page
            st.warning(_("This example is a drawing, not a photograph of a lesion: the answer shows how the model "
                         "works and means nothing medically."), icon=":material/draw:")
        _ui.warnings(result)
        st.caption(_("A {severity} class in HAM10000 terms ({label}).").format(
            severity=_(KIND.get(best.severity, best.severity)), label=best.label))
        _ui.bar([_(c.name) for c in result.classes], [c.score for c in result.classes])
        _ui.table([{_("diagnosis"): _(c.name), _("code"): c.label, _("kind"): _(KIND.get(c.severity, c.severity)),
                    _("probability"): _ui.pct(c.score), _("found in its test set"): f"{c.recall:.0%}"}
                   for c in result.classes])
        st.caption(_("Published on its package's test set ({test_images} images): accuracy {accuracy:.1%}, "
                     "macro-F1 {macro_f1:.2f}. It finds only {v:.0%} of melanomas. {model} · {latency_ms:.0f} ms.").format(test_images=result.published['test_images'], accuracy=result.published['accuracy'], macro_f1=result.published['macro_f1'], v=next(c.recall for c in result.classes if c.label == 'mel'), model=result.model, latency_ms=result.latency_ms))
        st.image(source, caption=caption, width=320)

    st.info(_("The one-click examples are drawings, so their answers mean nothing medically: they only show the "
              "mechanics. The model expects a dermatoscope photo of one lesion, like the HAM10000 images (CC BY-NC "
              "4.0, ViDIR Group, Medical University of Vienna)."), icon=":material/info:")
    _ui.image_demo(get("medical.skin"), "skin", examples.tagged("skin"), "spot_irregular", show, knobs)

elif section == "images":
    st.subheader(_("Medical images: a viewer"))
    st.caption(_("DICOM and other medical images with window and level. No deep-learning model for CT, MR, retina "
                 "or pathology ships in a package that runs offline, so this part is an honest viewer, not an "
                 "analysis."))
    left, right = st.columns([1, 2], gap="large")
    with left:
        kinds = {"sample": _("Bundled sample"), "upload": _("Upload a DICOM file")}
        source = st.radio(_("Image"), list(kinds), format_func=kinds.get, horizontal=True, key="med_src")
        img = None
        try:
            if source == "sample":
                name = st.selectbox(_("Sample"), list(medical.SAMPLES), format_func=lambda k: _(medical.SAMPLES[k]),
                                    key="med_sample")
                img = medical.sample_image(name)
            else:
                f = _ui.uploader(_("DICOM file (.dcm)"), key="med_upload")
                if f is not None:
                    img = medical.read_dicom(f.getvalue())
        except GalleryError as e:
            _ui.show_error(e)
        if img is not None and img.window is not None:
            c0, w0 = img.window
            lo, hi = float(img.pixels.min()), float(img.pixels.max())
            if img.modality == "CT":
                preset = st.selectbox(_("CT window"), ["", *medical.CT_PRESETS], key="med_preset",
                                      format_func=lambda p: _(p) if p else _("from the file"))
                if preset:
                    c0, w0 = medical.CT_PRESETS[preset]
            unit = "HU" if img.modality == "CT" else _("stored value")  # CT pixels are Hounsfield units
            center = st.slider(_("Level (window centre, {unit})").format(unit=unit), lo - (hi - lo), hi + (hi - lo), float(c0),
                               key=f"med_c_{c0}")
            width = st.slider(_("Window width ({unit})").format(unit=unit), 1.0, 2 * (hi - lo) + 1, float(min(w0, 2 * (hi - lo) + 1)),
                              key=f"med_w_{w0}")
    with right, st.container(key="images_result"):
        if img is not None:
            shown = medical.render(img, *((center, width) if img.window is not None else (None, None)))
            st.image(shown, caption=f"{_(img.description)} · {img.modality or _('image')} · {_(img.source)}",
                     width=520)
            if img.window is not None:
                units = _("Hounsfield units") if img.modality == "CT" else _("stored values")
                hist = pd.Series(img.pixels.ravel()).value_counts(bins=60, sort=False)
                pixels = _("pixels")
                st.bar_chart(pd.DataFrame({units: [round(i.mid) for i in hist.index], pixels: hist.values}),
                             x=units, y=pixels, height=180)
            if img.meta:
                st.dataframe(pd.DataFrame({_("tag"): list(img.meta), _("value"): list(img.meta.values())}),
                             hide_index=True)
                st.caption(_("Only non-identifying tags are shown; nothing uploaded is stored."))

elif section == "tabular":
    demo = _ui.section_header("medical.breast_cancer", summary=_("The Wisconsin breast-cancer table (569 fine-needle biopsies, 30 measurements of cell nuclei "
                                                                 "each): a small network trained here on 75 % of the cases, tested on the other 25 %."))
    case = _ui.number(_("Held-out case"), 0, 142, 0, key="bc_case",
                      help=_("One of the 143 cases the network never saw while training."))
    base = _ui.run_demo(demo.id, None, model=demo.default_model, case=case)
    if base is not None:
        m = base.metrics
        a, b = st.columns(2)
        with a:
            _ui.evaluation(base.evaluation, _("network (trained here)"),
                           "" if base.evaluation.verdict == "model" else
                           _("On a small, nearly linear table a plain logistic regression is hard to beat: a deep "
                             "network is not always the right tool."))
            st.caption(_("Accuracy on the same cases: network {accuracy:.3f}, baseline {accuracy2:.3f}. "
                         "{train_cases} training cases, {test_cases} held out.").format(accuracy=m['network']['accuracy'], accuracy2=m['baseline']['accuracy'], train_cases=m['train_cases'], test_cases=m['test_cases']))
            cm = m["network"]["confusion"]
            st.markdown(_("**Network's confusion matrix (held out)**"))
            st.dataframe(pd.DataFrame(cm, index=[_("truly benign"), _("truly malignant")],
                                      columns=[_("said benign"), _("said malignant")]))
        with b:
            st.markdown(_("**Edit the case and watch the prediction move**"))
            table = pd.DataFrame({"feature": [x.feature for x in base.attributions],
                                  "shown": [medical.feature_label(x.feature) for x in base.attributions],
                                  "value": [f"{x.value:g}" for x in base.attributions]})
            # text, not a number column: the browser would read "1e12" as 112; as text the measurement guard
            # reads what was typed and says what is wrong with it. The data's own column name stays the key
            # (hidden); the page's language names it.
            edited = st.data_editor(table, disabled=["feature", "shown"], hide_index=True, height=260,
                                    key=f"bc_edit_{case}", column_order=("shown", "value"),
                                    column_config={"shown": st.column_config.TextColumn(_("feature")),
                                                   "value": st.column_config.TextColumn(_("value"))})
            changes = {r.feature: str(r.value).strip() for r, o in zip(edited.itertuples(), table.itertuples())
                       if str(r.value).strip() != o.value}
        result = _ui.run_demo(demo.id, None, model=demo.default_model, case=case, features=changes) if changes else base
        if result is not None:
            verdict = "### " + _("P(malignant) = {p} → {verdict}").format(p=_ui.md(_ui.pct(result.probability_malignant)),
                                                                           verdict=_(result.prediction))
            st.container(key="tabular_result").markdown(verdict)
            st.caption(_("Recorded diagnosis: {truth}").format(truth=_(result.truth)) if result.truth else
                       n_("Edited case ({n} change): no recorded diagnosis.", "Edited case ({n} changes): no recorded diagnosis.", len(changes)).format(n=len(changes)))
            for note in result.notes:
                st.caption(note)
            top = result.attributions[:10]
            st.markdown(_("**What pushed this prediction** (log-odds against each feature at its average)"))
            _ui.bar([medical.feature_label(x.feature) for x in top], [x.contribution for x in top],
                    N_("toward malignant (log-odds)"), key="bc_attr")
            _ui.model_card(demo.default_model, demo)
            _ui.reproduce(demo, demo.default_model, {"case": case, "features": changes or None}, result)

else:  # a demo of a known shape, drawn from its declaration
    _ui.show_section("medical", section, {})
