"""Energy: tomorrow's demand with a calibrated band, and unusual days from the load shape."""
import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from domains import energy
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("energy", N_("A year of a real grid's half-hourly demand (Victoria, Australia, 2014): forecast "
                             "tomorrow with a band you can trust, and find the days that did not look like the "
                             "others. Each model is trained here beside the baselines a grid operator uses."))
SECTIONS = _ui.sections("energy")  # declared with the demos (registry)
section = _ui.demo_selector("energy_demo", SECTIONS)
NAMES = energy.forecast.MODELS
COLOURS = {"network": "#d62728", "boosting": "#2ca02c", "ridge": "#9467bd", "last_week": "#999"}


def forecast_section() -> None:
    demo = _ui.section_header("energy.forecast")
    a, b = st.columns(2)
    day = a.date_input(_("Day to forecast"), dt.date(2014, 12, 1), dt.date(2014, 11, 1), dt.date(2014, 12, 31),
                       key="el_day")
    shift = b.slider(_("What if it were warmer or cooler (°C)"), -10.0, 10.0, 0.0, 1.0, key="el_shift")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, day=str(day), temperature_shift=shift)
    if result is None:
        return
    with st.container(key="forecast_result"):
        st.markdown(_("### {day} ({weekday}): demand by half-hour").format(day=result.day, weekday=_ui.weekday(result.day)))
        st.info(_("The temperatures fed to the models are the ones observed that day, standing in for a weather "
                  "forecast: real day-ahead errors are larger than these."), icon=":material/thermostat:")
        _ui.warnings(result)
        f, t = result.forecasts, result.times
        fig = go.Figure()
        fig.add_scatter(x=t + t[::-1], y=f["network_high"] + f["network_low"][::-1], fill="toself", mode="lines",
                        fillcolor="rgba(214,39,40,0.15)", line={"width": 0}, name=_("P10-P90 band (calibrated)"),
                        hoverinfo="skip")
        if not result.temperature_shift:
            fig.add_scatter(x=t, y=result.actual, name=_("actual"), line={"color": "#000", "width": 2.5})
        for k in ("network", "boosting", "ridge", "last_week"):
            fig.add_scatter(x=t, y=f[k], name=_(NAMES[k]), line={"color": COLOURS[k], "width": 1.5,
                                                                 "dash": "dot" if k == "last_week" else None})
        fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=_("demand (GW)"),
                          legend=_ui.LEGEND_ABOVE, xaxis={"nticks": 12})
        st.plotly_chart(fig, key="el_chart")
        temp = go.Figure(go.Scatter(x=t, y=result.temperature, line={"color": "#ff7f0e"}, name=_("temperature")))
        lo, hi = result.temperature_range
        if result.temperature_shift and max(result.temperature) > hi - 5:   # a what-if near the edge of the data
            temp.add_hrect(y0=hi, y1=max(max(result.temperature), hi) + 2, fillcolor="#d62728", opacity=0.12,
                           line_width=0)
            temp.add_annotation(x=t[2], y=hi, text=_("hotter than any fitted day"), showarrow=False, yshift=8,
                                font={"size": 10, "color": "#d62728"})
        if result.temperature_shift and min(result.temperature) < lo + 5:
            temp.add_hrect(y0=min(min(result.temperature), lo) - 2, y1=lo, fillcolor="#1f77b4", opacity=0.12,
                           line_width=0)
            temp.add_annotation(x=t[2], y=lo, text=_("colder than any fitted day"), showarrow=False, yshift=-8,
                                font={"size": 10, "color": "#1f77b4"})
        temp.update_layout(height=160, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title="°C", xaxis={"nticks": 12})
        st.plotly_chart(temp, key="el_temp")
        if result.temperature_shift:
            st.caption(_("A what-if at {shift:+g} °C: there is no actual demand to compare with. Where the models part "
                         "ways, they are guessing.").format(shift=result.temperature_shift))
        rows = [{_("method"): _(NAMES[k]), _("MAE this day (GW)"): "–" if result.day_mae[k] is None else
                 result.evaluation.fmt(result.day_mae[k]), _("MAE Nov-Dec (GW)"): result.evaluation.fmt(result.mae[k]),
                 _("MAPE Nov-Dec"): f"{result.mape[k]:.1f} %"} for k in NAMES]
        _ui.table(rows)
        c, w = result.coverage, result.band_width
        m1, m2 = st.columns(2)
        _ui.figure(m1, _("Band coverage, Nov-Dec (nominal 80 %)"), f"{c['calibrated']:.0%}",
                   beside=_("raw band: {raw:.0%}").format(raw=c["raw"]))
        _ui.figure(m2, _("Average band width"), f"{w['calibrated']:.2f} GW",
                   beside=_("raw band: {raw:.2f} GW").format(raw=w["raw"]))
        st.caption(_("The network's own P10-P90 band held only {raw:.0%} of the test half-hours. Split conformal "
                     "prediction widens it by the amount that makes 80 % of October's half-hours fall inside; on the "
                     "test months it then holds {cal:.0%}.").format(raw=c["raw"], cal=c["calibrated"]))
    _ui.evaluation(result.evaluation, N_("quantile network (trained here)"))
    for n in result.notes:   # the evaluation's note (observed temperatures) is the box above
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, {"day": str(day), "temperature_shift": shift}, result)


