"""Real example media that ship inside installed packages (no downloads), with their provenance."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .errors import InputError


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    credit: str
    load: Callable[[], "object"]  # -> PIL image


def _skimage(name: str):
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


IMAGES: tuple[Example, ...] = (
    Example("coffee", "Coffee", "Rachel Michetti, CC0 (scikit-image)", _skimage("coffee")),
    Example("chelsea", "Cat", "Stefan van der Walt, CC0 (scikit-image)", _skimage("chelsea")),
    Example("astronaut", "Astronaut", "NASA, public domain (scikit-image)", _skimage("astronaut")),
    Example("rocket", "Rocket", "SpaceX, CC0 (scikit-image)", _skimage("rocket")),
    Example("motorcycle", "Motorcycle", "Middlebury 2014 stereo set (scikit-image)", _skimage("stereo_motorcycle")),
    Example("grace_hopper", "Grace Hopper", "US Navy, public domain (matplotlib)", _mpl("grace_hopper.jpg")),
)


@lru_cache(maxsize=None)
def image(example_id: str):
    """The example's PIL image (cached; callers must not modify it)."""
    for ex in IMAGES:
        if ex.id == example_id:
            return ex.load()
    raise InputError(f"No example image '{example_id}'. Known: {', '.join(e.id for e in IMAGES)}.")


@lru_cache(maxsize=None)
def thumbnail(example_id: str, size: int = 240):
    """A square centre crop of the example, for pickers."""
    from PIL import ImageOps
    return ImageOps.fit(image(example_id).convert("RGB"), (size, size))
