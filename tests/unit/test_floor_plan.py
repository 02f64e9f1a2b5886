"""The floor plan: one package per domain found by discovery, a shared core that imports no domain,
demo ids under their domain (old ids as aliases), one timing path, one evaluation record, the demo
health check and the session report."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import domains
from domains.core import health, registry
from domains.core.evaluation import Evaluation
from domains.core.loader import LOADER, Timed
from domains.core.registry import Demo, ModelSpec
from known_shape import write_package
from testmedia import wav

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "domains"
DOMAIN_PACKAGES = sorted(p.name for p in PKG.iterdir() if (p / "__init__.py").exists()
                         and p.name not in domains.NOT_DOMAINS)


def test_every_domain_package_is_discovered_and_has_its_page():
    assert {d.id for d in domains.domains()} == set(DOMAIN_PACKAGES)
    for d in domains.domains():
        assert d.page == f"pages/{d.id}.py" and (ROOT / d.page).exists()
        assert all(x.id.startswith(d.id + ".") for x in domains.demos(d.id))
    assert not hasattr(registry, "DEMO_MODULES")  # no hand-kept list


def test_a_new_package_is_a_new_domain(tmp_path):
    """Discovery, not a list: a package dropped beside the others registers itself."""
    pkg = tmp_path / "weather"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from domains.core.registry import Demo, Domain, ModelSpec, register, register_domain\n"
        "register_domain(Domain(id='weather', title='Weather', icon='', section='S', blurb='b', "
        "page='pages/weather.py'))\n"
        "M = ModelSpec(id='persistence', name='Persistence', source='trained', adapter='none', license='MIT', "
        "size_mb=0, ram_mb=0, offline=True, ref='none')\n"
        "register(Demo(id='weather.tomorrow', domain='weather', task='t', title='Tomorrow', summary='s', "
        "input_kind='none', fn=lambda x, **k: 'same as today', models=(M,)))\n")
    code = (f"import domains; domains.__path__.append({str(tmp_path)!r})\n"
            "print(sorted(d.id for d in domains.domains())); print(domains.run('weather.tomorrow'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert "'weather'" in out.stdout and "same as today" in out.stdout


def _imports(path: Path) -> list[str]:
    """Every module a file imports, by any spelling, at any depth in it (a function's own import too), absolute:
    `import domains`, `from domains.x import y`, `from . import y`, `from .. import y`, and
    `importlib.import_module("...")` / `__import__("...")` with a constant name (a computed name is reported as
    "?", which no floor allows)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out += [mod] if node.module else [f"{mod}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and (
                isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
                or isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module")):
            arg = node.args[0] if node.args else None
            out.append(arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else "?")
    return out


def _core_module(name: str) -> str | None:
    parts = name.split(".")
    return parts[2] if len(parts) >= 3 and parts[:2] == ["domains", "core"] else None


COMPUTED_IMPORTS = {"loader.py"}  # each checked where it imports (see ModelLoader._build)


def test_the_shared_core_is_the_ground_floor():
    """Core imports only core (and outside libraries): no domain, no serving, not the `domains` package itself,
    by any spelling; and no two core modules import each other round a circle."""
    graph: dict[str, set[str]] = {}
    for path in (PKG / "core").glob("*.py"):
        graph[path.stem] = set()
        for name in _imports(path):
            if name == "?":  # the loader imports its adapters' libraries (torch, ...) and refuses the gallery's own
                assert path.name in COMPUTED_IMPORTS, f"core/{path.name} imports a module by a computed name"
                continue
            if name == "domains" or name.startswith("domains."):
                assert _core_module(name) or name == "domains.core", f"core/{path.name} imports {name}"
                if _core_module(name) and (PKG / "core" / f"{_core_module(name)}.py").exists():
                    graph[path.stem].add(_core_module(name))
    seen: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:  # depth-first: a grey module met again closes a circle
        seen[m] = 1
        for n in sorted(graph[m]):
            assert seen.get(n) != 1, f"circle in core: {' -> '.join(trail + [m, n])}"
            if n not in seen:
                visit(n, trail + [m])
        seen[m] = 2
    for m in sorted(graph):
        if m not in seen:
            visit(m, [])


def test_the_guard_reads_every_spelling(tmp_path):
    f = tmp_path / "domains" / "core" / "x.py"
    f.parent.mkdir(parents=True)
    f.write_text("import domains\nfrom domains import vision\nfrom .. import speech\nfrom . import loader\n"
                 "import importlib\nimportlib.import_module('domains.work')\nimportlib.import_module(name)\n")
    global ROOT
    root, ROOT = ROOT, tmp_path
    try:
        assert _imports(f) == ["domains", "domains", "domains.speech", "domains.core.loader", "importlib",
                               "domains.work", "?"]
    finally:
        ROOT = root


def test_serving_has_its_own_room_on_the_ground_floor():
    """The model server's package is not a domain and builds on core alone: it runs any demo through the
    registry (the domains are found by discovery), never by importing a domain, the `domains` package or a page."""
    assert "serving" not in {d.id for d in domains.domains()}
    for path in (PKG / "serving").glob("*.py"):
        for name in _imports(path):
            assert name != "?", f"serving/{path.name} imports a module by a computed name"
            if name == "domains" or name.startswith("domains."):
                assert name.startswith(("domains.core", "domains.serving")), f"serving/{path.name} imports {name}"
            assert not name.startswith(("pages", "streamlit")), f"serving/{path.name} imports {name}"


def test_readme_holds_the_table_of_demos_the_registry_makes():
    from domains.core import table
    shown = table.in_readme((ROOT / "README.md").read_text())
    assert shown is not None, "README lost its table markers"
    assert shown == table.markdown(), "README's table of demos is stale: python -m domains list --markdown"




def test_a_demo_declared_once_reaches_every_list(tmp_path):
    """One module in a new domain package, and the demo is in the CLI's list, the health check, README's table,
    the browser walk, the Chinese AppTest's sections and the benchmark's list of trained models, with no other
    file touched."""
    write_package(tmp_path)
    code = f"""
import json, sys
sys.path[:0] = [{str(ROOT / "tests" / "browser")!r}, {str(ROOT / "benchmarks")!r}]
import domains
from domains.core import registry, table
import walk, bench
print(json.dumps({{
    "list": [d.id for d in domains.demos()],
    "check": [r["status"] for r in domains.check(["weather.tomorrow"])],
    "table": "Rain tomorrow?: Humidity today in, rain or dry tomorrow out." in table.markdown(),
    "walk": [w for w in walk.sections() if w[0].startswith("weather")],
    "sections": registry.sections("weather"),
    "bench": [s.id for s in bench.cached_trained_specs()],
}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "GALLERY_CACHE_DIR": str(tmp_path / "cache"),
                              "GALLERY_EXTRA_DOMAINS": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert "weather.tomorrow" in got["list"] and got["check"] == ["ok"] and got["table"]
    assert got["walk"] == [["weather?demo=tomorrow", ".st-key-tomorrow_result", "rain"]]
    assert got["sections"] == {"tomorrow": ":material/umbrella: Rain tomorrow"}
    assert "humidity-rule" in got["bench"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GALLERY_CACHE_DIR": str(tmp_path / "cache"),
           "GALLERY_EXTRA_DOMAINS": str(tmp_path)}
    listed = subprocess.run([sys.executable, "-m", "domains", "list", "--json"], capture_output=True, text=True,
                            cwd=ROOT, timeout=300, env=env)
    assert {d["id"]: d for d in json.loads(listed.stdout)}["weather.tomorrow"]["responsible"]["page"] == "work"
    checked = subprocess.run([sys.executable, "-m", "domains", "check", "weather.tomorrow", "--json"],
                             capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert checked.returncode == 0 and json.loads(checked.stdout)[0]["evaluation"]["verdict"] == "model"


def test_demo_modules_time_model_calls_through_the_loader():
    """One timing path: no domain module wraps LOADER.use with its own perf_counter."""
    for path in PKG.glob("*/*.py"):
        if path.parent.name in domains.NOT_DOMAINS:
            continue
        text = path.read_text()
        assert not re.search(r"LOADER\.use\([^\n]*\n(?:[^\n]*\n){0,3}[^\n]*perf_counter", text), path


def test_loader_call_returns_output_and_latency():
    spec = domains.get("vision.classify").default_model
    out = LOADER.call(spec, lambda clf: clf.labels[:2])
    assert isinstance(out, Timed) and len(out.output) == 2 and out.latency_ms >= 0


def test_old_ids_are_aliases_in_the_api_and_the_cli():
    assert domains.get("nlp.ner") is domains.get("language.ner")
    assert domains.get("home.command") is domains.get("smart_home.command")
    assert domains.run("home.command", "turn on the kitchen lights").understood
    out = subprocess.run([sys.executable, "-m", "domains", "run", "nlp.ner", "Tim Cook visited Berlin.", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert {e["label"] for e in json.loads(out.stdout)["entities"]} >= {"PERSON", "GPE"}
    listed = {d["id"]: d for d in (x.describe() for x in domains.demos())}
    assert listed["language.ner"]["aliases"] == ["nlp.ner"]


# ---------------------------------------------------------------- evaluation record
@pytest.mark.parametrize("higher,model,base,verdict", [
    (True, 0.90, {"b": 0.80}, "model"), (True, 0.80, {"b": 0.90, "c": 0.5}, "baseline"),
    (True, 0.834, {"b": 0.836}, "tie"), (False, 0.50, {"naive": 0.60}, "model"), (False, 0.60, {"naive": 0.50}, "baseline"),
])
def test_evaluation_verdict(higher, model, base, verdict):
    ev = Evaluation.judge(data="d", split="s", metric="m", higher_is_better=higher, model=model, baselines=base,
                          tolerance=0.005)
    assert ev.verdict == verdict
    assert {"model", "tie", "baseline"} >= {ev.verdict} and ev.sentence()


@pytest.mark.parametrize("value,shown", [
    (0.4631, "0.463"), (0.25, "0.25"), (0.18014, "0.18"), (61.23, "61.2"), (1415.2, "1,415"), (0.0012, "0.0012"),
    (0.9996, "0.9996"), (99.96, "99.96"), (0, "0"), (-0.0234, "-0.0234"), (12.0, "12")])
def test_one_format_for_every_score_of_a_record(value, shown):
    from domains.core.evaluation import number
    assert number(value) == shown
    ev = Evaluation.judge(data="d", split="s", metric="m", higher_is_better=True, model=value, baselines={"b": 0.5},
                          tolerance=0.005)
    assert ev.fmt(ev.model) == shown and f"{shown} against 0.5 for b" in ev.sentence()


@pytest.mark.parametrize("demo_id,params,verdict", [
    ("medical.breast_cancer", {"case": 0}, "baseline"),   # logistic regression wins on AUC, and the page says so
    ("finance.credit", {}, "tie"),
    ("recommendation.recommend", {"ratings": {"Toy Story (1995)": 5}}, "model"),
    ("finance.headline", {}, "model"),
])
def test_every_trained_model_carries_one_evaluation_record(demo_id, params, verdict):
    x = "Shares slump as the bank posts a surprise loss" if demo_id == "finance.headline" else None
    result = domains.run(demo_id, x, **params)
    ev = domains.to_dict(result)["evaluation"]
    assert {"data", "split", "metric", "higher_is_better", "model", "baselines", "verdict"} <= ev.keys()
    assert isinstance(ev["model"], float) and ev["baselines"] and all(isinstance(v, float) for v in ev["baselines"].values())
    assert ev["verdict"] == verdict


# ---------------------------------------------------------------- health check
@pytest.fixture
def broken_demo():
    spec = ModelSpec(id="broken-double", name="Broken double", source="trained", adapter="none", license="MIT",
                     size_mb=0, ram_mb=0, offline=True, ref="none")

    def fails(_input, **_):
        raise RuntimeError("weights are missing")

    registry.register(Demo(id="vision.broken_double", domain="vision", task="t", title="Broken double", summary="s",
                           input_kind="none", fn=fails, models=(spec,)))
    yield "vision.broken_double"
    registry.unregister("vision.broken_double")


def test_check_reports_a_broken_demo_and_exits_1_while_the_others_pass(broken_demo, capsys, monkeypatch, tmp_path):
    from domains.__main__ import main
    # the check's record goes aside: the test double must not linger in the cache the other test workers share
    monkeypatch.setattr(health, "latest_path", lambda: tmp_path / "latest.json")
    code = main(["check", "--json", broken_demo, "vision.classify", "language.generate", "finance.credit"])
    results = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert code == 1
    bad = results[broken_demo]
    assert bad["status"] == "failed" and "weights are missing" in bad["reason"]
    ok = results["vision.classify"]
    assert ok["status"] == "ok" and ok["first_ms"] > 0 and ok["warm_ms"] > 0 and ok["ram_mb"] > 0
    assert ok["evaluation"] is None
    assert results["language.generate"]["status"] == "online-only"
    assert results["finance.credit"]["evaluation"]["verdict"] in ("model", "tie", "baseline")
    for r in results.values():
        assert {"id", "status", "reason", "first_ms", "warm_ms", "ram_mb", "evaluation"} <= r.keys()
    saved = health.load()
    assert saved and saved["machine"] and {r["id"] for r in saved["results"]} >= set(results)
    assert main(["check", "vision.classify"]) == 0


def test_every_offline_demo_has_a_bundled_example():
    for demo in domains.demos():
        if not demo.online_only and demo.input_kind != "none":
            assert demo.example is not None, demo.id


# ---------------------------------------------------------------- session report
class _Parse(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_report_holds_every_run_with_images_and_stays_small():
    from domains.core import examples
    calls = [("vision.classify", examples.image("coffee"), {}), ("vision.faces", examples.image("astronaut"), {}),
             ("language.ner", "<script>alert(1)</script> Tim Cook met Olaf Scholz in Berlin.", {}),
             ("speech.vad", wav(0.3 * np.sin(np.arange(24000) / 16000 * 2 * np.pi * 220)), {}), ("medical.breast_cancer", None, {"case": 2})]
    runs = []
    for i in range(4):  # 20 real runs
        for demo_id, x, params in calls:
            runs.append(domains.record(demo_id, x, **params))
    page = domains.report(runs)
    parsed = _Parse()
    parsed.feed(page)
    sections = [t for t, _ in parsed.tags if t == "section"]
    assert len(sections) == 20
    for r in runs:
        assert r.demo_title in page and r.model["license"] in page
    imgs = [a["src"] for t, a in parsed.tags if t == "img"]
    assert len(imgs) >= 4 * 3 and all(src.startswith("data:image/jpeg;base64,") for src in imgs)
    assert not re.search(r"""(src|href)=["']https?:""", page)  # opens offline
    assert "<script>" not in page and "&lt;script&gt;" in page  # user text is text
    assert "espresso" in page and "PERSON" in page
    assert len(page.encode()) < 5 * 2**20
