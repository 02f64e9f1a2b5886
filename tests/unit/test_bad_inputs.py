"""Every bad input of every kind against every demo that takes that kind (tests/testmedia.py builds the corpus).

Through the API a demo gives a result or raises InputError with a message, never another exception; through the
CLI the same input ends with exit 2 and one line on stderr. Parameters: out of range, wrong type, unknown, and
property-based (hypothesis) for every parameter of every demo; text likewise. What a user typed stays inert in
the session report. The pages get the same corpus in tests/app/test_bad_inputs_pages.py."""
from __future__ import annotations

import html.parser
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import domains
from domains.__main__ import main as cli
from domains.core.errors import GalleryError, InputError, ModelUnavailable
from testmedia import HOSTILE_TEXT, bad_audio, bad_images, bad_texts

ROOT = Path(__file__).resolve().parents[2]
CORPUS = {"image": bad_images, "audio": bad_audio, "text": bad_texts}
SUFFIX = {"image": ".png", "audio": ".wav", "text": ".txt"}  # what a user would name the file, whatever it holds
_built: dict[str, dict] = {}


def corpus(kind: str) -> dict:
    if kind not in _built:
        _built[kind] = CORPUS[kind]()
    return _built[kind]


def cases(kind: str, expect: tuple[str, ...] = ("ok", "error", "ok-or-error")):
    return [pytest.param(d.id, name, id=f"{d.id}:{name}") for d in domains.demos() if d.input_kind == kind
            for name, (_, e) in corpus(kind).items() if e in expect]


def example_params(demo) -> dict:
    """The demo's bundled example's parameters (a question's context, a chosen film): the bad input replaces
    only the input."""
    if demo.example is None:
        return {}
    return dict(demo.example()[1])


def run_api(demo_id: str, data):
    demo = domains.get(demo_id)
    return domains.run(demo_id, data, **example_params(demo))


@pytest.mark.parametrize("demo_id,name", cases("image") + cases("audio") + cases("text"))
def test_api_gives_a_result_or_a_clear_message(demo_id, name):
    demo = domains.get(demo_id)
    data, expect = corpus(demo.input_kind)[name]
    try:
        run = domains.record(demo_id, data, **example_params(demo))  # a run as the session report keeps it
        result = run.result
    except ModelUnavailable:
        assert demo.online_only, f"{demo_id} is offline but its model is unavailable"
        return
    except InputError as e:
        assert expect != "ok", f"{demo_id} refused {name}: {e}"
        assert str(e).strip() and "Traceback" not in str(e)
        return
    assert expect != "error", f"{demo_id} took {name} and gave {type(result).__name__}"
    assert result is not None
    if name == "html-and-script":
        assert_report_inert(domains.report([run]))


def _stderr_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("demo_id,name", cases("image", ("error",)) + cases("audio", ("error",))
                         + cases("text", ("error",)))
def test_cli_refuses_with_exit_2_and_one_line(demo_id, name, tmp_path, capsys):
    demo = domains.get(demo_id)
    data, _ = corpus(demo.input_kind)[name]
    path = tmp_path / f"input{SUFFIX[demo.input_kind]}"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    arg = f"file:{path}" if demo.input_kind == "text" else str(path)
    extra = [f"--param={k}={v}" for k, v in example_params(demo).items() if isinstance(v, (str, int, float))]
    assert cli(["run", demo_id, arg, *extra]) == 2
    assert _stderr_line(capsys).startswith("error: ")


@pytest.mark.parametrize("kind,demo_id", [("image", "vision.classify"), ("audio", "speech.vad"),
                                          ("text", "language.ner")])
def test_the_real_cli_process_exits_2_with_one_line(kind, demo_id, tmp_path):
    """The same through a real process: what a shell script sees."""
    name = {"image": "decompression-bomb", "audio": "nan-samples", "text": "invalid-utf8"}[kind]
    path = tmp_path / f"input{SUFFIX[kind]}"
    path.write_bytes(corpus(kind)[name][0])
    arg = f"file:{path}" if kind == "text" else str(path)
    p = subprocess.run([sys.executable, "-m", "domains", "run", demo_id, arg], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stdout, p.stderr)
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ") and "Traceback" not in p.stderr


