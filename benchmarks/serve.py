"""The model server on a real local Ray cluster: checked against in-process runs, a replica killed under load, and
measured. Runs in a private network namespace (only loopback: Ray replaces 127.0.0.1 by the machine's routable
address otherwise), so nothing it starts is reachable from outside:

    unshare -n sh -c 'ip link set lo up && exec .venv/bin/python benchmarks/serve.py --check'    # as root
    ... benchmarks/serve.py --bench [--write]      # latency, throughput with 1 and 2 replicas, memory; docs/serving.md

--check: on a cluster of two local nodes (a head and a worker, as two machines), every offline demo's example
through the server gives the same result as in this process (latency fields aside; --sample: the first offline demo
of each input kind, CI's short version; tests/unit/test_remote.py checks the wire for more without Ray); then 8 clients classify for
--seconds while one of the classifier's two replicas is killed: the client's one retry must recover every request
the dead replica held. Last stdout line: one JSON object; exit 1
on any difference or lost request.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # replicas

import domains  # noqa: E402
from domains.serving import remote  # noqa: E402

PORT = int(os.environ.get("GALLERY_SERVE_TEST_PORT", "28300"))
URL = f"http://127.0.0.1:{PORT}"
CLASSIFIER = "efficientnet-lite0"


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


class Cluster:
    """A Ray cluster started by this process (`nodes` local nodes: a head and workers, as several machines would
    be), the gallery's Serve application deployed on it."""

    def __init__(self, replicas: int = 1, cpus: int = 8, nodes: int = 1):
        self.tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's unix socket paths are limited to 107 bytes
        self.replicas, self.cpus, self.nodes = replicas, cpus, nodes

    def __enter__(self):
        import ray
        from ray import serve
        from ray.cluster_utils import Cluster as RayCluster
        from domains.serving import serve_app
        t0 = time.perf_counter()
        per_node = self.cpus // self.nodes
        os.environ["RAY_TMPDIR"] = self.tmp  # Ray's session files and its address file, removed at exit
        # the dashboard serves the state API that placement() reads (the two-node check); the one-node bench starts
        # without it, as its start-time figure always has
        self.ray = RayCluster(initialize_head=True, head_node_args={"num_cpus": per_node,
                                                                    "include_dashboard": self.nodes > 1})
        for _ in range(self.nodes - 1):
            self.ray.add_node(num_cpus=per_node)
        ray.init(address=self.ray.address, logging_level="ERROR", log_to_driver=False)
        serve.start(http_options={"host": "127.0.0.1", "port": PORT})
        app = serve_app.build({"replicas": {CLASSIFIER: self.replicas}})
        serve.run(app, name="gallery", route_prefix="/")
        self.start_s = time.perf_counter() - t0
        log(f"cluster of {self.nodes} node(s) up in {self.start_s:.1f} s")
        return self

    def __exit__(self, *exc):
        import ray
        from ray import serve
        try:
            serve.shutdown()
        finally:
            ray.shutdown()
            self.ray.shutdown()
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def placement() -> dict[str, list[str]]:
        """Which node each running replica is on: {node id (short): [deployment names]}."""
        from ray.util.state import list_actors
        out: dict[str, list[str]] = {}
        for a in list_actors(filters=[("state", "=", "ALIVE")], limit=1000):
            name = a.name or ""
            if name.startswith("SERVE_REPLICA::"):
                out.setdefault(a.node_id[:8], []).append(name.split("#")[1])
        return {k: sorted(v) for k, v in out.items()}

    @staticmethod
    def replica_actors(deployment: str) -> list:
        import ray
        names = [a["name"] for a in ray.util.list_named_actors(all_namespaces=True)
                 if a["namespace"] == "serve" and f"#{deployment}#" in a["name"]]
        return [ray.get_actor(n, namespace="serve") for n in names]


