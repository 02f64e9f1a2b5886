"""Driving: a driver learned in a highway simulator beside a hand-written one; people in a real street video."""
import plotly.graph_objects as go
import streamlit as st

from domains import driving
from domains.core.i18n import N_, _
from domains.core.media import MAX_UPLOAD_MB
from pages import _ui

_ui.page_header("driving", N_("Two sides of a self-driving car: deciding what to do in traffic (a policy learned by "
                              "trial and error in a simulator, beside a driver written by hand) and seeing who is on "
                              "the street (people found in a real video)."))
SECTIONS = _ui.sections("driving")  # declared with the demos (registry)
section = _ui.demo_selector("driving_demo", SECTIONS)
COLOURS = {"learned": "#2ca02c", "rule": "#1f77b4", "idle": "#999", "random": "#d62728", "last": "#ff7f0e"}


def policy_section() -> None:
    demo = _ui.section_header("driving.policy")
    a, b = st.columns(2)
    seed = _ui.number(_("Traffic (simulator seed)"), 0, 99_999, 2026, key="drv_seed", where=a,
                     help=_("The same seed gives both drivers the same traffic. Seeds 1000-1049 are the test "
                                 "seeds the scores below come from."))
    density = b.slider(_("Traffic density"), 0.5, 2.0, 1.0, 0.25, key="drv_density",
                       help=_("1 is the density the driver was trained in."))
    result = _ui.run_demo(demo.id, None, model=demo.default_model, seed=int(seed), density=float(density))
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="policy_result"):
        st.markdown(_("**Above: the learned driver. Below: the rule driver.** Same road, same traffic; the green car "
                      "is the one driving, one decision a second."))
        st.image(result.animation, width="stretch")
        cols = st.columns(2)
        for col, k in zip(cols, ("learned", "rule")):
            e = result.episodes[k]
            with col:
                st.markdown(f"**{_(driving.POLICIES[k])}**")
                outcome = _(":red[crashed after {s} s]").format(s=e["steps"]) if e["crashed"] else \
                    _(":green[no crash in {s} s]").format(s=e["steps"])
                st.markdown(outcome)
                m1, m2, m3 = st.columns(3)
                m1.metric(_("distance, m"), f"{e['distance_m']:.0f}")
                m2.metric(_("mean speed, m/s"), f"{sum(e['speeds']) / len(e['speeds']):.1f}")
                m3.metric(_("return"), f"{e['return']:.1f}")
        fig = go.Figure()
        for k in ("learned", "rule"):
            e = result.episodes[k]
            fig.add_scatter(x=list(range(1, len(e["speeds"]) + 1)), y=e["speeds"], mode="lines+markers",
                            name=_(driving.POLICIES[k]), line={"color": COLOURS[k]},
                            text=[_(driving.policy.ACTION_NAMES[a]) for a in e["actions"]],
                            hovertemplate=_("second %{x}: %{y:.1f} m/s, %{text}") + "<extra></extra>")
        fig.update_layout(height=280, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=_("second"),
                          yaxis_title=_("speed, m/s"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="drv_speed")
        st.caption(_("Hover a point for the action chosen at that second."))

    st.markdown(_("#### Every driver on the same {n} test seeds").format(n=result.test_seeds[1] - result.test_seeds[0]))
    rows = []
    for k in ("learned", "rule", "idle", "random", "last"):
        t = result.test[k]
        rows.append({_("driver"): _(driving.POLICIES[k]), _("collisions"): f"{t['collision_rate']:.0%}",
                     _("mean speed, m/s"): f"{t['mean_speed']:.1f}", _("distance, m"): f"{t['mean_distance_m']:.0f}",
                     _("return"): f"{t['mean_return']:.1f}"})
    _ui.table(rows)
    st.caption(_("A crash ends the episode, so drivers that crash cover less road. Return is the simulator's score: "
                 "speed and staying on the road, a crash costing most."))
    with st.expander(_("Why not the last checkpoint? Choosing on validation seeds")):
        steps = sorted(result.validation, key=int)
        fig = go.Figure()
        fig.add_bar(x=[f"{int(s):,}" for s in steps], y=[result.validation[s]["mean_return"] for s in steps],
                    marker_color=["#2ca02c" if int(s) == result.chosen_steps else "#bbb" for s in steps],
                    text=[f"{result.validation[s]['collision_rate']:.0%}" for s in steps], textposition="outside",
                    hovertemplate=_("%{x} steps: return %{y:.1f}") + "<extra></extra>")
        fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 20, "b": 10}, xaxis_title=_("training steps"),
                          yaxis_title=_("validation return"))
        st.plotly_chart(fig, key="drv_validation")
        st.caption(_("Mean return on validation seeds 500-519 at each checkpoint (the label is its collision rate). "
                     "Deep Q-learning swings between checkpoints; the green one, chosen on these seeds, drives above. "
                     "The last one is in the table as well."))
    _ui.evaluation(result.evaluation, N_("learned driver (DQN, trained here)"))
    for n in result.evaluation.notes + result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"seed": int(seed), "density": float(density)}, result)


