"""A room full of people: N sessions against a real `streamlit run` on loopback, each running a scripted mix of
demos over the pages for T seconds. The first --browsers sessions (default 2) are real browsers (Playwright
contexts in Debian's Chromium); the others speak Streamlit's own websocket protocol (what its frontend sends and
receives), so that the load generator does not starve the two cores it shares with the server.

    .venv/bin/python benchmarks/load.py --sessions 20 --seconds 300 [--browsers 2] [--walk] [--write] [--json]

Every session first does what a room does: open the Vision page and click the same example (Cat). Then it
browses: a section of a page chosen at random (seeded per session), waits for its result, reads it (--think),
and again, until T
seconds have passed (a run started before then finishes; each run is bounded by --run-timeout). `--walk` first
visits every section of every page once in one session (every offline demo run once) and records the server's
RSS after each. The server's RSS is sampled every 10 s; tracebacks are counted in its log.

Output: a table on stdout; with --write, docs/load.md and docs/load-rss.png; the last stdout line is one JSON
object: runs, errors, tracebacks, p50_ms, p95_ms, max_ms, rss_mb {start, end, peak}, classify_p95_ms, ...
Exit 1 if any run failed or the server logged a traceback.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from walk import SECTIONS  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
CLASSIFY = ("vision?demo=classify", ".st-key-classify_result", "espresso")
# what a session browses: every section with a result offline (the hub-only notices run no model)
MIX = [s for s in SECTIONS if "_result" in s[1]]
# the heavy demos (declared `worker=True`: seconds of CPU per call), by the walk's section names; the others are light


def _heavy() -> set[str]:
    sys.path.insert(0, str(ROOT))
    import domains
    out = set()
    for d in domains.demos():
        if d.worker:
            out |= {q for q, _, _ in SECTIONS if q.startswith(f"{d.domain}?demo={d.section or d.id.split('.')[-1]}")}
    return out


HEAVY = _heavy()
# a run ends when its result shows, or an error / exception element does
WAIT_JS = """([sel, text, inBox]) => {
  const main = document.querySelector('[data-testid=stMain]');
  if (!main) return false;
  if (main.querySelector('[data-testid=stException]')) return 'exception';
  const err = main.querySelector('[data-testid=stAlertContentError]');
  if (err) return 'error: ' + err.innerText.slice(0, 160);
  // the result's container is drawn, and the text it must show is on the page (some sections put it just above)
  const box = main.querySelector(sel);
  return box && (inBox ? box : main).innerText.includes(text) ? 'ok' : false;
}"""


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run` on a free loopback port, its log in a file, its RSS sampled every `every` seconds."""

    def __init__(self, log: Path, env: dict[str, str], every: float = 10.0):
        self.port, self.log_path, self.every = free_port(), log, every
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **env})
        self.url = f"http://127.0.0.1:{self.port}"
        self.t0 = time.monotonic()
        deadline = self.t0 + 120
        while True:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise SystemExit("streamlit did not start:\n" + log.read_text()[-2000:])
                time.sleep(0.3)
        self.start_s = time.monotonic() - self.t0
        self.samples: list[tuple[float, float, str]] = []  # (seconds since start, RSS MB, phase)
        self.phase = "idle"
        self._stop = threading.Event()
        self.sample()
        threading.Thread(target=self._sampler, daemon=True).start()

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def sample(self) -> float:
        mb = self.rss_mb()
        self.samples.append((time.monotonic() - self.t0, mb, self.phase))
        return mb

    def _sampler(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.sample()
            except Exception:  # the process ended
                return

    def tracebacks(self) -> int:
        self.log.flush()
        import re  # Streamlit draws its tracebacks with colour codes between the words: strip them first
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.log_path.read_text(errors="replace"))
        return text.count("Traceback (most recent call last)")

    def stop(self) -> None:
        if hasattr(self, "_stop"):
            self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@dataclass
class Run:
    session: int
    name: str
    ms: float
    outcome: str  # 'ok', 'timeout', 'exception', 'error: <message>'
    phase: str