def comparable(result) -> dict:
    """A result as data, minus what differs between two runs of the same thing (timings)."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()
                    if not isinstance(k, str) or ("latency" not in k and not k.endswith("_ms") and k != "rtf")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(domains.to_dict(result))


def offline_demos(sample: bool = False) -> list:
    """The demos a server answers; `sample`: the first of each input kind (image, audio, text, none)."""
    every = [d for d in domains.demos() if not d.online_only and d.input_kind not in remote.IN_PROCESS_KINDS]
    if not sample:
        return every
    chosen: dict[str, object] = {}
    for d in sorted(every, key=lambda d: bool(getattr(d, "worker", False))):  # a light one of each kind, if any
        chosen.setdefault(d.input_kind, d)
    return [d for d in every if d in chosen.values()]


def check_every_demo(sample: bool = False) -> dict:
    same, differ, failed = [], {}, {}
    for demo in offline_demos(sample):
        inp, params = demo.example() if demo.example else (None, {})
        if any(p.name == "variation" for p in demo.params):
            params = {**params, "variation": 0}  # the voice's random variation (VITS noise): off, to compare
        os.environ.pop(remote.ENV, None)
        try:
            local = comparable(domains.run(demo.id, inp, **params))
            os.environ[remote.ENV] = URL
            got = comparable(domains.run(demo.id, inp, **params))
            if got != local:  # the first local run may have trained the model (its notes say so): run it warm
                os.environ.pop(remote.ENV, None)
                local = comparable(domains.run(demo.id, inp, **params))
        except Exception as e:  # noqa: BLE001 - reported, and the check fails
            failed[demo.id] = f"{type(e).__name__}: {e}"
            log(demo.id, "FAILED", failed[demo.id])
            continue
        finally:
            os.environ.pop(remote.ENV, None)
        if got == local:
            same.append(demo.id)
        else:
            differ[demo.id] = {k: [str(local.get(k))[:300], str(got.get(k))[:300]]
                               for k in sorted(set(local) | set(got)) if local.get(k) != got.get(k)}
        log(demo.id, "same" if got == local else f"DIFFERS: {differ[demo.id]}")
    return {"demos": len(same) + len(differ) + len(failed), "same": len(same), "differ": differ, "failed": failed,
            "kinds": sorted({d.input_kind for d in offline_demos(sample)})}


def classify_load(seconds: float, clients: int = 8, kill_after: float | None = None, served: bool = True,
                  after_kill: int = 0) -> dict:
    """`clients` threads classify the example for `seconds` (on the server, or in this process); optionally one
    classifier replica is killed after `kill_after` s, and then the clients go on until `after_kill` requests have
    completed after the kill (at most ten times `seconds` in all): on busy cores a request that the kill caught
    waits out its retry, so a fixed window would measure the machine's load, not whether the server went on."""
    import ray
    demo = domains.get("vision.classify")
    inp, params = demo.example()
    _set("Serve HTTP" if served else "in process")
    start = time.monotonic()
    lat, errors, lock = [], [], threading.Lock()
    done_after, kill_at = [0], [None]
    retries0 = remote.RETRIES[0]

    def going() -> bool:
        now = time.monotonic()
        if now - start < seconds:
            return True
        return kill_at[0] is not None and done_after[0] < after_kill and now - start < 10 * seconds

    def client():
        while going():
            t0 = time.perf_counter()
            try:
                domains.run("vision.classify", inp, **params)
                with lock:
                    lat.append((time.perf_counter() - t0) * 1000)
                    done_after[0] += kill_at[0] is not None
            except Exception as e:  # noqa: BLE001 - counted
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")

    killed = before = None
    with ThreadPoolExecutor(clients) as pool:
        futs = [pool.submit(client) for _ in range(clients)]
        if kill_after is not None:
            time.sleep(kill_after)
            actors = Cluster.replica_actors(serve_name(CLASSIFIER))
            if actors:
                with lock:
                    before, kill_at[0] = len(lat), time.monotonic()
                ray.kill(actors[0], no_restart=True)  # as a machine or process dying would: Serve starts another
                killed = len(actors)
        for f in futs:
            f.result()
    os.environ.pop(remote.ENV, None)
    elapsed = time.monotonic() - start
    return {"requests": len(lat) + len(errors), "errors": len(errors), "error_samples": errors[:3],
            "retries": remote.RETRIES[0] - retries0, "replicas_before_kill": killed,
            "done_before_kill": before, "done_after_kill": done_after[0] if kill_at[0] is not None else None,
            "seconds": round(elapsed, 1), "rps": round(len(lat) / elapsed, 1),
            "p50_ms": round(statistics.median(lat), 1) if lat else None}


