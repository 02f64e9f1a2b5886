"""Translation and Language pages under AppTest: every section gives a real result, and bad text
(empty, whitespace, 1 MB, invalid UTF-8 upload, mixed scripts and emoji, unsupported pair) is handled."""
from __future__ import annotations

import json
import shutil

import pytest
from skips import needs
from streamlit.testing.v1 import AppTest

from test_pages import errors, open_section, texts

BIG = "The bank raised rates. " * 46_000  # about 1 MB


def translation(section: str, **state) -> AppTest:
    return open_section("pages/translation.py", section, **state)


def language(section: str, **state) -> AppTest:
    return open_section("pages/language.py", section, **state)



# ---------------------------------------------------------------- translation
def test_translate_default_example_en_pt_with_alignment():
    at = translation("translate")
    assert not at.exception and not errors(at)
    assert "febre" in at.code[0].value
    table = at.dataframe[0].value
    assert list(table.columns) == ["English", "Portuguese"] and len(table) == 3


def test_translate_portuguese_example_switches_the_language():
    at = translation("translate")
    next(b for b in at.button if b.label == "Notícia (pt)").click().run()
    assert at.selectbox(key="tr_src").value == "pt" and at.selectbox(key="tr_tgt").value == "en"
    assert "central bank" in at.code[0].value.lower()


def test_choosing_the_source_language_puts_its_example_in_the_box_or_empties_it():
    """From = Spanish shows the Spanish example; From = 中文 (no offline model reads it) an empty box, not the
    English example refused."""
    at = translation("translate")
    at.selectbox(key="tr_src").set_value("es").run()
    assert at.text_area(key="tr_text").value.startswith("El banco central") and not errors(at)
    at.selectbox(key="tr_src").set_value("zh").run()
    assert not at.exception and at.text_area(key="tr_text").value == "" and not errors(at)


def test_translate_target_list_offers_only_supported_pairs_and_a_hub_pair_explains_itself():
    at = translation("translate")
    assert set(at.selectbox(key="tr_tgt").options) == {"Portuguese", "Spanish", "Chinese", "German", "French"}
    at.selectbox(key="tr_tgt").set_value("zh").run()
    assert not at.exception
    assert any("No model that works offline translates en-zh" in e for e in errors(at))


@pytest.mark.parametrize("text,message", [("   ", None), (BIG, "limit is")])
def test_translate_bad_text(text, message):
    at = translation("translate")
    at.text_area(key="tr_text").input(text).run()
    assert not at.exception
    if message:
        assert any(message in e for e in errors(at))
    else:  # whitespace: nothing to translate, no result and no error
        assert not at.code and not errors(at)


def test_translate_invalid_utf8_upload():
    at = translation("translate")
    at.toggle(key="tr_upload_on").set_value(True).run()
    at.file_uploader(key="tr_upload").upload("latin1.txt", b"caf\xe9 com leite", "text/plain").run()
    assert not at.exception and any("not UTF-8" in e for e in errors(at))


def test_translate_utf8_upload_is_translated():
    at = translation("translate")
    at.toggle(key="tr_upload_on").set_value(True).run()
    at.file_uploader(key="tr_upload").upload("note.txt", "Good morning. 🎉".encode(), "text/plain").run()
    assert not at.exception and not errors(at) and "Bom dia" in at.code[0].value


@needs(bool(shutil.which("apertium")), "Apertium not installed (apt-get install apertium apertium-eng-spa)")
def test_neural_vs_rule_based_section():
    at = translation("compare")
    assert not at.exception and not errors(at)
    body = texts(at)
    assert "### Neural · round trip" in body and "### Rule-based · round trip" in body
    raw = json.loads(at.json[0].value)
    assert {s["system"] for s in raw["systems"]} == {"neural", "rule-based"}


# ---------------------------------------------------------------- language
@pytest.mark.parametrize("section,expected", [("ner", "### 11 entities"), ("search", "### Best match"),
                                              ("zero_shot", "### sports"), ("summarize", "### Summary: 3 of")])
def test_language_section_default_example(section, expected):
    at = language(section)
    assert not at.exception and not errors(at), errors(at)
    assert expected in texts(at)
    assert at.json


def test_the_entity_examples_show_the_model_right_and_its_failures_labelled():
    """A presenter's first click is a text the model reads right; its mistakes stay, under 'Where it fails'."""
    at = language("ner")
    next(b for b in at.button if b.label == "History").click().run()
    table = at.dataframe[0].value
    assert list(zip(table["entity"], table["type"])) == [
        ("Marie Curie", "PERSON"), ("Warsaw", "GPE"), ("Paris", "GPE"), ("1891", "DATE"),
        ("the University of Paris", "ORG"), ("Pierre Curie", "PERSON"), ("1895", "DATE")], table
    next(b for b in at.button if b.label == "Where it fails: the Moon landing").click().run()
    table = at.dataframe[0].value
    assert ("Moon", "PERSON") in list(zip(table["entity"], table["type"]))  # the label tells the truth


