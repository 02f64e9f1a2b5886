"""Quality control by near-infrared spectroscopy: the fat content of meat from its absorbance at 100 wavelengths
(850-1050 nm), Tecator data (172 samples to train, 43 held out: the file's own split, inside the sktime wheel).
A small 1-D CNN on the first derivative of the spectrum (three seeds, averaged) beside PLS regression (the
chemometrics standard, components chosen by 5-fold cross-validation on the training samples), ridge, RBF
kernel ridge, gradient boosting and a plain MLP. The CNN's extra is a per-wavelength saliency."""
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
from ..core.training import fit
from ..core.responsible import Card

SEEDS, EPOCHS = (0, 1, 2), 250
WAVELENGTHS = [850 + 2 * k for k in range(100)]
BASELINES = {"pls": N_("PLS regression (chemometrics standard)"), "ridge": N_("ridge regression"),
             "kernel_ridge": N_("RBF kernel ridge"), "boosting": N_("gradient boosting"),
             "mlp": N_("plain network (MLP)")}


def tecator():
    """(X_train [172, 100], y_train, X_test [43, 100], y_test): absorbance spectra and fat %."""
    import numpy as np
    from ..core.datasets import ts_file
    xtr, ytr = ts_file("Tecator", "train")
    xte, yte = ts_file("Tecator", "test")
    return np.stack(xtr), ytr.astype(float), np.stack(xte), yte.astype(float)


def derivative(X):
    import numpy as np
    return np.gradient(np.asarray(X, dtype=float), axis=-1)


def _cnn():
    from torch import nn
    return nn.Sequential(nn.Unflatten(1, (1, 100)), nn.Conv1d(1, 16, 9, padding=4), nn.SiLU(), nn.AvgPool1d(2),
                         nn.Conv1d(16, 16, 7, padding=3), nn.SiLU(), nn.AvgPool1d(2), nn.Flatten(),
                         nn.Linear(16 * 25, 32), nn.SiLU(), nn.Linear(32, 1), nn.Flatten(0))