def unusual_section() -> None:
    demo = _ui.section_header("energy.unusual_days")
    a, b = st.columns(2)
    method = a.radio(_("Flag days by"), list(energy.unusual.METHODS), format_func=lambda k: _(energy.unusual.METHODS[k]),
                     horizontal=True, key="ud_method")
    top = b.slider(_("How many days"), 5, 30, 10, key="ud_top")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, method=method, top=top)
    if result is None:
        return
    with st.container(key="unusual_result"):
        hits = sum(f["holiday"] for f in result.flagged)
        st.markdown(_("### {hits} of the {n} most unusual weekdays were public holidays").format(hits=hits, n=top))
        cal = pd.DataFrame(result.calendar)
        cal["date"] = pd.to_datetime(cal["date"])
        cal["week"] = ((cal["date"] - pd.Timestamp("2013-12-30")).dt.days // 7).astype(int)
        cal["dow"] = cal["date"].dt.day_of_week
        days = [_ui.weekday(f"2014-01-{k:02d}") for k in range(6, 13)]   # Monday 6 January ... Sunday 12 January
        z = cal.pivot(index="dow", columns="week", values="demand")
        cal["label"] = cal["date"].dt.strftime("%Y-%m-%d")
        text = cal.pivot(index="dow", columns="week", values="label").fillna("")
        heat = go.Figure(go.Heatmap(z=z.values.tolist(), x=[int(w) for w in z.columns], y=days, text=text.values.tolist(),
                                    colorscale="YlOrRd", xgap=1, ygap=1,
                                    colorbar={"title": "GW"}, hovertemplate="%{text}: %{z:.2f} GW<extra></extra>"))
        flagged = cal[cal["flagged"]]
        heat.add_scatter(x=flagged["week"], y=[days[d] for d in flagged["dow"]], mode="markers", name=_("flagged"),
                         marker={"symbol": "square-open", "size": 13, "color": "#1f77b4", "line": {"width": 2.5}})
        holidays = cal[(cal["workday"] == 0) & (cal["dow"] < 5)]
        heat.add_scatter(x=holidays["week"], y=[days[d] for d in holidays["dow"]], mode="markers",
                         name=_("public holiday"), marker={"symbol": "x", "size": 7, "color": "#000"})
        heat.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=_("week of 2014"),
                           yaxis={"autorange": "reversed"}, legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(heat, key="ud_calendar")
        st.caption(_("Each square is a day of 2014, coloured by its mean demand. Blue boxes: the days flagged; "
                     "crosses: weekday public holidays, which neither method was shown."))
        left, right = st.columns([3, 2], gap="large")
        with left:
            _ui.table([{_("date"): f["date"], _("day"): _ui.weekday(f["date"]), _("score"): f"{f['score']:.2f}",
                        _("public holiday"): "✓" if f["holiday"] else "", _("max temperature"): f"{f['max_temperature']:.0f} °C"}
                       for f in result.flagged])
        with right:
            shape = go.Figure()
            hours = [f"{h // 2:02d}:{30 * (h % 2):02d}" for h in range(48)]
            shape.add_scatter(x=hours, y=result.profiles["typical"], name=_("typical workday"),
                              line={"color": "#000", "width": 3})
            for k, v in result.profiles.items():
                if k != "typical":
                    shape.add_scatter(x=hours, y=v, name=k, line={"width": 1.2})
            shape.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                                yaxis_title=_("demand / the day's mean"), legend=_ui.LEGEND_ABOVE,
                                xaxis={"nticks": 8})
            st.plotly_chart(shape, key="ud_shapes")
            st.caption(_("The shape of the five most unusual days against a typical workday: holidays start late, "
                         "like a weekend."))
    auc, ev = result.auc, result.evaluation
    _ui.table([{_("method"): _(energy.unusual.METHODS["pca"]), "AUC": ev.fmt(auc['pca']),
                _("holidays in the top 10"): str(result.holidays_in_top10["pca"])},
               {_("method"): _(energy.unusual.METHODS["autoencoder"]), "AUC": ev.fmt(auc['autoencoder']),
                _("holidays in the top 10"): str(result.holidays_in_top10["autoencoder"])},
               {_("method"): _("the day's maximum temperature"), "AUC": ev.fmt(auc['temperature']),
                _("holidays in the top 10"): "–"}])
    _ui.evaluation(result.evaluation, N_("autoencoder (trained here)"),
                   N_("The autoencoder learns to rebuild the holidays too; two straight axes of PCA cannot, so the "
                      "holidays stand out. Use PCA here."))
    for n in result.notes:
        st.caption(n)
    # one trained bundle holds both methods: the line names the one that flagged these days
    _ui.latency(result, " · " + _("days flagged by {method}").format(method=_(energy.unusual.METHODS[method])))
    _ui.reproduce(demo, demo.default_model, {"method": method, "top": top}, result)
    _ui.model_card(demo.default_model, demo)


_ui.show_section("energy", section, {"forecast": forecast_section, "unusual": unusual_section})
