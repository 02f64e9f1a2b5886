"""Every section of the Vision and Medical pages under AppTest: a real result from its default example,
and the bad-image list of issue 3 as uploads (a clear message or a correct result, never an exception)."""
from __future__ import annotations

import io
import json

import pytest
from streamlit.testing.v1 import AppTest
from testmedia import bad_images

from test_pages import errors as shown_errors, evaluation_rows, open_section, texts, table

VISION_SECTIONS = {  # section -> what its default example must show
    "explain": "### tiger cat",
    "compare": "### They ",
    "ocr": "lines of text",
    "faces": "### 1 face",
    "mesh": "478 points",
    "pose": "of 33 joints visible",
    "hands": "### 1 hand",
    "segment": "### Person:",
}


def vision(section: str, **state) -> AppTest:
    return open_section("pages/vision.py", section, **state)


@pytest.mark.parametrize("section,expected", VISION_SECTIONS.items())
def test_vision_section_default_example(section, expected):
    at = vision(section)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert expected in texts(at), texts(at)[:2000]
    assert at.json, "raw output expander missing"


def test_vision_ocr_lists_chinese_text_with_a_copyable_block():
    at = vision("ocr")
    assert "火车站" in "\n".join(c.value for c in at.code)
    assert at.table and len(table(at, 0)) >= 4


def test_vision_faces_knob_max_faces():
    at = vision("faces")
    raw = json.loads(at.json[0].value)
    assert len(raw["faces"]) == 1
    at.slider(key="face_min").set_value(0.99).run()
    assert "### 0 faces" in texts(at)


def test_vision_segment_effect_radio():
    at = vision("segment")
    at.radio(key="seg_effect").set_value("green").run()
    assert not at.exception and "Background: green" in str([i.proto for i in at.get("image")])


UPLOADERS = {"classify": "cls", "ocr": "ocr", "pose": "pose", "segment": "seg"}


@pytest.mark.parametrize("section", list(UPLOADERS))
def test_vision_bad_image_uploads(section):
    key = UPLOADERS[section]
    at = vision(section)
    for name, (data, expect) in bad_images().items():
        at.file_uploader(key=f"{key}_upload").upload(f"{name}.png", data, "image/png").run()
        assert not at.exception, (section, name, at.exception)
        errors = shown_errors(at)
        if expect == "ok":
            assert not errors and at.json, (section, name, errors)  # a real result, raw output shown
        elif expect == "error":
            assert errors and "Traceback" not in errors[0], (section, name)


# ---------------------------------------------------------------- hub-only tasks
HUB_TASKS = ["vision.detect", "vision.semantic_segment", "vision.depth", "vision.zero_shot", "vision.caption"]


@pytest.mark.parametrize("task", HUB_TASKS)
def test_vision_hub_only_task_offline_explains_itself(task):
    """Offline: one calm notice and the model's card; no warning, no error, no example photos, no internal id."""
    at = vision("hub", vision_hub_task=task)
    assert not at.exception and not at.warning and not at.error
    assert "no hub is reachable from this computer" in texts(at)
    assert not [b for b in at.button if "_ex_" in (b.key or "")] and not at.get("file_uploader")
    assert task not in texts(at) and "vision.faces" not in texts(at)


def test_vision_hub_only_button_opens_the_offline_demo():
    at = vision("hub", vision_hub_task="vision.detect")
    next(b for b in at.button if b.label == "Try Find faces instead: it works offline").click().run()
    assert not at.exception and "### 1 face" in texts(at)


@pytest.mark.parametrize("task,expected", [("vision.detect", "object"), ("vision.semantic_segment", "classes"),
                                           ("vision.depth", "Nearest third"), ("vision.zero_shot", "### a "),
                                           ("vision.caption", "### “")])
def test_vision_hub_only_task_runs_from_the_local_cache(tiny_vision_pipelines, task, expected):
    at = vision("hub", vision_hub_task=task)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert expected in texts(at)


# ---------------------------------------------------------------- medical
def medical_page(section: str, **state) -> AppTest:
    return open_section("pages/medical.py", section, **state)


def test_medical_skin_default_shows_classes_accuracy_and_disclaimer():
    at = medical_page("skin")
    assert not at.exception and not at.error
    body = texts(at)
    assert "accuracy 82.5%" in body and "melanomas" in body
    assert any("not a diagnosis" in w.value.lower() for w in at.warning)
    assert len(json.loads(at.json[0].value)["classes"]) == 7