async def timed(page, runs: list[Run], session: int, name: str, phase: str, action, sel: str, text: str,
                timeout_s: float, in_box: bool = False) -> None:
    t0 = time.perf_counter()

    async def run() -> str:
        await action()
        handle = await page.wait_for_function(WAIT_JS, arg=[sel, text, in_box], polling=250, timeout=timeout_s * 1000)
        return await handle.json_value()
    try:  # bounded as a whole: a navigation or click that never settles is a timeout too
        outcome = await asyncio.wait_for(run(), timeout_s + 10)
    except Exception as e:  # Playwright's timeout, asyncio's, a navigation that failed
        outcome = "timeout" if "Timeout" in type(e).__name__ else f"error: {type(e).__name__}: {str(e)[:120]}"
    runs.append(Run(session, name, (time.perf_counter() - t0) * 1000, outcome, phase))
    print(f"{phase} s{session} {name}: {outcome} {runs[-1].ms / 1000:.1f} s", file=sys.stderr, flush=True)


class Protocol:
    """One visitor as Streamlit's own frontend talks to the server, without a browser: a websocket to
    /_stcore/stream, BackMsg rerun requests (the page, the query string, a button's trigger), ForwardMsg deltas back
    until the script run finishes. Opening a section starts a new connection, as a page load does. A run ends when
    the script has finished: ok if the section's text is among the elements drawn, an error if an error or an
    exception element was drawn. Light enough that twenty of them leave the two cores to the server."""

    def __init__(self, url: str, lang: str):
        self.ws_url, self.lang, self.ws, self.page, self.query, self.elements = \
            url.replace("http://", "ws://") + "/_stcore/stream", lang, None, "", "", []

    async def open(self, query: str) -> None:
        import websockets
        await self.close()
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                           open_timeout=None)  # bounded by the run timeout, as a page load is
        page, _, qs = query.partition("?")
        self.page, self.query = page, f"{qs}&lang={self.lang}"
        await self._rerun()

    async def click(self, label: str) -> None:
        from streamlit.proto.Button_pb2 import Button  # noqa: F401 (the element type whose label is searched)
        ids = [el.button.id for el in self.elements if el.WhichOneof("type") == "button" and el.button.label == label]
        if not ids:
            raise LookupError(f"no button {label!r} on the page")
        await self._rerun(trigger=ids[0])

    async def _rerun(self, trigger: str | None = None) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        msg = BackMsg()
        msg.rerun_script.query_string, msg.rerun_script.page_name = self.query, self.page
        if trigger:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id, w.trigger_value = trigger, True
        await self.ws.send(msg.SerializeToString())
        self.elements = []
        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self.elements.append(fm.delta.new_element)
            elif kind == "script_finished" and fm.script_finished in done:
                return
            elif kind == "page_not_found":
                raise LookupError(f"page not found: {self.page}")

    def outcome(self, text: str, headline: bool = False) -> str:
        """'ok' when `text` is drawn (with `headline`: in a result's ### headline), else what was drawn instead."""
        from streamlit.proto.Alert_pb2 import Alert
        for el in self.elements:
            kind = el.WhichOneof("type")
            if kind == "exception":
                return "exception"
            if kind == "alert" and el.alert.format == Alert.ERROR:
                return "error: " + el.alert.body[:160]
        if headline:
            found = any(el.WhichOneof("type") == "markdown" and el.markdown.body.startswith("###")
                        and text in el.markdown.body.lower() for el in self.elements)
        else:
            # the text among the element's serialized bytes (UTF-8 strings as they are): the load generator shares
            # the server's cores, and turning every element into JSON cost it more CPU than the search needs
            needle = text.encode()
            found = any(needle in el.SerializeToString() for el in self.elements)
        return "ok" if found else f"error: finished without {text!r}"

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


async def ptimed(client: Protocol, runs: list[Run], session: int, name: str, phase: str, action, text: str,
                 timeout_s: float, headline: bool = False) -> None:
    t0 = time.perf_counter()
    try:
        await asyncio.wait_for(action(), timeout_s)
        outcome = client.outcome(text, headline)
    except Exception as e:
        outcome = "timeout" if isinstance(e, asyncio.TimeoutError) else f"error: {type(e).__name__}: {str(e)[:120]}"
    runs.append(Run(session, name, (time.perf_counter() - t0) * 1000, outcome, phase))
    print(f"{phase} s{session} {name}: {outcome} {runs[-1].ms / 1000:.1f} s (protocol)", file=sys.stderr, flush=True)


