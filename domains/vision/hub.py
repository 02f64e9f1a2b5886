"""Vision tasks with no model that ships offline (research: none found for COCO detection, scene
segmentation, depth, CLIP or captioning). They run through transformers pipelines where a hub is
reachable or the model is already in the local Hugging Face cache; otherwise they fail with
ModelUnavailable and `Demo.offline_instead` says what to use instead."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.inputs import ImageInfo, load_image
from ..core import text as _text_adapters  # noqa: F401  (registers the hf_pipeline adapter)
from ..core.loader import LOADER, Progress
from ..core.examples import example
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.i18n import N_, _, n_
from ..core.responsible import Card


def _hub(repo: str, name: str, task: str, license: str, size_mb: float, ram_mb: float, description: str,
         revision: str | None = None) -> ModelSpec:
    return ModelSpec(id=repo, name=name, source="hub", adapter="hf_pipeline", license=license, size_mb=size_mb,
                     ram_mb=ram_mb, offline=False, ref=repo, task=task, homepage=f"https://huggingface.co/{repo}",
                     description=description, revision=revision)


DETR = _hub("facebook/detr-resnet-50", "DETR ResNet-50", "object-detection", "Apache-2.0", 167, 400,
            N_("End-to-end detection transformer, 91 COCO classes (people, vehicles, animals, household objects). "
            "The repo's `no_timm` branch: its backbone loads without timm, which does not install beside this torch."),
            revision="no_timm")
SEGFORMER = _hub("nvidia/segformer-b0-finetuned-ade-512-512", "SegFormer-B0 (ADE20k)", "image-segmentation",
                 "NVIDIA Source Code License (research)", 15, 120,
                 N_("A light segmentation transformer: every pixel labelled with one of 150 scene classes (wall, sky, "
                 "road, person, tree...)."))
DEPTH = _hub("depth-anything/Depth-Anything-V2-Small-hf", "Depth Anything V2 Small", "depth-estimation",
             "Apache-2.0", 100, 300, N_("Relative depth from a single photo (25 M parameters)."))
CLIP = _hub("openai/clip-vit-base-patch32", "CLIP ViT-B/32", "zero-shot-image-classification", "MIT", 605, 700,
            N_("Image and text embedded in one space: classifies a photo into any labels you type."))
BLIP = _hub("Salesforce/blip-image-captioning-base", "BLIP captioning (base)", "image-text-to-text", "BSD-3-Clause",
            990, 1100, N_("Writes a one-sentence caption for a photo."))


@dataclass
class Box:
    label: str
    score: float
    box: list[int]  # x, y, width, height in pixels of the image the model saw


@dataclass
class DetectResult:
    objects: list[Box]
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})

    # the "picture" shape (registry.SHAPES): the page draws it with no code of its own
    @property
    def headline(self) -> str:
        return n_("{n} object", "{n} objects", len(self.objects)).format(n=len(self.objects))

    @property
    def picture(self) -> Any:
        return self.annotated

    @property
    def rows(self) -> list[dict]:
        return [{_("object"): o.label, _("confidence"): round(o.score, 3), _("box (x, y, w, h)"): str(o.box)}
                for o in self.objects]


def detect(image: Any, *, model: str | None = None, threshold: float = 0.7,
           progress: Progress | None = None) -> DetectResult:
    """Objects with boxes and a confidence, at least `threshold`."""
    from ..core import draw
    spec = DETECT.model(model)
    threshold = DETECT.param("threshold").parse(threshold)
    img, info = load_image(image)
    out, ms = LOADER.call(spec, lambda p: p(img, threshold=threshold), progress)
    objects = []
    for o in sorted(out, key=lambda o: -o["score"]):
        b = o["box"]
        objects.append(Box(o["label"], round(float(o["score"]), 4),
                           [int(b["xmin"]), int(b["ymin"]), int(b["xmax"] - b["xmin"]), int(b["ymax"] - b["ymin"])]))
    annotated = draw.boxes(img, [(o.box, f"{o.label} {o.score:.0%}") for o in objects])
    return DetectResult(objects, spec.id, ms, info, annotated)


@dataclass
class Segment:
    label: str
    fraction: float  # share of the picture's pixels


@dataclass
class SegmentResult:
    segments: list[Segment]
    model: str
    latency_ms: float
    image: ImageInfo
    overlay: Any = field(default=None, repr=False, metadata={"json": False})

    @property
    def headline(self) -> str:
        return n_("{n} class", "{n} classes", len(self.segments)).format(n=len(self.segments))

    @property
    def picture(self) -> Any:
        return self.overlay

    @property
    def rows(self) -> list[dict]:
        return [{_("class"): s.label, _("share of pixels"): f"{s.fraction:.1%}"} for s in self.segments[:10]]


def semantic_segment(image: Any, *, model: str | None = None, progress: Progress | None = None) -> SegmentResult:
    """Every pixel labelled with a scene class; the classes by share of the picture."""
    import numpy as np
    from PIL import Image
    spec = SEGMENT.model(model)
    img, info = load_image(image)
    out, ms = LOADER.call(spec, lambda p: p(img), progress)
    rng = np.random.default_rng(0)
    colour = np.zeros((*img.size[::-1], 3), np.float32)
    segments = []
    for s in out:
        m = np.asarray(s["mask"].resize(img.size, Image.Resampling.NEAREST)) > 127
        segments.append(Segment(s["label"], round(float(m.mean()), 4)))
        colour[m] = rng.integers(40, 255, 3)
    base = np.asarray(img, np.float32)
    overlay = Image.fromarray((0.45 * base + 0.55 * colour).astype(np.uint8))
    segments.sort(key=lambda s: -s.fraction)
    return SegmentResult(segments, spec.id, ms, info, overlay)


@dataclass
class DepthResult:
    model: str
    latency_ms: float
    image: ImageInfo
    near_fraction: float  # share of pixels in the nearest third of the depth range
    depth: Any = field(default=None, repr=False, metadata={"json": False})  # grey map, bright = near (PIL)

    @property
    def headline(self) -> str:
        return _("Nearest third of the depth range: {near_fraction:.0%} of the picture (bright = near, relative, "
                 "not metres)").format(near_fraction=self.near_fraction)

    @property
    def picture(self) -> Any:
        return self.depth

    @property
    def rows(self) -> list[dict]:
        return []


def depth(image: Any, *, model: str | None = None, progress: Progress | None = None) -> DepthResult:
    """Relative depth per pixel from one photo (bright = near)."""
    import numpy as np
    spec = DEPTH_DEMO.model(model)
    img, info = load_image(image)
    out, ms = LOADER.call(spec, lambda p: p(img), progress)
    d = np.asarray(out["depth"], np.float32)
    near = float((d >= d.min() + 2 / 3 * (d.max() - d.min())).mean()) if d.max() > d.min() else 0.0
    return DepthResult(spec.id, ms, info, round(near, 4), out["depth"].resize(img.size))


@dataclass
class ZeroShotLabel:
    label: str
    score: float


@dataclass
class ZeroShotResult:
    labels: list[ZeroShotLabel]
    model: str
    latency_ms: float
    image: ImageInfo


def zero_shot(image: Any, *, model: str | None = None, labels: str = "a cat, a dog, a cup of coffee, a rocket, a person",
              progress: Progress | None = None) -> ZeroShotResult:
    """Scores for labels the user writes (comma-separated), by image-text similarity."""
    spec = ZERO_SHOT.model(model)
    names = [s.strip() for s in str(labels).split(",") if s.strip()]
    if len(names) < 2:
        raise InputError(_("Give at least two labels, separated by commas."))
    if len(names) > 50:
        raise InputError(_("At most 50 labels."))
    img, info = load_image(image)
    out, ms = LOADER.call(spec, lambda p: p(img, candidate_labels=names), progress)
    return ZeroShotResult([ZeroShotLabel(o["label"], round(float(o["score"]), 6)) for o in out], spec.id, ms, info)


@dataclass
class CaptionResult:
    caption: str
    model: str
    latency_ms: float
    image: ImageInfo

    @property
    def text(self) -> str:  # the "text" shape
        return self.caption


def caption(image: Any, *, model: str | None = None, max_new_tokens: int = 30,
            progress: Progress | None = None) -> CaptionResult:
    """One sentence describing the photo."""
    spec = CAPTION.model(model)
    n = CAPTION.param("max_new_tokens").parse(max_new_tokens)
    img, info = load_image(image)
    out, ms = LOADER.call(spec, lambda p: p(img, text="", max_new_tokens=n), progress)
    return CaptionResult(str(out[0]["generated_text"]).strip(), spec.id, ms, info)


DETECT = register(Demo(
    id="vision.detect", domain="vision", task="object-detection", title=N_("Object detection"),
    summary=N_("Boxes around every object of the 91 COCO classes, each with a label and a confidence."),
    input_kind="image", fn=detect, models=(DETR,), hub_adapter="hf_pipeline",
    params=(Param("threshold", float, 0.7, N_("minimum confidence"), min=0.0, max=1.0),),
    offline_instead="vision.faces",
    example=example("astronaut"),
    responsible=Card(
        N_("COCO: 118,000 everyday photos with 80 kinds of object."),
        N_("Objects outside the 80 kinds, small or crowded objects, scenes unlike Western everyday photos."),
        N_("Counting or tracking people for surveillance; safety decisions (vehicles, machines) without a tested system."),
        "privacy"),
    label=N_("Objects"),
    shape="picture",
))
SEGMENT = register(Demo(
    id="vision.semantic_segment", domain="vision", task="image-segmentation", title=N_("Scene segmentation"),
    summary=N_("Every pixel labelled (sky, road, building, person...), and how much of the picture each class fills."),
    input_kind="image", fn=semantic_segment, models=(SEGFORMER,), hub_adapter="hf_pipeline",
    offline_instead="vision.segment_person",
    example=example("astronaut"),
    responsible=Card(
        N_("ADE20K: 20,000 scene photos labelled in 150 classes."),
        N_("Scenes and objects outside the 150 classes; aerial, medical or industrial images."),
        N_("Safety decisions about where it is safe to walk or drive."), "privacy"),
    label=N_("Scene segmentation"),
    shape="picture",
))
DEPTH_DEMO = register(Demo(
    id="vision.depth", domain="vision", task="depth-estimation", title=N_("Depth from one photo"),
    summary=N_("How far each pixel is, estimated from a single picture."),
    input_kind="image", fn=depth, models=(DEPTH,), hub_adapter="hf_pipeline",
    offline_instead="vision.segment_person",
    example=example("astronaut"),
    responsible=Card(
        N_("Depth Anything V2: synthetic rendered scenes, then 62 million real photos labelled by a larger model."),
        N_("Glass, mirrors, water and the sky; it gives relative depth, not metres."),
        N_("Measuring distances for safety: it does not know the scale."), "privacy"),
    label=N_("Depth"),
    shape="picture",
))
ZERO_SHOT = register(Demo(
    id="vision.zero_shot", domain="vision", task="zero-shot-image-classification", title=N_("Zero-shot labels (CLIP)"),
    summary=N_("Classifies a photo into labels you write, with no training for them."),
    input_kind="image", fn=zero_shot, models=(CLIP,), hub_adapter="hf_pipeline",
    params=(Param("labels", str, "a cat, a dog, a cup of coffee, a rocket, a person", N_("comma-separated labels")),),
    offline_instead="vision.classify",
    example=example("astronaut"),
    responsible=Card(
        N_("CLIP: 400 million image-caption pairs from the web, unfiltered for bias."),
        N_("Its own model card reports that it puts photos of people into crime-related and non-human classes at "
           "different rates by race and gender."),
        N_("Classifying people by race, gender, character or criminality, whatever labels are typed."), "fairness"),
    label=N_("Zero-shot (CLIP)"),
    shape="labels",
))
CAPTION = register(Demo(
    id="vision.caption", domain="vision", task="image-text-to-text", title=N_("Captioning"),
    summary=N_("A sentence describing the photo."),
    input_kind="image", fn=caption, models=(BLIP,), hub_adapter="hf_pipeline",
    params=(Param("max_new_tokens", int, 30, N_("longest caption, in tokens"), min=5, max=100),),
    offline_instead="vision.classify",
    example=example("astronaut"),
    responsible=Card(
        N_("BLIP: COCO captions and 129 million web image-text pairs, with captions it generated and filtered itself."),
        N_("Unusual scenes; it guesses gender and roles from appearance and can describe what is not there."),
        N_("Alt text for public content without review; describing people's identity, gender or ethnicity."),
        "fairness"),
    label=N_("Captioning"),
    shape="text",
))
