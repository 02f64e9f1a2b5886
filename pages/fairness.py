"""Fairness: the credit model's decisions by group, the unawareness experiment, one mitigation, one decision
explained."""
import plotly.graph_objects as go
import streamlit as st

from domains import fairness, get
from domains.core import i18n
from domains.core.i18n import N_, _, p_
from pages import _ui

_ui.page_header("fairness", N_("A model learns from past decisions, and the past was not fair to everyone. Here the "
                               "gallery's own credit network is audited group by group, with the fix a bank might try "
                               "and what that fix costs."))
SECTIONS = {"credit": _(":material/balance: Who gets the loan")}
section = _ui.demo_selector("fairness_demo", SECTIONS)
COLOURS = {"full": "#1f77b4", "unaware": "#ff7f0e", "mitigated": "#2ca02c"}


def field(name: str) -> str:
    """A credit field's name ("Home" is the applicant's housing, not the home page)."""
    return p_("credit field", name) if name == "Home" else _(name)


def value(v) -> str:
    return _(v) if isinstance(v, str) else ("—" if v is None else f"{v:g}")


def credit_section() -> None:
    demo = get("fairness.credit")
    st.subheader(_(demo.title))
    st.caption(_(demo.summary))
    a, b = st.columns([1, 1])
    grouping = a.radio(_("Groups"), list(fairness.GROUPINGS), format_func=lambda g: _(fairness.GROUPINGS[g]),
                       horizontal=True, key="fair_group")
    applicant = b.number_input(_("Explain the decision for test applicant"), 0, 1336, 3, key="fair_applicant")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, grouping=grouping, applicant=int(applicant))
    if result is None:
        return
    names = fairness.credit.MODELS
    with st.container(key="fair_result"):
        groups = list(result.groups["full"])
        fig = go.Figure()
        for m in names:
            fig.add_bar(x=groups, y=[result.groups[m][g]["approval"] for g in groups], name=_(names[m]),
                        marker_color=COLOURS[m], hovertemplate="%{x}: %{y:.0%}<extra></extra>")
        fig.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis_tickformat=".0%", yaxis_title=_("approved"), legend={"orientation": "h", "y": -0.2})
        st.plotly_chart(fig, key="fair_chart")
        rows = []
        for m in names:
            gap = result.gaps[m]
            rows.append({_("model"): _(names[m]), _("accuracy"): f"{result.accuracy[m]:.1%}",
                         _("approval gap"): f"{gap['approval_gap']:.2f}",
                         _("lowest / highest approval"): f"{gap['approval_ratio']:.2f}",
                         _("equalised-odds gap"): f"{gap['odds_gap']:.2f}"})
        _ui.table(rows)
        st.caption(_("Approval gap: the largest difference in approval rate between two groups; the ratio below 0.8 "
                     "fails the 'four-fifths rule' US regulators use as a warning sign. Equalised-odds gap: the larger "
                     "of the differences in approving good payers and in approving defaulters."))
        detail = [{_("group"): g, _("applicants"): result.groups["full"][g]["applicants"],
                   _("approved"): f"{result.groups['full'][g]['approval']:.0%}",
                   _("good payers approved"): f"{result.groups['full'][g]['tpr']:.0%}",
                   _("defaulters approved"): f"{result.groups['full'][g]['fpr']:.0%}"} for g in groups]
        with st.expander(_("The network that sees every column, group by group")):
            _ui.table(detail)
        st.markdown(_("#### Three lessons"))
        st.markdown(_("1. **Deleting the sensitive columns does not delete the gap.** Without Age and Marital, the "
                      "approval gap is {u:.2f} (with them: {f:.2f}): seniority, home and job carry the same "
                      "information.").format(u=result.gaps["unaware"]["approval_gap"], f=result.gaps["full"]["approval_gap"]))
        st.markdown(_("2. **A fix has a price.** A threshold per age band brings the age gap to {m:.2f} for "
                      "{c:.1f} points of accuracy, and it needs the applicant's age at decision time, which is a "
                      "legal question in credit.").format(m=result.age_gaps["mitigated"]["approval_gap"],
                                                          c=100 * (result.accuracy["full"] - result.accuracy["mitigated"])))
        st.markdown(_("3. **Fairness criteria pull against each other.** {n}").format(n=result.notes[-2]))
        approve = result.applicant["decision"] == "approve"
        st.markdown((_("#### Why was applicant {i} approved?") if approve else
                     _("#### Why was applicant {i} refused?")).format(i=result.applicant["row"]))
        attr = result.attributions
        order = sorted(attr, key=lambda k: abs(attr[k]))
        fig = go.Figure(go.Bar(x=[attr[k] for k in order], y=[f"{field(k)} = {value(result.applicant['fields'][k])}" for k in order],
                               orientation="h", marker_color=["#d62728" if attr[k] > 0 else "#2ca02c" for k in order]))
        fig.update_layout(height=30 * len(order) + 80, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis_title=_("towards default (red) or repayment (green), Integrated Gradients"))
        st.plotly_chart(fig, key="fair_ig")
        st.caption(i18n.join(
            (_("P(default) {p:.0%}: the network approves.") if approve else
             _("P(default) {p:.0%}: the network refuses.")).format(p=result.applicant["p_default"]),
            _("In fact this applicant defaulted.") if result.applicant["defaulted"] else
            _("In fact this applicant repaid.")))
        glob = result.global_attributions
        _ui.bar([field(k) for k in glob], list(glob.values()), x_title=N_("mean |attribution| over 200 applicants"),
                key="fair_global")
        st.caption(_("What the network leans on across 200 applicants. Marital status is among the fields it uses."))
    _ui.evaluation(result.evaluation, N_("network that sees every column"))
    for n in result.evaluation.notes + [result.notes[-1]] + result.notes[:-2]:
        st.caption(n)
    _ui.latency(result)
    _ui.reproduce(demo, demo.default_model, {"grouping": grouping, "applicant": int(applicant)}, result)
    _ui.model_card(demo.default_model)


{"credit": credit_section}[section]()