def pedestrians_section() -> None:
    demo = _ui.section_header("driving.pedestrians")
    source = st.radio(_("Video"), ["street", "upload"], horizontal=True, key="ped_source",
                      format_func={"street": _("A street scene (opencv-doc's vtest.avi)"),
                                   "upload": _("Your own short clip")}.get)
    video = None
    if source == "upload":
        f = _ui.uploader(_("A short video (MP4, AVI, WebM; up to {mb} MB and 2 minutes)").format(mb=MAX_UPLOAD_MB),
                         type=["mp4", "avi", "webm", "mov", "mkv"], key="ped_upload")
        if f is None:
            st.info(_("Upload a clip to analyse it."), icon=":material/movie:")
            return
        video = f.getvalue()
    a, b, c = st.columns(3)
    start = _ui.number(_("Start at second"), 0.0, 120.0, 8.0, 1.0, key="ped_start", where=a)
    seconds = b.slider(_("Seconds to analyse"), 1, 30, 12, key="ped_seconds")
    every = c.select_slider(_("Analyse every n-th frame"), [2, 5, 10, 20], 10, key="ped_every")
    result = _ui.run_demo(demo.id, video, model=demo.default_model, start_s=float(start), seconds=float(seconds),
                          every=int(every))
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="pedestrians_result"):
        n = len(result.frames)
        i = st.slider(_("Frame"), 1, n, 1, key="ped_frame") if n > 1 else 1
        f = result.frames[i - 1]
        left, right = st.columns([3, 1])
        left.image(result.annotated[i - 1], width="stretch",
                   caption=_("Frame {index} at {t:.1f} s").format(index=f.index, t=f.time_s))
        with right:
            st.metric(_("people (a body found)"), sum(r.body for r in f.regions))
            st.metric(_("other moving regions"), sum(not r.body for r in f.regions))
            st.caption(_("Over the {n} analysed frames: {p} people in {r} moving regions.").format(
                n=n, p=result.people, r=result.regions))
        fig = go.Figure()
        fig.add_bar(x=[fr.time_s for fr in result.frames], y=[sum(r.body for r in fr.regions) for fr in result.frames],
                    name=_("people"), marker_color="#2ca02c")
        fig.add_bar(x=[fr.time_s for fr in result.frames],
                    y=[sum(not r.body for r in fr.regions) for fr in result.frames], name=_("other motion"),
                    marker_color="#ff7f0e")
        fig.update_layout(barmode="stack", height=220, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis_title=_("second"), yaxis_title=_("regions"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="ped_counts")
    st.caption(_("Two steps: background subtraction (OpenCV's MOG2, not deep learning) finds what moves; BlazePose, a "
                 "network, looks for a human body in each moving region. A parked car that starts to move is motion "
                 "with no body; a person standing still for long fades into the background."))
    for n_ in result.notes:
        st.caption(n_)
    _ui.latency(result)
    _ui.reproduce(demo, demo.default_model, {"start_s": float(start), "seconds": float(seconds), "every": int(every)},
                  result)
    _ui.model_card(demo.default_model, demo)


_ui.show_section("driving", section, {"policy": policy_section, "pedestrians": pedestrians_section})
