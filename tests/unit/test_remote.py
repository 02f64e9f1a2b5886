"""The remote backend without Ray: the wire format, and `domains.run` against a plain HTTP server that answers with
`remote.handle` (what every Serve replica runs). The real cluster: tests/serve/test_cluster.py."""
from __future__ import annotations

import dataclasses
import http.server
import io
import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

import domains
from domains.serving import remote, wire
from domains.core.errors import Busy, GalleryError, InputError
from domains.core.inputs import Guarded, ImageInfo, load_image

pytestmark = pytest.mark.xdist_group("remote")


# ---------------------------------------------------------------- wire
def test_wire_round_trips_every_kind_of_value():
    import pandas as pd
    from PIL import Image
    from domains.core.evaluation import Evaluation
    img = Image.fromarray(np.arange(48 * 40 * 3, dtype=np.uint8).reshape(40, 48, 3) % 251, "RGB")
    frame = pd.DataFrame({"a": [1, 2], "t": pd.to_datetime(["2020-01-01", "2020-01-02"])}, index=["x", "y"])
    value = {"n": None, "b": True, "i": 2**70, "f": 0.1, "nan": float("nan"), "inf": float("-inf"), "s": "漢字 <b>",
             "l": [1, (2, 3)], "t": (1, "a"), "by": b"\x00\xff", "nd": np.arange(6, dtype=np.float32).reshape(2, 3),
             "np": np.int64(7), "img": img, "df": frame, "ser": frame["a"], 3: "int key", "__wire__": "a user's key"}
    out = wire.loads(wire.dumps(value))
    assert out["i"] == 2**70 and out["f"] == 0.1 and np.isnan(out["nan"]) and out["inf"] == float("-inf")
    assert out["t"] == (1, "a") and out["l"] == [1, (2, 3)] and out["by"] == b"\x00\xff" and out["s"] == "漢字 <b>"
    assert out["nd"].dtype == np.float32 and out["nd"].shape == (2, 3) and (out["nd"] == value["nd"]).all()
    assert out["np"] == 7 and out["np"].dtype == np.int64
    assert out["img"].mode == "RGB" and np.array_equal(np.asarray(out["img"]), np.asarray(img))  # lossless
    pd.testing.assert_frame_equal(out["df"], frame)
    pd.testing.assert_series_equal(out["ser"], frame["a"])
    assert out[3] == "int key" and out["__wire__"] == "a user's key"
    ev = Evaluation.judge(data="d", split="s", metric="accuracy", higher_is_better=True, model=0.9,
                          baselines={"majority": 0.5}, tolerance=0.01)
    assert wire.loads(wire.dumps(ev)) == ev


def test_wire_refuses_what_it_cannot_trust():
    class Elsewhere:
        pass

    @dataclasses.dataclass
    class Local:  # a dataclass outside the gallery's package
        x: int = 1

    for bad in (Elsewhere(), Local(), {1, 2}):
        with pytest.raises(wire.WireError):
            wire.dumps(bad)
    # Only result classes of this package are rebuilt, and only with exactly their fields.
    for msg in ({"__wire__": "dc", "type": "subprocess:Popen", "v": {}},
                {"__wire__": "dc", "type": "os:system", "v": {}},
                {"__wire__": "dc", "type": "domains.core.inputs:load_image", "v": {}},
                {"__wire__": "dc", "type": "domains.core.media:ImageInfo", "v": {"width": 1}},
                {"__wire__": "nd", "dtype": "|O", "shape": [1], "v": ""},
                {"__wire__": "pickle", "v": "gASVAAAAAAAAAAA="},
                {"__wire__": "img", "mode": "RGB", "size": [60000, 60000], "v": ""},   # a bomb by its size
                {"__wire__": "img", "mode": "RGB", "size": [40, 40], "v": "AAAA"},     # fewer bytes than pixels
                {"__wire__": "img", "mode": "XYZ", "size": [1, 1], "v": "AAAA"},
                {"__wire__": "float", "v": "__import__('os')"}):
        with pytest.raises(wire.WireError):
            wire.loads(json.dumps(msg))
    with pytest.raises(wire.WireError):
        wire.loads(b"\xff not json")


def test_wire_refuses_a_decompression_bomb_before_decoding():
    from testmedia import _png_bomb
    with pytest.raises(wire.WireError, match="too large"):
        wire.loads(json.dumps({"__wire__": "png", "v": __import__("base64").b64encode(_png_bomb()).decode()}))


