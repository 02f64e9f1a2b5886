"""Two Streamlit replicas behind nginx (deploy/nginx.conf, as `./gallery.sh cluster up` starts them): each browser
stays on one replica for everything its session does (page, websocket, upload, media), and both replicas serve.
The models run in each replica's process here: stickiness does not depend on where models run (the model server
is tested in tests/serve)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from skips import need

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))
from cluster import start_nginx, stop_nginx  # noqa: E402
from test_e2e import ARGS, CHROMIUM, ROOT, free_port, shot  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("servers")]




def _health(url: str, cookie: str | None = None) -> str | None:
    req = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"st_route={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.headers.get("X-Upstream")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    need(bool(shutil.which("nginx")), "nginx is not installed (apt-get install nginx)")
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(p),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    run = tmp_path_factory.mktemp("nginx")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        start_nginx(run, port, ports)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if all(urllib.request.urlopen(f"http://127.0.0.1:{p}/_stcore/health", timeout=2).read() == b"ok"
                       for p in ports):
                    break
            except OSError:
                time.sleep(0.5)
        yield url, ports
    finally:
        stop_nginx(run)
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def test_the_same_cookie_always_reaches_the_same_replica_and_a_new_visitor_gets_one(proxy):
    url, ports = proxy
    first = urllib.request.urlopen(url + "/_stcore/health", timeout=5)
    assert any(c.startswith("st_route=") for c in first.headers.get_all("Set-Cookie") or [])  # a new visitor gets a route
    for cookie in ("a", "b", "c"):
        assert len({_health(url, cookie) for _ in range(5)}) == 1


def test_two_visitors_on_two_replicas_each_upload_a_photo(proxy, tmp_path):
    from playwright.sync_api import sync_playwright
    from domains.core.examples import image
    url, ports = proxy
    # one route cookie per replica, found by asking the proxy (its hash decides, not us)
    cookies: dict[str, str] = {}
    for i in range(200):
        cookies.setdefault(_health(url, f"visitor{i}"), f"visitor{i}")
        if len(cookies) == 2:
            break
    assert sorted(int(u.rsplit(":", 1)[1]) for u in cookies) == sorted(ports)
    photo = tmp_path / "cat.jpg"
    image("chelsea").convert("RGB").save(photo, quality=90)  # the default example is coffee: a cat shows the upload
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for upstream, cookie in cookies.items():
                ctx = b.new_context(viewport={"width": 1400, "height": 1000})
                ctx.add_cookies([{"name": "st_route", "value": cookie, "url": url}])
                seen: list[tuple[int, str, str | None]] = []
                pg = ctx.new_page()
                pg.set_default_timeout(120_000)
                pg.on("response", lambda r, s=seen: s.append((r.status, r.url, r.headers.get("x-upstream"))))
                pg.goto(url + "/vision?demo=classify")
                pg.locator(".st-key-classify_result h3").first.wait_for()
                pg.get_by_role("tab", name="Upload").click()
                pg.locator("input[type=file]").set_input_files(str(photo))
                pg.wait_for_function("() => [...document.querySelectorAll('[data-testid=stMain] img')]"
                                     ".some(i => i.src.includes('/media/') && i.naturalWidth > 0)")
                pg.wait_for_function("() => [...document.querySelectorAll('.st-key-classify_result h3')]"
                                     ".some(h => /cat|tabby/i.test(h.innerText))")
                main = pg.locator("[data-testid=stMain]").inner_text()
                assert "Traceback" not in main and "Something went wrong" not in main
                shot(pg, f"proxy-upload-{upstream.rsplit(':', 1)[1]}.png")
                uploads = [s for s in seen if "upload_file" in s[1]]
                media = [s for s in seen if "/media/" in s[1]]
                assert uploads and media, seen
                assert all(code < 400 for code, _u, _x in uploads + media), uploads + media
                # everything this visitor did went to its one replica
                assert {x for _c, _u, x in seen if x} == {upstream}
                ctx.close()
        finally:
            b.close()
