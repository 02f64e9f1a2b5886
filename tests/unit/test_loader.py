"""The loader: hub path offline, budget eviction, per-model locks, single builds, progress, clean errors."""
from __future__ import annotations

import threading

import pytest
from waits import until

import domains
import domains.vision  # noqa: F401  (registers the hf_image_classification adapter the tiny models use)
from domains.core.errors import ModelUnavailable
from domains.core.loader import ADAPTERS, LOADER, Adapter, ModelLoader, adapter
from domains.core.registry import ModelSpec, hub_model


def tiny(repo: str, ram_mb: float = 100, revision: str | None = None) -> ModelSpec:
    spec = hub_model(repo, "image-classification", "hf_image_classification", revision=revision)
    return ModelSpec(**{**spec.__dict__, "ram_mb": ram_mb})


def test_hub_model_resolves_offline_from_local_cache(tiny_hub, coffee_png):
    """Any hub id of the task works offline once it is in the HF cache, through the same code as a download."""
    res = domains.run("vision.classify", coffee_png, model="tiny-org/vit-a", top_k=3)
    assert res.model == "tiny-org/vit-a"
    assert [l.label for l in res.labels] != [] and {l.label for l in res.labels} == {"cat", "dog", "espresso"}
    assert abs(sum(l.score for l in res.labels) - 1.0) < 1e-4  # all 3 classes: softmax sums to one
    assert res.labels == sorted(res.labels, key=lambda l: -l.score)


def test_registered_hub_model_loads_its_pinned_revision(tiny_hub, coffee_png):
    """The registry's google/vit-base-patch16-224 entry resolves the pinned commit (a tiny stand-in here)."""
    res = domains.run("vision.classify", coffee_png, model="google/vit-base-patch16-224", top_k=4)
    assert {l.label for l in res.labels} == {"tiny-a", "tiny-b", "tiny-c", "tiny-d"}


def test_uncached_hub_model_is_a_clean_error_with_offline_alternative(coffee_png):
    with pytest.raises(ModelUnavailable) as e:
        domains.run("vision.classify", coffee_png, model="microsoft/resnet-50")
    assert "not in the local model cache" in str(e.value)
    assert e.value.alternative == "efficientnet-lite0"


def test_wrong_revision_is_not_silently_replaced(tiny_hub):
    loader = ModelLoader(budget_mb=1000)
    with pytest.raises(ModelUnavailable, match="not in the local model cache"):
        with loader.use(tiny("tiny-org/vit-a", revision="f" * 40)):
            pass


def test_budget_evicts_least_recently_used(tiny_hub):
    loader = ModelLoader(budget_mb=250)  # room for two 100 MB models
    a, b, c = (tiny(f"tiny-org/vit-{x}") for x in "abc")
    for spec in (a, b):
        with loader.use(spec):
            pass
    with loader.use(a):  # a is now the most recently used
        pass
    with loader.use(c):
        pass
    assert [m["id"] for m in loader.loaded()] == [c.id, a.id]
    assert loader.evictions == [b.id]
    assert loader.used_mb() <= loader.budget_mb


def test_model_in_use_is_never_evicted(tiny_hub):
    loader = ModelLoader(budget_mb=150)  # room for one
    a, b = tiny("tiny-org/vit-a"), tiny("tiny-org/vit-b")
    with loader.use(a):
        with loader.use(b):  # over budget for a moment, but a is busy
            assert {m["id"] for m in loader.loaded()} == {a.id, b.id}
    with loader.use(b):  # next load: now a is idle and the least recent
        pass
    loader._make_room(0)
    assert [m["id"] for m in loader.loaded()] == [b.id]


def test_model_bigger_than_budget_is_refused(tiny_hub):
    loader = ModelLoader(budget_mb=50)
    with pytest.raises(ModelUnavailable, match="budget"):
        with loader.use(tiny("tiny-org/vit-a", ram_mb=100)):
            pass


def test_unload_frees_and_reports(tiny_hub):
    loader = ModelLoader(budget_mb=1000)
    a = tiny("tiny-org/vit-a")
    with loader.use(a) as model:
        assert loader.unload(a.id) is None  # busy
        assert model.labels == ["cat", "dog", "espresso"]
    (info,) = loader.loaded()
    assert info["id"] == a.id and info["calls"] == 1 and info["ram_mb"] >= 100 and info["measured_mb"] > 0
    assert loader.unload(a.id) is not None and loader.loaded() == []