def test_no_pickle_on_the_wire():
    for mod in (wire, remote):
        src = Path(mod.__file__).read_text()
        assert "pickle" not in src.replace("never pickle", "").replace("Never pickle", "")


# ---------------------------------------------------------------- a server that answers as a replica does
class _Server:
    """`remote.handle` behind http.server on loopback; `fail` = how many next POSTs answer 500 (or drop)."""

    def __init__(self):
        self.fail, self.drop, self.posts, self.headers = 0, False, 0, []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                from domains.core.loader import LOADER  # as a replica reports (serve_app.Models.loaded)
                models = {"LongTail": {"pid": os.getpid(), "rss_mb": 500, "models": [m["id"] for m in LOADER.loaded()]}}
                self._send(200, json.dumps({"deployments": {"LongTail": {"status": "HEALTHY", "replicas": 1}},
                                            "models": models}).encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts += 1
                outer.headers.append(self.headers.get(remote.HEADER))
                if outer.fail:
                    outer.fail -= 1
                    if outer.drop:
                        self.connection.close()
                        return
                    return self._send(500, b"{}")
                self._send(*remote.handle(body))

            def _send(self, code, body):
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def server():
    s = _Server()
    yield s
    s.httpd.shutdown()


@pytest.fixture
def served(server, monkeypatch):
    monkeypatch.setenv(remote.ENV, server.url)
    server.fail, server.drop = 0, False
    return server


def _same(demo_id, monkeypatch, server, inp=None, params=None):
    demo = domains.get(demo_id)
    if params is None:
        inp, params = demo.example()
    monkeypatch.delenv(remote.ENV, raising=False)
    local = domains.to_dict(domains.run(demo_id, inp, **params))
    monkeypatch.setenv(remote.ENV, server.url)
    before = server.posts
    result = domains.run(demo_id, inp, **params)
    assert server.posts == before + 1, "the run must have gone to the server"
    got = domains.to_dict(result)
    for d in (local, got):
        d.pop("latency_ms", None)
    assert got == local
    return result


@pytest.mark.parametrize("demo_id", ["vision.classify", "speech.vad", "language.ner", "social.communities"])
def test_a_served_run_equals_the_run_in_process(demo_id, served, monkeypatch):
    """Image (pixels travel, not the file), audio (samples), text, no input: the same result dataclass, equal."""
    result = _same(demo_id, monkeypatch, served)
    assert served.headers[-1] == domains.get(demo_id).default_model.id  # routed by model
    assert dataclasses.is_dataclass(result)


def test_a_spoken_command_and_a_drawn_digit_run_on_the_server_as_in_process(served, monkeypatch):
    """A command's input is a clip when `voice` is on (the guards read it as audio, not as text), and a canvas
    drawing reaches the server as the picture the page makes of it."""
    from domains.concepts import drawing
    from domains.core import examples
    assert domains.get("smart_home.command").input_kind_for({"voice": True}) == "audio"
    assert domains.get("smart_home.command").input_kind_for({"voice": "false"}) == "text"
    heard = _same("smart_home.command", monkeypatch, served, examples.clip("lights"), {"voice": True})
    assert heard.device == "lights" and heard.asr_model
    canvas = np.zeros((224, 224, 4), np.uint8)
    canvas[40:190, 104:122] = 255  # one upright stroke of white ink on a transparent canvas
    domains.run("concepts.cnn", drawing(canvas))  # trained here on first use (a note says so): both runs find it built
    one = _same("concepts.cnn", monkeypatch, served, drawing(canvas), {})
    assert one.prediction == 1, one.prediction


def test_the_input_travels_decoded_not_as_the_users_file(served, monkeypatch):
    seen = {}
    real = remote.request

    def spy(demo_id, input, model, params, lang):
        seen["input"] = input
        return real(demo_id, input, model, params, lang)
    monkeypatch.setattr(remote, "request", spy)
    inp, params = domains.get("vision.classify").example()
    domains.run("vision.classify", inp, **params)
    g = seen["input"]
    assert isinstance(g, Guarded) and g.kind == "image" and isinstance(g.info, ImageInfo)
    assert g.value.mode == "RGB" and not g.value.info  # pixels only: no EXIF, ICC or text chunks
    # and the server's guard takes that form as it is: same pixels as the guard on the file itself
    direct, info = load_image(inp)
    again, info2 = load_image(wire.loads(wire.dumps(g)))
    assert np.array_equal(np.asarray(direct), np.asarray(again)) and info == info2


def test_errors_come_back_as_the_same_type_with_message_and_hint(served):
    # refused by the guard before anything is sent
    posts = served.posts
    with pytest.raises(InputError, match="not an image"):
        domains.run("vision.classify", b"not an image")
    assert served.posts == posts
    # refused on the server (the demo's own check), in the caller's language
    with pytest.raises(InputError) as e:
        domains.run("vision.compare", domains.get("vision.compare").example()[0], other="efficientnet-lite0")
    assert served.posts == posts + 1 and str(e.value)
    with pytest.raises(InputError) as zh:
        domains.run("vision.compare", domains.get("vision.compare").example()[0], other="efficientnet-lite0",
                    lang="zh")
    assert str(zh.value) != str(e.value) and any("\u4e00" <= c <= "\u9fff" for c in str(zh.value))


def _request(input_raw) -> bytes:
    """A request as a client could forge it: the input given as raw wire JSON."""
    return json.dumps({"demo": "vision.classify", "input": input_raw, "model": None, "params": {},
                       "lang": "en"}).encode()


def test_a_damaged_request_is_refused_not_run():
    code, body = remote.handle(b'{"demo": "vision.classify"}')
    assert code == 400 and "Bad request" in wire.loads(body)["error"]["message"]
    # a guarded image whose description is not one: the class's own check refuses it as it is rebuilt
    info = {"__wire__": "dc", "type": "domains.core.media:ImageInfo",
            "v": {"width": "x", "height": 1, "mode": "RGB", "format": None, "used_width": 1, "used_height": 1,
                  "exif_stripped": False}}
    code, body = remote.handle(_request({"__wire__": "dc", "type": "domains.core.media:Guarded",
                                         "v": {"kind": "image", "value": "not pixels", "info": info}}))
    assert code == 400 and "ImageInfo" in wire.loads(body)["error"]["message"]
    code, body = remote.handle(remote.request("vision.classify", None, None, {"top_k": 10**6}, "en"))
    assert wire.loads(body)["error"]["type"] == "InputError"  # parameters checked again on the server


def test_the_server_never_opens_a_path_a_client_sends(tmp_path, monkeypatch, coffee_png):
    """A string where bytes belong is refused (400) before anything reads it: the file is never opened."""
    secret = tmp_path / "on-the-server.png"
    secret.write_bytes(coffee_png)
    opened = []
    real_open, real_read = io.open, Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(str(self)) or real_read(self))
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    for demo_id, kind in (("vision.classify", "image"), ("privacy.faces", "image"), ("speech.vad", "audio")):
        code, body = remote.handle(remote.request(demo_id, str(secret), None, {}, "en"))
        err = wire.loads(body)["error"]
        assert code == 400 and err["type"] == "InputError" and "not str" in err["message"], err
    assert str(secret) not in opened
    # the same photo as bytes is what the server takes
    code, body = remote.handle(remote.request("vision.classify", coffee_png, None, {}, "en"))
    assert code == 200 and wire.loads(body)["result"].labels[0].label == "espresso"