def test_medical_skin_metadata_changes_the_result():
    at = medical_page("skin")
    before = json.loads(at.json[0].value)["classes"]
    at.selectbox(key="skin_site").set_value("trunk").run()
    at.number_input(key="skin_age").set_value(75).run()
    after = json.loads(at.json[0].value)["classes"]
    assert not at.exception and before != after


def test_medical_skin_bad_uploads():
    at = medical_page("skin")
    for name, (data, expect) in bad_images().items():
        at.file_uploader(key="skin_upload").upload(f"{name}.png", data, "image/png").run()
        assert not at.exception, (name, at.exception)
        assert bool(at.error) == (expect == "error") or expect == "ok-or-error", (name, [e.value for e in at.error])
        assert bool(at.json) == (not at.error), name  # either a result or a message


@pytest.mark.parametrize("sample", ["ct", "mr", "brain", "retina", "pathology"])
def test_medical_viewer_every_sample(sample):
    at = medical_page("images", med_sample=sample)
    assert not at.exception and not at.error
    assert at.get("image"), "no image shown"


def test_medical_viewer_ct_window_preset_and_dicom_upload():
    from pydicom import examples as dx
    at = medical_page("images")
    at.selectbox(key="med_preset").set_value("lung").run()
    assert not at.exception
    buf = io.BytesIO()
    dx.ct.save_as(buf)
    at.radio(key="med_src").set_value("upload").run()
    at.file_uploader(key="med_upload").upload("scan.dcm", buf.getvalue(), "application/dicom").run()
    assert not at.exception and not at.error
    assert any("Hounsfield" in str(c.proto) for c in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"))
    assert "CT" in at.dataframe[0].value.to_string()


@pytest.mark.parametrize("name,data,message", [
    ("photo.dcm", b"\x89PNG\r\n\x1a\n" + b"0" * 400, "not a DICOM"),
    ("notes.dcm", b"just some text", "not a DICOM"),
    ("empty.dcm", b"", "empty"),
])
def test_medical_viewer_non_dicom_upload(name, data, message):
    at = medical_page("images", med_src="upload")
    at.file_uploader(key="med_upload").upload(name, data, "application/dicom").run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_medical_tabular_shows_metrics_baseline_verdict_and_attributions():
    at = medical_page("tabular")
    assert not at.exception and not at.error
    body = texts(at)
    assert "P(malignant)" in body and "Recorded diagnosis" in body
    assert "logistic regression" in evaluation_rows(at).to_string()
    at.number_input(key="bc_case").set_value(5).run()
    assert not at.exception and json.loads(at.json[0].value)["case"] == 5


def test_medical_typed_measurement_is_read_as_typed():
    """'1e12' used to reach the model as 112 (the browser's number parsing); now the guard reads what was typed."""
    at = medical_page("tabular", bc_edit_0={"edited_rows": {0: {"value": "1e12"}}, "added_rows": [],
                                            "deleted_rows": []})
    assert not at.exception and any("is absurd" in e and "1e+12" in e for e in shown_errors(at)), shown_errors(at)


def test_a_request_that_waits_too_long_for_a_busy_model_says_so_and_retries():
    """A room clicks the same example: this session's classify queues behind a call that holds the model; past the
    wait limit the page shows who is ahead and a retry button, and the retry gives the result once the model is free."""
    import threading
    from domains.core.loader import LOADER
    from domains.vision import CLASSIFY

    holding, release = threading.Event(), threading.Event()

    def hold():
        with LOADER.use(CLASSIFY.default_model):
            holding.set()
            release.wait(60)

    t = threading.Thread(target=hold)
    t.start()
    limit, LOADER.wait_limit_s = LOADER.wait_limit_s, 0.5
    try:
        assert holding.wait(60)
        at = vision("classify")
        assert not at.exception, at.exception
        assert any("busy with other people's requests (1 ahead of yours)" in e for e in shown_errors(at)), shown_errors(at)
        retry = [b for b in at.button if b.label == "Try again"]
        assert retry
        release.set()
        t.join(30)
        retry[0].click().run()
        assert not at.exception and not at.error, shown_errors(at)
        assert "### " in texts(at) and at.json
    finally:
        release.set()
        LOADER.wait_limit_s = limit