async def psession(i: int, url: str, deadline: float, runs: list[Run], timeout_s: float, lang: str, seed: int,
                   delay_s: float, think_s: float) -> None:
    """The same script as `session`, spoken by a Protocol client."""
    await asyncio.sleep(delay_s)
    client, rng = Protocol(url, lang), random.Random(seed * 1000 + i)
    try:
        query, _, text = CLASSIFY
        await ptimed(client, runs, i, "open vision.classify", "room", lambda: client.open(query), text, timeout_s)
        await ptimed(client, runs, i, "classify example (Cat)", "room", lambda: client.click("Cat"), "cat",
                     timeout_s, headline=True)
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
            query, _, text = rng.choice(MIX)
            await ptimed(client, runs, i, query, "browse", lambda q=query: client.open(q), text, timeout_s)
    finally:
        await client.close()


async def open_section(page, url: str, query: str, lang: str) -> None:
    await page.goto(f"{url}/{query}&lang={lang}", wait_until="domcontentloaded")


async def new_page(browser, timeout_s: float):
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(timeout_s * 1000)  # navigations and clicks wait as long as a result may
    return ctx, page


async def session(i: int, browser, url: str, deadline: float, runs: list[Run], timeout_s: float, lang: str,
                  seed: int, delay_s: float, think_s: float) -> None:
    await asyncio.sleep(delay_s)  # a room arrives over a minute, not in one millisecond
    ctx, page = await new_page(browser, timeout_s)
    rng = random.Random(seed * 1000 + i)
    try:
        query, sel, text = CLASSIFY
        await timed(page, runs, i, "open vision.classify", "room", lambda: open_section(page, url, query, lang),
                    sel, text, timeout_s)
        await timed(page, runs, i, "classify example (Cat)", "room",
                    lambda: page.get_by_role("button", name="Cat", exact=True).click(), sel, "cat", timeout_s,
                    in_box=True)  # the new labels, in the result itself
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)  # reading the result before the next click
            query, sel, text = rng.choice(MIX)
            await timed(page, runs, i, query, "browse", lambda q=query: open_section(page, url, q, lang),
                        sel, text, timeout_s)
    finally:
        await ctx.close()


async def walk(browser, server: Server, runs: list[Run], timeout_s: float, lang: str) -> list[tuple[str, float]]:
    """Every section once, in one session: the server's RSS after each."""
    ctx, page = await new_page(browser, timeout_s)
    after = []
    for query, sel, text in [CLASSIFY, *MIX]:
        await timed(page, runs, -1, query, "walk", lambda q=query: open_section(page, url=server.url, query=q, lang=lang),
                    sel, text, timeout_s)
        after.append((query, server.sample(), runs[-1].ms, runs[-1].outcome))
    await ctx.close()
    return after


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used: /proc/<pid>/stat fields 14 and 15."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def page_open_cpu(server: Server, lang: str, n: int = 10) -> dict[str, float]:
    """The server's own CPU per warm page open (a new connection each, as a page load; one warm-up open first):
    the home page (no demo runs) and Vision (its example, the model loaded). Measured after the sessions, with the
    room gone quiet; a worker process's CPU is not the server's."""
    out = {}
    for name, query in (("home", ""), ("vision", CLASSIFY[0])):
        client = Protocol(server.url, lang)
        await client.open(query)
        before = cpu_s(server.proc.pid)
        for _ in range(n):
            await client.open(query)
        out[name] = round(1000 * (cpu_s(server.proc.pid) - before) / n, 1)
        await client.close()
    return out


async def warmed(server: Server, limit_s: float) -> float | None:
    """Open the home page as the presenter does, then reopen it every 3 s until it no longer says the app is getting
    its demos ready (domains/core/warm.py): seconds from the app's start, None when it never said so."""
    client, said = Protocol(server.url, "en"), False
    try:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            await client.open("")
            if client.outcome("Getting the demos ready") != "ok":
                return round(time.monotonic() - server.t0, 1) if said else None
            said = True
            await asyncio.sleep(3)
        raise SystemExit(f"the app was still warming up after {limit_s:.0f} s")
    finally:
        await client.close()


