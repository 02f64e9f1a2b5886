"""Privacy: personal data in text, faces in photos, differential privacy against a membership attack."""
import io

import plotly.graph_objects as go
import streamlit as st

from domains import privacy
from domains.core import examples
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("privacy", N_("Models learn from data about people, and what goes in can come out. Three risks, "
                              "measured on real data and on the gallery's own models, with what helps against each "
                              "and what it costs."))
SECTIONS = _ui.sections("privacy")  # declared with the demos (registry)
section = _ui.demo_selector("privacy_demo", SECTIONS)
COLOURS = {"PERSON": "#ffd6a5", "EMAIL_ADDRESS": "#caffbf", "PHONE_NUMBER": "#9bf6ff", "CREDIT_CARD": "#ffadad",
           "IBAN_CODE": "#ffc6ff", "LOCATION": "#fdffb6", "DATE_TIME": "#e0e0e0"}
TEXTS = {
    N_("A support e-mail"): "Hi, this is Maria Garcia. Please refund my last order to my card 5500 0000 0000 0004 or "
                            "to IBAN GB82 WEST 1234 5698 7654 32. You can reach me on +44 20 7946 0958 or at "
                            "maria.garcia@example.com. I now live in London.",
    N_("A clinic note"): "Patient John Smith, born 12 March 1961, was seen by Dr. Rajesh Patel on 3 May. Call his "
                         "daughter Priya Sharma on (212) 555-0198 with the results.",
    N_("Names it may miss"): "Luca Bianchi and Pieter de Vries met Jamal Washington in Milan to sign the lease.",
    # kept on purpose, and labelled: no rule or entity type covers a street address (it stays in the shared text,
    # London too), and an order number reads as a date
    N_("Where it fails: an address, an order number"): "Send the parcel to 221B Baker Street, London NW1 6XE, and "
                                                        "quote order 1182.",
}


def pii_section() -> None:
    demo = _ui.section_header("privacy.pii")
    text = _ui.text_input("pii", TEXTS, default=N_("A support e-mail"), height=120)
    operator = st.segmented_control(_("Replace each find by"), list(privacy.OPERATORS), default="replace",
                                    format_func=lambda o: _(privacy.OPERATORS[o]), key="pii_op") or "replace"
    if text is None:
        st.info(_("Paste English text or pick an example."), icon=":material/badge:")
        return
    result = _ui.run_demo(demo.id, text, model=demo.default_model, operator=operator)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="pii_result"):
        shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
        left, right = st.columns(2)
        with left:
            st.markdown(_("**Found** ({n})").format(n=len(result.entities)))
            _ui.highlighted(shown.strip(), [(e.start, e.end, _(privacy.pii.TYPES.get(e.type, e.type)),
                                             COLOURS.get(e.type, "#eee")) for e in result.entities])
        with right:
            st.markdown(_("**Shared instead**"))
            st.code(result.anonymized, language=None, wrap_lines=True)
        if result.entities:
            _ui.table([{_("type"): _(privacy.pii.TYPES.get(e.type, e.type)), _("text"): _ui.md(e.text),   # table cells are Markdown: the text stays inert
                        _("score"): f"{e.score:.2f}",
                        _("found by"): _("the network") if e.source == "network" else _("a pattern rule")}
                       for e in result.entities])
        if operator == "hash":
            st.caption(_("The hash uses a fixed salt, so the same name gives the same code in every text: records can "
                         "still be linked, which is the point of a pseudonym and also its risk."))
    st.markdown(_("#### How much does it catch? 30 labelled sentences"))
    rows = []
    for t in privacy.pii.SCORED:
        s = result.scores[t]
        rows.append({_("type"): _(privacy.pii.TYPES[t]), _("marked"): s["gold"], _("precision"): f"{s['precision']:.0%}",
                     _("recall"): f"{s['recall']:.0%}"})
    _ui.table(rows)
    missed = [m["text"] for m in result.misses if m["kind"] == "FN"]
    wrong = [m["text"] for m in result.misses if m["kind"] == "FP"]
    st.caption(_("Missed: {m}. Found but wrong: {w}.").format(m=", ".join(map(_ui.md, missed)) or "—",
                                                             w=", ".join(map(_ui.md, wrong)) or "—"))  # corpus text
    _ui.evaluation(result.evaluation, N_("Presidio with the network"))
    for n in result.evaluation.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"operator": operator}, result)


