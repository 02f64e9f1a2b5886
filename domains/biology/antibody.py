"""AntiBERTy (Ruffolo et al. 2021): a 26 M-parameter BERT trained on 558 M antibody sequences from the Observed
Antibody Space. Its weights ship in the antiberty 0.1.3 wheel (installed --no-deps); transformers' BertForMaskedLM
reads the state dict, and the tokens are the residues themselves (one per amino acid), so no tokenizer file is
needed. Besides filling masked residues it has a chain head (heavy/light) and a species head.

The example chains are typed in for the demo, not read from a registry file that ships here, so they are labelled
as example chains, not by the names of the antibodies they resemble."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.inputs import items, load_text
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.responsible import Card

AMINO = "ACDEFGHIKLMNPQRSTVWY"
SPECIES = ("Camel", "Human", "Mouse", "Rabbit", "Rat", "Rhesus")
SPECIES_NAMES = {"Camel": N_("camel"), "Human": N_("human"), "Mouse": N_("mouse"), "Rabbit": N_("rabbit"),
                 "Rat": N_("rat"), "Rhesus": N_("rhesus monkey")}
CHAINS = ("heavy", "light")
MIN_LEN, MAX_LEN = 70, 160        # variable domains are about 105-130 residues
MASK_SHARE, DRAWS, STRIDE = 0.15, 5, 8
EXAMPLES = {
    "heavy-1": (N_("Example heavy chain 1 (humanised)"),
                "EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYYCSRWGGDG"
                "FYAMDYWGQGTLVTVSS"),
    "light-1": (N_("Example light chain 1 (humanised)"),
                "DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTPPTFGQG"
                "TKVEIK"),
    "heavy-2": (N_("Example heavy chain 2 (human)"),
                "EVQLVESGGGLVQPGRSLRLSCAASGFTFDDYAMHWVRQAPGKGLEWVSAITWNSGHIDYADSVEGRFTISRDNAKNSLYLQMNSLRAEDTAVYYCAKVSYL"
                "STASSLDYWGQGTLVTVSS"),
    "light-2": (N_("Example light chain 2 (human)"),
                "DIQMTQSPSSLSASVGDRVTITCRASQGIRNYLAWYQQKPGKAPKLLIYAASTLQSGVPSRFSGSGSGTDFTLTISSLQPEDVATYYCQRYNRAPYTFGQGT"
                "KVEIK"),
    "heavy-3": (N_("Example heavy chain 3 (human)"),
                "QVQLVESGGGVVQPGRSLRLDCKASGITFSNSGMHWVRQAPGKGLEWVAVIWYDGSKRYYADSVKGRFTISRDNSKNTLFLQMNSLRAEDTAVYYCATNDDY"
                "WGQGTLVTVSS"),
    "light-3": (N_("Example light chain 3 (human)"),
                "EIVLTQSPATLSLSPGERATLSCRASQSVSSYLAWYQQKPGQAPRLLIYDASNRATGIPARFSGSGSGTDFTLTISSLEPEDFAVYYCQQSSNWPRTFGQGTK"
                "VEIK"),
    "heavy-4": (N_("Example heavy chain 4 (humanised)"),
                "QVQLVQSGVEVKKPGASVKVSCKASGYTFTNYYMYWVRQAPGQGLEWMGGINPSNGGTNFNEKFKNRVTLTTDSSTTTAYMELKSLQFDDTAVYYCARRDYR"
                "FDMGFDYWGQGTTVTVSS"),
    "light-4": (N_("Example light chain 4 (humanised)"),
                "EIVLTQSPATLSLSPGERATLSCRASKGVSTSGYSYLHWYQQKPGQAPRLLIYLASYLESGVPARFSGSGSGTDFTLTISSLEPEDFAVYYCQHSRDLPLTF"
                "GGGTKVEIK"),
    "heavy-5": (N_("Example heavy chain 5 (mouse variable domain)"),
                "QVQLQQPGAELVKPGASVKMSCKASGYTFTSYNMHWVKQTPGRGLEWIGAIYPGNGDTSYNQKFKGKATLTADKSSSTAYMQLSSLTSEDSAVYYCARSTYY"
                "GGDWYFNVWGAGTTVTVSA"),
    "light-5": (N_("Example light chain 5 (mouse variable domain)"),
                "QIVLSQSPAILSASPGEKVTMTCRASSSVSYIHWFQQKPGSSPKPWIYATSNLASGVPVRFSGSGSGTSYSLTISRVEAEDAATYYCQQWTSNPPTFGGGTKL"
                "EIK"),
    "heavy-6": (N_("Example heavy chain 6 (mouse variable domain)"),
                "QVQLKQSGPGLVQPSQSLSITCTVSGFSLTNYGVHWVRQSPGKGLEWLGVIWSGGNTDYNTPFTSRLSINKDNSKSQVFFKMNSLQSNDTAIYYCARALTYY"
                "DYEFAYWGQGTLVTVSA"),
    "light-6": (N_("Example light chain 6 (mouse variable domain)"),
                "DILLTQSPVILSVSPGERVSFSCRASQSIGTNIHWYQQRTNGSPRLLIKYASESISGIPSRFSGSGSGTDFTLSINSVESEDIADYYCQQNNNWPTTFGAGT"
                "KLELK"),
}


class AntiBERTy:
    """The masked-language model, its pooler and its two classification heads, and the residue vocabulary."""

    def __init__(self, mlm, pooler, species, chain, vocab):
        self.mlm, self.pooler, self.species, self.chain = mlm, pooler, species, chain
        self.vocab = vocab
        self.index = {t: i for i, t in enumerate(vocab)}

    def ids(self, residues: list[str]):
        import torch
        return torch.tensor([[self.index["[CLS]"]] + [self.index[r] for r in residues] + [self.index["[SEP]"]]])

    def forward(self, batch):
        """Logits and last hidden states for a batch of residue lists of one length."""
        import torch
        ids = torch.cat([self.ids(r) for r in batch])
        with torch.inference_mode():
            out = self.mlm(input_ids=ids, attention_mask=torch.ones_like(ids), output_hidden_states=True)
        return out.logits, out.hidden_states[-1]

    def heads(self, hidden_cls):
        import torch
        with torch.inference_mode():
            pooled = torch.tanh(self.pooler(hidden_cls))
            return self.species(pooled).softmax(-1), self.chain(pooled).softmax(-1)


@adapter("antiberty", imports=("torch", "transformers", "antiberty"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import importlib.util
    import os
    import torch
    from transformers import BertConfig, BertForMaskedLM
    found = importlib.util.find_spec("antiberty")
    if found is None:
        from ..core.errors import ModelUnavailable
        raise ModelUnavailable(_("AntiBERTy's weights are not installed: pip install --no-deps antiberty==0.1.3"))
    pkg = found.submodule_search_locations[0]
    wdir = os.path.join(pkg, "trained_models", "AntiBERTy_md_smooth")
    sd = torch.load(os.path.join(wdir, "pytorch_model.bin"), map_location="cpu", weights_only=True)
    with open(os.path.join(wdir, "config.json")) as f:
        cfg = BertConfig(**{k: v for k, v in json.load(f).items() if not k.startswith("_")})
    mlm = BertForMaskedLM(cfg)
    mlm.load_state_dict(sd, strict=False)   # the species/chain heads and pooler are read below
    heads = []
    for name, (i, o) in (("bert.pooler.dense", (512, 512)), ("cls.species", (512, 6)), ("cls.chain", (512, 2))):
        lin = torch.nn.Linear(i, o)
        lin.load_state_dict({"weight": sd[f"{name}.weight"], "bias": sd[f"{name}.bias"]})
        heads.append(lin.eval())
    with open(os.path.join(pkg, "trained_models", "vocab.txt")) as f:
        vocab = [line.strip() for line in f if line.strip()]
    return AntiBERTy(mlm.eval(), *heads, vocab)


SPEC = ModelSpec(
    id="antiberty", name="AntiBERTy", source="package", adapter="antiberty",
    license=N_("MIT (antiberty 0.1.3 wheel)"), size_mb=100, ram_mb=450, offline=True, ref="antiberty",
    homepage="https://github.com/jeffreyruffolo/AntiBERTy",
    description=N_("A BERT of 26 M parameters trained on 558 million antibody variable-domain sequences from the "
                   "Observed Antibody Space (Ruffolo et al., 2021): it fills masked residues and names the chain and "
                   "the species."),
    needs={"pip": "antiberty==0.1.3 (--no-deps)"},
)


@dataclass
class Prediction:
    position: int                   # 1-based
    residue: str                    # the one in the chain
    top: list[list]                 # [residue, probability] x 5


@dataclass
class AntibodyResult:
    length: int
    chain: str                      # heavy | light
    chain_probabilities: dict[str, float]
    species: str
    species_probabilities: dict[str, float]
    recovery: float                 # residues recovered with 15 % masked (mean of 5 draws)
    baseline: float                 # the most common residue everywhere
    likelihood: list[float]         # per residue: probability of the true residue when masked (1 in 8 masked)
    masked: list[Prediction]        # the positions the user masked
    map: dict[str, list]            # labels, kinds (example | yours), x, y: embeddings on a 2-D map (PCA)
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _chain(raw: Any) -> str:
    text = load_text(raw, max_chars=2000, what="sequence")
    seq = "".join(text.split()).upper()
    if seq.startswith(">"):
        raise InputError(_("Paste the sequence only, without the FASTA header line."))
    bad = sorted(set(seq) - set(AMINO))
    if bad:
        raise InputError(_("An antibody chain is written in the 20 amino-acid letters ({a}); found {bad}.").format(
            a=AMINO, bad=", ".join(repr(c) for c in bad[:8])))
    if set(seq) <= set("ACGTN"):
        raise InputError(_("This looks like DNA, not protein: translate it first (the DNA demo reads DNA)."))
    if not MIN_LEN <= len(seq) <= MAX_LEN:
        raise InputError(_("One variable domain (about 105-130 residues) is what the model read in training; this "
                           "chain has {n}. Paste one heavy or one light variable domain ({lo}-{hi}).").format(
                               n=len(seq), lo=MIN_LEN, hi=MAX_LEN))
    return seq


def _baseline_residue() -> str:
    from collections import Counter
    return Counter("".join(s for _n, s in EXAMPLES.values())).most_common(1)[0][0]


def antibody(sequence: Any, *, model: str | None = None, mask: Any = "", progress: Progress | None = None) -> AntibodyResult:
    """One heavy or light variable domain: chain and species, masked-residue recovery, per-residue likelihood,
    top residues at the `mask` positions (1-based, comma-separated) and the chain on a map of the examples."""
    import numpy as np
    spec = ANTIBODY.model(model)
    seq = _chain(sequence)
    try:
        positions = sorted({int(str(p).strip()) for p in items(mask) if str(p).strip()})
    except ValueError:
        raise InputError(_("mask takes positions as whole numbers, e.g. 31,32,33.")) from None
    if any(not 1 <= p <= len(seq) for p in positions):
        raise InputError(_("Positions to mask run from 1 to {n}.").format(n=len(seq)))
    if len(positions) > len(seq) // 2:
        raise InputError(_("Mask at most half of the chain."))

    def read(m: AntiBERTy):
        import torch
        from ..core.threads import single_thread
        with single_thread():
            logits, hidden = m.forward([list(seq)])
            sp, ch = m.heads(hidden[:, 0])
            # per-residue likelihood: every 8th residue masked at once, in 8 passes (each residue masked once,
            # with 7 of every 8 neighbours visible)
            probs = [0.0] * len(seq)
            for k in range(STRIDE):
                r = list(seq)
                for p in range(k, len(seq), STRIDE):
                    r[p] = "[MASK]"
                lg, _h = m.forward([r])
                sm = lg[0].softmax(-1)
                for p in range(k, len(seq), STRIDE):
                    probs[p] = float(sm[p + 1, m.index[seq[p]]])
            hits = []
            for draw in range(DRAWS):
                idx = random.Random(draw).sample(range(len(seq)), max(1, int(MASK_SHARE * len(seq))))
                r = list(seq)
                for p in idx:
                    r[p] = "[MASK]"
                lg, _h = m.forward([r])
                hits += [m.vocab[int(lg[0, p + 1].argmax())] == seq[p] for p in idx]
            masked = []
            if positions:
                r = list(seq)
                for p in positions:
                    r[p - 1] = "[MASK]"
                lg, _h = m.forward([r])
                aa = torch.tensor([m.index[a] for a in AMINO])
                for p in positions:
                    pr = lg[0, p, aa].softmax(-1)
                    top = pr.argsort(descending=True)[:5]
                    masked.append(Prediction(p, seq[p - 1], [[AMINO[int(i)], round(float(pr[i]), 3)] for i in top]))
            embs, labels = [], []
            for key, (_name, s) in EXAMPLES.items():
                embs.append(_embed(m, s))
                labels.append(key)
            embs.append(hidden[0, 1:-1].mean(0).numpy())
        return sp[0].numpy(), ch[0].numpy(), probs, float(np.mean(hits)), masked, np.array(embs), labels

    (sp, ch, probs, recovery, masked, embs, labels), ms = LOADER.call(spec, read, progress,
                                                                      step=N_("Reading the chain with {name}"))
    centred = embs - embs[:-1].mean(0)
    axes = np.linalg.svd(centred[:-1], full_matrices=False)[2][:2]
    xy = centred @ axes.T
    chain = CHAINS[int(np.argmax(ch))]
    species = SPECIES[int(np.argmax(sp))]
    common = _baseline_residue()
    baseline = float(np.mean([c == common for c in seq]))
    ev = Evaluation.judge(
        data=_("this chain, {n} residues").format(n=len(seq)),
        split=_("{share:.0%} of the residues masked at random, {k} draws (seeded)").format(share=MASK_SHARE, k=DRAWS),
        metric=N_("masked residues recovered"), higher_is_better=True, model=recovery,
        baselines={_("the most common residue ({r}) everywhere").format(r=common): baseline}, tolerance=0.02,
        digits=3, notes=[_("AntiBERTy is pretrained; nothing here was trained on this chain.")])
    warnings = []
    if max(ch) < 0.9:
        warnings.append(_("The chain head is unsure ({p:.0%}): this may not be one antibody variable domain.").format(
            p=float(max(ch))))
    return AntibodyResult(
        len(seq), chain, {c: round(float(p), 4) for c, p in zip(CHAINS, ch)}, species,
        {s: round(float(p), 4) for s, p in zip(SPECIES, sp)}, round(recovery, 3), round(baseline, 3),
        [round(p, 4) for p in probs], masked,
        {"labels": labels + ["yours"], "x": [round(float(v), 3) for v in xy[:, 0]],
         "y": [round(float(v), 3) for v in xy[:, 1]]}, ev, spec.id, ms, warnings, [])


_EMB: dict[str, Any] = {}


def _embed(m: AntiBERTy, seq: str):
    """Mean of the last hidden layer over the residues (cached per example)."""
    if seq not in _EMB:
        _lg, h = m.forward([list(seq)])
        _EMB[seq] = h[0, 1:-1].mean(0).numpy()
    return _EMB[seq]


ANTIBODY = register(Demo(
    id="biology.antibody", domain="biology", task="fill-mask", title=N_("Read an antibody"),
    summary=N_("Paste a heavy or light chain: an antibody language model names the chain and the species, fills "
               "masked residues and shows how expected each residue is."),
    input_kind="text", fn=antibody, models=(SPEC,),
    params=(Param("mask", str, "", N_("1-based positions to mask, comma-separated (e.g. 31,32,33)")),),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=lambda: (EXAMPLES["heavy-1"][1], {"mask": "31,32,33"}),
    responsible=Card(
        N_("558 million antibody sequences from the Observed Antibody Space, mostly human and mouse."),
        N_("Species other than human and mouse, and engineered sequences unlike natural antibodies."),
        N_("Designing therapeutics without laboratory validation."), "work"),
    label=N_(":material/vaccines: Read an antibody"), shows="masked residues recovered",
))
