"""Vision: what a network sees in a photo."""
import streamlit as st

from domains import get
from domains.core import examples
from pages import _ui
from domains.core.i18n import N_, _, n_

_ui.page_header("vision", N_("Networks trained on millions of pictures name objects, read text, find faces and "
                            "bodies, and can show which pixels drove a decision. Every demo below runs on this "
                            "computer; the hub-only tasks need a model hub the first time. Pick a demo, then a "
                            "photo."))

SECTIONS = _ui.sections("vision")  # declared with the demos (registry)
section = _ui.demo_selector("vision_demo", SECTIONS)
photos, people, text = examples.tagged("photo"), examples.tagged("people", "photo"), examples.tagged("text", "photo")


def caption_line(result, extra: str = "") -> None:
    _ui.latency(result, " · " + _("input {width}x{height} {mode}").format(
        width=result.image.width, height=result.image.height, mode=result.image.mode) + extra)


if section == "classify":
    def top_k():
        return {"top_k": st.slider(_("Top classes"), 1, 10, 5, key="cls_top_k")}

    def show(result, source, caption):
        best = result.labels[0]
        st.markdown(f"### {best.label} · {_ui.pct(best.score)}")
        _ui.warnings(result)
        _ui.bar([l.label for l in result.labels], [l.score for l in result.labels])
        caption_line(result)
        for note in result.notes:
            st.caption(note)
        st.caption(_("Class names are ImageNet's own labels, in English."))
        st.image(source, caption=caption, width=420)

    _ui.image_demo(get("vision.classify"), "cls", photos, "coffee", show, top_k)
    with st.expander(_("What this is, and what it is not")):
        st.markdown(
            _("- The model only knows the 1,000 ImageNet classes (many dog breeds, few everyday objects). A photo "
              "of something else still gets the closest of those, often with a low probability.\n- Probabilities "
              "are the network's softmax output: a measure of its confidence, not of being right.\n- ImageNet's "
              "photos over-represent some places and people; accuracy elsewhere can be lower."))

elif section == "explain":
    def grid():
        return {"grid": st.slider(_("Regions per side"), 4, 12, 8, key="exp_grid",
                                  help=_("More regions: a finer map, and grid x grid forward passes."))}

    def show(result, source, caption):
        st.markdown(f"### {result.label} · {_ui.pct(result.score)}")
        a, b = st.columns(2)
        a.image(result.view, caption=_("What the network sees"), width="stretch")
        b.image(result.overlay, caption=_("Bright: hiding this region lowers the score most"), width="stretch")
        st.caption(_("Occlusion: each region greyed out in turn; the largest drop in the probability of '{label}' "
                     "was {max_drop:.0%}. {model} · {latency_ms:.0f} ms for {v} forward passes.").format(label=result.label, max_drop=result.max_drop, model=result.model, latency_ms=result.latency_ms, v=len(result.grid) ** 2 + 1))

    _ui.image_demo(get("vision.explain"), "exp", photos, "chelsea", show, grid)

elif section == "compare":
    demo = get("vision.compare")

    def other():
        ids = [m.id for m in demo.models]
        return {"other": st.selectbox(_("Second model"), ids, index=ids.index("efficientnet-lite2"), key="cmp_other",
                                      format_func=lambda i: _ui.model_label(demo.model(i))),
                "top_k": 5}

    def show(result, source, caption):
        st.markdown(_("### They agree") if result.agree else _("### They disagree"))
        cols = st.columns(2)
        for col, r in zip(cols, result.results):
            with col:
                st.markdown(_("**{model}**  \n{label} · {v} · {latency_ms:.0f} ms").format(model=r.model, label=r.labels[0].label, v=_ui.pct(r.labels[0].score), latency_ms=r.latency_ms))
                _ui.bar([l.label for l in r.labels], [l.score for l in r.labels], key=f"cmp_bar_{r.model}")
        st.image(source, caption=caption, width=360)

    _ui.image_demo(demo, "cmp", photos, "chelsea", show, other)

elif section == "ocr":
    def min_score():
        return {"min_score": st.slider(_("Minimum confidence"), 0.0, 1.0, 0.5, 0.05, key="ocr_min")}

    def show(result, source, caption):
        st.markdown(n_("### {n} line of text", "### {n} lines of text", len(result.lines)).format(n=len(result.lines)))
        st.image(result.annotated, caption=caption, width="stretch")
        if result.lines:
            _ui.table([{"#": i + 1, _("text"): l.text, _("confidence"): round(l.score, 3)}
                       for i, l in enumerate(result.lines)])
            st.code(result.text, language=None, wrap_lines=True)  # has a copy button; long lines wrap
        caption_line(result)

    _ui.image_demo(get("vision.ocr"), "ocr", text, "zh_sign", show, min_score)

