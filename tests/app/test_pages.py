"""Every page under AppTest: it renders, an example runs to a real result, bad input shows an error element."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import domains

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 120  # first run loads a model


def page(path: str) -> AppTest:
    return AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)


def open_section(path: str, section: str, **state) -> AppTest:
    """A page opened at one section of its demo selector (key '<domain>_demo'), with extra session state."""
    at = page(path)
    at.session_state[f"{Path(path).stem}_demo"] = section
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def errors(at: AppTest) -> list[str]:
    """The error messages as a user reads them (the page escapes Markdown in them: user input is quoted)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def table(at: AppTest, i: int = 0):
    """A drawn table as a user reads it (the page escapes Markdown in every cell: st.table renders it)."""
    def plain(v):
        return re.sub(r"\\(.)", r"\1", v).replace("\u2060", "") if isinstance(v, str) else v
    return at.table[i].value.map(plain).rename(columns=plain)


def evaluation_rows(at: AppTest, i: int = 0):
    """The i-th evaluation record's table ("How good is it?") as a user reads it: two columns, the method and the
    record's metric, every score formatted as the record formats it."""
    found = [t for t in (table(at, k) for k in range(len(at.table))) if list(t.columns)[:1] == ["method"]
             and len(t.columns) == 2]
    return found[i]


