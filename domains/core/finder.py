"""Find a demo by describing it, in English or Chinese ("我想识别照片里的文字", "which jobs does AI change"): the
multilingual encoder (E5) compares the description with every demo's page, title and summary in both languages
(from the translation catalog), and ranks the demos by the closer of the two."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .i18n import _, language
from .errors import InputError
from .inputs import load_text, scripts
from .loader import LOADER, Progress

if TYPE_CHECKING:
    from .evaluation import Evaluation

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
    evaluation: "Evaluation | None" = None  # the finder on its labelled set (FIND_EVAL), beside keyword matching


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
    ms = round((time.perf_counter() - t0) * 1000, 1)
    return FindResult(text, out, E5.id, ms, evaluate(progress))


# Wishes written for the gallery as a visitor would type them, in English and in Chinese, each with the demos that
# answer it: the finder's labelled set
WISHES = (
    ({"vision.ocr"}, "read the text in a photo", "我想识别照片里的文字"),
    ({"work.exposure", "work.sectors"}, "which jobs does AI change", "哪些工作会被人工智能改变"),
    ({"speech.transcribe"}, "turn my voice into text", "把我说的话变成文字"),
    ({"medical.skin"}, "is this mole dangerous", "这个痣危险吗"),
    ({"energy.forecast"}, "predict electricity use tomorrow", "预测明天的用电量"),
    ({"privacy.faces"}, "blur the faces before I post a picture", "发照片之前把人脸打码"),
    ({"recommendation.recommend", "recommendation.similar"}, "suggest movies I might like", "推荐几部我可能喜欢的电影"),
    ({"fairness.credit", "fairness.embeddings", "fairness.resumes"}, "does the model treat women and men differently",
     "模型对男女是否公平"),
    ({"driving.policy"}, "a car that learns to drive", "会自己学开车的汽车"),
    ({"speech.synthesize", "speech.roundtrip"}, "say this sentence out loud", "把这句话读出来"),
    ({"concepts.playground", "concepts.backprop"}, "how does a neural network learn", "神经网络是怎么学习的"),
    ({"smart_home.command"}, "turn on the lights by talking", "用说话来开灯"),
)
FIND_EVAL = tuple((lang, wish[i], wish[0]) for i, lang in ((1, "en"), (2, "zh")) for wish in WISHES)  # (language,
# description, right demos)
FIND_TOP = 3  # a description is answered when a right demo is among the first three


def evaluate(progress: Progress | None = None) -> "Evaluation":
    """The finder on its labelled set: the share of descriptions with a right demo among the first three, beside
    keyword matching (TF-IDF over the characters of the same titles and summaries: it reads both languages' words
    but not their meaning)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from .evaluation import Evaluation
    from .text import E5
    if "eval" not in _INDEX:
        queries = [q for __, q, __ in FIND_EVAL]
        with LOADER.use(E5, progress) as emb:
            ids, m = _index(emb)
            Q = emb.encode(queries, "query")
        rows = _texts("en") + _texts("zh")
        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit([t for __, t in rows])
        K = (tfidf.transform(queries) @ tfidf.transform([t for __, t in rows]).T).toarray()

        def share(S) -> float:
            hits = []
            for s, (__, __, right) in zip(S, FIND_EVAL):
                best: dict[str, float] = {}
                for i, v in zip(ids, s.tolist()):
                    best[i] = max(best.get(i, -1.0), v)
                hits.append(bool(set(sorted(best, key=best.get, reverse=True)[:FIND_TOP]) & right))
            return float(np.mean(hits))
        _INDEX["eval"] = (share(Q @ m.T), share(K))
    model, keyword = _INDEX["eval"]
    return Evaluation.judge(
        data=_("{n} descriptions written for the gallery, half in English and half in Chinese, each with the demos "
               "that answer it (domains/core/finder.py)").format(n=len(FIND_EVAL)),
        split=_("all of them: nothing is trained"), metric=_("a right demo among the first {k}").format(k=FIND_TOP),
        higher_is_better=True, model=model, baselines={_("keyword matching (TF-IDF over characters)"): keyword},
        tolerance=0.05, digits=3)


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
        evaluate(progress)  # the labelled set too: the first search shows its figure without embedding it
    except GalleryError:  # the first search says what is wrong, to the visitor who asks
        pass