elif section == "faces":
    def knobs():
        a, b = st.columns(2)
        return {"min_score": a.slider(_("Minimum confidence"), 0.0, 1.0, 0.5, 0.05, key="face_min"),
                "max_faces": _ui.number(_("At most faces"), 1, 50, 10, key="face_max", where=b)}

    def show(result, source, caption):
        st.markdown(n_("### {n} face", "### {n} faces", len(result.faces)).format(n=len(result.faces)))
        st.image(result.annotated, caption=caption, width="stretch")
        if result.faces:
            st.dataframe([{_("face"): i + 1, _("confidence"): round(f.score, 3), _("box (x, y, w, h)"): f.box}
                          for i, f in enumerate(result.faces)], hide_index=True)
        caption_line(result)

    _ui.image_demo(get("vision.faces"), "face", people, "astronaut", show, knobs)

elif section == "mesh":
    def show(result, source, caption):
        st.markdown(n_("### {n} face, {v} points", "### {n} faces, {v} points", len(result.faces)).format(n=len(result.faces), v=sum(len(f.points) for f in result.faces)))
        st.image(result.annotated, caption=caption, width="stretch")
        caption_line(result)

    _ui.image_demo(get("vision.face_mesh"), "mesh", people, "grace_hopper", show,
                   lambda: {"max_faces": _ui.number(_("At most faces"), 1, 5, 5, key="mesh_max")})

elif section == "pose":
    def show(result, source, caption):
        if not result.people:
            st.markdown(_("### No person found"))
        else:
            kps = result.people[0].keypoints
            seen = sum(k.visibility >= 0.5 for k in kps)
            st.markdown(_("### 1 person · {seen} of {n} joints visible").format(seen=seen, n=len(kps)))
        st.image(result.annotated, caption=caption, width="stretch")
        if result.people:
            st.dataframe([{_("joint"): k.name, "x": k.x, "y": k.y, _("visible"): round(k.visibility, 2)}
                          for k in result.people[0].keypoints], hide_index=True, height=240)
        caption_line(result, " · " + _("finds the most prominent person only"))

    _ui.image_demo(get("vision.pose"), "pose", people, "astronaut", show,
                   lambda: {"min_visibility": st.slider(_("Draw joints at least this visible"), 0.0, 1.0, 0.5, 0.05,
                                                        key="pose_vis")})

elif section == "hands":
    def show(result, source, caption):
        st.markdown(n_("### {n} hand", "### {n} hands", len(result.hands)).format(n=len(result.hands)))
        st.image(result.annotated, caption=caption, width="stretch")
        if result.hands:
            st.dataframe([{_("hand"): i + 1, _("side"): _(h.side), _("confidence"): round(h.score, 3)}
                          for i, h in enumerate(result.hands)], hide_index=True)
        else:
            st.caption(_("No hand found in this picture: try the open-hand example, your camera, or an upload."))
        caption_line(result)

    hands = examples.tagged("hands", "people")  # the open-hand photo where Debian's opencv-doc is installed
    _ui.image_demo(get("vision.hands"), "hands", hands, hands[0].id, show,
                   lambda: {"max_hands": _ui.number(_("At most hands"), 1, 4, 4, key="hands_max")})

elif section == "segment":
    def effect():
        names = {"blur": _("blur"), "gray": _("gray"), "green": _("green"), "remove": _("remove")}
        return {"effect": st.radio(_("Background"), list(names), format_func=names.get, horizontal=True,
                                   key="seg_effect")}

    def show(result, source, caption):
        st.markdown(_("### Person: {person_fraction:.0%} of the picture").format(person_fraction=result.person_fraction))
        st.image(result.output, caption=_("Background: {effect}").format(effect=_(result.effect)), width="stretch")
        st.caption(caption)
        caption_line(result)

    _ui.image_demo(get("vision.segment_person"), "seg", people, "astronaut", show, effect)

else:  # the hub-only tasks and any demo of a known shape: drawn from their declarations (registry shapes)
    _ui.show_section("vision", section, {})