def test_the_translation_examples_are_translated_right_and_the_failure_is_labelled():
    at = translation("translate")
    next(b for b in at.button if b.label == "Bank news (en)").click().run()
    assert "em 2022" in at.code[0].value and "não ano passado" not in at.code[0].value
    next(b for b in at.button if b.label == "Where it fails: last year (en)").click().run()
    assert "não ano passado" in at.code[0].value


def test_ner_mixed_scripts_and_emoji_example():
    at = language("ner")
    next(b for b in at.button if b.label == "Where it fails: mixed scripts, emoji").click().run()
    assert not at.exception and not errors(at)
    assert "Maria Silva" in at.dataframe[0].value["entity"].tolist()


def test_ner_reads_english_and_chinese_with_their_own_models_and_shows_who_read_what():
    at = language("ner")
    next(b for b in at.button if b.label == "English and Chinese").click().run()
    assert not at.exception and not errors(at)
    pairs = set(zip(at.dataframe[0].value["entity"], at.dataframe[0].value["type"]))
    assert {("Tim Cook", "PERSON"), ("复旦大学", "ORG"), ("华为", "ORG")} <= pairs, pairs
    assert "Who read what" in texts(at) and any("Read by two models" in w.value for w in at.warning)
    at.selectbox(key="ner_model").set_value("en-core-web-sm").run()  # a named model reads it all, and says so
    assert not errors(at) and any("Chinese characters" in w.value for w in at.warning)
    assert "Who read what" not in texts(at)


def test_zero_shot_shows_its_measured_accuracy_and_sentiment_preset():
    at = language("zero_shot")
    assert "The model wins on accuracy: 0.958 against 0.25 for always the most common label." in texts(at)
    at.radio(key="zs_preset").set_value("Sentiment").run()
    next(b for b in at.button if b.label == "Review").click().run()
    assert "### negative" in texts(at) and "sentiment sentences" in texts(at)


def test_zero_shot_custom_labels_say_there_is_no_measurement():
    at = language("zero_shot")
    at.text_area(key="zs_labels").input("boats: ships and sailing\nfood: cooking and eating").run()
    assert not at.exception and "no labelled set" in texts(at)
    at.text_area(key="zs_labels").input("just one").run()
    assert any("at least two labels" in e for e in errors(at))


def test_search_multilingual_model_and_custom_corpus():
    at = language("search")
    at.selectbox(key="srch_model").set_value("multilingual-e5-small").run()
    next(b for b in at.button if b.label == "如何定义函数 (zh)").click().run()
    assert not at.exception and not errors(at)
    assert "Function definitions" in texts(at) or "function" in texts(at).lower()
    at.radio(key="srch_corpus").set_value("custom").run()
    assert not at.exception and "The train to Lisbon" in texts(at) + str([m.value for m in at.markdown])


@pytest.mark.parametrize("section,key", [("ner", "ner"), ("summarize", "sum"), ("zero_shot", "zst")])
def test_language_bad_text(section, key):
    at = language(section)
    at.text_area(key=f"{key}_text").input(BIG).run()
    assert not at.exception and any("limit is" in e for e in errors(at))
    at.toggle(key=f"{key}_upload_on").set_value(True).run()
    at.file_uploader(key=f"{key}_upload").upload("bad.txt", b"\xff\xfe\xfa", "text/plain").run()
    assert not at.exception and any("not UTF-8" in e for e in errors(at))


@pytest.mark.parametrize("task", ["language.sentiment", "language.abstractive", "language.qa", "language.nli_zero_shot", "language.generate"])
def test_language_hub_only_tasks_offline(task):
    """Offline: one calm notice and the model's card; no warning, no error, no run controls, no internal id."""
    at = language("hub", language_hub_task=task)
    assert not at.exception and not at.warning and not errors(at)
    assert "no hub is reachable from this computer" in texts(at)
    assert not at.text_area and not [b for b in at.button if b.key and b.key.startswith("hub_")]
    assert task not in texts(at) and "language." not in texts(at)
    buttons = [b.label for b in at.button if b.key == f"goto_{task}"]
    if task != "language.generate":  # text generation has no offline counterpart
        assert buttons and buttons[0].startswith("Try ") and buttons[0].endswith("instead: it works offline")


def test_language_hub_only_tasks_from_the_local_cache(tiny_text_pipelines):
    for task in ("language.sentiment", "language.qa", "language.generate"):
        at = language("hub", language_hub_task=task)
        assert not at.exception and not errors(at), (task, errors(at))
        assert at.json, task