def faces_section() -> None:
    demo = _ui.section_header("privacy.faces")
    method = st.segmented_control(_("Hide faces by"), list(privacy.METHODS), default="blur",
                                  format_func=lambda m: _(privacy.METHODS[m]), key="fa_method") or "blur"
    choices = examples.tagged("people") + [e for e in examples.IMAGES if e.id == "coffee"]  # and one with no face
    picked = _ui.image_input("fa", choices, default="grace_hopper")
    if picked is None:
        st.info(_("Choose an example, upload a photo, or take one with your camera."), icon=":material/face:")
        return
    result = _ui.run_demo(demo.id, picked[0], model=demo.default_model, method=method)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="faces_result"):
        left, right = st.columns(2)
        left.image(result.original, caption=_("Before: {n} face(s) found").format(n=len(result.faces)), width="stretch")
        right.image(result.image, caption=_("After: the detector finds {n} face(s)").format(n=len(result.faces_after)),
                    width="stretch")
        c1, c2, c3 = st.columns(3)
        c1.metric(_("faces hidden"), len(result.faces))
        c2.metric(_("faces found after"), len(result.faces_after))
        _ui.figure(c3, _("metadata fields kept"), len(result.exif_kept),
                   beside=_("{n} in the upload").format(n=len(result.exif_found)))
        buf = io.BytesIO()
        result.image.save(buf, format="PNG")
        _ui.download(_("Download the anonymised photo (PNG, no metadata)"), buf.getvalue(), "anonymised.png",
                     "image/png", key="fa_download")
    for n in result.notes:
        st.caption(n)
    st.caption(_("Look at the Grace Hopper example: her face is hidden, the name on her uniform is not."))
    _ui.section_footer(demo, demo.default_model, {"method": method}, result)


def dp_section() -> None:
    demo = _ui.section_header("privacy.dp")
    eps = st.select_slider(_("Privacy budget epsilon (smaller: more private, noisier)"), list(privacy.EPSILONS), 4.0,
                           key="dp_eps", format_func=lambda e: f"{e:g}")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, epsilon=float(eps))
    if result is None:
        return
    _ui.warnings(result)
    runs, c = result.runs, result.chosen
    with st.container(key="dp_result"):
        cols = st.columns(3)
        for col, (name, r) in zip(cols, [(privacy.dp.RUNS["normal"], runs["normal"]),
                                         (privacy.dp.RUNS["overfit"], runs["overfit"]),
                                         (_("DP-SGD at epsilon {e:g}").format(e=result.epsilon), c)]):
            with col:
                st.markdown(f"**{_(name)}**")
                st.metric(_("attack AUC"), f"{r['attack_auc']:.3f}")
                _ui.figure(st, _("accuracy on unseen loans"), f"{r['accuracy']:.1%}",
                           beside=_("{t:.1%} on its own training loans").format(t=r["train_accuracy"]))
        eps_all = list(privacy.EPSILONS)
        dps = [runs[f"dp-{e:g}"] for e in eps_all]
        fig = go.Figure()
        fig.add_scatter(x=eps_all, y=[r["attack_auc"] for r in dps], name=_("attack AUC, DP-SGD"), mode="lines+markers",
                        line={"color": "#d62728"})
        fig.add_scatter(x=eps_all, y=[r["accuracy"] for r in dps], name=_("accuracy, DP-SGD"), mode="lines+markers",
                        line={"color": "#1f77b4"}, yaxis="y2")
        for k, dash in (("normal", "dot"), ("overfit", "dash")):
            fig.add_hline(y=runs[k]["attack_auc"], line={"color": "#d62728", "dash": dash, "width": 1},
                          annotation_text=_("attack AUC, {what}").format(what=_(privacy.dp.RUNS[k])),
                          annotation_position="top left", annotation_font_size=10)
        fig.add_vline(x=result.epsilon, line={"color": "#888", "width": 1})
        fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 20, "b": 10}, xaxis_type="log",
                          xaxis_tickvals=eps_all, xaxis_ticktext=[f"{e:g}" for e in eps_all],
                          xaxis_title=_("epsilon (log scale)"), yaxis_title=_("attack AUC"),
                          yaxis2={"overlaying": "y", "side": "right", "title": _("accuracy"), "tickformat": ".1~%"},
                          legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="dp_chart")
        st.caption(_("The overfit network remembers its training loans (it is almost always right on them), and the "
                     "attacker can tell. DP-SGD clips each loan's influence and adds noise: the attack falls to chance, "
                     "and below epsilon 2 the model only says 'repaid'."))
        _ui.table([{_("training"): _(privacy.dp.RUNS["normal"]) if k == "normal" else _(privacy.dp.RUNS["overfit"])
                    if k == "overfit" else _("DP-SGD at epsilon {e:g}").format(e=r["epsilon"]),
                    _("accuracy"): f"{r['accuracy']:.1%}", _("ROC AUC"): f"{r['auc']:.3f}",
                    _("attack AUC"): f"{r['attack_auc']:.3f}", _("attack TPR at 1 % FPR"): f"{r['attack_tpr_at_1pct_fpr']:.1%}",
                    _("noise multiplier"): f"{r.get('noise_multiplier', 0):.2f}" if "epsilon" in r else "—",
                    _("training time"): f"{r['seconds']:.1f} s"} for k, r in runs.items()])
    _ui.evaluation(result.evaluation, N_("DP-SGD"))
    for n in result.evaluation.notes + result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"epsilon": float(eps)}, result)


_ui.show_section("privacy", section, {"pii": pii_section, "faces": faces_section, "dp": dp_section})
