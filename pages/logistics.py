"""Logistics: a delivery time you can promise."""
import plotly.graph_objects as go
import streamlit as st

from domains import logistics
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("logistics", N_("A dispatcher's promise on 10,000 real food orders (when will this order arrive, and "
                                "what time can you promise so that only about one order in ten is late?) and a "
                                "flight's risk of leaving late. Each model is trained here beside the baselines a "
                                "dispatcher would use."))
SECTIONS = _ui.sections("logistics")  # declared with the demos (registry)
section = _ui.demo_selector("logistics_demo", SECTIONS)
NAMES = logistics.delivery.MODELS
DAY_NAMES = {"Mon": N_("Monday"), "Tue": N_("Tuesday"), "Wed": N_("Wednesday"), "Thu": N_("Thursday"),
             "Fri": N_("Friday"), "Sat": N_("Saturday"), "Sun": N_("Sunday")}


def clock(hours: float) -> str:
    h = int(hours)
    return f"{h:02d}:{round((hours - h) * 60):02d}"


def delivery_section() -> None:
    demo = _ui.section_header("logistics.delivery")
    a, b, c = st.columns(3)
    day = a.selectbox(_("Weekday"), logistics.DAYS, index=4, format_func=lambda d: _(DAY_NAMES[d]), key="dl_day")
    hour = b.slider(_("Order time (hour of day)"), 11.0, 20.5, 18.0, 0.25, key="dl_hour")
    distance = c.slider(_("Distance (miles)"), 1.75, 11.0, 3.0, 0.25, key="dl_distance")
    # the data set names its menu items by number only: say so rather than show "item_04"
    chosen = st.multiselect(_("Items in the basket (one of each)"), logistics.delivery.ITEMS,
                            default=list(logistics.delivery.DEFAULT_BASKET), key="dl_items",
                            format_func=lambda i: _("menu item {n}").format(n=int(i.split("_")[1])),
                            help=_("The data names its 27 menu items by number only; 4, 11 and 24 are the three "
                                   "most ordered."))
    if not chosen:
        st.info(_("Add at least one item to the basket."), icon=":material/shopping_basket:")
        _ui.model_card(demo.default_model, demo)
        return
    items = {i: 1 for i in chosen}
    result = _ui.run_demo(demo.id, None, model=demo.default_model, day=day, hour=hour, distance=distance, items=items)
    if result is None:
        return
    with st.container(key="delivery_result"):
        m = result.minutes
        st.markdown(_("### Promise {p90:.0f} minutes (by {at}) · most likely {p50:.0f}").format(
            p90=m["p90"], at=clock(hour + m["p90"] / 60), p50=m["p50"]))
        c1, c2, c3 = st.columns(3)
        c1.metric(_("P10: as early as"), _("{v:.0f} min").format(v=m["p10"]))
        _ui.figure(c2, _("P50: most likely"), _("{v:.0f} min").format(v=m["p50"]),
                   beside=_("boosting: {v:.0f} min").format(v=result.boosting))
        _ui.figure(c3, _("P90: the promise"), _("{v:.0f} min").format(v=m["p90"]),
                   beside=_("raw window: {v:.0f} min").format(v=result.raw_window["p90"]))
        by = result.by_hour
        x = [clock(h) for h in by["hours"]]
        fig = go.Figure()
        fig.add_scatter(x=x + x[::-1], y=by["p90"] + by["p10"][::-1], fill="toself", mode="lines", line={"width": 0},
                        fillcolor="rgba(31,119,180,0.2)", name=_("P10-P90 window (calibrated)"), hoverinfo="skip")
        fig.add_scatter(x=x, y=by["p50"], name=_("P50"), line={"color": "#1f77b4"})
        fig.add_scatter(x=x, y=by["p90"], name=_("P90: the promise"), line={"color": "#d62728", "dash": "dash"})
        fig.add_vline(x=clock(round(hour * 2) / 2), line={"color": "#888", "dash": "dot"})
        fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=_("minutes to delivery"),
                          xaxis_title=_("order time"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="dl_chart")
        st.caption(_("The same basket ordered at every hour of the day: the dinner rush is learned from the data."))
        late, cover = result.late, result.coverage
        _ui.table([{_("window"): _("calibrated network (this page)"), _("late after the promise"): f"{late['calibrated']:.0%}",
                    _("inside the 80 % window"): f"{cover['calibrated']:.0%}"},
                   {_("window"): _("network, raw"), _("late after the promise"): f"{late['raw']:.0%}",
                    _("inside the 80 % window"): f"{cover['raw']:.0%}"},
                   {_("window"): _("gradient boosting, quantiles"), _("late after the promise"):
                    f"{late['boosting_quantile']:.0%}", _("inside the 80 % window"): f"{cover['boosting_quantile']:.0%}"}])
        st.caption(_("Held-out orders. Raw quantile models promise too tight a window; split conformal prediction widens "
                     "the network's by {w:.1f} minutes on each side, measured on orders it did not train on, and the "
                     "late share falls to about the one in ten a P90 promises.").format(w=result.widen))
    _ui.table([{_("method"): _(NAMES[k]), _("MAE of the median, minutes"): f"{v:.2f}"}
               for k, v in sorted(result.mae.items(), key=lambda kv: kv[1])])
    _ui.evaluation(result.evaluation, N_("quantile network (trained here)"),
                   N_("On the typical delivery time the models tie; the calibrated window is what the network adds."))
    for n in result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"day": day, "hour": hour, "distance": distance, "items": items}, result)