def test_unloading_gives_the_memory_back_to_the_system():
    """Measured before and after: a model of many small allocations (as real weights and tokenizers are)
    leaves the process's resident memory when unloaded (gc + malloc_trim)."""
    from domains.core.loader import rss_mb

    @adapter("many_small_buffers")
    def _load(spec, path, progress):
        return [bytearray(4096) for _ in range(60_000)]  # ~250 MB in heap-sized pieces

    spec = ModelSpec(id="heap-model", name="Heap model", source="trained", adapter="many_small_buffers",
                     license="MIT", size_mb=0, ram_mb=1, offline=True, ref="none")
    loader = ModelLoader(budget_mb=5000)
    before = rss_mb()
    with loader.use(spec):
        pass
    pin = [bytearray(4096) for _ in range(10)]  # allocated later, above the model's: the heap top stays in use
    loaded = rss_mb()
    assert loaded - before > 150
    freed = loader.unload(spec.id)  # without malloc_trim this frees ~2 MB here, with it ~240 MB
    del pin
    assert freed > 150 and rss_mb() < loaded - 150


def test_calls_to_one_model_are_serialized_other_models_are_not(tiny_hub):
    loader = ModelLoader(budget_mb=1000)
    a, b = tiny("tiny-org/vit-a"), tiny("tiny-org/vit-b")
    with loader.use(b):
        pass
    holding, release = threading.Event(), threading.Event()
    entered = {"a2": threading.Event(), "b": threading.Event()}

    def hold_a():
        with loader.use(a):
            holding.set()
            release.wait(10)

    def second(spec, name):
        with loader.use(spec):
            entered[name].set()

    t1 = threading.Thread(target=hold_a)
    t1.start()
    assert holding.wait(30)
    t2 = threading.Thread(target=second, args=(a, "a2"))
    t3 = threading.Thread(target=second, args=(b, "b"))
    t2.start(), t3.start()
    assert entered["b"].wait(10), "a different model must not wait for model a"
    assert not entered["a2"].wait(0.5), "a second call to model a must wait for the first"
    release.set()
    assert entered["a2"].wait(10)
    for t in (t1, t2, t3):
        t.join(10)


def test_waiting_callers_are_served_in_order_and_told_their_place(tiny_hub):
    """Four callers queue behind a running call: they run in arrival order, each hears how many are ahead of it
    (with an estimate once a call has been timed), and one whose wait passes the limit gets Busy without
    stopping the others."""
    import time
    from domains.core.errors import Busy

    loader = ModelLoader(budget_mb=1000, wait_limit_s=30)
    a = tiny("tiny-org/vit-a")
    with loader.use(a):
        time.sleep(0.05)  # one timed call: the estimate exists from now on
    release, order, heard = threading.Event(), [], {}

    def hold():
        with loader.use(a):
            order.append("first")
            release.wait(20)

    def waiter(name):
        msgs = heard.setdefault(name, [])
        with loader.use(a, progress=lambda f, m: msgs.append(m)):
            order.append(name)

    t0 = threading.Thread(target=hold)
    t0.start()
    until(lambda: loader.loaded()[0]["queued"] >= 1, "the first call to hold the model")
    threads = []
    for i, name in enumerate(["w1", "w2", "w3"]):
        threads.append(threading.Thread(target=waiter, args=(name,)))
        threads[-1].start()
        until(lambda: loader.loaded()[0]["queued"] >= i + 2, f"{name} in the queue")  # arrival order = queue order
    assert "1 request ahead of yours, about 1 s" in heard["w1"][-1]
    assert "3 requests ahead of yours" in heard["w3"][-1]
    # a caller with a short limit gives up with a clear error; the queue skips its ticket
    impatient = ModelLoader.__new__(ModelLoader)
    impatient.__dict__.update(loader.__dict__, wait_limit_s=0.3)
    with pytest.raises(Busy, match="4 ahead of yours") as busy:
        with impatient.use(a):
            pass
    assert busy.value.hint
    release.set()
    for t in [t0, *threads]:
        t.join(20)
    assert order == ["first", "w1", "w2", "w3"]
    assert loader.loaded()[0]["queued"] == 0
    with loader.use(a):  # the abandoned ticket did not jam the queue
        pass


