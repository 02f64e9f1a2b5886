"""City and transport: train riders two weeks ahead, with weather, game and holiday what-ifs."""
import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from domains import transport
from domains.core import i18n
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("transport", N_("A city planner's question on 15 years of Chicago's 'L' trains: how many people will "
                                "enter Clark/Lake station two weeks from now, and what would rain, snow, a game or a "
                                "holiday change? Each model is trained here beside the planner's baselines."))
SECTIONS = _ui.sections("transport")  # declared with the demos (registry)
section = _ui.demo_selector("transport_demo", SECTIONS)
NAMES = transport.ridership.MODELS
COLOURS = {"network": "#d62728", "boosting": "#2ca02c", "linear": "#9467bd", "naive": "#999"}


def ridership_section() -> None:
    demo = _ui.section_header("transport.ridership")
    a, b = st.columns([1, 2])
    day = a.date_input(_("Day"), dt.date(2015, 6, 10), dt.date(2015, 1, 1), dt.date(2016, 8, 28), key="tr_day")
    # one box each, in a row that wraps: a row of pills does not wrap, and a phone cut the last two off
    b.markdown(_("What if there were"))
    with b.container(horizontal=True):
        picks = [k for k, (label, _changes) in transport.WHAT_IFS.items()
                 if st.checkbox(_(label), key=f"tr_whatif_{k}")]
    result = _ui.run_demo(demo.id, None, model=demo.default_model, day=str(day), what_if=",".join(picks or []))
    if result is None:
        return
    with st.container(key="ridership_result"):
        p = result.predictions
        if result.actual is not None:
            st.markdown(_("### {day} ({weekday}): {actual:.1f} thousand riders entered").format(
                day=result.day, weekday=_ui.weekday(result.day, "EEEE"), actual=result.actual))
        else:
            st.markdown(_("### {day} ({weekday}), what if: {changes}").format(
                day=result.day, weekday=_ui.weekday(result.day, "EEEE"),
                changes=i18n.join_list([_(transport.WHAT_IFS[w][0]) for w in result.what_if])))
        cols = st.columns(4)
        for col, k in zip(cols, ("boosting", "network", "linear", "naive")):
            if k in result.change and result.what_if:  # a change the what-if makes: its arrow, no judgement
                _ui.figure(col, _(NAMES[k]), f"{p[k]:.2f} k", change=result.change[k],
                           change_text=_("{v:+.2f} k from the what-if").format(v=result.change[k]))
            elif result.actual is not None:  # the miss against the real count: a comparison, not a change
                _ui.figure(col, _(NAMES[k]), f"{p[k]:.2f} k",
                           beside=_("{v:+.2f} k off").format(v=p[k] - result.actual))
            else:
                _ui.figure(col, _(NAMES[k]), f"{p[k]:.2f} k")
        if result.what_if:
            st.caption(_("Weather barely moves weekday commuting; a holiday empties the Loop. Every what-if stays "
                         "inside what the data has seen (rain and snow at the 99th percentile of the training days): "
                         "outside it a network's answers are extrapolation, not knowledge."))
        h = result.history
        fig = go.Figure()
        fig.add_scatter(x=h["dates"], y=h["actual"], name=_("actual"), line={"color": "#000", "width": 2})
        for k in ("boosting", "network"):
            fig.add_scatter(x=h["dates"], y=h[k], name=_(NAMES[k]), line={"color": COLOURS[k], "width": 1.3})
        fig.add_vline(x=result.day, line={"color": "#888", "dash": "dash"})
        fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis_title=_("thousand riders a day"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="tr_chart")
        st.caption(_("Four weeks either side of the day, each forecast made 14 days ahead. Weekends and holidays are "
                     "the deep dips."))
        fmt = result.evaluation.fmt  # the record's one format: its scores read the same in both tables
        _ui.table([{_("method"): _(NAMES[k]), _("MAE, all test days"): fmt(result.mae[k]),
                    _("weekdays"): fmt(result.mae_weekday[k]), _("weekends and holidays"):
                    fmt(result.mae_weekend[k])} for k in ("boosting", "network", "linear", "naive")])
        st.caption(_("Thousand riders, 2015-01-01 to 2016-08-28. The gap between the network and gradient boosting "
                     "is widest on weekends and holidays, the rare days."))
    _ui.evaluation(result.evaluation, N_("network (trained here)"))
    for n in result.evaluation.notes + result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"day": str(day), "what_if": ",".join(picks or [])}, result)


_ui.show_section("transport", section, {"ridership": ridership_section})
