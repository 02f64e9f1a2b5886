"""Find a demo by describing it (issue 34): the multilingual encoder over every demo's title and summary in English
and Chinese, on real embeddings."""
from __future__ import annotations


import pytest

from domains.core import finder
from domains.core.errors import InputError


@pytest.mark.parametrize("query,expected", [
    ("我想识别照片里的文字", "vision.ocr"), ("翻译一句话", "translation.translate"),
    ("recommend me a film", "recommendation.recommend"), ("how does backpropagation work", "concepts.backprop"),
    ("检测皮肤病", "medical.skin"), ("电网用电量预测", "energy.forecast")])
def test_a_description_in_either_language_finds_its_demo_first(query, expected):
    r = finder.find(query)
    assert r.matches[0].id == expected, [(m.id, m.score) for m in r.matches]
    assert [m.score for m in r.matches] == sorted((m.score for m in r.matches), reverse=True)
    assert r.model == "multilingual-e5-small" and len(r.matches) == 5


def test_which_jobs_does_ai_change_finds_the_work_page():
    r = finder.find("which jobs does AI change", top_k=3)
    assert r.matches[0].domain == "work" and any(m.id == "work.exposure" for m in r.matches)


def test_the_match_names_its_page_section_in_the_callers_language():
    from domains.core.i18n import language
    with language("zh"):
        m = finder.find("read the text in a photo").matches[0]
    assert (m.id, m.domain, m.section) == ("vision.ocr", "vision", "ocr") and "文字" in m.title + m.summary


def test_a_description_without_letters_is_refused():
    for bad in ("🎉🎉🎉", "12345", "   "):
        with pytest.raises(InputError):
            finder.find(bad)
