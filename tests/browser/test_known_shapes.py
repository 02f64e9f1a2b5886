"""A demo of a known shape, declared once in a domain package of its own (tests/known_shape.py), gets a page no one
wrote: the router builds it from the registry, and its section runs the bundled example to a result."""
from __future__ import annotations

from pathlib import Path

import pytest
from skips import need

from known_shape import write_package
from test_e2e import ARGS, CHROMIUM, seen, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("servers")]


def test_a_demo_of_a_known_shape_gets_its_page_with_no_page_code(tmp_path):
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with streamlit_server({"GALLERY_EXTRA_DOMAINS": str(write_package(tmp_path))}) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            # the home page first: on a fresh server Streamlit still looks for a page file under pages/ until the
            # router has run once, and a generated page has none (it would say "Page not found", then show it)
            page.goto(url)
            seen(page.get_by_text("Deep Learning Gallery"), "the home page")
            page.goto(f"{url}/weather?demo=tomorrow")
            box = page.locator(".st-key-tomorrow_result")
            seen(box.locator("h3", has_text="rain"), "the prediction of the known-shape section")
            seen(box.get_by_text("How good is it?"), "its evaluation record")
            seen(page.get_by_text("Responsible use"), "its responsible-use fold under the model card")
            seen(page.get_by_role("link", name="Weather"), "its page in the navigation")
            page.get_by_label("humidity today (%)").fill("20")
            page.get_by_label("humidity today (%)").press("Enter")
            seen(box.locator("h3", has_text="dry"), "the prediction for a dry day, after the parameter changed")
        finally:
            browser.close()