def texts(at: AppTest) -> str:
    """Every text element as a user reads it (Markdown escapes in quoted user or model text undone)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(str(e.value) for kind in ("markdown", "caption", "title", "subheader",
                                                                      "header") for e in at.get(kind)))


def test_home_renders_a_card_per_domain_page():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value.endswith("Deep Learning Gallery")
    links = {pl.proto.page for pl in at.get("page_link")}
    for d in domains.domains():
        assert any(d.id in l for l in links), f"no card links to {d.id}"
        assert d.blurb in texts(at)
    body = texts(at)
    for demo in domains.demos():
        for m in demo.models:
            assert m.name in body and m.license in body


def test_home_finds_a_demo_by_description_in_chinese_and_links_to_its_section():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    at.text_input(key="home_find").input("我想识别照片里的文字").run()
    assert not at.exception and not errors(at)
    found = [pl for pl in at.get("page_link") if "Read text (OCR)" in pl.proto.label]
    assert found, [pl.proto.label for pl in at.get("page_link")][:8]
    assert "vision" in found[0].proto.page and found[0].proto.query_string == "demo=ocr"
    at.text_input(key="home_find").input("🎉🎉").run()
    assert any("no letters" in e for e in errors(at))


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_exception(path):
    at = page(path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_router_reaches_every_page():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    for path in PAGES:
        at.switch_page(path).run()
        assert not at.exception, (path, at.exception)


# ---------------------------------------------------------------- Vision
def test_vision_default_example_gives_real_labels():
    at = page("pages/vision.py").run()
    assert "### espresso" in texts(at)
    assert "efficientnet-lite0" in texts(at)


def test_vision_one_click_example():
    at = page("pages/vision.py").run()
    next(b for b in at.button if b.label == "Cat").click().run()
    assert not at.exception
    head = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "cat" in head.lower() or "tabby" in head.lower(), head


def test_vision_top_k_slider_changes_the_chart():
    at = page("pages/vision.py").run()
    at.slider(key="cls_top_k").set_value(3).run()
    assert not at.exception
    raw = json.loads(at.json[0].value)
    assert len(raw["labels"]) == 3 and raw["labels"][0]["label"] == "espresso"
    (chart,) = at.get("plotly_chart")
    fig = json.loads(chart.proto.spec)
    assert len(fig["data"][0]["y"]) == 3 and fig["data"][0]["y"][-1] == "espresso"  # best on top
    assert fig["layout"]["xaxis"]["tickformat"] == ".0%"  # probabilities read as percentages, as in the headline
    assert "--param top_k=3" in "\n".join(c.value for c in at.code)


def test_vision_upload_of_a_real_image(coffee_png):
    at = page("pages/vision.py").run()
    at.file_uploader(key="cls_upload").upload("my_coffee.png", coffee_png, "image/png").run()
    assert not at.exception
    assert "### espresso" in texts(at)
    assert any("my_coffee.png" in str(i.proto) for i in at.get("image"))


@pytest.mark.parametrize("name,data,message", [
    ("notes.png", b"this is text, not a picture", "not an image"),
    ("empty.jpg", b"", "empty"),
])
def test_vision_bad_upload_shows_an_error(name, data, message):
    at = page("pages/vision.py").run()
    at.file_uploader(key="cls_upload").upload(name, data, "image/png").run()
    assert not at.exception
    assert any(message in e for e in errors(at)), errors(at)
    assert not any(m.value.startswith("### ") for m in at.markdown), "no result for a bad file"


def test_vision_hub_model_offline_shows_message_and_alternative():
    at = page("pages/vision.py").run()
    at.selectbox(key="cls_model").set_value("microsoft/resnet-50").run()
    assert not at.exception
    assert any("not in the local model cache" in e for e in errors(at))
    assert any("EfficientNet-Lite0" in i.value and "offline" in i.value for i in at.info)


def test_vision_any_hub_id_from_the_local_cache(tiny_hub):
    at = page("pages/vision.py").run()
    at.selectbox(key="cls_model").set_value("__other_hub_model__").run()
    at.text_input(key="cls_model_hub").input("tiny-org/vit-b").run()
    assert not at.exception and not at.error
    head = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert head.split(" · ")[0].removeprefix("### ") in {"cat", "dog", "espresso"}


def test_vision_malformed_hub_id_is_an_error():
    at = page("pages/vision.py").run()
    at.selectbox(key="cls_model").set_value("__other_hub_model__").run()
    at.text_input(key="cls_model_hub").input("not a model id").run()
    assert not at.exception
    assert any("Hugging Face model id (owner/name)" in e for e in errors(at))


def test_home_shows_each_demos_health_badge_and_a_failed_demo_says_what_failed(tmp_path, monkeypatch):
    from domains.core import health
    # its own health file: the shared cache's would show this test's made-up failure to the other worker's pages
    monkeypatch.setattr(health, "latest_path", lambda: tmp_path / "health" / "latest.json")
    ok = domains.check(["vision.classify", "language.generate"])
    failed = {**ok[0], "id": "medical.skin", "title": "Skin lesion classifier", "status": "failed",
              "reason": "Xception + metadata could not be loaded: weights missing"}
    health.latest_path().unlink(missing_ok=True)  # save merges: start from this test's results only
    health.save(ok + [failed])
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    body = texts(at)
    assert "**Demo health check**" in body and health.machine() in body and "1 failed" in body
    assert "Image classification :green[:material/check_circle:]" in body
    errs = errors(at)
    assert errs == ["Skin lesion classifier failed its check: Xception + metadata could not be loaded: weights missing"]
    assert not any(b.label == "Run the check now" for b in at.button)  # a visitor reads the badges, runs nothing
    assert any(b.label == "Open Medical" for b in at.button)  # and the rest of the gallery still opens


def test_home_shows_the_preparation_behind_the_app_while_it_runs(tmp_path, monkeypatch):
    """The first start prepares every demo behind the app (gallery.sh): the home page says how far it is; when the
    preparing process is gone, the bar is too."""
    import json
    import os
    import time
    from domains.core import health
    monkeypatch.setattr(health, "latest_path", lambda: tmp_path / "health" / "latest.json")
    health.running_path().parent.mkdir(parents=True)
    health.running_path().write_text(json.dumps({"done": 20, "of": 67, "title": "Speech recognition",
                                                 "started": time.time() - 40, "pid": os.getpid()}))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    bar, = [e for e in at.get("progress") if "Preparing" in e.proto.text]
    import re  # 40 s for 20 demos: about 94 s for the other 47 (a little more as the page renders)
    assert re.search(r"Preparing the demos behind the app: 20 of 67 checked, about 1 min [3-4]\d s left", bar.proto.text)
    assert abs(bar.proto.value - 29) <= 1  # percent
    health.running_path().write_text(json.dumps({"done": 20, "of": 67, "title": "x", "started": 0, "pid": 2**22 + 7}))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not [e for e in at.get("progress") if "Preparing" in e.proto.text]  # its process is gone


def operator_app(monkeypatch, token: str = "s3cret-token") -> AppTest:
    """The home page opened with the operator's link (?operator=<token>, the token in the environment)."""
    monkeypatch.setenv("GALLERY_OPERATOR_TOKEN", token)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["operator"] = token
    return at


def test_only_the_operators_link_shows_the_controls_that_act_on_every_visitor(monkeypatch):
    at = operator_app(monkeypatch).run()
    assert not at.exception
    assert any(b.label == "Run the check now" for b in at.button)
    assert "operator" not in at.query_params  # the token leaves the address bar at once
    at.run()  # and the session stays the operator's
    assert any(b.label == "Run the check now" for b in at.button)
    wrong = operator_app(monkeypatch)
    wrong.query_params["operator"] = "guess"
    wrong.run()
    assert not any(b.label == "Run the check now" for b in wrong.button) and "operator" not in wrong.query_params
    monkeypatch.delenv("GALLERY_OPERATOR_TOKEN")  # no token set: nobody operates from a browser
    nobody = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    nobody.query_params["operator"] = ""
    nobody.run()
    assert not any(b.label == "Run the check now" for b in nobody.button)


