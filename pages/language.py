"""Language: entities, meaning-based search, zero-shot labels, extractive summaries; hub-only tasks."""
import pandas as pd
import streamlit as st

from domains import language
from domains.core import i18n
from pages import _ui
from domains.core.i18n import N_, _
from domains.core.text import join_sentences

_ui.page_header("language", N_("Networks trained on large amounts of text can find names in it, compare meanings, "
                              "and sort or summarise it. The first four demos run on this computer; the hub-only "
                              "tasks need a model hub the first time."))

SECTIONS = _ui.sections("language")  # declared with the demos (registry)
section = _ui.demo_selector("language_demo", SECTIONS)
zh = i18n.current() == "zh"  # a Chinese page offers the model that reads Chinese first
COLOURS = {"PERSON": "#ffd6a5", "PER": "#ffd6a5", "ORG": "#caffbf", "GPE": "#9bf6ff", "LOC": "#a0c4ff", "DATE": "#fdffb6",
           "TIME": "#fdffb6", "MONEY": "#ffc6ff", "PERCENT": "#ffc6ff", "CARDINAL": "#e4e4e4", "ORDINAL": "#e4e4e4",
           "NORP": "#bdb2ff", "EVENT": "#ffadad", "PRODUCT": "#d0f4de", "WORK_OF_ART": "#fcd5ce", "LAW": "#e9edc9",
           "LANGUAGE": "#cddafd", "FAC": "#bde0fe", "QUANTITY": "#e4e4e4"}
NEWS = {
    N_("Business news"): "Apple CEO Tim Cook met German Chancellor Olaf Scholz in Berlin on Tuesday to discuss a "
                     "$2 billion investment in a new chip plant. The plant, near Dresden, would employ 1,500 people "
                     "by 2027, according to the Saxony state government.",
    N_("History"): "Marie Curie moved from Warsaw to Paris in 1891 and studied at the University of Paris, where "
                   "she met Pierre Curie. They married in 1895.",
    # the small English model's mistakes, kept on purpose and labelled: the Moon a PERSON, Apollo 11 a LAW; São
    # Paulo a PERSON, 北京 missed
    N_("Where it fails: the Moon landing"): "On July 20, 1969, Neil Armstrong and Buzz Aldrin landed on the Moon "
                                            "aboard Apollo 11, while Michael Collins orbited above. About 650 million "
                                            "people watched the NASA broadcast.",
    N_("Where it fails: mixed scripts, emoji"): "Maria Silva flew from São Paulo to 北京 on Friday 🎉 with Lufthansa, "
                                                "paying €1,200.",
    # written for the gallery: read by Baidu LAC (people, places, organisations, times)
    N_("Chinese news"): "2024年3月，华为在深圳发布了新款手机。北京大学的张伟教授说，这款手机的芯片由上海的一家公司设计。",
    N_("English and Chinese"): "Apple CEO Tim Cook visited Shanghai on Monday. 他在上海会见了华为的代表，并参观了复旦大学。",
}
READER_COLOURS = {language.SPACY.id: "#cddafd", language.LAC.id: "#fde2e4"}


def _word_spans(tokens) -> list[tuple[int, int, str, str]]:
    """The words joined by spaces, each marked with its part of speech (entities in their colour)."""
    out, pos = [], 0
    for t in tokens:
        out.append((pos, pos + len(t.text), t.tag, COLOURS.get(t.tag, "#f1f1f1")))
        pos += len(t.text) + 1
    return out


if section == "ner":
    demo = _ui.section_header("language.ner")
    text = _ui.text_input("ner", NEWS, "Chinese news" if zh else "Business news")
    readers = {"auto": _("Automatic: English to spaCy, Chinese to LAC")} | {m.id: _ui.model_label(m) for m in demo.models}
    chosen = st.selectbox(_("Model"), list(readers), format_func=readers.get, key="ner_model",
                          help=_("Automatic reads each sentence with the model of its script, and a run of Chinese "
                                 "characters inside an English sentence with LAC."))
    model = None if chosen == "auto" else demo.model(chosen)
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=model)
        if result is not None:
            with st.container(key="ner_result"):
                _ui.warnings(result)
                st.markdown(_("### {n} entities").format(n=len(result.entities)))
                _ui.highlighted(result.text, [(e.start, e.end, e.label, COLOURS.get(e.label, "#eee"))
                                              for e in result.entities])
                if result.entities:
                    st.dataframe(pd.DataFrame([{_("entity"): e.text, _("type"): e.label, _("meaning"): e.description,
                                                _("start"): e.start, _("end"): e.end} for e in result.entities]),
                                 hide_index=True, width="stretch")
                    legend, spans = _("Legend: "), []
                    for label, meaning in sorted({(e.label, e.description) for e in result.entities}):
                        spans.append((len(legend), len(legend) + len(label), "", COLOURS.get(label, "#eee")))
                        legend += f"{label} ({meaning})   "
                    _ui.highlighted(legend, spans)
                if len({r.model for r in result.read_by}) > 1:  # mixed text: who read which part, drawn on it
                    st.caption(_("Who read what"))
                    _ui.highlighted(result.text, [(r.start, r.end, r.name, READER_COLOURS.get(r.model, "#eee"))
                                                  for r in result.read_by])
                with st.expander(_("The words and their parts of speech ({n})").format(n=len(result.tokens))):
                    _ui.highlighted(" ".join(f"{t.text}" for t in result.tokens), _word_spans(result.tokens))
                    tags = sorted({t.tag for t in result.tokens if t.tag in language.LAC_TAGS})
                    if tags:
                        st.caption(_("LAC's tags: ") + _("; ").join(f"{t} {_(language.LAC_TAGS[t])}" for t in tags))
                _ui.latency(result)
            _ui.reproduce(demo, model, {}, result)
    for spec in ([model] if model else demo.models):  # automatic: both models' cards
        _ui.model_card(spec, demo if spec is demo.models[-1] or model else None)