def test_the_server_measures_a_clip_instead_of_believing_its_description():
    from domains.core.audio import MAX_SECONDS, RATE
    from domains.core.media import AudioInfo
    long = np.zeros(int((MAX_SECONDS + 60) * RATE), np.float32)
    lie = Guarded("audio", long, AudioInfo(1.0, RATE, 1, "WAV", 0.0, -90.0))  # says one second
    code, body = remote.handle(remote.request("speech.vad", lie, None, {}, "en"))
    err = wire.loads(body)["error"]
    assert code == 400 and err["type"] == "InputError" and "limit" in err["message"], err


def test_oversized_and_deeply_nested_requests_are_refused(monkeypatch):
    monkeypatch.setattr(remote, "MAX_BODY", 1000)
    code, body = remote.handle(b" " * 1001)
    assert code == 413 and wire.loads(body)["error"]["type"] == "InputError"
    monkeypatch.setattr(remote, "MAX_BODY", 40 * 2**20)
    deep = "[" * 10_000 + "]" * 10_000
    code, body = remote.handle(_request(None).replace(b'"input": null', b'"input": ' + deep.encode()))
    assert code == 400 and "nested too deeply" in wire.loads(body)["error"]["message"]
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.loads("[" * (wire.MAX_DEPTH + 2) + "]" * (wire.MAX_DEPTH + 2))
    assert wire.loads("[" * wire.MAX_DEPTH + "]" * wire.MAX_DEPTH) is not None