# ---------------------------------------------------------------- parameters
def bad_values(p) -> list:
    """Values of the wrong type, out of range or outside the choices, for one parameter."""
    if p.kind is object:
        return []
    out = []
    if p.kind in (int, float):
        out += ["abc", "1e", [1, 2], "nan", "inf"]
        if p.min is not None:
            out.append(p.min - 1)
        if p.max is not None:
            out.append(p.max + 1)
    if p.kind is bool:
        out += ["maybe", "2"]
    if p.choices:
        out.append("no-such-choice-" + p.name)
    return out


PARAM_CASES = [pytest.param(d.id, p.name, v, id=f"{d.id}:{p.name}={v!r}") for d in domains.demos()
               for p in d.params for v in bad_values(p)]


@pytest.mark.parametrize("demo_id,param,value", PARAM_CASES)
def test_bad_parameter_values_are_refused_before_the_demo_runs(demo_id, param, value):
    demo = domains.get(demo_id)
    with pytest.raises(InputError, match=re.escape(param)):
        demo.parse_params({param: value})


@pytest.mark.parametrize("demo_id", [d.id for d in domains.demos()])
def test_unknown_parameter_is_named_with_the_known_ones(demo_id, capsys):
    demo = domains.get(demo_id)
    with pytest.raises(InputError, match="no_such_param"):
        domains.run(demo_id, None, no_such_param=1)
    assert cli(["run", demo_id, "x", "--param", "no_such_param=1"]) == 2
    err = _stderr_line(capsys)
    assert "no_such_param" in err and all(p.name in err for p in demo.params)


RAW = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.integers(-10**400, 10**400), st.floats(),
                st.booleans(), st.lists(st.integers(), max_size=3),
                st.sampled_from(["", "0", "1", "-1", "2.5", "true", "1e309", "NaN", "inf", float("inf"), 1.5]))
# one parameter of each distinct declaration (type, default, bounds, choices): the rest behave the same
KINDS_OF_PARAM = list({(p.kind, repr(p.default), p.min, p.max, p.choices): (d.id, p)
                       for d in domains.demos() for p in d.params if p.kind is not object}.values())


@pytest.mark.parametrize("demo_id,p", KINDS_OF_PARAM, ids=[f"{d}:{p.name}" for d, p in KINDS_OF_PARAM])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=RAW)
def test_any_raw_value_parses_within_bounds_or_is_refused(demo_id, p, raw):
    """Property: for any parameter and any raw value, parsing either gives a value of the declared type inside
    its bounds and choices, or raises InputError that names the parameter; nothing else."""
    try:
        value = p.parse(raw)
    except InputError as e:
        assert p.name in str(e)
        return
    if value is None:
        return
    assert isinstance(value, p.kind) or (p.kind is float and isinstance(value, int)), (demo_id, p.name, raw, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        assert math.isfinite(value) if isinstance(value, float) else abs(value) < 2**63
        assert p.min is None or value >= p.min
        assert p.max is None or value <= p.max
        if p.kind is int and isinstance(raw, float):
            assert value == raw  # a count is never silently rounded
    if p.choices:
        assert value in p.choices


# ---------------------------------------------------------------- text, property-based
@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), st.binary(max_size=200)))
def test_text_guard_takes_any_string_or_bytes(raw):
    from domains.core.inputs import load_text, scripts
    try:
        text = load_text(raw)
    except InputError:
        return
    assert text and text == text.strip() and "\x00" not in text
    assert isinstance(scripts(text), dict)


FAST_TEXT_DEMOS = ["language.ner", "privacy.pii", "smart_home.command", "language.search", "finance.headline"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.characters(codec="utf-8"), max_size=300), demo_id=st.sampled_from(FAST_TEXT_DEMOS))
def test_text_demos_take_any_text_or_refuse_it(text, demo_id):
    try:
        result = run_api(demo_id, text)
    except InputError as e:
        assert str(e)
        return
    assert result is not None


# ---------------------------------------------------------------- the report
class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_report_inert(page: str):
    """Tags, an event handler and javascript: links typed into a text demo appear in the downloaded report as
    text: no script element, no event attribute, no javascript: URL."""
    parsed = _Tags()
    parsed.feed(page)
    assert not [t for t, _ in parsed.tags if t in ("script", "iframe", "object", "embed")]
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for a in ("href", "src", "action"):
            assert not (attrs.get(a) or "").strip().lower().startswith("javascript:"), (tag, attrs)
    assert "&lt;script&gt;" in page  # the input excerpt shows the markup as typed
