"""The bad-input corpus (tests/testmedia.py) through every section of every page, as a user would give it: each
file uploader gets every file the guards must refuse, each text box gets the texts they must refuse and markup
that must stay inert. Each ends in an error element, never an exception, and the rest of the page still works:
the section's first example, clicked afterwards, gives a result."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from skips import NO_INPUT_BOX, need
from streamlit.testing.v1 import AppTest

from testmedia import HOSTILE_TEXT, bad_audio, bad_images, bad_texts

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300  # a section's first run may build a model the project trains itself
# Texts a demo may take or refuse: CI types only the markup into every box (the API test runs all of them through
# every text demo); GALLERY_FULL_WALK=1 types them all here too.
FULL = os.environ.get("GALLERY_FULL_WALK") == "1"
TEXTS = ["200k-characters", "html-and-script"] + (["control-characters", "emoji", "chinese"] if FULL else [])
# Files: each page as it opens gets every refusal file in each of its uploaders; the page's other sections share
# the same input widget and guard, so CI gives them one file their decoder refuses and one their guard refuses
# (GALLERY_FULL_WALK=1: every file everywhere; the API test runs every file through every demo either way).
SOME_FILES = {"text-as-png", "decompression-bomb", "text-as-wav", "nan-samples"}


def _sections() -> list:
    from browser.walk import SECTIONS  # every section of every page, by URL (tests/ is on the path)
    pages = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
    out = [(stem, {}) for stem in pages]  # each page as it opens
    for query, _, _ in SECTIONS:
        stem, _, qs = query.partition("?")
        out.append((stem, dict(parse_qsl(qs))))
    return out


SECTIONS = _sections()


def opened(stem: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{stem}.py"), default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def kind_of(uploader) -> str:
    """Which guard an uploader feeds, from its label (the labels are the pages' one shared input widgets')."""
    label = uploader.label
    if "image" in label.lower():
        return "image"
    if "WAV" in label:
        return "audio"
    if "UTF-8" in label:
        return "text"
    return "other"  # a table or a DICOM file: those pages have their own tests


def errors(at: AppTest) -> list[str]:
    """The error messages as a user reads them (the pages escape Markdown in messages that quote input)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def examples_of(at: AppTest, key: str) -> list:
    return [b for b in at.button if b.key and b.key.startswith(f"{key}_ex_")]


def assert_page_intact(at: AppTest, where):
    assert not at.exception, (where, [e.value for e in at.exception])
    assert at.subheader or at.title, where  # the page drew past the failed input


def assert_inert(at: AppTest, where):
    """No element shows user markup as live HTML or a link: Markdown bodies keep links escaped, HTML bodies
    carry no tags or javascript: URLs from the input."""
    for kind in ("markdown", "caption", "error", "warning", "info", "success"):
        for el in at.get(kind):
            body = str(getattr(el, "value", "") or getattr(el.proto, "body", ""))
            assert not re.search(r"(?<!\\)\]\(\s*javascript:", body), (where, kind, body[:200])
            if getattr(el.proto, "allow_html", False):
                assert "<script" not in body and "onerror" not in body and "javascript:" not in body, (where, body)
    for el in at.get("html"):
        body = el.proto.body
        assert "<script" not in body and not re.search(r"<[^>]+\son\w+=", body), (where, body[:200])
        assert not re.search(r"""(href|src)=["']?\s*javascript:""", body), (where, body[:200])


@pytest.mark.parametrize("stem,query", SECTIONS, ids=[f"{s}?{'&'.join(f'{k}={v}' for k, v in q.items())}"
                                                      for s, q in SECTIONS])
def test_every_bad_input_ends_in_a_message_and_the_page_still_works(stem, query):
    at = opened(stem, query)
    assert_page_intact(at, (stem, query))
    corpus = {"image": bad_images(), "audio": bad_audio()}
    checked = 0
    for up in [u for u in at.get("file_uploader") if kind_of(u) in corpus]:
        key = up.key.removesuffix("_upload")
        for name, (data, expect) in corpus[kind_of(up)].items():
            if expect != "error":
                continue  # the awkward files that must work are run through every demo by the API test
            if query and not FULL and name not in SOME_FILES:
                continue
            at.file_uploader(key=up.key).upload(f"{name}.{'png' if kind_of(up) == 'image' else 'wav'}", data,
                                                "application/octet-stream").run()
            assert_page_intact(at, (stem, query, name))
            assert at.error, (stem, query, name, "no message for a bad file")
            checked += 1
        after_a_good_example(at, key, (stem, query))

    texts = bad_texts()
    for area in [t for t in at.text_area if t.key and t.key.endswith("_text")]:
        key = area.key.removesuffix("_text")
        for name in TEXTS:
            at.text_area(key=area.key).set_value(texts[name][0]).run()
            assert_page_intact(at, (stem, query, name))
            assert_inert(at, (stem, query, name))
            if texts[name][1] == "error":
                assert at.error, (stem, query, name, "no message for a bad text")
            checked += 1
        toggle = f"{key}_upload_on"
        if any(t.key == toggle for t in at.toggle):
            at.toggle(key=toggle).set_value(True).run()
            at.file_uploader(key=f"{key}_upload").upload("notes.txt", texts["invalid-utf8"][0], "text/plain").run()
            assert_page_intact(at, (stem, query, "invalid-utf8"))
            assert any("UTF-8" in shown for shown in errors(at)), (stem, query, errors(at))
            at.toggle(key=toggle).set_value(False).run()
        after_a_good_example(at, key, (stem, query))

    # every other free-text box (a film title, a model id, a job description): markup typed there stays inert
    for box in [t for t in at.text_input if t.key] + [t for t in at.text_area if t.key and not t.key.endswith("_text")]:
        box.set_value(HOSTILE_TEXT).run()
        assert_page_intact(at, (stem, query, box.key))
        assert_inert(at, (stem, query, box.key))
        checked += 1
    need(bool(checked), NO_INPUT_BOX)


def after_a_good_example(at: AppTest, key: str, where):
    """The rest of the page still works: the section's first example gives a result, no message."""
    ex = examples_of(at, key)
    if not ex:
        return
    ex[0].click().run()
    assert_page_intact(at, where)
    assert not at.error, (where, [e.value for e in at.error])
