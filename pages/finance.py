"""Finance: index forecasts, credit risk and headline sentiment, each beside a baseline."""
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from domains import finance, get
from pages import _ui

_ui.page_header("finance", "Models trained here on real market and lending data, each shown beside a simple "
                           "baseline, including where the baseline wins.")
st.warning(finance.NOT_ADVICE, icon=":material/gavel:")
SECTIONS = {"forecast": ":material/show_chart: Forecast", "credit": ":material/credit_score: Credit risk",
            "headline": ":material/newspaper: Headline sentiment"}
section = _ui.demo_selector("finance_demo", SECTIONS)

if section == "forecast":
    demo = get("finance.forecast")
    st.subheader(demo.title)
    st.caption(demo.summary)
    a, b = st.columns(2)
    name = a.selectbox("Index", list(finance.SERIES), format_func=lambda k: finance.SERIES[k][4], key="fc_series")
    horizon = b.slider("Trading days ahead", 1, 60, 5, key="fc_h")
    result = _ui.run_demo(demo.id, None, model=None, series=name, horizon=horizon)
    if result is not None:
        with st.container(key="fc_result"):
            st.markdown(f"### {finance.SERIES[name][4].split(',')[0]}: last close {result.last_close:,.2f} "
                        f"on {result.last_date}")
            hist = pd.DataFrame(result.history)
            fc = pd.DataFrame(result.forecast)
            dates = pd.bdate_range(pd.Timestamp(result.last_date) + pd.Timedelta(days=1), periods=horizon)
            fig = go.Figure(go.Scatter(x=hist.date, y=hist.close, name="history", line={"color": "#555"}))
            for col, colour in (("lstm", "#d62728"), ("moving_average", "#1f77b4"), ("naive", "#2ca02c"),
                                ("drift", "#9467bd")):
                fig.add_scatter(x=dates, y=fc[col], name=col.replace("_", " "), mode="lines+markers",
                                line={"color": colour})
            fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title="index level")
            st.plotly_chart(fig, key="fc_chart")
            st.info(result.verdict, icon=":material/balance:")
            _ui.evaluation(result.evaluation, "LSTM (trained here)")
            sm = result.walk_forward["summary"]
            st.dataframe(pd.DataFrame([{"method": k.replace("_", " "), "mean abs. error (% a day)": v["mae_pct"],
                                        "direction right": v["direction"]} for k, v in sm.items()]),
                         hide_index=True, column_config={"direction right": st.column_config.NumberColumn(
                             format="percent")})
            with st.expander("Per held-out year"):
                st.dataframe(pd.DataFrame([{"year": f["year"], "days": f["days"], "LSTM error": f["lstm"]["mae_pct"],
                                            "naive error": f["naive"]["mae_pct"],
                                            "LSTM direction": f["lstm"]["direction"],
                                            "'always up' direction": f["naive"]["direction"]}
                                           for f in result.walk_forward["folds"]]), hide_index=True,
                             column_config={c: st.column_config.NumberColumn(format="percent")
                                            for c in ("LSTM direction", "'always up' direction")})
            for n in result.notes:
                st.caption(n)
        _ui.reproduce(demo, finance.FC_SPECS[name], {"series": name, "horizon": horizon}, result)
    _ui.model_card(finance.FC_SPECS[name])

