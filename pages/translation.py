"""Translation: neural beside rule-based, sentence by sentence."""
import pandas as pd
import streamlit as st

from domains import get, translation
from pages import _ui
from domains.core.i18n import N_, _, n_

_ui.page_header("translation", N_("Neural translation learns from millions of translated sentences; rule-based "
                                 "translation follows dictionaries and grammar rules written by people. Try both "
                                 "on the same text, and translate back to see what survived."))

SECTIONS = _ui.sections("translation")  # declared with the demos (registry)
section = _ui.demo_selector("translation_demo", SECTIONS)
LANGS = {code: _(name) for code, name in translation.LANGS.items()}
EXAMPLES = {  # titles in the catalog; the texts are what the models read
    N_("Medical note (en)"): "The patient has had a high fever and a headache for three days. "
                         "She should drink plenty of water and rest. Come back if the fever does not go down.",
    N_("Bank news (en)"): "The central bank raised interest rates to fight inflation. Prices rose quickly in 2022, "
                      "and many families now spend more on food.",
    N_("Notícia (pt)"): "O banco central aumentou as taxas de juros para combater a inflação. "
                    "Os preços subiram rapidamente no ano passado.",
    N_("Noticia (es)"): "El banco central subió los tipos de interés para combatir la inflación. "
                    "Los precios subieron rápidamente el año pasado.",
}
# kept on purpose, and labelled: the neural model writes "não ano passado" ("not last year") for "last year"
EXAMPLES[N_("Where it fails: last year (en)")] = ("Prices rose quickly last year, and wages did not keep up.")
FROM = {"Medical note (en)": "en", "Bank news (en)": "en", "Notícia (pt)": "pt", "Noticia (es)": "es",
        "Where it fails: last year (en)": "en"}

if section == "translate":
    demo = _ui.section_header("translation.translate", _("Offline: English ↔ Portuguese (neural) and English ↔ Spanish (rule-based, "
                                                         "if Apertium is installed). Other pairs use OPUS-MT models from the hub."))
    a, b, c = st.columns([2, 2, 3])
    def example_in_source() -> None:  # the box follows the language: its example, or empty (never a refusal first)
        title = next((t for t, lang in FROM.items() if lang == st.session_state.tr_src), None)
        st.session_state["tr_text"] = EXAMPLES[title] if title else ""

    src = a.selectbox(_("From"), list(LANGS), format_func=LANGS.get, key="tr_src", on_change=example_in_source)
    tgt_options = sorted({p.split("-")[1] for p in translation.supported_pairs() if p.startswith(src + "-")},
                         key=list(LANGS).index)
    tgt = b.selectbox(_("To"), tgt_options, format_func=LANGS.get, key="tr_tgt")
    pair = f"{src}-{tgt}"
    with c:
        spec = _ui.model_picker(demo, "tr_model", [m for m in demo.models if pair in translation.pairs(m)])
    def set_language(title: str) -> None:  # an example in Portuguese or Spanish translates into English
        st.session_state.update(tr_src=FROM[title], tr_tgt="pt" if FROM[title] == "en" else "en")

    text = _ui.text_input("tr", EXAMPLES, "Medical note (en)", label=_("Text in {language}").format(language=LANGS[src]), on_pick=set_language)
    if text is not None and spec is not None:
        result = _ui.run_demo(demo.id, text, model=spec, src=src, tgt=tgt)
        if result is not None:
            with st.container(key="translate_result"):
                st.markdown(f"### {LANGS[tgt]}")
                st.code(result.translation, language=None, wrap_lines=True)
                st.dataframe(pd.DataFrame([{LANGS[src]: s.source, LANGS[tgt]: s.target} for s in result.sentences]),
                             hide_index=True, width="stretch")
                for note in result.notes:
                    st.warning(_ui.md(note), icon=":material/warning:")
                st.caption(n_("{model} ({kind}) · **{latency_ms:.0f} ms** for {n} sentence on this CPU", "{model} ({kind}) · **{latency_ms:.0f} ms** for {n} sentences on this CPU", len(result.sentences)).format(model=result.model, kind=_(result.kind), latency_ms=result.latency_ms, n=len(result.sentences)))
            _ui.reproduce(demo, spec, {"src": src, "tgt": tgt}, result)
    if spec is not None:
        _ui.model_card(spec, demo)

elif section == "compare":
    demo = get("translation.compare")
    KINDS = {"neural": _("Neural"), "rule-based": _("Rule-based")}
    st.subheader(_(demo.title))
    st.caption(_("No language pair is covered offline by both kinds, so each system translates the English text "
                 "into its own language (neural: Portuguese; rule-based: Spanish) and back to English. The closer "
                 "the round trip is to the original, the more meaning survived: the score is the cosine similarity "
                 "of MiniLM sentence embeddings (1.0 = same meaning)."))
    text = _ui.text_input("cmp", {k: v for k, v in EXAMPLES.items() if FROM[k] == "en"}, "Bank news (en)",
                          label=_("English text"))
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=None)
        if result is not None:
            with st.container(key="compare_result"):
                cols = st.columns(2, gap="large")
                for col, kind in zip(cols, ("neural", "rule-based")):
                    with col:
                        rt = next((s for s in result.systems if s.system == kind), None)
                        if rt is None:
                            st.markdown(f"### {KINDS[kind]}")
                            st.warning(result.unavailable.get(kind, _("Not available here.")), icon=":material/block:")
                            continue
                        lang = LANGS[rt.pair.split("-")[1]]
                        score = (_("not scored") if rt.similarity is None
                                 else _("round trip {similarity:.2f}").format(similarity=rt.similarity))
                        st.markdown(f"### {KINDS[kind]} · {score}")
                        if rt.untranslated:
                            st.warning(_("{n} of {total} sentences came back untranslated (copied through). A copy "
                                         "is not a translation: ").format(n=rt.untranslated, total=len(rt.sentences))
                                       + (_("nothing is left to score.") if rt.similarity is None else
                                          _("the score covers only the sentences it translated.")),
                                       icon=":material/warning:")
                        st.markdown(f"**{lang}** ({rt.model})")
                        st.info(_ui.md(rt.translation), icon=":material/translate:")
                        st.markdown(_("**Back to English**"))
                        st.success(_ui.md(rt.back), icon=":material/undo:")
                        st.caption(_("{latency_ms:.0f} ms, both directions").format(latency_ms=rt.latency_ms))
                scored = [s for s in result.systems if s.similarity is not None]
                if len(scored) == 2:
                    better, worse = sorted(scored, key=lambda s: -s.similarity)
                    st.caption(_("On this text the {system} system kept more of the meaning ({similarity:.2f} vs "
                                 "{similarity2:.2f}). One text proves little: try your own, and read the "
                                 "translations, not only the score.").format(system=_(better.system), similarity=better.similarity, similarity2=worse.similarity))
                elif len(result.systems) == 2:
                    st.caption(_("Only a system that translated can be judged by its round trip: no winner here."))
            _ui.reproduce(demo, demo.default_model, {}, result)
    for spec in demo.models:
        _ui.model_card(spec, demo if spec is demo.models[-1] else None)

else:  # a demo of a known shape, drawn from its declaration
    _ui.show_section("translation", section, {})
