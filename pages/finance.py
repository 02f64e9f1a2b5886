"""Finance: index forecasts, credit risk and headline sentiment, each beside a baseline."""
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from domains import finance, get
from pages import _ui
from domains.core.i18n import N_, _, p_

_ui.page_header("finance", N_("Models trained here on real market and lending data, each shown beside a simple "
                             "baseline, including where the baseline wins."))
st.warning(_(finance.NOT_ADVICE), icon=":material/gavel:")
SECTIONS = _ui.sections("finance")  # declared with the demos (registry)
METHODS = {"lstm": N_("LSTM (trained here)"), "naive": N_("naive (no change)"), "moving_average": N_("moving average"),
           "drift": N_("drift")}
section = _ui.demo_selector("finance_demo", SECTIONS)

if section == "forecast":
    demo = _ui.section_header("finance.forecast")
    a, b = st.columns(2)
    name = a.selectbox(_("Index"), list(finance.SERIES), format_func=lambda k: _(finance.SERIES[k][4]), key="fc_series")
    horizon = b.slider(_("Trading days ahead"), 1, 60, 5, key="fc_h")
    result = _ui.run_demo(demo.id, None, model=None, series=name, horizon=horizon)
    if result is not None:
        with st.container(key="forecast_result"):
            st.markdown(_("### {v}: last close {last_close:,.2f} on {last_date}").format(v=_(finance.SERIES[name][4]).split(",")[0].split("，")[0], last_close=result.last_close, last_date=result.last_date))
            hist = pd.DataFrame(result.history)
            fc = pd.DataFrame(result.forecast)
            dates = pd.bdate_range(pd.Timestamp(result.last_date) + pd.Timedelta(days=1), periods=horizon)
            fig = go.Figure(go.Scatter(x=hist.date, y=hist.close, name=_("history"), line={"color": "#555"}))
            for col, colour in (("lstm", "#d62728"), ("moving_average", "#1f77b4"), ("naive", "#2ca02c"),
                                ("drift", "#9467bd")):
                fig.add_scatter(x=dates, y=fc[col], name=_(METHODS[col]), mode="lines+markers",
                                line={"color": colour})
            fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=_("index level"))
            st.plotly_chart(fig, key="fc_chart")
            st.info(result.verdict, icon=":material/balance:")
            _ui.evaluation(result.evaluation, METHODS["lstm"])
            sm = result.walk_forward["summary"]
            right_dir = _("direction right")
            st.dataframe(pd.DataFrame([{_("method"): _(METHODS.get(k, k)), _("mean abs. error (% a day)"): v["mae_pct"],
                                        right_dir: v["direction"]} for k, v in sm.items()]),
                         hide_index=True, column_config={right_dir: st.column_config.NumberColumn(format="percent")})
            with st.expander(_("Per held-out year")):
                lstm_dir, up_dir = _("LSTM direction"), _("'always up' direction")
                st.dataframe(pd.DataFrame([{_("year"): f["year"], _("days"): f["days"],
                                            _("LSTM error"): f["lstm"]["mae_pct"], _("naive error"): f["naive"]["mae_pct"],
                                            lstm_dir: f["lstm"]["direction"], up_dir: f["naive"]["direction"]}
                                           for f in result.walk_forward["folds"]]), hide_index=True,
                             column_config={c: st.column_config.NumberColumn(format="percent")
                                            for c in (lstm_dir, up_dir)})
            for n in result.notes:
                st.caption(n)
        _ui.reproduce(demo, finance.FC_SPECS[name], {"series": name, "horizon": horizon}, result)
    _ui.model_card(finance.FC_SPECS[name], demo)

