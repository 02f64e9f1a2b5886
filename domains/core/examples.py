"""Example media that ship inside installed packages or this repository (no downloads), with provenance."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .errors import InputError
from .i18n import N_, _

ASSETS = Path(__file__).parent / "assets"
OPENCV_DOC = Path("/usr/share/doc/opencv-doc/opencv4/html")  # Debian opencv-doc: OpenCV's documentation images


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    credit: str
    load: Callable[[], "object"]  # -> PIL image
    tags: tuple[str, ...] = ("photo",)


def _skimage(name: str, gray_to_rgb: bool = False):
    def load():
        import skimage.data
        from PIL import Image
        arr = getattr(skimage.data, name)()
        return Image.fromarray(arr[0] if isinstance(arr, tuple) else arr)
    return load


def _mpl(name: str):
    def load():
        import matplotlib.cbook
        from PIL import Image
        with matplotlib.cbook.get_sample_data(name) as f:
            return Image.open(f).copy()
    return load


def _asset(name: str):
    def load():
        from PIL import Image
        with Image.open(ASSETS / name) as im:
            return im.copy()
    return load


def _file(path: Path):
    def load():
        from PIL import Image
        with Image.open(path) as im:
            return im.copy()
    return load


def _drawn_lesion(colour, irregular: bool):
    """A drawing of a skin spot, so the skin demo runs with one click. Not a photograph of a lesion."""
    def load():
        import numpy as np
        from PIL import Image, ImageDraw, ImageFilter
        rng = np.random.default_rng(3 if irregular else 5)
        skin = (rng.normal(0, 6, (320, 320, 1)) + np.array([224, 182, 156])).clip(0, 255).astype(np.uint8)
        img = Image.fromarray(skin)
        d = ImageDraw.Draw(img)
        t = np.linspace(0, 2 * np.pi, 60)
        r = 80 + (rng.normal(0, 14, 60) if irregular else 0)
        d.polygon(list(zip(160 + r * np.cos(t), 160 + 0.85 * r * np.sin(t))), fill=colour)
        if irregular:
            d.ellipse((140, 130, 200, 190), fill=tuple(max(0, c - 50) for c in colour))
        return img.filter(ImageFilter.GaussianBlur(4))
    return load


IMAGES: tuple[Example, ...] = (
    Example("coffee", N_("Coffee"), N_("Rachel Michetti, CC0 (scikit-image)"), _skimage("coffee")),
    Example("chelsea", N_("Cat"), N_("Stefan van der Walt, CC0 (scikit-image)"), _skimage("chelsea")),
    Example("astronaut", N_("Astronaut"), N_("NASA, public domain (scikit-image)"), _skimage("astronaut"), ("photo", "people")),
    Example("rocket", N_("Rocket"), N_("SpaceX, CC0 (scikit-image)"), _skimage("rocket")),
    Example("motorcycle", N_("Motorcycle"), N_("Middlebury 2014 stereo set (scikit-image)"), _skimage("stereo_motorcycle")),
    Example("grace_hopper", N_("Grace Hopper"), N_("US Navy, public domain (matplotlib)"), _mpl("grace_hopper.jpg"),
            ("photo", "people")),
    Example("page", N_("Scanned page"), N_("scikit-image sample, a real scan with uneven light"), _skimage("page"), ("text",)),
    Example("zh_sign", N_("Chinese sign"), N_("Rendered by this project in Noto Sans CJK (OFL); not a photograph"),
            _asset("zh_sign.jpg"), ("text",)),
    Example("spot_even", N_("Even spot"), N_("Drawn by this project: not a photograph of a lesion"),
            _drawn_lesion((120, 70, 50), False), ("skin",)),
    Example("spot_irregular", N_("Irregular spot"), N_("Drawn by this project: not a photograph of a lesion"),
            _drawn_lesion((90, 45, 35), True), ("skin",)),
) + ((Example("hand", N_("Open hand"), N_("OpenCV documentation sample (Debian opencv-doc; Apache-2.0 / BSD-3-Clause)"),
              _file(OPENCV_DOC / "handSrc.jpg"), ("hands",)),) if (OPENCV_DOC / "handSrc.jpg").is_file() else ())


def tagged(*tags: str) -> list[Example]:
    """Examples with any of these tags, grouped in the order of the tags, each once."""
    out: list[Example] = []
    for tag in tags:
        out += [e for e in IMAGES if tag in e.tags and e not in out]
    return out


@lru_cache(maxsize=None)
def image(example_id: str):
    """The example's PIL image (cached; callers must not modify it)."""
    for ex in IMAGES:
        if ex.id == example_id:
            return ex.load()
    raise InputError(_("No example image '{example_id}'. Known: {v}.").format(example_id=example_id, v=', '.join(e.id for e in IMAGES)))


