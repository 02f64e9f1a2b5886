"""Find a demo by describing it, in English or Chinese ("我想识别照片里的文字", "which jobs does AI change"): the
multilingual encoder (E5) compares the description with every demo's page, title and summary in both languages
(from the translation catalog), and ranks the demos by the closer of the two."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from .i18n import _, language
from .errors import InputError
from .inputs import load_text, scripts
from .loader import LOADER, Progress

_INDEX: dict[str, Any] = {}
_INDEX_LOCK = threading.Lock()


@dataclass
class DemoMatch:
    id: str
    domain: str
    section: str      # the page's section (?demo=...) that shows it
    title: str        # in the caller's language
    summary: str
    score: float      # cosine similarity of the description to the demo's closer text (English or Chinese)


@dataclass
class FindResult:
    query: str
    matches: list[DemoMatch]
    model: str
    latency_ms: float


def _texts(lang: str) -> list[tuple[str, str]]:
    """(demo id, "page: title. summary") for every offline demo, in one language."""
    from .registry import demos, domains
    with language(lang):
        pages = {d.id: _(d.title) for d in domains()}
        return [(d.id, f"{pages.get(d.domain, d.domain)}: {_(d.title)}. {_(d.summary)}")
                for d in demos() if not d.online_only]


def _index(emb) -> tuple[list[str], Any]:
    """Every demo's text in English and in Chinese, embedded once per process (about 140 short passages)."""
    with _INDEX_LOCK:
        if "m" not in _INDEX:
            rows = _texts("en") + _texts("zh")
            _INDEX["ids"], _INDEX["m"] = [i for i, __ in rows], emb.encode([t for __, t in rows], "passage")
    return _INDEX["ids"], _INDEX["m"]


def find(query: Any, *, top_k: int = 5, progress: Progress | None = None) -> FindResult:
    """The demos closest in meaning to a description, best first."""
    import numpy as np
    from .registry import get
    from .text import E5
    text = load_text(query, max_chars=300, what="description")
    if not scripts(text):  # digits, symbols or emoji only: no meaning to compare
        raise InputError(_("Describe the demo in words (English or Chinese): this has no letters."))
    t0 = time.perf_counter()
    with LOADER.use(E5, progress) as emb:
        ids, m = _index(emb)
        sims = m @ emb.encode([text], "query")[0]
    best: dict[str, float] = {}
    for i, s in zip(ids, sims.tolist()):
        best[i] = max(best.get(i, -1.0), s)
    order = sorted(best, key=best.get, reverse=True)[:max(1, min(int(top_k), 20))]
    out = []
    for i in order:
        d = get(i)
        out.append(DemoMatch(d.id, d.domain, d.page_section, _(d.title), _(d.summary), round(best[i], 4)))
    return FindResult(text, out, E5.id, round((time.perf_counter() - t0) * 1000, 1))


def model_label() -> str:
    from .text import E5
    return E5.label


def warm(progress: Progress | None = None) -> None:
    """Load the encoder and embed the demos' texts now (the app's start), so the first search is quick."""
    from .errors import GalleryError
    from .text import E5
    try:
        with LOADER.use(E5, progress) as emb:
            _index(emb)
    except GalleryError:  # the first search says what is wrong, to the visitor who asks
        pass