elif section == "search":
    demo = _ui.section_header("language.search", _("The Python reference has no paragraph that says 'catch errors', yet the "
                                                   "exceptions topics come first: the words differ, the meaning matches."))
    if zh and "srch_model" not in st.session_state:  # a Chinese query first, with the model that reads Chinese
        st.session_state.srch_model = "multilingual-e5-small"
    a, b = st.columns([3, 2])
    with a:
        spec = _ui.model_picker(demo, "srch_model")
    corpus = b.radio(_("Search in"), list(language.CORPORA), format_func=lambda c: _(language.CORPORA[c]),
                     key="srch_corpus")
    documents = ""
    if corpus == "custom":
        st.session_state.setdefault("srch_docs", "The train to Lisbon leaves at nine.\nOur cat sleeps all afternoon.\n"
                                                 "Interest rates went up again this month.\n"
                                                 "The museum is closed on Mondays.")
        documents = st.text_area(_("Your passages, one per line"), key="srch_docs", height=150)
    queries = {N_("How do I catch errors?"): "How do I catch errors?",
               N_("Loop over a list"): "loop over items in a list",
               "如何定义函数 (zh)": "如何定义一个函数",
               # kept on purpose, and labelled: the 'with' statement ranks fourth, behind the debugger
               N_("Where it fails: leaving a block"): "run cleanup code when leaving a block"}
    if zh:
        queries = {"如何定义函数 (zh)": queries.pop("如何定义函数 (zh)"), **queries}
    query = _ui.text_input("srch", queries, next(iter(queries)), label=N_("Query"), height=68)
    top_k = st.slider(_("Results"), 1, 10, 5, key="srch_k")
    if query is not None and spec is not None:
        result = _ui.run_demo(demo.id, query, model=spec, corpus=corpus, documents=documents, top_k=top_k)
        if result is not None:
            with st.container(key="search_result"):
                st.markdown(_("### Best match: {score:.2f}").format(score=result.hits[0].score))
                for h in result.hits:
                    with st.container(border=True):
                        st.markdown(_("**{rank}. {v}** · similarity {score:.2f}").format(
                            rank=h.rank, v=_ui.md(h.title or _("passage")), score=h.score))
                        st.markdown(_ui.md(h.text))
                for n in result.notes:  # as zero-shot and summary show theirs: a warning in sight
                    st.warning(_ui.md(n), icon=":material/warning:")
                _ui.latency(result, " · " + _("query only; {n} passages embedded once and kept").format(
                    n=result.corpus_size))
                if result.evaluation:
                    _ui.evaluation(result.evaluation, _("search by meaning ({model})").format(model=result.model),
                                   _("Measured with questions in your query's language; the reference itself is in English."))
            _ui.reproduce(demo, spec, {"corpus": corpus, "top_k": top_k}, result)
    if spec is not None:
        _ui.model_card(spec, demo)