def test_a_waiter_stopped_while_queued_does_not_jam_the_queue(tiny_hub):
    """Streamlit stops a script run (the visitor clicked elsewhere) by raising inside its next call, which can be
    the queue's progress message: that ticket is skipped, and the callers behind it still get their turn."""

    class Stopped(Exception):
        pass

    loader = ModelLoader(budget_mb=1000, wait_limit_s=30)
    a = tiny("tiny-org/vit-b")
    with loader.use(a):  # loaded before the queue forms
        pass
    holding, release, done, raised = threading.Event(), threading.Event(), threading.Event(), []

    def hold():
        with loader.use(a):
            holding.set()
            release.wait(20)

    def stop(fraction, message):
        raise Stopped(message)

    def stopped():
        try:
            with loader.use(a, progress=stop):
                pass
        except Stopped as e:
            raised.append(str(e))

    def behind():
        with loader.use(a):
            done.set()

    threads = [threading.Thread(target=f) for f in (hold, stopped, behind)]
    threads[0].start()
    assert holding.wait(20)
    threads[1].start()
    until(lambda: bool(raised), "the stopped caller to hear its place and stop")
    until(lambda: loader.loaded()[0]["queued"] == 1, "the stopped caller's ticket given up")
    threads[2].start()
    until(lambda: loader.loaded()[0]["queued"] == 2, "the caller behind it in the queue")
    assert "1 request ahead of yours" in raised[0]
    release.set()
    assert done.wait(20), "the caller behind a stopped one must get its turn"
    for t in threads:
        t.join(10)
    assert loader.loaded()[0]["queued"] == 0


