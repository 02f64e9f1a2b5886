"""Coding vs non-coding DNA on the real chloroplast genome of Arabidopsis thaliana (NCBI NC_000932, 154,478 bp,
shipped gzipped in Debian's python-biopython-doc and read with Biopython).

200-bp windows (every 20 bp) fully inside a protein-coding exon (either strand) are coding; windows with no coding
base are not; windows across a boundary are left out of training and scoring. Test: the first 40 kb of the large
single-copy region; train: the rest, without the inverted-repeat copy IRa, so no test window has a duplicate in
training. A 1-D CNN on one-hot DNA (reverse-complement augmentation, both strands averaged at test time, three
seeds averaged) beside k-mer (k = 1-4) logistic regression with C chosen by cross-validation on training windows."""
from __future__ import annotations

import gzip
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from ..core.errors import InputError, ModelUnavailable
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.trained import built_note
from ..core.responsible import Card

GENOME = Path("/usr/share/doc/python-biopython-doc/Tests/GenBank/NC_000932.gb.gz")
INSTALL = "sudo apt-get install --no-install-recommends python-biopython-doc"
W, STRIDE, TEST_END, IRA_START = 200, 20, 40_000, 128_214   # IRa = 128,215..154,478 (1-based)
SEEDS, EPOCHS = (0, 1, 2), 12
MAX_TRACK = 20_000
KMERS = {k: {"".join(p): i for i, p in enumerate(product("ACGT", repeat=k))} for k in (1, 2, 3, 4)}


@lru_cache(maxsize=1)
def genome():
    """(sequence, coding mask, genes: [name, start, end, strand, kind]) of NC_000932."""
    import numpy as np
    if not GENOME.is_file():
        raise ModelUnavailable(_("The Arabidopsis chloroplast genome ships in Debian's python-biopython-doc: "
                                 "{cmd}").format(cmd=INSTALL))
    from Bio import SeqIO
    with gzip.open(GENOME, "rt") as f:
        rec = SeqIO.read(f, "genbank")
    seq = str(rec.seq).upper()
    coding = np.zeros(len(seq), bool)
    genes = []
    for f in rec.features:
        if f.type == "CDS":
            for part in f.location.parts:
                coding[int(part.start): int(part.end)] = True
        if f.type in ("CDS", "tRNA", "rRNA"):
            name = (f.qualifiers.get("gene") or f.qualifiers.get("locus_tag") or ["?"])[0]
            for part in f.location.parts:
                genes.append([name, int(part.start), int(part.end), int(part.strand or 1), f.type])
    return seq, coding, genes


def windows(lo: int, hi: int):
    """Labelled windows between lo and hi: (sequences, labels, starts); boundary windows skipped."""
    import numpy as np
    seq, coding, _g = genome()
    xs, ys, pos = [], [], []
    for s in range(lo, hi - W, STRIDE):
        c = coding[s: s + W].mean()
        if c in (0.0, 1.0) and set(seq[s: s + W]) <= set("ACGT"):
            xs.append(seq[s: s + W])
            ys.append(int(c == 1.0))
            pos.append(s)
    return xs, np.array(ys), np.array(pos)


def onehot(seqs: list[str]):
    import numpy as np
    import torch
    lut = np.full(256, 4, np.int64)
    for i, c in enumerate("ACGT"):
        lut[ord(c)] = i
    idx = lut[np.frombuffer("".join(seqs).encode(), np.uint8)].reshape(len(seqs), -1)
    a = np.zeros((len(seqs), 5, idx.shape[1]), np.float32)
    np.put_along_axis(a, idx[:, None, :], 1.0, 1)
    return torch.from_numpy(a[:, :4])            # N (any other letter) is all zeros


def kmer_features(seqs: list[str]):
    import numpy as np
    out = []
    for s in seqs:
        v = []
        for k, idx in KMERS.items():
            c = np.zeros(len(idx))
            for i in range(len(s) - k + 1):
                j = idx.get(s[i: i + k])
                if j is not None:
                    c[j] += 1
            v.append(c / max(1, len(s) - k + 1))
        out.append(np.concatenate(v))
    return np.array(out)


def _revcomp(x):
    return x.flip(1).flip(2)      # channels A, C, G, T: flipped is the complement; positions reversed


def _net():
    import torch
    from torch import nn

    class DnaCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.f = nn.Sequential(nn.Conv1d(4, 64, 9, padding=4), nn.ReLU(), nn.MaxPool1d(3),
                                   nn.Conv1d(64, 64, 9, padding=4), nn.ReLU(), nn.MaxPool1d(3),
                                   nn.Conv1d(64, 64, 5, padding=2), nn.ReLU())
            self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(128, 1))

        def forward(self, x):
            h = self.f(x)
            return self.head(torch.cat([h.mean(2), h.amax(2)], 1)).squeeze(1)

    return DnaCNN()