elif section == "credit":
    demo = get("finance.credit")
    st.subheader(demo.title)
    st.caption(demo.summary + " Edit the applicant and watch the estimate move.")
    df = finance.credit_data()
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown("**Applicant**")
        app = {
            "Age": st.number_input("Age (years)", value=35, key="cr_age"),
            "Income": st.number_input("Monthly income (in the data's currency units)", value=130, key="cr_income"),
            "Amount": st.number_input("Loan amount (in the data's currency units)", value=1000, step=100, key="cr_amount"),
            "Price": st.number_input("Price of the purchase (same units)", value=1400, step=100, key="cr_price"),
            "Time": st.select_slider("Term (months)", [12, 24, 36, 48, 60], 48, key="cr_time"),
            "Seniority": st.number_input("Years with current employer", value=5, key="cr_sen"),
            "Home": st.selectbox("Home", ["owner", "rent", "parents", "priv", "other", "ignore"], key="cr_home"),
            "Job": st.selectbox("Job", ["fixed", "freelance", "partime", "others"], key="cr_job"),
            "Records": st.radio("Past payment records", ["no", "yes"], horizontal=True, key="cr_rec"),
            "Marital": st.selectbox("Marital status", ["married", "single", "separated", "divorced", "widow"],
                                    key="cr_mar"),
        }
    with right:
        result = _ui.run_demo(demo.id, None, model=demo.default_model, applicant=json.dumps(app))
        if result is not None:
            with st.container(key="cr_result"):
                st.markdown(f"### P(default) = {_ui.pct(result.probability_default)} → {result.decision}")
                st.caption(f"Approve below {result.metrics['approve_below']:.0%}. Fields not given take the typical "
                           f"applicant's value: {', '.join(result.filled) or 'none'}.")
                top = result.attributions[:8]
                _ui.bar([f"{a.feature} = {a.value}" for a in top], [a.contribution for a in top],
                        "toward default (log-odds)", key="cr_attr")
                st.caption("Each bar: how much this value moves the estimate, against the same field's values "
                           "among 200 real applicants (positive: toward default).")
    if result is not None:
        m = result.metrics
        a, b = st.columns(2, gap="large")
        with a:
            _ui.evaluation(result.evaluation, "network (trained here)",
                           "On 13 tabular fields a linear model is as good, and far easier to explain."
                           if result.evaluation.verdict != "model" else "")
            st.caption(f"Accuracy: network {m['network']['accuracy']:.3f}, baseline {m['baseline']['accuracy']:.3f}. "
                       f"{m['train_cases']:,} loans for training, {m['test_cases']:,} held out.")
            cal = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name="perfect", line={"dash": "dot", "color": "#999"}))
            for key, label in (("network", "network"), ("baseline", "logistic regression")):
                c = m[key]["calibration"]
                cal.add_scatter(x=c["predicted"], y=c["observed"], name=label, mode="lines+markers")
            cal.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title="Calibration (held out)",
                              xaxis_title="predicted P(default)", yaxis_title="observed default rate")
            st.plotly_chart(cal, key="cr_cal")
        with b:
            st.markdown("**A first look at fairness:** approval rates by group on the held-out loans")
            _ui.table(pd.DataFrame(result.groups).rename(columns={
                "approved_network": "approved (network)", "approved_baseline": "approved (baseline)",
                "actual_default_rate": "actual default rate"}))
            st.caption("Neither model sees a protected attribute directly except age and marital status, which are "
                       "in this data. Different approval rates can follow different default rates, or encode "
                       "unfairness; telling the two apart needs more than this table.")
        _ui.reproduce(demo, demo.default_model, {"applicant": app}, result)
    _ui.model_card(demo.default_model)

elif section == "headline":
    demo = get("finance.headline")
    st.subheader(demo.title)
    st.caption(demo.summary)
    text = _ui.text_input("hl", {"Profits": "Profits soar as the company wins new orders",
                                 "Layoffs": "Company layoffs deepen as sales collapse",
                                 "Meeting": "Board to meet on Thursday to review the budget"},
                          "Profits", label="Headline", height=70)
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model)
        if result is not None:
            with st.container(key="hl_result"):
                st.markdown(f"### {result.label}")
                _ui.bar(list(result.scores), list(result.scores.values()), "similarity")
                st.dataframe(pd.DataFrame(result.neighbours), hide_index=True, width="stretch")
                _ui.evaluation(result.evaluation, "nearest labelled headlines (MiniLM)",
                               "Similarity knows topics better than tone: a weak sentiment model, shown as one.")
            _ui.reproduce(demo, demo.default_model, {}, result)
    _ui.model_card(demo.default_model)
    st.divider()
    hub_demo = get("finance.finbert")
    st.markdown(f"**{hub_demo.title}**")
    if _ui.hub_only_notice(hub_demo) and text is not None and st.button("Ask FinBERT too", key="hl_finbert",
                                                                          icon=":material/cloud:"):
        fb = _ui.run_demo(hub_demo.id, text, model=hub_demo.default_model)
        if fb is not None:
            st.markdown(f"### FinBERT: {fb.label} · {_ui.pct(fb.score)}")
    _ui.model_card(hub_demo.default_model)
