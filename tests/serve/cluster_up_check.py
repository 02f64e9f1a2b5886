"""The operator's commands, end to end (run by test_cluster.py inside a private network namespace):
`deploy/cluster.py up` (what `./gallery.sh cluster up` runs), `status`, one visitor through nginx speaking
Streamlit's protocol whose Vision page runs its model on the model server, then `down`. One JSON line out."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from load import CLASSIFY, Protocol  # noqa: E402

PROXY = "http://127.0.0.1:8501"


def cluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "deploy/cluster.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def visit() -> dict:
    client = Protocol(PROXY, "en")
    try:
        await asyncio.wait_for(client.open(CLASSIFY[0]), 300)
        return {"outcome": client.outcome(CLASSIFY[2], headline=True),
                "server_named": any("on the model server" in str(el) for el in client.elements)}
    finally:
        await client.close()


def main() -> None:
    out: dict = {}
    up = cluster("up")
    lines = up.stdout.strip().splitlines()
    out.update(up_rc=up.returncode, up_last=lines[-1] if lines else "", up_log=(up.stdout + up.stderr)[-3000:])
    try:
        if up.returncode == 0:
            st = cluster("status")
            out.update(status_rc=st.returncode, status=st.stdout)
            out["visit"] = asyncio.run(visit())
            with urllib.request.urlopen(out["up_last"] + "/-/gallery", timeout=30) as r:
                out["server_models"] = {k: v.get("models", []) for k, v in json.loads(r.read())["models"].items()}
    except Exception as e:  # noqa: BLE001 - reported: the test fails on it, after `down`
        out["error"] = f"{type(e).__name__}: {e}"
    finally:
        down = cluster("down")
        out["down_rc"] = down.returncode
        out["listening_after_down"] = [p for p in (8501, 8601, 8602, 28000, 28001, 26379) if listening(p)]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