class DnaModels:
    def __init__(self, nets, kmer, meta):
        self.nets, self.kmer, self.meta = nets, kmer, meta   # kmer: (mean, std, coef, intercept)

    def cnn(self, seqs: list[str]):
        import numpy as np
        import torch
        x = onehot(seqs)
        with torch.inference_mode():
            return np.mean([((torch.sigmoid(n(x)) + torch.sigmoid(n(_revcomp(x)))) / 2).numpy() for n in self.nets], 0)

    def logistic(self, seqs: list[str]):
        import numpy as np
        mean, std, coef, icpt = self.kmer
        z = ((kmer_features(seqs) - mean) / std) @ coef + icpt
        return 1 / (1 + np.exp(-z))


@adapter("dna_cnn", imports=("torch", "sklearn", "Bio"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from sklearn.metrics import roc_auc_score
    from ..core import trained
    from ..core.threads import single_thread
    from ..core.training import fit
    xtr, ytr, _p = windows(TEST_END, IRA_START)
    xte, yte, _pt = windows(0, TEST_END)
    key = {"data": trained.fingerprint(ytr, "".join(xtr)), "seeds": list(SEEDS),
           "epochs": EPOCHS}

    def build(progress):
        from sklearn.linear_model import LogisticRegressionCV
        t0 = time.perf_counter()
        tensors = {}
        with single_thread():
            f = kmer_features(xtr)
            mean, std = f.mean(0), f.std(0) + 1e-9
            with warnings.catch_warnings():   # scikit-learn 1.9 announces default changes we do not depend on
                warnings.simplefilter("ignore", FutureWarning)
                lr = LogisticRegressionCV(Cs=[0.01, 0.1, 1, 10], cv=5, max_iter=3000).fit((f - mean) / std, ytr)
            tensors.update({"kmer.mean": torch.tensor(mean), "kmer.std": torch.tensor(std),
                            "kmer.coef": torch.tensor(lr.coef_[0]), "kmer.intercept": torch.tensor(lr.intercept_)})
            X, Y = onehot(xtr), torch.tensor(ytr, dtype=torch.float32)

            def flip(xb, g):
                coin = torch.rand(len(xb), generator=g) < 0.5
                return torch.where(coin[:, None, None], _revcomp(xb), xb)

            for i, seed in enumerate(SEEDS):
                if progress:
                    progress(i / len(SEEDS), _("Training the DNA network, seed {s} of {n}").format(s=i + 1, n=len(SEEDS)))
                torch.manual_seed(seed)
                net = fit(_net(), X, Y, epochs=EPOCHS, batch=128, seed=seed, lr=2e-3, wd=1e-2,
                          loss=torch.nn.functional.binary_cross_entropy_with_logits, augment=flip)
                tensors.update(trained.pack({seed: net}))
        return tensors, {"train_seconds": round(time.perf_counter() - t0, 1), "C": float(lr.C_[0])}

    tensors, meta, built = trained.cached_model("dna-cnn", key, build, progress)
    nets = trained.unpack(tensors, _net, SEEDS)
    kmer = tuple(tensors[f"kmer.{k}"].numpy() for k in ("mean", "std", "coef")) + (float(tensors["kmer.intercept"][0]),)
    m = DnaModels(nets, kmer, {**meta, "built_now": built})
    with single_thread():
        pc, pl = m.cnn(xte), m.logistic(xte)
    m.meta.update(auc={"cnn": round(float(roc_auc_score(yte, pc)), 3), "logistic": round(float(roc_auc_score(yte, pl)), 3)},
                  accuracy={"cnn": round(float(((pc > 0.5) == yte).mean()), 3),
                            "logistic": round(float(((pl > 0.5) == yte).mean()), 3),
                            "majority": round(float(max(yte.mean(), 1 - yte.mean())), 3)},
                  windows={"train": len(xtr), "test": len(xte), "test_coding": round(float(yte.mean()), 3)})
    return m


SPEC = ModelSpec(
    id="dna-cnn", name=N_("DNA CNN (trained here)"), source="trained", adapter="dna_cnn",
    license=N_("MIT (this project's code); genome: NCBI NC_000932 (public domain)"), size_mb=0.7, ram_mb=40,
    offline=True, ref="python-biopython-doc NC_000932.gb.gz", homepage="https://www.ncbi.nlm.nih.gov/nuccore/NC_000932",
    description=N_("Three 1-D convolution layers (64 filters) over one-hot DNA, trained by this project three times "
                   "(seeds 0-2, averaged) for {epochs} epochs on 200-bp windows of the Arabidopsis chloroplast genome, "
                   "both strands; scored on a held-out 40 kb region beside k-mer logistic regression."),
    text_args={"epochs": EPOCHS},
)


@dataclass
class DnaResult:
    source: str                      # "genome" or "pasted"
    start: int                       # genome coordinate of the first base (0 for a pasted sequence)
    length: int
    track: dict[str, list]           # centre (bp), cnn, logistic, annotated (1 coding / 0 not / None boundary)
    genes: list[list]                # name, start, end, strand, kind inside the region
    coding_share: float | None       # CNN: share of windows called coding
    auc: dict[str, float]            # held-out region: cnn, logistic
    accuracy: dict[str, float]       # cnn, logistic, majority
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dna(raw: str) -> str:
    seq = "".join(str(raw).split()).upper()
    if seq.startswith(">"):
        raise InputError(_("Paste the sequence only, without the FASTA header line."))
    bad = sorted(set(seq) - set("ACGTN"))
    if bad:
        raise InputError(_("DNA is written in A, C, G and T (N for unknown); found {bad}.").format(
            bad=", ".join(repr(c) for c in bad[:8])))
    if len(seq) < W:
        raise InputError(_("The network reads 200-bp windows: paste at least 200 bases (got {n}).").format(n=len(seq)))
    if len(seq) > MAX_TRACK:
        raise InputError(_("Paste at most {m:,} bases (got {n:,}).").format(m=MAX_TRACK, n=len(seq)))
    if seq.count("N") > 0.1 * len(seq):
        raise InputError(_("More than a tenth of the bases are N: too little to read."))
    return seq


def evaluation(meta: dict[str, Any]) -> Evaluation:
    return Evaluation.judge(
        data=_("Arabidopsis thaliana chloroplast genome NC_000932, 200-bp windows"),
        split=_("train: {tr:,} windows outside the first 40 kb and the repeat copy; test: {te:,} windows of the first "
                "40 kb ({c:.0%} coding)").format(tr=meta["windows"]["train"], te=meta["windows"]["test"],
                                                 c=meta["windows"]["test_coding"]),
        metric=N_("ROC AUC, coding vs non-coding"), higher_is_better=True, model=meta["auc"]["cnn"],
        baselines={N_("k-mer logistic regression"): meta["auc"]["logistic"]}, tolerance=0.02, digits=3,
        notes=[_("Accuracy: CNN {c:.1%}, k-mer logistic regression {l:.1%}, always the larger class {m:.1%}.").format(
            c=meta["accuracy"]["cnn"], l=meta["accuracy"]["logistic"], m=meta["accuracy"]["majority"])])


def dna(_input: Any = None, *, model: str | None = None, sequence: str = "", start: int = 0, length: int = 10_000,
        progress: Progress | None = None) -> DnaResult:
    """Coding probability along the genome from `start` for `length` bases, or along a pasted `sequence`."""
    spec = DNA.model(model)
    pasted = _dna(sequence) if str(sequence).strip() else None
    warnings = []
    if pasted is None:
        seq_all, coding, genes = genome()
        if not 0 <= int(start) < len(seq_all) - W or not W <= int(length) <= MAX_TRACK:
            raise InputError(_("start runs from 0 to {m:,} and length from 200 to {n:,}.").format(
                m=len(seq_all) - W - 1, n=MAX_TRACK))
        lo, hi = int(start), min(len(seq_all), int(start) + int(length))
        region = seq_all[lo:hi]
        if hi > TEST_END:
            warnings.append(_("Part of this region (after 40,000) was used for training: only the first 40 kb is "
                              "held out."))
    else:
        lo, region, coding, genes = 0, pasted, None, []

    def predict(m: DnaModels):
        from ..core.threads import single_thread
        starts = list(range(0, len(region) - W + 1, STRIDE))
        seqs = [region[s: s + W] for s in starts]
        with single_thread():
            return starts, m.cnn(seqs), m.logistic(seqs), m

    (starts, pc, pl, m), ms = LOADER.call(spec, predict, progress, step=N_("Reading the DNA with {name}"))
    annotated = None
    if coding is not None:
        annotated = []
        for s in starts:
            c = coding[lo + s: lo + s + W].mean()
            annotated.append(1 if c == 1.0 else 0 if c == 0.0 else None)
    inside = [g for g in genes if g[2] > lo and g[1] < lo + len(region)]
    return DnaResult(
        "genome" if pasted is None else "pasted", lo, len(region),
        {"centre": [lo + s + W // 2 for s in starts], "cnn": [round(float(v), 4) for v in pc],
         "logistic": [round(float(v), 4) for v in pl], "annotated": annotated},
        inside, round(float((pc > 0.5).mean()), 3), m.meta["auc"], m.meta["accuracy"], evaluation(m.meta), spec.id,
        ms, warnings, built_note(m.meta))


DNA = register(Demo(
    id="biology.dna", domain="biology", task="sequence-classification", title=N_("Find the genes in a genome"),
    summary=N_("A 1-D CNN trained here reads a real plant chloroplast genome 200 bases at a time and marks where "
               "proteins are coded, beside k-mer logistic regression."),
    input_kind="none", fn=dna, models=(SPEC,),
    params=(Param("sequence", str, "", N_("DNA to read instead of the genome (A, C, G, T; 200-20,000 bases)")),
            Param("start", int, 0, N_("genome region start, bp (the first 40,000 are held out)")),
            Param("length", int, 10_000, N_("genome region length, bp (200-20,000)"))),
    example=lambda: (None, {"start": 0, "length": 10_000}),
    responsible=Card(
        N_("One genome: the chloroplast of the plant Arabidopsis thaliana (NCBI NC_000932)."),
        N_("Any other genome, especially nuclear genes with introns: it has seen 154 kb of one chloroplast."),
        N_("Annotating genomes for research or medicine: use curated tools."), "work"),
    label=N_(":material/genetics: Find the genes in a genome"), shows="200-bp window",
))