def _mlp(d: int):
    from torch import nn
    return nn.Sequential(nn.Linear(d, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(), nn.Linear(64, 1), nn.Flatten(0))


class SpectraModels:
    def __init__(self, nets, mean, std, ym, ys, meta, data):
        self.nets, self.mean, self.std, self.ym, self.ys, self.meta = nets, mean, std, ym, ys, meta
        self.Xtr, self.ytr, self.Xte, self.yte = data

    def predict(self, X):
        """Fat % per spectrum: the mean of the three CNNs, and each CNN's answer."""
        import numpy as np
        import torch
        Z = torch.tensor((derivative(X) - self.mean) / self.std, dtype=torch.float32)
        with torch.inference_mode():
            each = np.stack([net(Z).numpy() * self.ys + self.ym for net in self.nets])
        return each.mean(0), each

    def saliency(self, x):
        """|d prediction / d input| per wavelength for one spectrum (on the derivative the CNN reads)."""
        import torch
        z = torch.tensor((derivative(x[None]) - self.mean) / self.std, dtype=torch.float32, requires_grad=True)
        sum(net(z).sum() for net in self.nets).backward()
        return z.grad.abs()[0].numpy()


def _baselines(Xtr, ytr, Xte, yte, mean, std):
    """Each baseline's held-out RMSE and its test predictions (PLS components by 5-fold CV on train)."""
    import numpy as np
    import torch
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
    A, B = derivative(Xtr), derivative(Xte)
    As, Bs = (A - mean) / std, (B - mean) / std
    cv = KFold(5, shuffle=True, random_state=0)
    comps = min(range(2, 21), key=lambda k: np.mean((cross_val_predict(PLSRegression(k, scale=False), A, ytr, cv=cv)
                                                      .ravel() - ytr) ** 2))
    preds = {"pls": PLSRegression(comps, scale=False).fit(A, ytr).predict(B).ravel(),
             "ridge": RidgeCV(alphas=np.logspace(-8, 2, 30)).fit(A, ytr).predict(B),
             "kernel_ridge": GridSearchCV(KernelRidge(kernel="rbf"), {"alpha": np.logspace(-6, 0, 7),
                                                                      "gamma": np.logspace(-6, -1, 6)}, cv=cv,
                                          scoring="neg_mean_squared_error").fit(As, ytr).predict(Bs),
             "boosting": HistGradientBoostingRegressor(max_iter=500, learning_rate=0.05, random_state=0)
             .fit(A, ytr).predict(B)}
    ym, ys = ytr.mean(), ytr.std()
    torch.manual_seed(0)
    mlp = fit(_mlp(100), torch.tensor(As, dtype=torch.float32), torch.tensor((ytr - ym) / ys, dtype=torch.float32),
              epochs=300, batch=32, seed=0)
    with torch.inference_mode():
        preds["mlp"] = mlp(torch.tensor(Bs, dtype=torch.float32)).numpy() * ys + ym
    rmse = {k: round(float(np.sqrt(np.mean((p - yte) ** 2))), 3) for k, p in preds.items()}
    return rmse, int(comps)


@adapter("tecator_cnn", imports=("torch", "sklearn"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from ..core import trained
    from ..core.threads import single_thread
    data = Xtr, ytr, Xte, yte = tecator()
    A = derivative(Xtr)
    mean, std = A.mean(0), A.std(0) + 1e-8
    ym, ys = float(ytr.mean()), float(ytr.std())
    key = {"data": trained.fingerprint(Xtr, ytr, Xte, yte), "seeds": list(SEEDS),
           "epochs": EPOCHS}

    def build(progress):
        t0 = time.perf_counter()
        tensors = {}
        At = torch.tensor((A - mean) / std, dtype=torch.float32)
        Yt = torch.tensor((ytr - ym) / ys, dtype=torch.float32)
        with single_thread():
            for k, seed in enumerate(SEEDS):
                if progress:
                    progress(k / (len(SEEDS) + 1), _("Training the spectrum CNN (seed {seed})").format(seed=seed))
                torch.manual_seed(seed)   # the first weights too
                net = fit(_cnn(), At, Yt, epochs=EPOCHS, batch=32, seed=seed)
                tensors.update(trained.pack({seed: net}))
            if progress:
                progress(len(SEEDS) / (len(SEEDS) + 1), _("Fitting the baselines (PLS, ridge, kernel ridge, "
                                                          "boosting, MLP)"))
            rmse, comps = _baselines(Xtr, ytr, Xte, yte, mean, std)
        rmse["mean_of_training"] = round(float(np.sqrt(np.mean((yte - ytr.mean()) ** 2))), 3)
        return tensors, {"baselines": rmse, "pls_components": comps, "train_seconds": round(time.perf_counter() - t0, 1)}

    tensors, meta, built = trained.cached_model("tecator-cnn", key, build, progress)
    nets = trained.unpack(tensors, lambda: _cnn(), SEEDS)
    models = SpectraModels(nets, mean, std, ym, ys, {**meta, "built_now": built}, data)
    pred, each = models.predict(Xte)
    models.meta["cnn_rmse"] = round(float(np.sqrt(np.mean((pred - yte) ** 2))), 3)
    models.meta["cnn_rmse_by_seed"] = [round(float(np.sqrt(np.mean((p - yte) ** 2))), 3) for p in each]
    models.test_predictions = pred
    return models


NET = ModelSpec(
    id="tecator-cnn", name=N_("Spectrum CNN (trained here)"), source="trained", adapter="tecator_cnn",
    license=N_("MIT (this project's code); data: Tecator (StatLib, free for research), via sktime"), size_mb=0.2,
    ram_mb=20, offline=True, ref="sktime/datasets/data/Tecator", homepage="http://lib.stat.cmu.edu/datasets/tecator",
    description=N_("Two 1-D convolution layers and a small dense head ({params} weights), trained by this project "
                   "three times (seeds 0, 1, 2; answers averaged) for {epochs} epochs on the first derivative of "
                   "172 Tecator meat spectra; scored on the file's 43 held-out samples beside PLS, ridge, kernel "
                   "ridge, gradient boosting and a plain MLP."),
    text_args={"params": "14,833", "epochs": EPOCHS},
)


@dataclass
class SpectraResult:
    fat_percent: float                  # the CNNs' mean prediction
    by_seed: list[float]                # each CNN's answer: their spread is a rough sense of doubt
    lab_value: float | None             # the lab's fat % for a held-out sample; None for a user's spectrum
    limit: float                        # the spec limit the user set (fat % at most)
    passed: bool                        # prediction at or under the limit
    near_limit: bool                    # within the CNN's held-out RMSE of the limit: re-test in the lab
    rmse: dict[str, float]              # held-out RMSE fat %: cnn and every baseline
    evaluation: Evaluation
    wavelengths: list[int]
    spectrum: list[float]
    saliency: list[float]               # normalised to a maximum of 1
    top_wavelengths: list[int]          # where the prediction is most sensitive
    parity: dict[str, list[float]]      # held-out lab values and CNN predictions
    sample: int | None = None
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    return Evaluation.judge(
        data=_("Tecator NIR meat spectra, 215 samples, 100 wavelengths (850-1050 nm)"),
        split=_("the file's own split: 172 to train, 43 held out"), metric=N_("RMSE, fat %"),
        higher_is_better=False, model=meta["cnn_rmse"],
        baselines={BASELINES[k]: v for k, v in meta["baselines"].items() if k in BASELINES}, tolerance=0.1,
        digits=3, notes=[_("43 test samples: differences under about 0.3 points of fat are within noise.")])


def read_spectrum(raw: Any):
    """A spectrum given as a list, JSON text or CSV text (one row or one column) -> 100 finite floats."""
    import json

    import numpy as np
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(_("The spectrum file is not text: upload a CSV of 100 numbers.")) from None
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(_("The spectrum is not valid JSON ({msg}).").format(msg=e.msg)) from None
        else:
            raw = [p for p in text.replace(";", ",").replace("\t", ",").replace("\n", ",").split(",") if p.strip()]
    try:
        values = np.array([float(v) for v in raw], dtype=float)
    except (TypeError, ValueError):
        raise InputError(_("A spectrum must be numbers only (absorbances), separated by commas or new lines.")) from None
    if len(values) != 100:
        raise InputError(_("A spectrum needs 100 absorbances (850-1050 nm in 2 nm steps), got {n}.").format(
            n=len(values)))
    if not np.isfinite(values).all():
        raise InputError(_("The spectrum has missing or infinite values (NaN, inf)."))
    return values


def spectra(spectrum: Any = None, *, model: str | None = None, sample: int = 0, limit: float = 20.0,
            progress: Progress | None = None) -> SpectraResult:
    """Fat % of a held-out sample (`sample`) or of a user's spectrum (100 absorbances), pass/fail against `limit`."""
    import numpy as np
    spec = SPECTRA.model(model)
    sample = SPECTRA.param("sample").parse(sample)
    limit = SPECTRA.param("limit").parse(limit)
    x = read_spectrum(spectrum) if spectrum is not None else None

    def answer(m: SpectraModels):
        warnings = []
        if x is None:
            if sample >= len(m.yte):
                raise InputError(_("sample must be below {n} (the number of held-out samples).").format(n=len(m.yte)))
            s, lab = m.Xte[sample], float(m.yte[sample])
        else:
            s, lab = x, None
            lo, hi = m.Xtr.min(0), m.Xtr.max(0)
            span = hi - lo
            outside = float(np.mean((s < lo - 0.1 * span) | (s > hi + 0.1 * span)))
            if outside > 0.5 or not 1.5 < s.mean() < 5.0:
                raise InputError(_("These absorbances are far outside every training spectrum (Tecator's lie "
                                   "between {lo:.1f} and {hi:.1f}): not a meat spectrum from this instrument.").format(
                                       lo=float(lo.min()), hi=float(hi.max())))
            if outside > 0:
                warnings.append(_("{share:.0%} of the wavelengths lie outside the training spectra: the model is "
                                  "extrapolating.").format(share=outside))
        pred, each = m.predict(s[None])
        sal = m.saliency(s)
        return s, lab, float(pred[0]), [round(float(v), 3) for v in each[:, 0]], sal / (sal.max() or 1), warnings, m

    (s, lab, pred, by_seed, sal, warnings, m), ms = LOADER.call(spec, answer, progress,
                                                                step=N_("Reading the spectrum with {name}"))
    rmse = {"cnn": m.meta["cnn_rmse"], **{k: v for k, v in m.meta["baselines"].items() if k in BASELINES}}
    notes = built_note(m.meta)
    if pred < 0 or pred > 60:
        warnings.append(_("The prediction ({fat:.1f} %) is outside the 0.9-49.1 % fat of the training samples.").format(
            fat=pred))
    top = [WAVELENGTHS[i] for i in np.argsort(-sal)[:5]]
    return SpectraResult(round(pred, 2), by_seed, None if lab is None else round(lab, 2), limit, pred <= limit,
                         abs(pred - limit) <= m.meta["cnn_rmse"], rmse, evaluation(m.meta), WAVELENGTHS,
                         [round(float(v), 5) for v in s], [round(float(v), 4) for v in sal], top,
                         {"lab": [round(float(v), 2) for v in m.yte],
                          "predicted": [round(float(v), 2) for v in m.test_predictions]},
                         sample if x is None else None, spec.id, ms, warnings, notes)


SPECTRA = register(Demo(
    id="manufacturing.spectra", domain="manufacturing", task="regression", title=N_("Quality control from a spectrum"),
    summary=N_("Fat content of meat from its near-infrared spectrum: a 1-D CNN trained here beside PLS and four "
               "other baselines, with pass/fail against your spec limit."),
    input_kind="text", fn=spectra, models=(NET,),
    params=(Param("sample", int, 0, N_("index of a held-out sample (when no spectrum is given)"), min=0, max=42),
            Param("limit", float, 20.0, N_("spec limit: fat % at most"), min=0.0, max=60.0)),
    example=lambda: (None, {"sample": 0}),
    responsible=Card(
        N_("Tecator: 215 near-infrared spectra of chopped meat from one instrument."),
        N_("Other instruments, products or temperatures."),
        N_("Food safety or labelling decisions without lab checks."), "work"),
    label=N_(":material/science: Quality control"), shows="FAIL against",
))
