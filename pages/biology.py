"""Biology: an antibody language model; genes found in a real chloroplast genome."""
import plotly.graph_objects as go
import streamlit as st

from domains import biology
from domains.core.i18n import N_, _
from pages import _ui

_ui.page_header("biology", N_("Proteins and genomes are written in alphabets, so the models that read human language "
                              "can read them too: a language model trained on millions of antibodies, and a small "
                              "network trained here that finds genes in a plant's chloroplast DNA."))
SECTIONS = _ui.sections("biology")  # declared with the demos (registry)
section = _ui.demo_selector("biology_demo", SECTIONS)


def antibody_section() -> None:
    demo = _ui.section_header("biology.antibody")
    examples = {name: seq for name, seq in biology.EXAMPLES.values()}
    text = _ui.text_input("ab", examples, default=biology.EXAMPLES["heavy-1"][0], label=N_("One variable domain "
                          "(heavy or light chain, amino-acid letters)"), height=110)
    st.caption(_("The example chains were typed in for this demo; they are not read from a registry, so they carry "
                 "no antibody names."))
    if text is None:
        st.info(_("Paste a chain or pick an example."), icon=":material/vaccines:")
        return
    mask = st.text_input(_("Positions to mask (1-based, comma-separated)"), "31,32,33", key="ab_mask",
                         help=_("The model fills these in from the rest of the chain."))
    result = _ui.run_demo(demo.id, text, model=demo.default_model, mask=mask)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="antibody_result"):
        c1, c2, c3 = st.columns(3)
        _ui.figure(c1, _("chain"), {"heavy": _("heavy"), "light": _("light")}[result.chain],
                   beside=_ui.pct(result.chain_probabilities[result.chain]))
        _ui.figure(c2, _("species"), _(biology.antibody.SPECIES_NAMES[result.species]),
                   beside=_ui.pct(result.species_probabilities[result.species]))
        _ui.figure(c3, _("masked residues recovered"), f"{result.recovery:.0%}",
                   beside=_("{b:.0%} for the most common residue").format(b=result.baseline))
        if result.masked:
            st.markdown(_("#### What the model puts in the masked positions"))
            _ui.table([{_("position"): p.position, _("in the chain"): p.residue,
                        _("model's guesses"): "  ".join(f"{r} {_ui.pct(pr)}" for r, pr in p.top),
                        _("right?"): "✓" if p.top[0][0] == p.residue else "✗"} for p in result.masked])
        seq = "".join(text.split()).upper() if isinstance(text, str) else None
        fig = go.Figure(go.Bar(x=list(range(1, result.length + 1)), y=result.likelihood,
                               text=list(seq) if seq and len(seq) == result.length else None, textposition="none",
                               hovertemplate=_("position %{x} (%{text}): %{y:.0%}") + "<extra></extra>",
                               marker_color=["#d62728" if p < 0.1 else "#1f77b4" for p in result.likelihood]))
        fig.update_layout(height=240, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=_("position"),
                          yaxis_title=_("probability of the residue"), yaxis_tickformat=".0%")
        st.plotly_chart(fig, key="ab_track")
        st.caption(_("How expected each residue is when hidden (one in eight hidden at a time). The frameworks are "
                     "near-certain; the low red bars cluster in the loops that bind the target (the CDRs), where "
                     "antibodies differ most."))
        left, right = st.columns([1, 1])
        with left:
            sp = result.species_probabilities
            _ui.bar([_(biology.antibody.SPECIES_NAMES[s]) for s in sp], list(sp.values()), key="ab_species")
        with right:
            m = result.map
            names = {k: _(biology.EXAMPLES[k][0]) for k in biology.EXAMPLES}
            fig = go.Figure()
            for kind, colour in (("heavy", "#1f77b4"), ("light", "#ff7f0e")):
                idx = [i for i, k in enumerate(m["labels"]) if k.startswith(kind)]
                fig.add_scatter(x=[m["x"][i] for i in idx], y=[m["y"][i] for i in idx], mode="markers",
                                name=_("example {kind} chains").format(kind={"heavy": _("heavy"), "light": _("light")}[kind]),
                                marker={"color": colour, "size": 10}, text=[names[m["labels"][i]] for i in idx],
                                hovertemplate="%{text}<extra></extra>")
            fig.add_scatter(x=[m["x"][-1]], y=[m["y"][-1]], mode="markers", name=_("this chain"),
                            marker={"color": "#000", "size": 16, "symbol": "star"})
            fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                              legend=_ui.LEGEND_ABOVE, xaxis_visible=False, yaxis_visible=False)
            st.plotly_chart(fig, key="ab_map")
            st.caption(_("The model's summary of each chain (its last layer, averaged), flattened to 2-D: heavy and "
                         "light chains fall apart without being told which is which."))
    _ui.evaluation(result.evaluation, N_("AntiBERTy"))
    st.caption(_("The species head reads the variable domain only: a humanised antibody (mouse loops on a human "
                 "frame) usually reads as human, and one example light chain reads as rhesus monkey. It is a "
                 "demonstration of a research model, not a tool for designing or assessing medicines."))
    _ui.section_footer(demo, demo.default_model, {"mask": mask}, result)


