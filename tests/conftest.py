"""Test set-up: no network, a private HF cache and trained-model cache, tiny hub models built locally.

The environment is fixed at import time, before any test imports huggingface_hub or transformers
(they read HF_* variables once, when imported)."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TMP = Path(tempfile.mkdtemp(prefix="gallery-tests-"))
# The trained models and converted weights are shared by the test workers (pytest-xdist: the first process that
# loads this file, the controller, picks the folder; the workers inherit it); a file lock makes one build each
# model while the others wait. The HF cache stays per process: tests install and remove tiny hub models in it.
_SHARED = Path(os.environ.setdefault("GALLERY_TESTS_SHARED", tempfile.mkdtemp(prefix="gallery-tests-shared-")))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HOME"] = str(_TMP / "hf")
os.environ["HF_HUB_CACHE"] = str(_TMP / "hf" / "hub")
os.environ["GALLERY_CACHE_DIR"] = str(_SHARED / "gallery")
os.environ["GALLERY_DRIVING_QUICK"] = "1"  # a small simulator driver: the full one takes 10 minutes to train
# The tests train every model themselves (its notes, its progress, a retrain's evaluation); the shipped ones in
# models/ are checked against those by tests/unit/test_shipped_models.py.
os.environ["GALLERY_SHIPPED_MODELS"] = "0"
os.environ["GALLERY_WORKERS"] = "0"  # demos in the calling process; tests of the workers turn them on
os.environ["GALLERY_WARM"] = "0"  # no app warms its demos behind the tests' backs; tests of warming turn it on
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

TINY_REV = "0123456789abcdef0123456789abcdef01234567"
VIT_REV = "3f49326eb077187dfe1c2a2bb15fbd74e6ab91e3"  # the revision the registry pins for google/vit-base-patch16-224


def build_tiny_classifier(repo_id: str, revision: str, labels: list[str], seed: int = 0,
                          also_main: bool = True) -> Path:
    """A random tiny ViT image classifier saved into the HF cache layout, as a download would leave it:
    models--owner--name/snapshots/<revision>/ plus refs/main."""
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    torch.manual_seed(seed)
    cfg = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, num_labels=len(labels), id2label=dict(enumerate(labels)),
                    label2id={l: i for i, l in enumerate(labels)})
    repo_dir = Path(os.environ["HF_HUB_CACHE"]) / ("models--" + repo_id.replace("/", "--"))
    snap = repo_dir / "snapshots" / revision
    if not snap.exists():
        ViTForImageClassification(cfg).eval().save_pretrained(snap)
        ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(snap)
    if also_main:
        (repo_dir / "refs").mkdir(parents=True, exist_ok=True)
        (repo_dir / "refs" / "main").write_text(revision)
    return snap


@pytest.fixture(scope="session")
def tiny_hub():
    """Three tiny models by hub id, plus the registry's pinned ViT id at its pinned revision (tiny weights)."""
    ids = {}
    for i, name in enumerate(("tiny-org/vit-a", "tiny-org/vit-b", "tiny-org/vit-c")):
        build_tiny_classifier(name, TINY_REV, ["cat", "dog", "espresso"], seed=i)
        ids[name] = TINY_REV
    build_tiny_classifier("google/vit-base-patch16-224", VIT_REV, ["tiny-a", "tiny-b", "tiny-c", "tiny-d"],
                          also_main=False)
    return ids


@pytest.fixture
def coffee_png() -> bytes:
    import io
    from domains.core import examples
    buf = io.BytesIO()
    examples.image("coffee").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="session")
def tiny_builder():
    return build_tiny_classifier


def _installed(name: str):
    """Install tiny models (tiny_models.<name>: hub id -> builder) into the cache under those ids; remove and
    unload them afterwards so other tests see the real offline state."""
    import tiny_models
    from domains.core.loader import LOADER
    ids = tiny_models.install(getattr(tiny_models, name))
    yield ids
    for repo in ids:
        LOADER.unload(repo)
    tiny_models.remove(ids)


@pytest.fixture
def tiny_vision_pipelines():
    """The five hub-only vision models (DETR, SegFormer, Depth Anything, CLIP, BLIP), tiny and random."""
    yield from _installed("VISION_PIPELINES")


@pytest.fixture
def tiny_text_pipelines():
    """Tiny random text models (sentiment, NLI, QA, GPT-2, BART, Marian) under the registry's hub ids."""
    yield from _installed("TEXT_PIPELINES")


@pytest.fixture
def tiny_whisper_hub():
    """A tiny random multilingual-id Whisper (openai/whisper-tiny) with the real tiny.en tokenizer."""
    yield from _installed("SPEECH_PIPELINES")


def pytest_runtest_setup(item):
    """`@skips.needs(ok, reason)` on a test or module: the one skip helper decides (tests/skips.py)."""
    for mark in item.iter_markers("needs_missing"):
        from skips import need
        need(False, mark.kwargs["reason"])


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Every test starts in English: the language is per context, and a page run in this thread may have set it."""
    from domains.core import i18n
    i18n.set_language(i18n.DEFAULT)
    yield


_TIMES = os.environ.get("GALLERY_TEST_TIMES")  # a folder: each test worker writes its tests' times there (CI's budget)


def pytest_runtest_logreport(report):
    if _TIMES and report.when in ("setup", "call", "teardown"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        if worker == "main" and hasattr(report, "node"):  # xdist's controller hears the workers' reports: theirs
            return
        Path(_TIMES).mkdir(parents=True, exist_ok=True)
        with open(Path(_TIMES) / f"{worker}.tsv", "a") as f:
            f.write(f"{report.duration:.2f}\t{report.when}\t{report.nodeid}\n")