async def main_async(args) -> dict:
    from playwright.async_api import async_playwright
    env = dict(kv.split("=", 1) for kv in args.env)
    log = Path(args.log)
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server(log, env)
    runs: list[Run] = []
    result: dict = {"sessions": args.sessions, "browsers": min(args.browsers, args.sessions), "think_s": args.think,
                    "seconds": args.seconds, "ramp": args.ramp, "env": env,
                    "app_start_s": round(server.start_s, 2)}
    try:
        if not args.cold:  # the presenter opens the gallery first; the room arrives once the app has warmed up
            result["app_warm_s"] = await warmed(server, args.run_timeout * 4)
        async with async_playwright() as p:
            browsers = min(args.browsers, args.sessions)
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS) if browsers or args.walk else None
            if args.walk:
                server.phase = "walk"
                after = await walk(browser, server, runs, args.run_timeout, args.lang)
                result["walk_rss_mb"] = {"after_walk": round(after[-1][1], 1),
                                         "peak": round(max(mb for _, mb, _ in server.samples), 1)}
                result["walk"] = [{"section": q, "rss_mb": round(mb, 1), "first_result_ms": round(ms), "outcome": o}
                                  for q, mb, ms, o in after]
            server.phase = "sessions"
            t_start = time.monotonic()
            start_rss = server.sample()
            deadline = t_start + args.seconds
            # the first `browsers` sessions are real Chromium pages, the others speak the protocol
            await asyncio.gather(*((session(i, browser, server.url, deadline, runs, args.run_timeout, args.lang,
                                            args.seed, args.ramp * i / max(1, args.sessions), args.think)
                                    if i < browsers else
                                    psession(i, server.url, deadline, runs, args.run_timeout, args.lang, args.seed,
                                             args.ramp * i / max(1, args.sessions), args.think))
                                   for i in range(args.sessions)))
            wall = time.monotonic() - t_start
            end_rss = server.sample()
            result["page_open_cpu_ms"] = await page_open_cpu(server, args.lang)
            if browser is not None:
                await browser.close()
        sess = [s for s in server.samples if s[2] == "sessions"]
        half = [mb for t, mb, _ in sess if t >= sess[0][0] + (sess[-1][0] - sess[0][0]) / 2]
        result.update({"tracebacks": server.tracebacks(), "wall_s": round(wall, 1)})
    finally:
        server.stop()
    timed_runs = [r for r in runs if r.phase != "walk"]
    ok = [r.ms for r in timed_runs if r.outcome == "ok"]
    cls = [r.ms for r in timed_runs if r.name == "classify example (Cat)" and r.outcome == "ok"]
    opened = [r.ms for r in timed_runs if r.name == "open vision.classify" and r.outcome == "ok"]
    by_demo = {n: {"runs": len(v), "p50_ms": round(percentile(v, 50)), "p95_ms": round(percentile(v, 95)),
                   "heavy": n in HEAVY}
               for n in sorted({r.name for r in timed_runs})
               for v in [[r.ms for r in timed_runs if r.name == n and r.outcome == "ok"]]}
    light = {n: v["p95_ms"] for n, v in by_demo.items() if not v["heavy"] and v["runs"]}
    bad = [r for r in runs if r.outcome != "ok"]
    result.update({
        "runs": sum(r.outcome == "ok" for r in timed_runs), "errors": len(bad),
        "p50_ms": round(percentile(ok, 50)), "p95_ms": round(percentile(ok, 95)), "max_ms": round(max(ok, default=0)),
        "classify_p50_ms": round(percentile(cls, 50)), "classify_p95_ms": round(percentile(cls, 95)),
        "open_vision_p50_ms": round(percentile(opened, 50)), "open_vision_p95_ms": round(percentile(opened, 95)),
        "light_worst_p95_ms": max(light.values(), default=0),
        "light_worst": max(light, key=light.get) if light else "",
        "rss_mb": {"start": round(start_rss, 1), "end": round(end_rss, 1),
                   "peak": round(max(mb for _, mb, _ in server.samples), 1)},
        "rss_growth_last_half_pct": round(100 * (half[-1] - half[0]) / half[0], 2) if len(half) > 1 else 0.0,
        "error_samples": [f"{r.name}: {r.outcome}" for r in bad[:10]],
        "by_demo": by_demo,
        "rss_samples": [(round(t, 1), round(mb, 1), ph) for t, mb, ph in server.samples],
    })
    return result


