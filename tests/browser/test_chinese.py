"""Chinese through the gallery's own models, in Chromium (issue 34): Chinese typed into the Language page comes back
as entities drawn on the text by Baidu LAC, and a Chinese description on the home page finds its demo."""
from __future__ import annotations

from pathlib import Path

import pytest
from skips import need

from test_e2e import ARGS, CHROMIUM, seen, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("servers")]
TEXT = "去年十月，腾讯在广州开了一家新公司，李华担任总经理。"  # written for this test


def test_chinese_typed_into_the_language_page_is_drawn_with_lacs_entities_and_the_home_finds_a_demo():
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with streamlit_server({}) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(f"{url}/language?demo=ner&lang=zh")
        box = page.get_by_role("textbox", name="文本", exact=True)
        seen(box, "the text box")
        box.fill(TEXT)
        box.press("Control+Enter")
        result = page.locator(".st-key-ner_result")
        for word, tag in (("腾讯", "ORG"), ("广州", "LOC"), ("李华", "PER")):
            seen(result.locator("mark").filter(has_text=word).filter(has_text=tag).first,
                 f"{word} marked {tag} on the text")
        seen(result.get_by_text("baidu-lac", exact=False).first, "the model that read it named under the result")
        page.goto(f"{url}/?lang=zh")
        find = page.get_by_label("描述你想看的，找到对应的演示")
        seen(find, "the demo finder on the home page")
        find.fill("我想识别照片里的文字")
        find.press("Enter")
        link = page.locator(".st-key-find_result a").first
        seen(link, "the demos found")
        assert "vision" in link.get_attribute("href") and "demo=ocr" in link.get_attribute("href")
        link.click()
        seen(page.locator(".st-key-ocr_result"), "the OCR section opened by the link, with its example read")
        browser.close()