def test_concurrent_first_use_builds_once(tiny_hub):
    builds = []
    base = ADAPTERS["hf_image_classification"]

    @adapter("counting_hf")
    def _counting(spec, path, progress):
        builds.append(spec.id)
        return base.load(spec, path, progress)

    try:
        loader = ModelLoader(budget_mb=1000)
        spec = ModelSpec(**{**tiny("tiny-org/vit-c").__dict__, "adapter": "counting_hf"})

        def use():
            with loader.use(spec):
                pass

        threads = [threading.Thread(target=use) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert builds == [spec.id]
        assert loader.loaded()[0]["calls"] == 4
    finally:
        ADAPTERS.pop("counting_hf")


def test_progress_is_reported_while_loading(tiny_hub):
    seen = []
    loader = ModelLoader(budget_mb=1000)
    with loader.use(tiny("tiny-org/vit-b"), progress=lambda f, msg: seen.append((f, msg))):
        pass
    messages = [m for _, m in seen]
    assert any(m.startswith("Looking up tiny-org/vit-b") for m in messages)
    assert any(m.startswith("Loading") for m in messages)
    assert seen[-1][0] == 1.0 and seen[-1][1].startswith("Loaded")
    seen.clear()
    with loader.use(tiny("tiny-org/vit-b"), progress=lambda f, msg: seen.append((f, msg))):
        pass
    assert seen == []  # already loaded: nothing to report


def test_missing_package_and_bad_weights_are_typed_errors(tiny_hub, tiny_builder):
    loader = ModelLoader(budget_mb=1000)
    missing = ModelSpec(id="x", name="X", source="package", adapter="efficientnet_lite", license="-", size_mb=1,
                        ram_mb=1, offline=True, ref="no_such_package_xyz", needs={"pip": "no-such-package==1.0"})
    with pytest.raises(ModelUnavailable, match="no-such-package==1.0") as e:
        with loader.use(missing):
            pass
    assert e.value.hint == "pip install no-such-package==1.0"

    # corrupt weights in a cached snapshot: a clean error, not a traceback from safetensors
    snap = tiny_builder("tiny-org/broken", "b" * 40, ["x", "y"])
    (snap / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        with loader.use(tiny("tiny-org/broken")):
            pass
    assert loader.loaded() == []


def test_unknown_adapter_is_a_typed_error():
    spec = ModelSpec(id="y", name="Y", source="trained", adapter="nope", license="-", size_mb=1, ram_mb=1,
                     offline=True, ref="data")
    with pytest.raises(ModelUnavailable, match="No adapter"):
        with ModelLoader().use(spec):
            pass


def test_shared_loader_budget_is_configurable(monkeypatch):
    monkeypatch.setenv("GALLERY_MODEL_BUDGET_MB", "1234")
    assert ModelLoader().budget_mb == 1234.0
    assert LOADER.budget_mb > 0 and isinstance(ADAPTERS["efficientnet_lite"], Adapter)


def test_stages_say_what_is_happening_and_how_long_it_took_last_time(monkeypatch, tmp_path):
    """First load: the stage, no estimate (nothing measured yet). After one load and one call, the next load and
    call say about how long they take here, from the times kept on disk (a new process reads them too)."""
    import time as _time
    from domains.core import progress as stages
    monkeypatch.setenv("GALLERY_CACHE_DIR", str(tmp_path / "cache"))
    stages.forget()

    @adapter("test_slow")
    def _slow(spec, path, progress):
        _time.sleep(1.2)
        return lambda x: x

    spec = ModelSpec(id="slow-test", name="Slow model", source="trained", adapter="test_slow", license="MIT",
                     size_mb=None, ram_mb=None, offline=True, ref="x")
    seen: list[str] = []
    loader = ModelLoader(budget_mb=1000)
    out = loader.call(spec, lambda m: (_time.sleep(1.1), m(3))[1], lambda f, msg: seen.append(msg), step="Scoring with {name}")
    assert out.output == 3
    assert seen[0] == "Loading Slow model" and seen[1].startswith("Loaded Slow model in ")
    assert seen[2:] == ["Scoring with Slow model"]
    loader.unload(spec.id)
    stages.forget()  # as a fresh process would: the estimates come back from disk
    seen.clear()
    loader.call(spec, lambda m: m(1), lambda f, msg: seen.append(msg), step="Scoring with {name}")
    assert seen[0] == "Loading Slow model · about 1 s" and seen[2] == "Scoring with Slow model · about 1 s"
    assert (tmp_path / "cache" / "timings.json").exists()
    assert stages.duration(95) == "about 1 min 35 s" and stages.duration(0.2) == "about 1 s"
    stages.forget()


def test_requests_that_queue_together_run_as_one_batch(tiny_hub):
    """Dynamic batching: while the model is busy, five requests queue; the first to get the turn runs all five as
    one batch, each caller gets its own output, the others return without a turn of their own. A lone request
    is not delayed: a batch of one. An error in the batch reaches every caller in it."""
    loader = ModelLoader(budget_mb=1000, wait_limit_s=30)
    a = tiny("tiny-org/vit-a")
    calls: list[list] = []

    def double(model, items):
        calls.append(list(items))
        return [2 * x for x in items]

    assert loader.batch_call(a, 1, double).output == 2 and calls == [[1]]
    release, results = threading.Event(), {}

    def hold():
        with loader.use(a):
            release.wait(20)

    def ask(x):
        results[x] = loader.batch_call(a, x, double).output

    t0 = threading.Thread(target=hold)
    t0.start()
    until(lambda: loader.loaded()[0]["queued"] >= 1, "the call holding the model")
    askers = [threading.Thread(target=ask, args=(x,)) for x in (10, 20, 30, 40, 50)]
    for t in askers:
        t.start()
    until(lambda: loader.loaded()[0]["queued"] >= 6, "five requests queued behind it")
    release.set()
    for t in [t0, *askers]:
        t.join(20)
    assert results == {10: 20, 20: 40, 30: 60, 40: 80, 50: 100}
    assert len(calls) == 2 and sorted(calls[1]) == [10, 20, 30, 40, 50], calls
    assert loader.loaded()[0]["queued"] == 0

    def broken(model, items):
        raise ValueError("bad batch")
    with pytest.raises(ValueError, match="bad batch"):
        loader.batch_call(a, 1, broken)
    assert loader.batch_call(a, 3, double).output == 6  # the queue still works


def test_batched_search_queries_get_the_same_answers_as_single_ones():
    """language.search with queries arriving together (one batch) ranks exactly as the same queries one by one."""
    from domains.core.loader import LOADER
    queries = ["how do vaccines work", "stock market crash", "training a neural network", "football world cup"]
    alone = {q: [h.text for h in domains.run("language.search", q).hits] for q in queries}
    spec = domains.get("language.search").default_model
    together: dict = {}
    sizes: list[int] = []
    hold, held = threading.Event(), threading.Event()

    def holder():  # the encoder busy with somebody else's call while the four queries arrive
        with LOADER.use(spec) as emb:
            real = emb.encode
            emb.encode = lambda texts, *a, **k: (sizes.append(len(texts)), real(texts, *a, **k))[1]
            held.set()
            hold.wait(60)
        return real

    t0 = threading.Thread(target=holder)
    t0.start()
    assert held.wait(60)
    before = next(m["queued"] for m in LOADER.loaded() if m["id"] == spec.id)
    threads = [threading.Thread(target=lambda q=q: together.__setitem__(
        q, [h.text for h in domains.run("language.search", q).hits])) for q in queries]
    try:
        for t in threads:
            t.start()
        until(lambda: next(m["queued"] for m in LOADER.loaded() if m["id"] == spec.id) == before + 4,
              "the four queries queued behind the busy encoder")
    finally:
        hold.set()
        for t in [t0, *threads]:
            t.join(120)
        with LOADER.use(spec) as emb:
            emb.__dict__.pop("encode", None)  # the instance's spy goes; the class's method serves again
    assert together == alone
    assert 4 in sizes, f"the queries that waited together were not encoded as one batch: {sizes}"
