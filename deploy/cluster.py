"""`./gallery.sh cluster up|down|status`: the gallery for a room, on this machine, the way it runs on several.

up:     a Ray head and a second Ray node (local), the model server deployed from deploy/serve.yaml, two Streamlit
        replicas that send their model calls to it (GALLERY_SERVE_URL), and nginx in front with sticky sessions.
        The last line printed is the Serve URL (for GALLERY_SERVE_URL elsewhere).
down:   stops everything `up` started (and only that: other Ray clusters on the machine keep running).
status: what runs, replicas and models loaded on the server.

On several machines: `ray start --head` on one, `ray start --address HEAD:26379` on the others (same venv and
checkout; RAY_AUTH_MODE=token and the head's ~/.ray/auth_token on each), `serve deploy deploy/serve.yaml --address http://HEAD:28265`, and on each front-end machine Streamlit
with GALLERY_SERVE_URL=http://HEAD:28000 behind deploy/nginx.conf. Ray runs with token authentication
(the token in ~/.ray/auth_token); still keep its ports private (who reaches them with the token runs code) and
expose only nginx.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the gallery's own settings (the upload limit) for nginx's file
RUN = Path(os.environ.get("GALLERY_CLUSTER_DIR", ROOT / "artifacts" / "cluster"))  # state, logs, nginx's files
STATE = RUN / "state.json"
BIN = Path(sys.executable).parent
GCS_PORT, DASHBOARD_PORT, SERVE_PORT = 26379, 28265, 28000   # above Ray's worker ports (10002-19999)
APP_PORTS = (8601, 8602)


def say(msg: str) -> None:
    print(msg, flush=True)


def wait_for(url: str, timeout: float, ok=lambda body: True) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if ok(r.read()):
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def serve_ready(body: bytes) -> bool:
    deps = json.loads(body).get("deployments", {})
    return bool(deps) and all(d.get("status") == "HEALTHY" and d.get("replicas", 0) > 0 for d in deps.values())


def ray(*args: str, env: dict | None = None) -> None:
    subprocess.run([str(BIN / "ray"), *args], check=True, env=env, stdout=subprocess.DEVNULL)


def ray_temp() -> str:
    """Ray's session folder for this RUN: short (Ray's unix socket paths are limited to 107 bytes), one per RUN."""
    return f"/tmp/gallery-ray-{hashlib.sha1(str(RUN.resolve()).encode()).hexdigest()[:8]}"


def stop_ray() -> None:
    """Stops this cluster's Ray processes only (`ray stop` would stop every Ray cluster on the machine): those
    whose command line names this RUN's session folder (GCS, raylets, dashboard, monitors) and their children
    (the workers and replicas)."""
    import psutil  # installed with Ray
    mine = [p for p in psutil.process_iter(["cmdline"]) if ray_temp() in " ".join(p.info["cmdline"] or [])]
    procs = {c.pid: c for p in mine for c in [p, *p.children(recursive=True)] if c.pid != os.getpid()}
    for p in procs.values():
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(list(procs.values()), timeout=15)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def start_nginx(run: Path, port: int, app_ports) -> None:
    """deploy/nginx.conf with the ports filled in, started unprivileged with `run` as its prefix."""
    for d in ("logs", "temp"):
        (run / d).mkdir(parents=True, exist_ok=True)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    from domains.core.media import MAX_UPLOAD_MB
    conf = conf.replace("@MAX_BODY@", f"{MAX_UPLOAD_MB + 1}m").replace("@LISTEN@", f"127.0.0.1:{port}").replace(
        "@UPSTREAMS@", "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in app_ports))
    (run / "nginx.conf").write_text(conf)
    subprocess.run(["nginx", "-p", str(run), "-e", "stderr", "-c", str(run / "nginx.conf")], check=True)


def stop_nginx(run: Path) -> None:
    if (run / "nginx.pid").exists():
        subprocess.run(["nginx", "-p", str(run), "-e", "stderr", "-c", str(run / "nginx.conf"), "-s", "quit"])


def up(port: int) -> int:
    if STATE.exists():
        say(f"Already up (state in {STATE}); `./gallery.sh cluster down` first.")
        return 1
    if not shutil.which("nginx"):
        say("nginx is not installed (Debian: apt-get install nginx).")
        return 1
    (RUN / "logs").mkdir(parents=True, exist_ok=True)
    (RUN / "temp").mkdir(exist_ok=True)
    state: dict = {"pids": [], "nginx": False, "ray": False}
    # Token authentication (Ray's own; the token is made once, in ~/.ray/auth_token): every node and every CLI call
    # must present it, so a machine that reaches Ray's ports without the token cannot run code on the cluster.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token"}
    t0 = time.perf_counter()
    # made once (~/.ray/auth_token) if missing: on a new machine `ray start` with token mode otherwise refuses to start
    subprocess.run([str(BIN / "ray"), "get-auth-token", "--generate"], check=True, env=env, stdout=subprocess.DEVNULL)
    temp = ray_temp()
    # 4 logical CPUs per node: each model deployment asks for 1 (deploy/serve.yaml), 5 of them; Ray does not pin
    # cores, the replicas share the machine's. On real machines give each node its real core count.
    ray("start", "--head", f"--port={GCS_PORT}", "--num-cpus=4", "--dashboard-host=127.0.0.1",
        f"--dashboard-port={DASHBOARD_PORT}", "--ray-client-server-port=30001", f"--temp-dir={temp}",
        "--disable-usage-stats", env=env)
    state["ray"] = True
    STATE.write_text(json.dumps(state))
    say(f"Ray head up ({time.perf_counter() - t0:.0f} s)")
    # Both nodes are on this one machine: Serve's proxies share a port (SO_REUSEPORT), so the kernel could hand a
    # connection to the second node's proxy just as Serve drains and stops it (no replicas there) and the caller
    # gets "connection reset" (seen once in CI, on `status`). The second node's proxy binds a port of its own
    # (Ray's knob for colocated proxies); the head's stays on SERVE_PORT, the one the apps and the operator use.
    ray("start", f"--address=127.0.0.1:{GCS_PORT}", "--num-cpus=4", "--disable-usage-stats",
        env={**env, "RAY_SERVE_WORKER_PROXY_HTTP_PORT": str(SERVE_PORT + 1)})
    say(f"second Ray node joined ({time.perf_counter() - t0:.0f} s)")
    # `serve deploy` is declarative (the same file again gives the same applications). On a busy machine its first
    # call can fail while Serve's own proxy actor is still starting (seen in CI under load: "ProxyActor ... cancelled
    # before it started", HTTP 500): it is tried three times, 15 s apart, before `up` fails.
    deploy = [str(BIN / "serve"), "deploy", str(ROOT / "deploy" / "serve.yaml"),
              "--address", f"http://127.0.0.1:{DASHBOARD_PORT}"]
    for attempt in range(1, 4):
        if subprocess.run(deploy, env=env, cwd=ROOT).returncode == 0:
            break
        if attempt == 3:
            raise subprocess.CalledProcessError(1, deploy)
        say(f"`serve deploy` failed (attempt {attempt} of 3); trying again in 15 s")
        time.sleep(15)
    serve_url = f"http://127.0.0.1:{SERVE_PORT}"
    if not wait_for(serve_url + "/-/gallery", 600, serve_ready):
        say("The model server did not become healthy in 10 minutes: `./gallery.sh cluster status`, Ray's logs in "
            f"{temp}/session_latest/logs.")
        return 1
    say(f"model server healthy ({time.perf_counter() - t0:.0f} s)")
    # Both replicas accept the same operator token (a random one unless the operator set theirs): a visitor may
    # land on either, and only the operator's session unloads models or runs the health check.
    token = os.environ.get("GALLERY_OPERATOR_TOKEN", "").strip() or secrets.token_urlsafe(18)
    app_env = {**os.environ, "GALLERY_SERVE_URL": serve_url, "GALLERY_OPERATOR_TOKEN": token}
    for p in APP_PORTS:
        log = open(RUN / "logs" / f"streamlit-{p}.log", "w")
        proc = subprocess.Popen([str(BIN / "python"), "-m", "streamlit", "run", "streamlit_app.py",
                                 f"--server.port={p}", "--server.address=127.0.0.1", "--server.headless=true",
                                 "--browser.gatherUsageStats=false"], cwd=ROOT, env=app_env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        state["pids"].append(proc.pid)
        STATE.write_text(json.dumps(state))
    start_nginx(RUN, port, APP_PORTS)
    state["nginx"] = True
    STATE.write_text(json.dumps(state))
    for p in APP_PORTS:
        if not wait_for(f"http://127.0.0.1:{p}/_stcore/health", 120):
            say(f"Streamlit on {p} did not start: {RUN / 'logs' / f'streamlit-{p}.log'}")
            return 1
    say(f"two Streamlit replicas behind nginx: open http://127.0.0.1:{port} "
        f"({time.perf_counter() - t0:.0f} s in all)")
    say(f"operator link (keep it to yourself): http://127.0.0.1:{port}/?operator={token}")
    say(serve_url)
    return 0


def down() -> int:
    state = json.loads(STATE.read_text()) if STATE.exists() else {"pids": [], "nginx": True, "ray": True}
    for pid in state.get("pids", []):
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if state.get("nginx"):
        stop_nginx(RUN)
    if state.get("ray"):
        stop_ray()
    STATE.unlink(missing_ok=True)
    say("cluster down")
    return 0


def status() -> int:
    if not STATE.exists():
        say("not up (./gallery.sh cluster up)")
        return 1
    state = json.loads(STATE.read_text())
    for pid in state.get("pids", []):
        alive = Path(f"/proc/{pid}").exists()
        say(f"streamlit pid {pid}: {'running' if alive else 'gone'}")
    for attempt in range(3):  # a proxy restarting answers again within seconds: asked three times, 2 s apart
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{SERVE_PORT}/-/gallery", timeout=10) as r:
                s = json.loads(r.read())
            break
        except OSError as e:
            if attempt == 2:
                say(f"model server: not answering ({e})")
                return 1
            time.sleep(2)
    for name, d in s.get("deployments", {}).items():
        models = s.get("models", {}).get(name, {})
        say(f"{name}: {d['status']}, {d['replicas']} replica(s)"
            + (f", {models.get('rss_mb')} MB, models: {', '.join(models.get('models', [])) or '-'}" if models else ""))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="./gallery.sh cluster")
    ap.add_argument("action", choices=["up", "down", "status"])
    ap.add_argument("--port", type=int, default=8501, help="where nginx listens (the URL to give the room)")
    a = ap.parse_args()
    return {"up": lambda: up(a.port), "down": down, "status": status}[a.action]()


if __name__ == "__main__":
    sys.exit(main())