elif section == "credit":
    demo = _ui.section_header("finance.credit", _("Edit the applicant and watch the estimate move."))
    df = finance.credit_data()
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(_("**Applicant**"))
        app = {
            "Age": _ui.number(_("Age (years)"), value=35, key="cr_age"),
            "Income": _ui.number(_("Monthly income (in the data's currency units)"), value=130, key="cr_income"),
            "Amount": _ui.number(_("Loan amount (in the data's currency units)"), value=1000, step=100, key="cr_amount"),
            "Price": _ui.number(_("Price of the purchase (same units)"), value=1400, step=100, key="cr_price"),
            "Time": st.select_slider(_("Term (months)"), [12, 24, 36, 48, 60], 48, key="cr_time"),
            "Seniority": _ui.number(_("Years with current employer"), value=5, key="cr_sen"),
            "Home": st.selectbox(p_("credit field", "Home"), [N_("owner"), N_("rent"), N_("parents"), N_("priv"), N_("other"),
                                             N_("ignore")], format_func=_, key="cr_home"),
            "Job": st.selectbox(_("Job"), [N_("fixed"), N_("freelance"), N_("partime"), N_("others")], format_func=_,
                                key="cr_job"),
            "Records": st.radio(_("Past payment records"), [N_("no"), N_("yes")], format_func=_, horizontal=True,
                                key="cr_rec"),
            "Marital": st.selectbox(_("Marital status"), [N_("married"), N_("single"), N_("separated"), N_("divorced"),
                                                          N_("widow")], format_func=_, key="cr_mar"),
        }
    with right:
        result = _ui.run_demo(demo.id, None, model=demo.default_model, applicant=json.dumps(app))
        if result is not None:
            with st.container(key="credit_result"):
                st.markdown(_("### P(default) = {v} → {decision}").format(v=_ui.pct(result.probability_default), decision=_(result.decision)))
                st.caption(_("Approve below {approve_below:.0%}. Fields not given take the typical applicant's "
                             "value: {v}.").format(approve_below=result.metrics["approve_below"], v=", ".join(map(finance.field_name, result.filled)) or _("none")))
                top = result.attributions[:8]
                _ui.bar([f"{finance.field_name(a.feature)} = {_(a.value) if isinstance(a.value, str) else a.value}" for a in top], [a.contribution for a in top],
                        N_("toward default (log-odds)"), key="cr_attr")
                st.caption(_("Each bar: how much this value moves the estimate, against the same field's values "
                             "among 200 real applicants (positive: toward default)."))
    if result is not None:
        m = result.metrics
        a, b = st.columns(2, gap="large")
        with a:
            _ui.evaluation(result.evaluation, _("network (trained here)"),
                           _("On 13 tabular fields a linear model is as good, and far easier to explain.")
                           if result.evaluation.verdict != "model" else "")
            st.caption(_("Accuracy: network {accuracy:.3f}, baseline {accuracy2:.3f}. {train_cases:,} loans for "
                         "training, {test_cases:,} held out.").format(accuracy=m['network']['accuracy'], accuracy2=m['baseline']['accuracy'], train_cases=m['train_cases'], test_cases=m['test_cases']))
            cal = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name=_("perfect"), line={"dash": "dot", "color": "#999"}))
            for key, label in (("network", _("network")), ("baseline", _("logistic regression"))):
                c = m[key]["calibration"]
                cal.add_scatter(x=c["predicted"], y=c["observed"], name=label, mode="lines+markers")
            cal.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title=_("Calibration (held out)"),
                              xaxis_title=_("predicted P(default)"), yaxis_title=_("observed default rate"))
            st.plotly_chart(cal, key="cr_cal")
        with b:
            st.markdown(_("**A first look at fairness:** approval rates by group on the held-out loans"))
            groups = pd.DataFrame(result.groups)
            groups["group"] = [_("marital: {status}").format(status=_(g.split(": ", 1)[1])) if g.startswith("marital: ")
                               else _(g) for g in groups["group"]]
            _ui.table(groups.rename(columns={
                "group": _("group"), "applicants": _("applicants"), "approved_network": _("approved (network)"),
                "approved_baseline": _("approved (baseline)"), "actual_default_rate": _("actual default rate")}))
            st.caption(_("Neither model sees a protected attribute directly except age and marital status, which "
                         "are in this data. Different approval rates can follow different default rates, or encode "
                         "unfairness; telling the two apart needs more than this table."))
        _ui.reproduce(demo, demo.default_model, {"applicant": app}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "headline":
    demo = _ui.section_header("finance.headline")
    text = _ui.text_input("hl", {N_("Profits"): "Profits soar as the company wins new orders",
                                 N_("Layoffs"): "Company layoffs deepen as sales collapse",
                                 N_("Meeting"): "Board to meet on Thursday to review the budget"},
                          "Profits", label=_("Headline"), height=70)
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model)
        if result is not None:
            with st.container(key="headline_result"):
                st.markdown(f"### {_(result.label)}")
                _ui.bar([_(k) for k in result.scores], list(result.scores.values()), N_("similarity"))
                st.dataframe(pd.DataFrame(result.neighbours).rename(columns={
                    "headline": _("headline"), "label": _("label"), "similarity": _("similarity")}),
                    hide_index=True, width="stretch")
                _ui.evaluation(result.evaluation, _("nearest labelled headlines (MiniLM)"),
                               _("Similarity knows topics better than tone: a weak sentiment model, shown as one."))
            _ui.reproduce(demo, demo.default_model, {}, result)
    _ui.model_card(demo.default_model, demo)
    st.divider()
    hub_demo = get("finance.finbert")
    st.markdown(f"**{_(hub_demo.title)}**")
    if _ui.hub_only_notice(hub_demo) and text is not None and st.button(_("Ask FinBERT too"), key="hl_finbert",
                                                                          icon=":material/cloud:"):
        fb = _ui.run_demo(hub_demo.id, text, model=hub_demo.default_model)
        if fb is not None:
            st.markdown(_("### FinBERT: {label} · {v}").format(label=fb.label, v=_ui.pct(fb.score)))
    _ui.model_card(hub_demo.default_model, hub_demo)

else:  # a demo of a known shape, drawn from its declaration
    _ui.show_section("finance", section, {})