def dna_section() -> None:
    demo = _ui.section_header("biology.dna")
    source = st.radio(_("DNA"), ["genome", "paste"], horizontal=True, key="dna_source",
                      format_func={"genome": _("The Arabidopsis chloroplast genome"),
                                   "paste": _("A sequence of your own")}.get)
    params = {}
    if source == "genome":
        start_kb = st.slider(_("Region (kb from the start of the genome)"), 0, 150, (0, 10), key="dna_region",
                             help=_("The first 40 kb were held out from training; the rest was used to train."))
        params = {"start": start_kb[0] * 1000, "length": max(1, min(20, start_kb[1] - start_kb[0])) * 1000}
        if start_kb[1] - start_kb[0] > 20:
            st.caption(_("At most 20 kb at a time: showing the first 20."))
    else:
        seq = st.text_area(_("DNA (A, C, G, T; 200 to 20,000 bases)"), key="dna_seq", height=120)
        if not seq.strip():
            st.info(_("Paste a DNA sequence to read it."), icon=":material/genetics:")
            return
        params = {"sequence": seq}
    result = _ui.run_demo(demo.id, None, model=demo.default_model, **params)
    if result is None:
        return
    _ui.warnings(result)
    with st.container(key="dna_result"):
        t = result.track
        fig = go.Figure()
        fig.add_scatter(x=t["centre"], y=t["cnn"], name=_("CNN (trained here)"), line={"color": "#d62728"})
        fig.add_scatter(x=t["centre"], y=t["logistic"], name=_("k-mer logistic regression"),
                        line={"color": "#9467bd", "width": 1})
        if t["annotated"] is not None:
            fig.add_scatter(x=t["centre"], y=[None if a is None else a * 1.0 for a in t["annotated"]],
                            name=_("annotated: coding"), mode="markers", marker={"color": "#000", "size": 3})
        for name, s, e, strand, kind in result.genes:
            colour = "rgba(44,160,44,0.25)" if kind == "CDS" else "rgba(150,150,150,0.2)"
            fig.add_vrect(x0=max(s, result.start), x1=min(e, result.start + result.length), fillcolor=colour,
                          line_width=0)
            fig.add_annotation(x=(max(s, result.start) + min(e, result.start + result.length)) / 2, y=1.08,
                               text=name, showarrow=False, font={"size": 9})
        fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis_range=[-0.05, 1.15],
                          xaxis_title=_("position in the genome (bp)") if result.source == "genome" else _("position (bp)"),
                          yaxis_title=_("probability of coding"), legend=_ui.LEGEND_ABOVE)
        st.plotly_chart(fig, key="dna_track")
        if result.source == "genome":
            st.caption(_("Each point is a 200-bp window. Green bands: protein-coding genes (tRNA and rRNA genes in "
                         "grey), as annotated by NCBI; black dots: windows wholly inside (1) or outside (0) a coding "
                         "gene. Windows across a gene's edge have no label."))
        else:
            st.caption(_("The CNN calls {share:.0%} of this sequence's 200-bp windows coding. It learned from one "
                         "chloroplast genome: on bacterial, nuclear or animal DNA it is reading a dialect it has not "
                         "seen.").format(share=result.coding_share))
    _ui.evaluation(result.evaluation, N_("CNN (trained here)"))
    for n in result.evaluation.notes + result.notes:
        st.caption(n)
    _ui.section_footer(demo, demo.default_model, params, result)


_ui.show_section("biology", section, {"antibody": antibody_section, "dna": dna_section})