elif section == "zero_shot":
    demo = _ui.section_header("language.zero_shot", _("Each label's description is embedded beside the text; the closest wins. "
                                                      "Sentiment is one more set of labels."))
    if zh and "zs_model" not in st.session_state:  # on a Chinese page, the model that reads Chinese first
        st.session_state.zs_model = "multilingual-e5-small"
    a, b = st.columns([3, 2])
    with a:
        spec = _ui.model_picker(demo, "zs_model")
    presets = {"Topics": _("Topics"), "Sentiment": _("Sentiment")}
    # a Chinese page's presets are the same labels written in Chinese (measured on the same sets)
    preset_labels = {"Topics": language.TOPICS_ZH if zh else language.DEFAULT_TOPICS,
                     "Sentiment": language.SENTIMENT_ZH if zh else language.DEFAULT_SENTIMENT}
    preset = b.radio(_("Labels"), list(presets), format_func=presets.get, horizontal=True, key="zs_preset",
                     on_change=lambda: st.session_state.update(zs_labels=preset_labels[st.session_state.zs_preset]))
    st.session_state.setdefault("zs_labels", preset_labels["Topics"])
    labels = st.text_area(_("Labels, one per line as 'name: description' (edit them)"), key="zs_labels", height=130)
    texts = {N_("Football"): "The striker was sent off after a late tackle in the derby.",
             N_("Chip shortage"): "Carmakers cut production because they cannot buy enough chips.",
             N_("Review"): "The waiter was rude and the soup was cold. Never again.",
             "足球 (zh)": "裁判在补时阶段判给客队一个点球，比赛最终以一比一结束。",
             "差评 (zh)": "等了四十分钟才上菜，服务员态度还很差，不会再来了。"}
    if zh:  # a Chinese page starts with Chinese text
        texts = {k: texts[k] for k in ("足球 (zh)", "差评 (zh)")} | texts
    text = _ui.text_input("zst", texts, next(iter(texts)), label=N_("Text"), height=90)
    if text is not None and spec is not None:
        result = _ui.run_demo(demo.id, text, model=spec, labels=labels)
        if result is not None:
            with st.container(key="zero_shot_result"):
                _ui.warnings(result)
                st.markdown(_("### {v} · score {score:.2f}").format(v=_ui.md(result.labels[0].label), score=result.labels[0].score))
                _ui.bar([l.label for l in result.labels], [l.score for l in result.labels], N_("score"))
                _ui.latency(result, " · " + _("scores rank the labels; they are not calibrated probabilities"))
                ev = result.evaluation
                if ev:
                    _ui.evaluation(ev, _("these labels ({model})").format(model=result.model),
                                   _("A small, clean set: real text is harder."))
                    if result.mistakes:
                        with st.expander(_("Where it goes wrong ({n} shown)").format(n=len(result.mistakes))):
                            st.dataframe(pd.DataFrame(result.mistakes).rename(columns={
                                "text": _("text"), "truth": _("truth"), "predicted": _("predicted")}),
                                hide_index=True, width="stretch")
                else:
                    st.caption(_("Custom labels: no labelled set to measure them on. The shipped sets measure the "
                                 "Topics and Sentiment presets."))
            _ui.reproduce(demo, spec, {"labels": labels}, result)
    if spec is not None:
        _ui.model_card(spec, demo)

elif section == "summarize":
    demo = _ui.section_header("language.summarize", _("TextRank ranks sentences like PageRank ranks web pages: a sentence similar "
                                                      "to many others is central. Nothing is rewritten; highlighted sentences form "
                                                      "the summary."))
    if zh and "sum_model" not in st.session_state:  # on a Chinese page, the model that reads Chinese first
        st.session_state.sum_model = "multilingual-e5-small"
    a, b, c = st.columns([3, 1, 1])
    with a:
        spec = _ui.model_picker(demo, "sum_model")
    n = _ui.number(_("Sentences"), 1, 10, 3, key="sum_n", where=b)
    method = c.radio(_("Method"), ["textrank", "centroid"], key="sum_method")
    examples = {N_("Python: exceptions"): language.python_topic("exceptions"),
                N_("Python: the with statement"): language.python_topic("with"),
                N_("Python: naming and binding"): language.python_topic("naming")}
    text = _ui.text_input("sum", examples, "Python: exceptions", label=N_("Text to summarise"), height=200)
    if text is not None and spec is not None:
        result = _ui.run_demo(demo.id, text, model=spec, sentences_out=n, method=method)
        if result is not None:
            with st.container(key="summarize_result"):
                _ui.warnings(result)
                st.markdown(_("### Summary: {v} of {n} sentences").format(v=sum(s.chosen for s in result.sentences), n=len(result.sentences)))
                st.info(_ui.md(result.summary), icon=":material/short_text:")
                full = join_sentences([s.text for s in result.sentences])
                spans, pos = [], 0
                for s in result.sentences:
                    start = full.index(s.text, pos)
                    if s.chosen:
                        spans.append((start, start + len(s.text), "", "#fff3b0"))
                    pos = start + len(s.text)
                with st.expander(_("The whole text, summary sentences highlighted")):
                    _ui.highlighted(full, spans)
                _ui.latency(result)
            _ui.reproduce(demo, spec, {"sentences_out": n, "method": method}, result)
    if spec is not None:
        _ui.model_card(spec, demo)

else:  # the hub-only tasks and any demo of a known shape: drawn from their declarations (registry shapes)
    _ui.show_section("language", section, {})
