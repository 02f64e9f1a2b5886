"""Graph learning on real social networks (networkx's karate club, Les Miserables and Florentine families; the
Hartford drug-user network from Debian's python3-networkx examples).

Communities: a two-layer graph convolutional network (torch-geometric's GCNConv, one-hot members as features) trained
here, per request, from the few members whose group is known, beside label propagation (networkx's harmonic
function). On the karate club the truth is the real 1977 split (or PyG's four factions), so both are scored on the
members nobody labelled. Links: a graph autoencoder (PyG's GAE, 100 epochs: more overfits these small graphs) beside
common neighbours, Adamic-Adar, Jaccard and preferential attachment, scored by ROC AUC on 15 % of the edges hidden
over 10 random splits; a tie on most graphs, and the page says so."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import InputError, ModelUnavailable
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

HARTFORD = Path("/usr/share/doc/python3-networkx/examples/algorithms/hartford_drug.edgelist")
GRAPHS = {"karate": N_("Zachary's karate club (34 members, 78 friendships)"),
          "lesmis": N_("Les Misérables characters (77, 254 scenes together)"),
          "florentine": N_("Florentine families, 15th century (15, 20 marriages)"),
          "hartford": N_("Hartford drug users (212 people, 284 ties)")}
TASKS = {"clubs": N_("which club each member joined after the split (the real 1977 record)"),
         "factions": N_("four factions (PyG's labels, from modularity clustering)")}
DEFAULT_LABELS = {"clubs": ["Mr. Hi", "John A."], "factions": ["Mr. Hi", "#4", "#8", "#24"],
                  "lesmis": ["Valjean=Valjean", "Thenardier=Thenardier"], "florentine": ["Medici=Medici",
                                                                            "Strozzi=Strozzi"],
                  "hartford": ["0=A", "1=B"]}
LINK_METHODS = {"gae": N_("graph autoencoder (trained here)"), "common": N_("common neighbours"),
                "adamic_adar": N_("Adamic-Adar"), "jaccard": N_("Jaccard"),
                "preferential": N_("preferential attachment")}
SEEDS, SPLITS, GCN_EPOCHS, GAE_EPOCHS = 10, 10, 200, 100


@lru_cache(maxsize=None)
def load_graph(name: str):
    """(networkx graph with nodes 0..n-1, member names, truth by task or {})."""
    import networkx as nx
    if name not in GRAPHS:
        raise InputError(_("Unknown graph '{g}'. Choose from: {v}.").format(g=name, v=", ".join(GRAPHS)))
    truth: dict[str, list[int]] = {}
    if name == "karate":
        g = nx.karate_club_graph()
        names = ["Mr. Hi" if i == 0 else "John A." if i == 33 else f"#{i}" for i in g]
        truth["clubs"] = [int(g.nodes[i]["club"] == "Officer") for i in g]
        from torch_geometric.datasets import KarateClub   # the four factions ship inside the wheel
        truth["factions"] = KarateClub()[0].y.tolist()
    elif name == "hartford":
        if not HARTFORD.is_file():
            raise ModelUnavailable(_("The Hartford network ships in Debian's python3-networkx examples: {cmd}").format(
                cmd="sudo apt-get install --no-install-recommends python3-networkx"))
        g0 = nx.read_edgelist(HARTFORD, create_using=nx.Graph)
        g = nx.convert_node_labels_to_integers(g0, label_attribute="name")
        names = [str(g.nodes[i]["name"]) for i in g]
    else:
        g0 = nx.les_miserables_graph() if name == "lesmis" else nx.florentine_families_graph()
        g = nx.convert_node_labels_to_integers(nx.Graph(g0), label_attribute="name")
        names = [str(g.nodes[i]["name"]) for i in g]
    return g, names, truth


@lru_cache(maxsize=None)
def layout(name: str) -> list[list[float]]:
    import networkx as nx
    g = load_graph(name)[0]
    pos = nx.spring_layout(g, seed=3, k=1.5 / max(1, g.number_of_nodes()) ** 0.5)
    return [[round(float(pos[i][0]), 4), round(float(pos[i][1]), 4)] for i in g]


def _member(name: str, names: list[str]) -> int:
    key = str(name).strip().lower()
    for i, n in enumerate(names):
        if n.lower() == key:
            return i
    if key.lstrip("#").isdigit() and int(key.lstrip("#")) < len(names):
        return int(key.lstrip("#"))
    raise InputError(_("No member called '{name}' in this graph.").format(name=name))


class GraphLab:
    """The models: torch-geometric's layers, trained per request (a fit takes a fraction of a second)."""

    def gcn(self, n: int, edges, y, train, classes: int, seed: int):
        import torch
        import torch.nn.functional as F
        from torch_geometric.nn import GCNConv

        class GCN(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.c1, self.c2 = GCNConv(n, 16), GCNConv(16, classes)

            def forward(self, x, ei):
                h = torch.tanh(self.c1(x, ei))
                return self.c2(h, ei), h

        torch.manual_seed(seed)
        m, x = GCN(), torch.eye(n)
        opt = torch.optim.Adam(m.parameters(), lr=0.01, weight_decay=5e-4)
        y, tr = torch.as_tensor(y), torch.as_tensor(train)
        for _e in range(GCN_EPOCHS):
            opt.zero_grad()
            F.cross_entropy(m(x, edges)[0][tr], y[tr]).backward()
            opt.step()
        with torch.inference_mode():
            out, h = m.eval()(x, edges)
        return out.softmax(1).numpy(), h.numpy()

    def gae(self, n: int, edges, seed: int):
        """Node embeddings from a GCN autoencoder trained on `edges`; a pair's score is the dot product."""
        import torch
        from torch_geometric.nn import GAE, GCNConv
        from torch_geometric.utils import negative_sampling

        class Enc(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.c1, self.c2 = GCNConv(n, 32), GCNConv(32, 16)

            def forward(self, x, ei):
                return self.c2(torch.relu(self.c1(x, ei)), ei)

        _seed_all(seed)
        m, x = GAE(Enc()), torch.eye(n)
        opt = torch.optim.Adam(m.parameters(), lr=0.01, weight_decay=5e-4)
        for _e in range(GAE_EPOCHS):
            m.train()
            opt.zero_grad()
            z = m.encode(x, edges)
            m.recon_loss(z, edges, negative_sampling(edges, num_nodes=n)).backward()
            opt.step()
        with torch.inference_mode():
            return m.eval().encode(x, edges).numpy()


def _seed_all(seed: int) -> None:
    import random
    import numpy as np
    import torch
    random.seed(seed)       # PyG's negative sampling also draws from Python's and NumPy's generators
    np.random.seed(seed)
    torch.manual_seed(seed)


def _edge_index(g):
    import torch
    e = torch.tensor(list(g.edges()), dtype=torch.long).t()
    return torch.cat([e, e.flip(0)], 1)


@adapter("pyg_graphs", imports=("torch", "torch_geometric", "networkx"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import torch_geometric  # noqa: F401  (import once here: 2-10 s)
    return GraphLab()


GCN_SPEC = ModelSpec(
    id="karate-gcn", name=N_("Graph convolutional network (trained here)"), source="trained", adapter="pyg_graphs",
    license=N_("MIT (this project's code); torch-geometric (MIT)"), size_mb=0.01, ram_mb=400,
    offline=True, ref="torch-geometric GCNConv", homepage="https://pytorch-geometric.readthedocs.io",
    description=N_("Two graph-convolution layers (16 hidden units, one-hot members as features), trained by this "
                   "project from the labelled members for {epochs} epochs each time you ask, {seeds} seeds averaged; "
                   "label propagation (networkx) answers the same question."),
    text_args={"epochs": GCN_EPOCHS, "seeds": SEEDS},
    needs={"build": "per-call"},  # see ModelSpec.needs
)
GAE_SPEC = ModelSpec(
    id="graph-autoencoder", name=N_("Graph autoencoder (trained here)"), source="trained", adapter="pyg_graphs",
    license=N_("MIT (this project's code); torch-geometric (MIT)"), size_mb=0.05, ram_mb=400,
    offline=True, ref="torch-geometric GAE", homepage="https://pytorch-geometric.readthedocs.io",
    description=N_("A two-layer GCN encoder (32 then 16 units) with an inner-product decoder (Kipf and Welling, "
                   "2016), trained by this project for {epochs} epochs on each split's visible friendships."),
    text_args={"epochs": GAE_EPOCHS},
    needs={"build": "per-call"},  # see ModelSpec.needs
)


# ---------------------------------------------------------------- communities
@dataclass
class CommunitiesResult:
    graph: str
    task: str                        # clubs | factions (karate), or "labels" (groups the user named)
    members: list[str]
    edges: list[list[int]]
    layout: list[list[float]]        # x, y per member (spring layout, seeded)
    groups: list[str]                # group names, index = class
    labelled: list[int]              # members whose group was given
    truth: list[int] | None          # per member, where the graph has one
    gcn: list[int]                   # predicted group per member (most votes over the seeds)
    gcn_confidence: list[float]
    propagation: list[int]
    accuracy: dict[str, float]       # gcn (mean over seeds), gcn_std, propagation, majority: on unlabelled members
    agreement: float                 # share of unlabelled members where the GCN and label propagation agree
    hidden: list[list[float]]        # the GCN's hidden layer, 2-D (PCA), seed 0
    evaluation: Evaluation | None
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _labels(raw: Any, names: list[str], truth: list[int] | None, groups_known: list[str]):
    """Parse labelled members: "name" (its group revealed from the truth) or "name=group"."""
    picks = [str(x).strip() for x in items(raw) if str(x).strip()]
    labelled, groups, given = [], list(groups_known), {}
    for p in picks:
        name, sep, grp = p.partition("=")
        i = _member(name, names)
        if sep:
            grp = grp.strip()
            if not grp:
                raise InputError(_("Give a group after '=' for {name}.").format(name=name))
            if grp not in groups:
                groups.append(grp)
            given[i] = groups.index(grp)
        elif truth is None:
            raise InputError(_("This graph has no known groups: name each labelled member's group as member=group, "
                               "e.g. {ex}.").format(ex="Valjean=A"))
        else:
            given[i] = truth[i]
        if i not in labelled:
            labelled.append(i)
    return labelled, groups, given


@lru_cache(maxsize=32)
def _community_fit(graph: str, given: tuple, lab: tuple, k: int, lab_model: GraphLab):
    """The GCN's seeded fits and label propagation for one labelled set. Deterministic (seeded, one thread), so a
    room repeating the same labels reuses the fits instead of training ten networks per click."""
    import networkx as nx
    import numpy as np
    from networkx.algorithms import node_classification
    from ..core.threads import single_thread
    g = load_graph(graph)[0]
    n = g.number_of_nodes()
    y = np.zeros(n, dtype=np.int64)
    for i, c in given:
        y[i] = c
    ei = _edge_index(g)
    with single_thread():
        runs = [lab_model.gcn(n, ei, y, list(lab), k, s) for s in range(SEEDS)]
    h = nx.Graph(g)
    for i, c in given:
        h.nodes[i]["lab"] = int(c)
    prop = np.array(node_classification.harmonic_function(h, label_name="lab"))
    return runs, prop


def communities(_input: Any = None, *, model: str | None = None, graph: str = "karate", task: str = "clubs",
                labelled: Any = None, progress: Progress | None = None) -> CommunitiesResult:
    """Each member's group from the few `labelled` members: the GCN trained here beside label propagation."""
    import numpy as np
    spec = COMMUNITIES.model(model)
    g, names, truths = load_graph(graph)
    if graph == "karate":
        if task not in TASKS:
            raise InputError(_("Unknown task '{t}'. Choose from: {v}.").format(t=task, v=", ".join(TASKS)))
        truth = truths[task]
        known = [_("Mr. Hi's club"), _("the officer's club")] if task == "clubs" else \
            [_("faction {i}").format(i=i + 1) for i in range(max(truth) + 1)]
    else:
        task, truth, known = "labels", None, []
    raw = labelled if labelled not in (None, "", []) else DEFAULT_LABELS[task if graph == "karate" else graph]
    lab, groups, given = _labels(raw, names, truth, known)
    k = len(groups)
    if len(set(given.values())) < 2:
        raise InputError(_("Label members of at least two different groups."))
    if len(lab) >= g.number_of_nodes() - 1:
        raise InputError(_("Leave some members unlabelled: they are what the models predict."))
    warnings = []
    if truth is not None and len(set(given.values())) < len(set(truth)):
        warnings.append(_("No labelled member of some groups: nobody can be predicted into them."))

    def fit(lab_model: GraphLab):
        return _community_fit(graph, tuple(sorted(given.items())), tuple(lab), k, lab_model)

    (runs, prop), ms = LOADER.call(spec, fit, progress, step=N_("Training {name} on the labelled members"))
    probs = np.mean([p for p, _h in runs], 0)
    gcn = probs.argmax(1)
    hidden = runs[0][1]
    hc = hidden - hidden.mean(0)
    pcs = np.linalg.svd(hc, full_matrices=False)[2][:2]
    h2 = hc @ pcs.T
    rest = np.array([i for i in range(len(names)) if i not in lab])
    agreement = float((gcn[rest] == prop[rest]).mean())
    acc, ev = {}, None
    notes = []
    if truth is not None:
        t = np.array(truth)
        per_seed = [float((p.argmax(1)[rest] == t[rest]).mean()) for p, _h in runs]
        majority = float((t[rest] == np.bincount(t[rest]).argmax()).mean())
        acc = {"gcn": round(float(np.mean(per_seed)), 3), "gcn_std": round(float(np.std(per_seed)), 3),
               "gcn_vote": round(float((gcn[rest] == t[rest]).mean()), 3),
               "propagation": round(float((prop[rest] == t[rest]).mean()), 3), "majority": round(majority, 3)}
        ev = Evaluation.judge(
            data=_("Zachary's karate club, 34 members ({task})").format(task=_(TASKS[task])),
            split=_("{n} labelled members, scored on the other {m}").format(n=len(lab), m=len(rest)),
            metric=N_("accuracy on the unlabelled members"), higher_is_better=True, model=acc["gcn"],
            baselines={N_("label propagation"): acc["propagation"], N_("largest group for everyone"): majority},
            tolerance=round(1 / len(rest), 3), digits=3,
            notes=[_("The GCN's score is the mean of {s} seeds (spread {sd:.3f}); one member is {one:.3f} of the "
                     "score, so a gap that small is a tie.").format(s=SEEDS, sd=acc["gcn_std"], one=1 / len(rest))])
    else:
        notes.append(_("This graph has no known groups, so nothing can be scored: the two methods agree on "
                       "{a:.0%} of the unlabelled members.").format(a=agreement))
    return CommunitiesResult(
        graph, task, names, [list(e) for e in g.edges()], layout(graph), groups, lab, truth,
        gcn.tolist(), [round(float(x), 3) for x in probs.max(1)], prop.tolist(), acc, round(agreement, 3),
        [[round(float(a), 4), round(float(b), 4)] for a, b in h2], ev, spec.id, ms, warnings, notes)


COMMUNITIES = register(Demo(
    id="social.communities", domain="social", task="node-classification", title=N_("Who sides with whom"),
    summary=N_("Label a few members and a graph convolutional network trained here predicts everyone's group from "
               "who is friends with whom, beside label propagation."),
    input_kind="none", fn=communities, models=(GCN_SPEC,),
    params=(Param("graph", str, "karate", N_("karate, lesmis, florentine or hartford")),
            Param("task", str, "clubs", N_("karate only: clubs (the real split) or factions (four groups)")),
            Param("labelled", str, "", N_("members whose group is given, comma-separated: a name (karate: its group "
                                           "is revealed) or name=group"))),
    example=lambda: (None, {"graph": "karate", "task": "clubs"}),
    responsible=Card(
        N_("Small public social networks (a karate club, Les Misérables, Florentine families, Hartford drug users), "
           "from the members you label."),
        N_("Large or changing networks, and groups that are not visible in who knows whom."),
        N_("Inferring real people's affiliations, beliefs or orientation from their contacts."), "privacy"),
    label=N_(":material/groups: Who sides with whom"), shows="Stars: the labelled members",
))


# ---------------------------------------------------------------- links
@dataclass
class Suggestion:
    member: str
    score: float
    shared: list[str]               # friends they already share


@dataclass
class LinksResult:
    graph: str
    person: str
    friends: list[str]
    auc: dict[str, dict[str, float]]          # method -> mean, std over the splits
    suggestions: dict[str, list[Suggestion]]  # method -> top 5 people not yet friends
    evaluation: Evaluation
    members: list[str] = field(default_factory=list)
    edges: list[list[int]] = field(default_factory=list)
    layout: list[list[float]] = field(default_factory=list)
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _heuristics(g, pairs) -> dict[str, Any]:
    import networkx as nx
    import numpy as np
    p = [(int(u), int(v)) for u, v in pairs]
    return {"common": np.array([len(list(nx.common_neighbors(g, u, v))) for u, v in p], float),
            "adamic_adar": np.array([s for _u, _v, s in nx.adamic_adar_index(g, p)]),
            "jaccard": np.array([s for _u, _v, s in nx.jaccard_coefficient(g, p)]),
            "preferential": np.array([s for _u, _v, s in nx.preferential_attachment(g, p)], float)}


@lru_cache(maxsize=8)
def _link_scores(name: str, lab: GraphLab) -> tuple:
    """AUC of every method over SPLITS random 85/15 splits of the friendships (as many non-friend pairs as test
    pairs), the paired differences GAE minus each heuristic, and the full-graph GAE embeddings."""
    import networkx as nx
    import numpy as np
    import torch
    from sklearn.metrics import roc_auc_score
    from torch_geometric.transforms import RandomLinkSplit
    from torch_geometric.utils import from_networkx
    g = load_graph(name)[0]
    n = g.number_of_nodes()
    data = from_networkx(_plain(g))
    data.x = torch.ones(n, 1)
    aucs: dict[str, list[float]] = {k: [] for k in LINK_METHODS}
    for seed in range(SPLITS):
        _seed_all(seed)
        tr, _v, te = RandomLinkSplit(num_val=0.0, num_test=0.15, is_undirected=True,
                                     add_negative_train_samples=False, neg_sampling_ratio=1.0)(data)
        pairs, y = te.edge_label_index.t().numpy(), te.edge_label.numpy()
        h = nx.Graph()
        h.add_nodes_from(range(n))
        h.add_edges_from(tr.edge_index.t().tolist())
        scores = _heuristics(h, pairs)
        z = lab.gae(n, tr.edge_index, seed)
        scores["gae"] = (z[pairs[:, 0]] * z[pairs[:, 1]]).sum(1)
        for k, s in scores.items():
            aucs[k].append(float(roc_auc_score(y, s)))
    z_full = lab.gae(n, _edge_index(g), 0)
    return {k: np.array(v) for k, v in aucs.items()}, z_full


def _plain(g):
    import networkx as nx
    h = nx.Graph()
    h.add_nodes_from(range(g.number_of_nodes()))
    h.add_edges_from(g.edges())
    return h


def links(_input: Any = None, *, model: str | None = None, graph: str = "karate", person: str = "",
          progress: Progress | None = None) -> LinksResult:
    """Who `person` might befriend next, from each method, and each method's AUC on hidden friendships."""
    import numpy as np
    spec = LINKS.model(model)
    g, names, _t = load_graph(graph)
    who = _member(person, names) if str(person).strip() else int(np.argmax([d for _n, d in g.degree()]))
    friends = sorted(g.neighbors(who))

    def score(lab: GraphLab):
        from ..core.threads import single_thread
        with single_thread():
            return _link_scores(graph, lab)

    (aucs, z), ms = LOADER.call(spec, score, progress, step=N_("Scoring hidden friendships with {name}"))
    others = [v for v in g if v != who and v not in friends]
    warnings = []
    if not others:
        raise InputError(_("{name} is already friends with everyone.").format(name=names[who]))
    if len(friends) == 0:
        warnings.append(_("{name} has no friends in this graph: the shared-friend methods cannot rank anyone.").format(
            name=names[who]))
    pairs = [(who, v) for v in others]
    scores = _heuristics(_plain(g), pairs)
    scores["gae"] = (z[who] * z[others]).sum(1)
    sugg = {}
    for k, s in scores.items():
        top = np.argsort(-s, kind="stable")[:5]
        sugg[k] = [Suggestion(names[others[i]], round(float(s[i]), 3),
                              [names[c] for c in sorted(set(g.neighbors(others[i])) & set(friends))]) for i in top]
    auc = {k: {"mean": round(float(v.mean()), 3), "std": round(float(v.std()), 3)} for k, v in aucs.items()}
    heur = [k for k in LINK_METHODS if k != "gae"]
    best = max(heur, key=lambda k: aucs[k].mean())
    diff = aucs["gae"] - aucs[best]
    tol = round(max(0.01, 2 * float(diff.std(ddof=1)) / np.sqrt(SPLITS)), 3)
    ev = Evaluation.judge(
        data=_(GRAPHS[graph]),
        split=_("{k} random splits: 15 % of the friendships hidden, as many unconnected pairs beside them").format(
            k=SPLITS),
        metric=N_("ROC AUC, hidden friendships vs unconnected pairs"), higher_is_better=True,
        model=auc["gae"]["mean"], baselines={LINK_METHODS[k]: auc[k]["mean"] for k in heur}, tolerance=tol,
        digits=3, notes=[_("A tie is a gap within two standard errors of the paired difference over the splits "
                           "({tol}).").format(tol=tol)])
    return LinksResult(graph, names[who], [names[f] for f in friends], auc, sugg, ev, names,
                       [list(e) for e in g.edges()], layout(graph), spec.id, ms,
                       warnings, [])


LINKS = register(Demo(
    id="social.links", domain="social", task="link-prediction", title=N_("Who should befriend whom"),
    summary=N_("Hide some friendships and ask who is friends: a graph autoencoder trained here beside the shared-"
               "friend rules that social networks have long used; mostly a tie."),
    input_kind="none", fn=links, models=(GAE_SPEC,),
    params=(Param("graph", str, "karate", N_("karate, lesmis, florentine or hartford")),
            Param("person", str, "", N_("whose suggestions (a name; default: the best-connected member)"))),
    example=lambda: (None, {"graph": "karate", "person": "#5"}),
    responsible=Card(
        N_("The friendships of the same small public networks."),
        N_("Large networks and new members with few links."),
        N_("Revealing or suggesting contacts people have not chosen to share."), "privacy"),
    label=N_(":material/person_add: Who should befriend whom"), shows="friends here",
))