def _rows(r: dict) -> list[tuple[str, str]]:
    cpu = r.get("page_open_cpu_ms", {})
    rows = [("Server settings", ", ".join(f"{k}={v}" for k, v in r["env"].items()) or "defaults"),
            ("App start to /_stcore/health OK", f"{r['app_start_s']} s"),
            ("App start to warmed up (its light demos ready; the room arrives then)",
             "not waited for (--cold)" if "app_warm_s" not in r else
             "no warming (GALLERY_WARM=0)" if r["app_warm_s"] is None else f"{r['app_warm_s']} s"),
            ("Completed demo runs (page opened or example clicked, until its result showed)", r["runs"]),
            ("Errors (no result: timeout, error message, exception)", r["errors"]),
            ("Tracebacks in the server log", r["tracebacks"]),
            ("Latency per run, p50 / p95 / max", f"{r['p50_ms'] / 1000:.1f} / {r['p95_ms'] / 1000:.1f} / "
                                                  f"{r['max_ms'] / 1000:.1f} s"),
            ("The room's click: classify example (Cat), p50 / p95",
             f"{r['classify_p50_ms'] / 1000:.1f} / {r['classify_p95_ms'] / 1000:.1f} s"),
            ("Opening Vision (its example's result shown), p50 / p95",
             f"{r['open_vision_p50_ms'] / 1000:.1f} / {r['open_vision_p95_ms'] / 1000:.1f} s"),
            ("The slowest light demo's p95 (light: not declared heavy)",
             f"{r['light_worst_p95_ms'] / 1000:.1f} s ({r['light_worst']})"),
            ("Server CPU per warm page open, afterwards: home / Vision",
             f"{cpu.get('home', 0):.0f} / {cpu.get('vision', 0):.0f} ms"),
            ("Server RSS: start of sessions / end / peak",
             f"{r['rss_mb']['start']:.0f} / {r['rss_mb']['end']:.0f} / {r['rss_mb']['peak']:.0f} MB"),
            ("RSS growth over the last half of the sessions", f"{r['rss_growth_last_half_pct']:+.1f} %")]
    if "walk_rss_mb" in r:
        rows.insert(3, ("Server RSS after every section of every page opened once (every offline demo run), "
                        "and the peak", f"{r['walk_rss_mb']['after_walk']:.0f} MB, peak {r['walk_rss_mb']['peak']:.0f} MB"))
    return rows


def table(r: dict, before: dict | None = None) -> str:
    """The run's figures; with `before`, a first column for the run with the other settings."""
    head = (f"{r['sessions']} x {r['seconds']} s (wall {r['wall_s']} s); {r['browsers']} in Chromium, "
            f"{r['sessions'] - r['browsers']} over the protocol; {r['think_s']:g} s to read each result (0.5x-1.5x)")
    if before is None:
        out = "| measure | value |\n|---|---|\n" + f"| Sessions x seconds | {head} |\n" + "\n".join(
            f"| {a} | {b} |" for a, b in _rows(r))
    else:
        out = (f"Sessions x seconds: {head}.\n\n| measure | before | after |\n|---|---|---|\n"
               + "\n".join(f"| {a} | {b} | {c} |" for (a, b), (_, c) in zip(_rows(before), _rows(r))))
    names = sorted(set(r["by_demo"]) | set((before or {}).get("by_demo", {})))

    def cell(res: dict | None, n: str) -> str:
        v = (res or {}).get("by_demo", {}).get(n)
        return f"{v['runs']} | {v['p50_ms'] / 1000:.1f} s | {v['p95_ms'] / 1000:.1f} s" if v and v["runs"] else "0 | - | -"
    tag = lambda n: " (heavy)" if n in HEAVY else ""  # noqa: E731
    if before is None:
        out += "\n\n| demo (page and section) | runs | p50 | p95 |\n|---|---|---|---|\n" + "\n".join(
            f"| {n}{tag(n)} | {cell(r, n)} |" for n in names)
    else:
        out += ("\n\n| demo (page and section) | runs before | p50 | p95 | runs after | p50 | p95 |\n"
                "|---|---|---|---|---|---|---|\n" + "\n".join(
                    f"| {n}{tag(n)} | {cell(before, n)} | {cell(r, n)} |" for n in names))
    if "walk" in r:
        out += ("\n\nThe walk, one session on a fresh server: each section's first result (its models load on first "
                "use) and the server's RSS after it.\n\n| section | first result | RSS after |\n|---|---|---|\n"
                + "\n".join(f"| {w['section']} | {w['first_result_ms'] / 1000:.1f} s"
                             + ("" if w["outcome"] == "ok" else f" ({w['outcome']})") + f" | {w['rss_mb']:.0f} MB |"
                             for w in r["walk"]))
    for res, when in ((before, "before"), (r, "after" if before else "")):
        if res and res["error_samples"]:
            out += f"\n\nErrors seen{' ' + when if when else ''}: " + "; ".join(res["error_samples"])
    return out