def test_a_type_off_the_allow_list_is_refused_without_importing_it():
    import sys
    before = set(sys.modules)
    for name in ("domains.serving.serve_app:Models", "domains.not_a_module:Result", "domains.core.loader:Loader",
                 "subprocess:Popen", "domains.core.inputs:load_image"):
        code, body = remote.handle(_request({"__wire__": "dc", "type": name, "v": {}}))
        assert code == 400 and "refused class" in wire.loads(body)["error"]["message"], name
    assert set(sys.modules) == before
    names = wire.allowed()
    assert "domains.core.media:Guarded" in names and "domains.core.evaluation:Evaluation" in names
    assert all(name.startswith("domains.") for name in names)


@pytest.mark.parametrize("drop", [False, True])
def test_a_failed_request_is_retried_once(served, drop):
    served.drop = drop
    served.fail = 1  # the replica died mid-request: the retry gets the answer
    posts = served.posts
    r = domains.run("concepts.backprop")
    assert served.posts == posts + 2 and r is not None
    served.fail = 2  # twice: a clear message, not a traceback
    with pytest.raises(remote.ServerUnavailable) as e:
        domains.run("concepts.backprop")
    assert served.url in str(e.value) and e.value.hint and isinstance(e.value, GalleryError)
    served.fail = 0


def test_busy_on_the_server_is_busy_here():
    """The page's Try again button is for Busy: a busy replica must reach the page as Busy."""
    body = wire.dumps(remote.error_reply(Busy("busy (4 ahead)", "Try again.")))
    err = remote._error(wire.loads(body)["error"])
    assert type(err) is Busy and str(err) == "busy (4 ahead)" and err.hint == "Try again."


def test_nothing_set_means_in_process(monkeypatch):
    monkeypatch.delenv(remote.ENV, raising=False)
    assert not remote.enabled() and remote.status() == {"where": "process"}


def test_status_says_where_models_run(served, monkeypatch):
    st = remote.status()
    assert st["where"] == "server" and st["url"] == served.url and st["deployments"]["LongTail"]["replicas"] == 1
    monkeypatch.setenv(remote.ENV, "http://127.0.0.1:9")  # nothing listens
    st = remote.status(timeout=2)
    assert st["where"] == "server" and st["error"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_page_runs_its_demo_on_the_server_and_the_sidebar_says_so(served, lang):
    from streamlit.testing.v1 import AppTest
    from domains.core import i18n
    root = Path(__file__).resolve().parents[2]
    i18n.set_language(lang)
    try:
        posts = served.posts
        at = AppTest.from_file(str(root / "pages" / "vision.py"), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert served.posts > posts  # the page's first result came from the server
        assert any(m.value.startswith("### espresso") for m in at.markdown)  # ImageNet's labels stay English
        where = "on the model server" if lang == "en" else "在模型服务器上"
        assert any(where in c.value for c in at.caption)  # the latency line names where the model ran
        card = "In memory: on the model server: loaded" if lang == "en" else "内存中: 模型服务器上：已加载"
        assert any(card in m.value for m in at.markdown)  # the model card: held by a replica there
        app = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=120)
        app.query_params["lang"] = lang
        app.run()
        sidebar = " ".join(c.value for c in app.sidebar.caption)
        if lang == "en":
            assert f"Models run on the cluster at {served.url}" in sidebar and "1 replica running" in sidebar
            assert "LongTail: 500 MB · EfficientNet-Lite0" in sidebar  # what the server holds, by model name
        else:
            assert f"模型在位于 {served.url} 的集群上运行" in sidebar and "1 个副本在运行" in sidebar
    finally:
        i18n.set_language("en")


def test_a_refusal_over_http_reaches_the_caller_as_its_own_error(served, tmp_path):
    """A 400 from the server carries its reason: the front end raises it (no retry), not 'did not answer'."""
    posts = served.posts
    reply = remote._post(remote.request("vision.classify", str(tmp_path / "x.png"), None, {}, "en"), "efficientnet-lite0")
    assert served.posts == posts + 1  # refused once, not retried
    err = remote._error(reply["error"])
    assert isinstance(err, InputError) and "not str" in str(err)