def latency(n: int = 30) -> dict:
    """One request at a time, in-process and over the server interleaved: median and p95 (ms)."""
    demo = domains.get("vision.classify")
    inp, params = demo.example()
    times: dict[str, list[float]] = {"in process": [], "Serve HTTP": []}
    for mode in ("in process", "Serve HTTP") * 2:  # warm both paths
        _set(mode)
        domains.run("vision.classify", inp, **params)
    for _ in range(n):
        for mode in times:
            _set(mode)
            t0 = time.perf_counter()
            domains.run("vision.classify", inp, **params)
            times[mode].append((time.perf_counter() - t0) * 1000)
    os.environ.pop(remote.ENV, None)
    return {m: {"median_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 95), 1)} for m, v in times.items()}


def _set(mode: str) -> None:
    if mode == "in process":
        os.environ.pop(remote.ENV, None)
    else:
        os.environ[remote.ENV] = URL


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def redeploy(replicas: int) -> None:
    from ray import serve
    from domains.serving import serve_app
    serve.run(serve_app.build({"replicas": {CLASSIFIER: replicas}}), name="gallery", route_prefix="/")
    classify_load(3)  # every replica warm (models loaded) before it is measured


def replica_memory() -> dict:
    os.environ[remote.ENV] = URL
    try:
        return {name: r.get("rss_mb") for name, r in remote.status(timeout=30).get("models", {}).items()}
    finally:
        os.environ.pop(remote.ENV, None)


def write_doc(out: dict) -> None:
    lat, thr = out["latency"], out["throughput"]
    lines = [
        "# The model server (Ray Serve): measured", "",
        f"One run, {time.strftime('%Y-%m-%d')}, this machine (2 cores, no GPU), a one-node Ray cluster in a private "
        "network namespace. Reproduce: `unshare -n sh -c 'ip link set lo up && exec .venv/bin/python "
        "benchmarks/serve.py --bench --write'` (as root, with requirements-serve.txt installed).", "",
        f"Cluster start (Ray, Serve, every deployment healthy): **{out['start_s']} s**.", "",
        "## Latency: EfficientNet-Lite0 classify of the bundled photo, one request at a time (interleaved, "
        f"{out['n']} each)", "",
        "| path | median | p95 |", "|---|---|---|",
        *[f"| {m} | {v['median_ms']} ms | {v['p95_ms']} ms |" for m, v in lat.items()], "",
        f"The server adds {lat['Serve HTTP']['median_ms'] - lat['in process']['median_ms']:.1f} ms per request "
        "(guard and encoding here, HTTP, the router, the replica's decoding).", "",
        f"## Throughput: 8 concurrent clients for {out['seconds']:.0f} s", "",
        "| classifier replicas | requests/s | median latency | errors |", "|---|---|---|---|",  # noqa: E501
        *[f"| {k} | {v['rps']} | {v['p50_ms']} ms | {v['errors']} |" for k, v in thr.items()], "",
        "The eight clients run in the benchmark's own process on the same two cores (each guards and encodes "
        "its photo), so the server's rows carry the load generator too. On two cores a second replica cannot add "
        "a core: it shows that requests spread, not a speed-up; on real machines each 1-CPU replica adds about "
        "one core's worth.", "",
        "## Memory per replica (RSS, after the runs above)", "",
        "| deployment | MB |", "|---|---|", *[f"| {k} | {v} |" for k, v in out["memory"].items()], "",
    ]
    (ROOT / "docs" / "serving.md").write_text("\n".join(lines))


def serve_name(model_id: str) -> str:
    from domains.serving.serve_app import deployment_name
    return deployment_name(model_id)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--sample", action="store_true", help="--check: the first demo of each input kind, not every one")
    args = ap.parse_args()
    # The last stdout line must be the JSON: Ray's processes (started from here, inheriting fd 1) print their own
    # lines (log deduplication notices) at any time, so fd 1 goes to stderr and the JSON to a copy of the real stdout.
    sys.stdout.flush()
    result_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    out: dict = {}
    # --check: two nodes (replicas on a node other than the head, requests and results crossing between them)
    with Cluster(replicas=2 if args.check else 1, nodes=2 if args.check else 1) as c:
        out["start_s"] = round(c.start_s, 1)
        if args.check:
            out["equal"] = check_every_demo(args.sample)
            out["placement"] = c.placement()
            classify_load(3)  # both classifier replicas warm (models loaded) before one is killed under load
            out["kill"] = classify_load(args.seconds, kill_after=args.seconds / 3, after_kill=24)
        if args.bench:
            out["n"], out["seconds"] = 30, args.seconds
            out["latency"] = latency(out["n"])
            out["throughput"] = {"in process (no server)": classify_load(args.seconds, served=False)}
            for k in (1, 2):
                redeploy(k)
                out["throughput"][k] = classify_load(args.seconds)
            out["memory"] = replica_memory()
            if args.write:
                write_doc(out)
    ok = not args.check or (not out["equal"]["differ"] and not out["equal"]["failed"]
                            and out["kill"]["errors"] == 0 and out["kill"]["requests"] > 0)
    print(json.dumps(out), file=result_out, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