def plot(r: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    for phase, colour in (("walk", "tab:blue"), ("sessions", "tab:orange")):
        pts = [(t, mb) for t, mb, ph in r["rss_samples"] if ph == phase]
        if pts:
            ax.plot(*zip(*pts), marker=".", color=colour,
                    label="one session opens every section" if phase == "walk" else f"{r['sessions']} sessions")
    ax.set_xlabel("seconds since the server started")
    ax.set_ylabel("server RSS (MB)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--browsers", type=int, default=2,
                    help="how many of the sessions are real Chromium pages; the others speak Streamlit's websocket "
                         "protocol (twenty browsers on the server's own two cores starve it)")
    ap.add_argument("--think", type=float, default=5,
                    help="seconds a visitor reads a result before the next click (0.5x-1.5x, seeded); 0: no pause")
    ap.add_argument("--walk", action="store_true", help="first open every section once (RSS after each)")
    ap.add_argument("--cold", action="store_true", help="the room arrives as the app starts, not once it has warmed "
                                                        "up (the presenter's first open waits for that otherwise)")
    ap.add_argument("--ramp", type=float, default=20, help="the sessions start spread over this many seconds")
    ap.add_argument("--run-timeout", type=float, default=150, help="seconds one run may take before it counts as an error")
    ap.add_argument("--lang", default="en", choices=["en", "zh"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="server environment (repeatable)")
    ap.add_argument("--before", action="append", default=[], metavar="KEY=VALUE",
                    help="first the same load with these settings too (e.g. GALLERY_WORKERS=0), then without: both "
                         "in one table, measured in one sitting (repeatable)")
    ap.add_argument("--log", default=str(ROOT / "artifacts" / "load-server.log"))
    ap.add_argument("--write", action="store_true", help="write docs/load.md and docs/load-rss.png")
    ap.add_argument("--json", action="store_true", help="the last line is the result as one JSON object")
    args = ap.parse_args()
    if not (0 if args.walk else 1) <= args.sessions <= 50 or not 1 <= args.seconds <= 3600:
        ap.error("--sessions 1..50 (0 with --walk), --seconds 1..3600 (bounded: this runs on the machine it measures)")
    if not Path(CHROMIUM).exists():
        ap.error(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    before = None
    if args.before:
        first = argparse.Namespace(**{**vars(args), "env": [*args.env, *args.before]})
        before = asyncio.run(main_async(first))
    r = asyncio.run(main_async(args))
    print(table(r, before))
    if args.write:
        docs = ROOT / "docs"
        plot(r, docs / "load-rss.png")
        cmd = (f".venv/bin/python benchmarks/load.py --sessions {args.sessions} --browsers {args.browsers} "
               f"--seconds {args.seconds:g} --ramp {args.ramp:g} --think {args.think:g}"
               + (" --walk" if args.walk else "") + "".join(f" --env {kv}" for kv in args.env)
               + "".join(f" --before {kv}" for kv in args.before) + " --write")
        (docs / "load.md").write_text(
            f"# Load: {args.sessions} sessions for {args.seconds:g} s\n\nMeasured {time.strftime('%Y-%m-%d')} on "
            f"{os.cpu_count()} cores (the load generator runs on the same machine as the server); reproduce with `{cmd}`.\n\n"
            + ("Before: the same load with " + ", ".join(args.before) + "; after: without it. Run one after the "
               "other in one sitting.\n\n" if before else "")
            + table(r, before) + "\n\n![Server RSS over the run](load-rss.png)\n")
        print("wrote docs/load.md, docs/load-rss.png")
    if args.json:
        print(json.dumps({k: v for k, v in r.items() if k != "rss_samples"}))
    return 1 if r["errors"] or r["tracebacks"] or (before and (before["errors"] or before["tracebacks"])) else 0


if __name__ == "__main__":
    sys.exit(main())