def test_a_second_health_check_is_refused_while_one_runs(tmp_path, monkeypatch):
    """Runs are serialised across sessions and processes by a lock file: the page's run does not queue behind
    another; it says one is running."""
    from domains.core import health
    from domains.core.errors import Busy
    monkeypatch.setattr(health, "latest_path", lambda: tmp_path / "health" / "latest.json")
    with health.exclusive():
        with pytest.raises(Busy):
            domains.check(["vision.classify"], wait=False)
        at = operator_app(monkeypatch).run()
        next(b for b in at.button if b.label == "Run the check now").click().run()
        assert errors(at)[0].startswith("A health check is already running on this server.")
    assert not list((tmp_path / "health").glob("*.tmp"))
    domains.check(["vision.classify"], save=True)  # free again: it runs and keeps its result
    assert [r["id"] for r in health.load()["results"]] == ["vision.classify"]


def test_a_run_is_kept_for_the_session_report():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert "Run a demo" in texts(at)  # nothing run yet
    at.switch_page("pages/vision.py").run()
    assert not at.exception
    runs = at.session_state["_session_runs"]
    assert [r.demo_id for r in runs] == ["vision.classify"] and runs[0].result.labels[0].label == "espresso"
    at.run()  # a rerun of the same example is the same run, not a new one
    assert len(at.session_state["_session_runs"]) == 1
    buttons = at.get("download_button")
    assert buttons and "1 run" in buttons[0].proto.label
    page_html = domains.report(at.session_state["_session_runs"])
    assert "espresso" in page_html and "EfficientNet-Lite0" in page_html


def test_model_card_and_sidebar_count_the_same_memory_and_unloading_says_what_came_back(monkeypatch):
    at = page("pages/vision.py").run()
    assert not at.exception
    from domains.core.loader import LOADER
    counted = next(m for m in LOADER.loaded() if m["id"] == "efficientnet-lite0")["ram_mb"]
    assert f"the budget counts {counted:.0f} MB, as in the sidebar" in texts(at)
    assert "MB RAM (estimate)" in texts(at)  # the badge's figure says it is an estimate
    assert "Reads" not in texts(at)  # an image model: no language row
    # the sidebar as the operator sees it: the model with the same count, and its unload button
    op = operator_app(monkeypatch).run()
    assert f"**EfficientNet-Lite0**  \n{counted:.0f} MB" in "\n".join(m.value for m in op.sidebar.markdown)
    op.button(key="unload_efficientnet-lite0").click().run()
    assert "efficientnet-lite0" not in {m["id"] for m in LOADER.loaded()}
    assert any(c.value.startswith(":material/eject: EfficientNet-Lite0 unloaded: the process gave")
               for c in op.sidebar.caption)


def test_a_visitor_cannot_unload_what_another_visitor_uses(monkeypatch):
    """Two sessions: the visitor's sidebar has no unload control, and a forged unload from a visitor's session
    leaves the model that the other session loaded in memory."""
    from domains.core.loader import LOADER
    monkeypatch.setenv("GALLERY_OPERATOR_TOKEN", "s3cret-token")
    first = page("pages/vision.py").run()
    assert not first.exception and "efficientnet-lite0" in {m["id"] for m in LOADER.loaded()}
    visitor = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not [b for b in visitor.button if b.key and b.key.startswith("unload_")]
    assert not any(b.label == "Run the check now" for b in visitor.button)
    assert "EfficientNet-Lite0" in "\n".join(m.value for m in visitor.sidebar.markdown)  # read, not acted on

    def forged():  # what a crafted unload message would reach: the callback itself, in a visitor's session
        import pages._ui as ui
        ui._unload("efficientnet-lite0", "EfficientNet-Lite0")
    AppTest.from_function(forged).run()
    assert "efficientnet-lite0" in {m["id"] for m in LOADER.loaded()}
    first.run()
    assert not first.exception and texts(first).count("espresso") >= 1


def test_model_cards_fill_their_descriptions_placeholders_in_both_languages():
    """EfficientNet's card description is a template (parameters, top-1, input size): filled, never shown raw."""
    from domains.core import i18n
    for lang in ("en", "zh"):
        i18n.set_language(lang)
        at = page("pages/vision.py")
        at.query_params["lang"] = lang
        at.run()
        captions = "\n".join(c.value for c in at.caption)
        assert "{params_m}" not in captions and "224x224" in captions, captions[:500]
    i18n.set_language("en")


def test_a_table_shows_the_apps_own_values_as_plain_text():
    """st.table reads cells as Markdown: '>99.9%' (a probability the app formats) was drawn as a block quote."""
    def page_with_a_table():
        from pages import _ui
        _ui.table([{"sure": ">99.9%", "name": "**not bold** <b>x</b>"}])
    at = AppTest.from_function(page_with_a_table).run()
    raw = at.table[0].value
    assert raw["sure"].item() == "\\>99\\.9%" and raw["name"].item().startswith("\\*\\*not bold")
    assert table(at)["sure"].item() == ">99.9%"
