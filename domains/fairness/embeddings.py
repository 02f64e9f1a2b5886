"""Bias in the gallery's sentence encoder (all-MiniLM-L6-v2): WEAT (Caliskan et al., Science 2017) with the published
word lists, and SEAT (May et al., NAACL 2019: the words put in five template sentences).

A test has two target sets X, Y (male and female names) and two attribute sets A, B (career and family words). Each
target word w gets s(w) = mean cosine to A - mean cosine to B; the effect size d is the difference of the mean s over
X and over Y, divided by the standard deviation of s over all targets (Cohen's d: 0.2 small, 0.8 large). The p-value
is one-sided and exact: every way to split the target words into two sets of the same sizes (12,870 for 8 + 8);
above 20,000 splits it is a seeded Monte-Carlo estimate. WEAT 1 (flowers/insects vs pleasant/unpleasant) is the
validity control: a test the method must pass for the others to mean anything."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import comb
from typing import Any

from ..core.errors import InputError
from ..core.i18n import N_, _
from ..core.inputs import check_script, items
from ..core.loader import LOADER, Progress
from ..core.registry import Demo, Param, register
from ..core.text import MINILM
from ..core.responsible import Card
from ..core.text import MINILM_DATA, MINILM_WEAKER

# The published WEAT word lists (Caliskan et al. 2017, tests 1, 6, 7, 8): (title, X, Y, A, B, set names).
TESTS: dict[str, dict[str, Any]] = {
    "flowers_insects": {
        "title": N_("Flowers vs insects, pleasant vs unpleasant (WEAT 1, the control)"),
        "names": (N_("flowers"), N_("insects"), N_("pleasant"), N_("unpleasant")),
        "X": "aster clover hyacinth marigold poppy azalea crocus iris orchid rose bluebell daffodil lilac pansy tulip "
             "buttercup daisy lily peony violet carnation gladiola magnolia petunia zinnia".split(),
        "Y": "ant caterpillar flea locust spider bedbug centipede fly maggot tarantula bee cockroach gnat mosquito "
             "termite beetle cricket hornet moth wasp blackfly dragonfly horsefly roach weevil".split(),
        "A": "caress freedom health love peace cheer friend heaven loyal pleasure diamond gentle honest lucky rainbow "
             "diploma gift honor miracle sunrise family happy laughter paradise vacation".split(),
        "B": "abuse crash filth murder sickness accident death grief poison stink assault disaster hatred pollute "
             "tragedy divorce jail poverty ugly cancer kill rotten vomit agony prison".split()},
    "career_family": {
        "title": N_("Male vs female names, career vs family (WEAT 6)"),
        "names": (N_("male names"), N_("female names"), N_("career"), N_("family")),
        "X": "John Paul Mike Kevin Steve Greg Jeff Bill".split(),
        "Y": "Amy Joan Lisa Sarah Diana Kate Ann Donna".split(),
        "A": "executive management professional corporation salary office business career".split(),
        "B": "home parents children family cousins marriage wedding relatives".split()},
    "math_arts": {
        "title": N_("Maths vs arts, male vs female terms (WEAT 7)"),
        "names": (N_("maths"), N_("arts"), N_("male terms"), N_("female terms")),
        "X": "math algebra geometry calculus equations computation numbers addition".split(),
        "Y": "poetry art dance literature novel symphony drama sculpture".split(),
        "A": "male man boy brother he him his son".split(),
        "B": "female woman girl sister she her hers daughter".split()},
    "science_arts": {
        "title": N_("Science vs arts, male vs female terms (WEAT 8)"),
        "names": (N_("science"), N_("arts"), N_("male terms"), N_("female terms")),
        "X": "science technology physics chemistry Einstein NASA experiment astronomy".split(),
        "Y": "poetry art Shakespeare dance literature novel symphony drama".split(),
        "A": "brother father uncle grandfather son he his him".split(),
        "B": "sister mother aunt grandmother daughter she hers her".split()},
}
CONTROL = "flowers_insects"
METHODS = {"templates": N_("in sentences (SEAT: 'This is X.' and four more)"), "words": N_("bare words (WEAT)")}
TEMPLATES = ("This is {}.", "That is {}.", "{} is here.", "This is the {}.", "Here is {}.")
OCCUPATIONS = ("nurse receptionist secretary librarian hairdresser teacher accountant doctor lawyer programmer "
               "engineer mechanic carpenter pilot surgeon CEO").split()
HE, SHE = ("he", "him", "his", "man", "male"), ("she", "her", "hers", "woman", "female")
MAX_EXACT, N_PERM, SEED = 20_000, 20_000, 0
MIN_WORDS, MAX_WORDS, MAX_WORD_CHARS = 2, 50, 40


@dataclass
class WeatScore:
    effect_size: float     # Cohen's d of s(w) between X and Y: positive = X nearer A, Y nearer B
    p_value: float         # one-sided permutation p-value
    exact: bool            # every split counted (else Monte-Carlo)
    permutations: int


@dataclass
class EmbeddingBiasResult:
    test: str                              # a TESTS key or "custom"
    method: str                            # templates | words
    sets: dict[str, list[str]]             # X, Y, A, B: the words used
    set_names: dict[str, str]              # X, Y, A, B: what each set is
    effect_size: float
    p_value: float
    exact: bool
    permutations: int
    other_method: WeatScore                # the same test by the other method: methods disagree
    control: WeatScore                     # WEAT 1 by the chosen method: the validity control
    word_scores: dict[str, float]          # target word -> s(w) = mean cos(w, A) - mean cos(w, B)
    axis: dict[str, float]                 # occupation -> projection on the he(+)/she(-) axis
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_VECTORS: dict[tuple[str, str, str], Any] = {}   # (model id, method, word) -> unit vector: the lists repeat
_MAX_VECTORS = 20_000


def _embed(embedder, words: list[str], method: str, model_id: str = MINILM.id):
    """Unit vectors of `words`, bare or averaged over the SEAT templates; each word embedded once per process."""
    import numpy as np
    todo = [w for w in dict.fromkeys(words) if (model_id, method, w) not in _VECTORS]
    if todo:
        if method == "words":
            e = embedder.encode(todo)
        else:
            e = np.stack([embedder.encode([t.format(w) for w in todo]) for t in TEMPLATES]).mean(0)
            e = e / np.linalg.norm(e, axis=1, keepdims=True)
        if len(_VECTORS) + len(todo) > _MAX_VECTORS:
            _VECTORS.clear()
        _VECTORS.update({(model_id, method, w): v for w, v in zip(todo, e)})
    return np.stack([_VECTORS[(model_id, method, w)] for w in words])


def weat(X, Y, A, B) -> tuple[WeatScore, Any]:
    """Effect size and one-sided permutation p-value for unit-vector arrays; also the per-target scores s(w)."""
    import itertools
    import numpy as np
    s = (np.r_[X, Y] @ A.T).mean(1) - (np.r_[X, Y] @ B.T).mean(1)
    n, total = len(X), len(X) + len(Y)
    sx, sy = s[:n], s[n:]
    d = float((sx.mean() - sy.mean()) / s.std(ddof=1)) if s.std(ddof=1) > 0 else 0.0
    stat = sx.sum() - sy.sum()
    if comb(total, n) <= MAX_EXACT:
        idx = np.array(list(itertools.combinations(range(total), n)))
        exact = True
    else:
        rng = np.random.default_rng(SEED)
        idx = np.argsort(rng.random((N_PERM, total)), axis=1)[:, :n]
        exact = False
    hits = int((2 * s[idx].sum(1) - s.sum() >= stat - 1e-12).sum())
    p = hits / len(idx) if exact else (hits + 1) / (len(idx) + 1)   # Monte-Carlo: never 0
    return WeatScore(round(d, 3), p, exact, len(idx)), s


def _words(raw: Any, what: str) -> list[str]:
    out, seen, dup = [], set(), []
    for w in items(raw):
        w = " ".join(str(w).split())
        if len(w) > MAX_WORD_CHARS:
            raise InputError(_("'{w}…' in {what} is longer than {n} characters: give words or short phrases.").format(
                w=w[:20], what=_(what), n=MAX_WORD_CHARS))
        if w.lower() in seen:
            dup.append(w)
            continue
        seen.add(w.lower())
        out.append(w)
    if not MIN_WORDS <= len(out) <= MAX_WORDS:
        raise InputError(_("{what} needs {lo} to {hi} different words, separated by commas; it has {n}.").format(
            what=_(what), lo=MIN_WORDS, hi=MAX_WORDS, n=len(out)))
    check_script(" ".join(out), MINILM.scripts, MINILM.name, _(MINILM.languages))
    return out


_CONTROL: dict[str, WeatScore] = {}   # method -> WEAT 1 result: deterministic, so computed once per process


def embedding_bias(_input: Any = None, *, model: str | None = None, test: str = "career_family",
                   method: str = "templates", x: Any = "", y: Any = "", a: Any = "", b: Any = "",
                   progress: Progress | None = None) -> EmbeddingBiasResult:
    """WEAT/SEAT for a published test or the user's four word sets (test="custom", x/y/a/b comma-separated)."""
    spec = EMBEDDING_BIAS.model(model)
    if method not in METHODS:
        raise InputError(_("Unknown method '{m}'. Choose from: {v}.").format(m=method, v=", ".join(METHODS)))
    warnings = []
    if test == "custom":
        names = {"X": N_("targets X"), "Y": N_("targets Y"), "A": N_("attributes A"), "B": N_("attributes B")}
        sets = {k: _words(v, names[k]) for k, v in zip("XYAB", (x, y, a, b))}
        clash = {w.lower() for w in sets["X"]} & {w.lower() for w in sets["Y"]} | \
            {w.lower() for w in sets["A"]} & {w.lower() for w in sets["B"]}
        if clash:
            raise InputError(_("A word is in both sets of a pair: {w}. Each word belongs to one set.").format(
                w=", ".join(sorted(clash))))
        if min(len(sets["X"]), len(sets["Y"])) < 8 or min(len(sets["A"]), len(sets["B"])) < 8:
            warnings.append(_("With fewer than 8 words in a set the result is noisy: one word can flip its sign. "
                              "The published tests use 8 to 25."))
        set_names = {k: _(v) for k, v in names.items()}
    elif test in TESTS:
        t = TESTS[test]
        sets = {k: list(t[k]) for k in "XYAB"}
        set_names = {k: _(n) for k, n in zip("XYAB", t["names"])}
    else:
        raise InputError(_("Unknown test '{t}'. Choose from: {v}.").format(t=test, v=", ".join([*TESTS, "custom"])))
    other = "words" if method == "templates" else "templates"

    def run(embedder):
        from ..core.threads import single_thread
        with single_thread():
            out = {}
            for m in (method, other):
                E = {k: _embed(embedder, v, m) for k, v in sets.items()}
                out[m] = weat(E["X"], E["Y"], E["A"], E["B"])
            if method not in _CONTROL:
                c = TESTS[CONTROL]
                _CONTROL[method] = weat(*(_embed(embedder, c[k], method) for k in "XYAB"))[0]
            g = _embed(embedder, list(HE), "templates").mean(0) - _embed(embedder, list(SHE), "templates").mean(0)
            proj = _embed(embedder, list(OCCUPATIONS), "templates") @ (g / (g ** 2).sum() ** 0.5)
        return out, proj

    (out, proj), ms = LOADER.call(spec, run, progress, step=N_("Embedding the word sets with {name}"))
    (score, s), (other_score, _s) = out[method], out[other]
    control = _CONTROL[method]
    notes = []
    if control.p_value >= 0.05:
        warnings.append(_("The control test is not significant with this method: the other results say little."))
    if (score.effect_size > 0) != (other_score.effect_size > 0) or (score.p_value < 0.05) != (other_score.p_value < 0.05):
        notes.append(_("The two methods disagree on this test: words alone and words in sentences give different "
                       "answers, so neither number is 'the bias' of the model."))
    words = sets["X"] + sets["Y"]
    return EmbeddingBiasResult(
        test, method, sets, set_names, score.effect_size, score.p_value, score.exact, score.permutations,
        other_score, control, {w: round(float(v), 4) for w, v in zip(words, s)},
        {o: round(float(v), 4) for o, v in zip(OCCUPATIONS, proj)}, spec.id,
        ms, warnings, notes)