def delays_section() -> None:
    demo = _ui.section_header("logistics.delays")
    a, b, c, d = st.columns(4)
    origin = a.selectbox(_("From"), ["EWR", "JFK", "LGA"], key="fd_origin")
    dest = b.selectbox(_("To"), ["ORD", "ATL", "LAX", "BOS", "MCO", "SFO", "CLT", "MIA", "DCA", "FLL"], key="fd_dest")
    carrier = c.selectbox(_("Airline"), ["UA", "B6", "EV", "DL", "AA", "MQ", "US", "9E", "WN", "VX"], key="fd_carrier")
    month = d.selectbox(_("Month"), [10, 11, 12], index=2, key="fd_month")
    e, f, g, h = st.columns(4)
    dow = e.selectbox(_("Weekday"), list(range(7)), index=4, format_func=lambda k: _(list(DAY_NAMES.values())[k]),
                      key="fd_dow")
    hour = f.slider(_("Departure hour"), 5, 23, 18, key="fd_hour")
    congestion = g.slider(_("Delays at the airport 2-3 hours earlier (min)"), -10, 120, 20, 5, key="fd_cong")
    visib = h.slider(_("Visibility (miles)"), 0.0, 10.0, 10.0, 0.5, key="fd_visib")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, origin=origin, dest=dest, carrier=carrier,
                          month=month, dow=dow, hour=hour, congestion=float(congestion), weather={"visib": visib})
    if result is None:
        return
    with st.container(key="delays_result"):
        r = result.risk
        st.markdown(_("### {risk:.0%} risk of leaving more than 15 minutes late").format(risk=r["boosting"]))
        _ui.warnings(result)
        cols = st.columns(3)
        for col, k in zip(cols, ("boosting", "logistic", "network")):
            col.metric(_(NAMES_DELAY[k]), f"{r[k]:.0%}")
        ce = result.congestion_effect
        st.caption(_("Gradient boosting for this flight: {a:.0%} on a calm day (no delays earlier), {b:.0%} when "
                     "departures 2-3 hours earlier left an hour late. {share:.0%} of the test flights left late.").format(
                         a=ce["0"], b=ce["60"], share=result.delayed_share))
        auc = result.auc
        fig = go.Figure(go.Bar(x=[auc[k] for k in ORDER_DELAY], y=[_(NAMES_DELAY[k]) for k in ORDER_DELAY],
                               orientation="h", marker={"color": ["#2ca02c", "#9467bd", "#d62728", "#ff7f0e", "#999"]},
                               text=[f"{auc[k]:.3f}" for k in ORDER_DELAY], textposition="outside"))
        fig.update_layout(height=260, margin={"l": 10, "r": 40, "t": 10, "b": 10}, xaxis={"range": [0.45, 0.8],
                          "title": _("ROC AUC, October-December")}, yaxis={"autorange": "reversed"})
        st.plotly_chart(fig, key="fd_auc")
        st.caption(_("Three different models land within a hundredth of each other; taking away one feature, how "
                     "delayed the airport already is, costs gradient boosting {d:.3f}.").format(
                         d=auc["boosting"] - auc["boosting_no_congestion"]))
    _ui.evaluation(result.evaluation, N_("network with embeddings (trained here)"))
    for n in result.notes:
        st.caption(n)
    _ui.latency(result)
    _ui.reproduce(demo, demo.default_model, {"origin": origin, "dest": dest, "carrier": carrier, "month": month,
                                             "dow": dow, "hour": hour, "congestion": float(congestion),
                                             "weather": {"visib": visib}}, result)
    _ui.model_card(demo.default_model, demo)


NAMES_DELAY = logistics.delays.MODELS
ORDER_DELAY = ["boosting", "logistic", "network", "boosting_no_congestion", "base_rate"]
_ui.show_section("logistics", section, {"delivery": delivery_section, "delays": delays_section})