@lru_cache(maxsize=None)
def thumbnail(example_id: str, size: int = 240):
    """A square centre crop of the example, for pickers."""
    from PIL import ImageOps
    return ImageOps.fit(image(example_id).convert("RGB"), (size, size))


@dataclass(frozen=True)
class PhotoExample:
    """A demo's health-check example: the bundled photo `example_id` with these params (see Demo.example). A page
    drawn from the registry opens on the same photo."""

    example_id: str
    params: tuple = ()  # (name, value) pairs: a demo stays hashable

    def __call__(self) -> tuple[object, dict]:
        return image(self.example_id), dict(self.params)


def example(example_id: str, **params) -> PhotoExample:
    return PhotoExample(example_id, tuple(params.items()))


# ---------------------------------------------------------------- example clips (audio)
REAL_VOICE = Path("/usr/share/sounds/alsa")  # Debian alsa-utils: a real human voice, 48 kHz


@dataclass(frozen=True)
class Clip:
    """An example recording. `load(progress)` -> its bytes (WAV, FLAC). Clips made by a model (the speech domain's
    own voice) are added by that domain (`add_clip`); files that ship with the gallery or the system are here."""

    id: str
    title: str                          # in the catalog
    text: str | None                    # what it says; None when its title says it (the real-voice clips)
    load: Callable[..., bytes]
    languages: tuple[str, ...] = ("en",)
    synthetic: bool = True              # a voice made by software, not a person: the picker says so
    order: int = 50                     # place in the picker


def _bundled(name: str) -> Callable[..., bytes]:
    return lambda progress=None: (ASSETS / name).read_bytes()


def _real_voice(name: str) -> Callable[..., bytes]:
    def load(progress=None) -> bytes:
        path = REAL_VOICE / name
        if not path.is_file():
            raise InputError(_("No example '{example_id}': install alsa-utils for the real-voice clips.").format(
                example_id=name))
        return path.read_bytes()
    return load


_CLIPS: dict[str, Clip] = {c.id: c for c in (
    Clip("mandarin", N_("Mandarin, robotic espeak-ng voice"), "你好。今天天气很好，我们一起去火车站买票吧。",
         _bundled("zh_speech.flac"), ("zh",), order=60),
    Clip("alsa_front_center", N_("“Front center” (real voice, alsa-utils)"), None, _real_voice("Front_Center.wav"),
         synthetic=False, order=70),
    Clip("alsa_rear_right", N_("“Rear right” (real voice, alsa-utils)"), None, _real_voice("Rear_Right.wav"),
         synthetic=False, order=71),
)}


def add_clip(clip: Clip) -> Clip:
    _CLIPS[clip.id] = clip
    return clip


def _all_clips() -> list[Clip]:
    from . import registry
    registry.domains()  # the domains add the clips their models make
    return sorted(_CLIPS.values(), key=lambda c: c.order)


def clip_ids(languages: tuple[str, ...] = ("en",)) -> dict[str, str]:
    """Example clip ids and titles (translated) in these languages: the synthetic ones always, the real-voice ones
    when alsa-utils is installed."""
    out = {}
    for c in _all_clips():
        if not set(c.languages) & set(languages) or not c.synthetic and not (REAL_VOICE / "Front_Center.wav").exists():
            continue
        out[c.id] = _("{title} (synthetic voice)").format(title=_(c.title)) if c.synthetic else _(c.title)
    return out


def clip(example_id: str, progress=None) -> bytes:
    """The example clip's bytes (a clip a model speaks is made on first use and kept on disk)."""
    found = {c.id: c for c in _all_clips()}.get(example_id)
    if found is None:
        raise InputError(_("No example clip '{example_id}'. Known: {v}.").format(
            example_id=example_id, v=', '.join(c.id for c in _all_clips())))
    return found.load(progress)


def clip_text(example_id: str) -> str | None:
    """What an example clip says (None for the real-voice clips, whose words are in their titles)."""
    found = {c.id: c for c in _all_clips()}.get(example_id)
    return found.text if found else None