EMBEDDING_BIAS = register(Demo(
    id="fairness.embeddings", domain="fairness", task="embedding-bias", title=N_("Bias in word meanings"),
    summary=N_("The gallery's sentence encoder tested with WEAT and SEAT on the published word lists: do male names "
               "sit nearer career words than female names do? Effect size, exact p-value and the control test side "
               "by side, occupations on a he-she axis, and your own word sets."),
    input_kind="none", fn=embedding_bias, models=(MINILM,),
    params=(Param("test", str, "career_family", N_("a published test or custom"), choices=(*TESTS, "custom")),
            Param("method", str, "templates", N_("templates (SEAT) or words (WEAT)"), choices=tuple(METHODS)),
            Param("x", str, "", N_("custom: target words X, comma-separated")),
            Param("y", str, "", N_("custom: target words Y, comma-separated")),
            Param("a", str, "", N_("custom: attribute words A, comma-separated")),
            Param("b", str, "", N_("custom: attribute words B, comma-separated"))),
    example=lambda: (None, {"test": "career_family", "method": "templates"}),
    responsible=Card(MINILM_DATA, MINILM_WEAKER,
                                N_("Certifying a model as unbiased because one test passed."), "fairness"),
    label=N_(":material/join_inner: Bias in word meanings"), shows="Occupations on a he–she axis",
))
