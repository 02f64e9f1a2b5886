"""Drawing results onto images with Pillow: boxes, polygons, keypoint skeletons, heatmaps, masks.
Pure functions (PIL in, new PIL out), shared by every page and the CLI."""
from __future__ import annotations

from typing import Iterable, Sequence

PALETTE = [(230, 57, 70), (29, 131, 224), (42, 157, 84), (244, 162, 97), (131, 56, 236), (255, 190, 11),
           (6, 214, 160), (239, 71, 111)]


CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
             "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/System/Library/Fonts/PingFang.ttc")


def _font(size: int):
    """A font that draws Chinese as well as Latin text (Noto Sans CJK where installed), else Pillow's own."""
    from PIL import ImageFont
    for path in CJK_FONTS:
        try:
            return ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") and "Noto" in path else 0)  # SC
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # very old Pillow
        return ImageFont.load_default()


def _width(img) -> int:
    return max(2, round(max(img.size) / 300))


def boxes(img, items: Iterable[tuple[Sequence[float], str]], color_index: int = 0):
    """Rectangles given as (x, y, w, h) in pixels, each with a caption."""
    from PIL import ImageDraw
    out = img.convert("RGB").copy()
    d = ImageDraw.Draw(out)
    w = _width(out)
    font = _font(max(12, w * 6))
    for i, (box, caption) in enumerate(items):
        x, y, bw, bh = box
        color = PALETTE[(color_index + i) % len(PALETTE)]
        d.rectangle([x, y, x + bw, y + bh], outline=color, width=w)
        if caption:
            tx, ty = x, max(0, y - font.size - 2 * w)
            l, t, r, b = d.textbbox((tx + w, ty + w), caption, font=font)
            d.rectangle([l - w, t - w, r + w, b + w], fill=color)
            d.text((tx + w, ty + w), caption, fill=(255, 255, 255), font=font)
    return out


def polygons(img, items: Iterable[tuple[Sequence[Sequence[float]], str]]):
    """Closed polygons (lists of [x, y]) with an optional number label at the first corner."""
    from PIL import ImageDraw
    out = img.convert("RGB").copy()
    d = ImageDraw.Draw(out)
    w = _width(out)
    font = _font(max(12, w * 6))
    for i, (pts, label) in enumerate(items):
        color = PALETTE[i % len(PALETTE)]
        flat = [tuple(map(float, p)) for p in pts]
        d.line(flat + [flat[0]], fill=color, width=w)
        if label:
            d.text((flat[0][0] + w, flat[0][1] - font.size - w), label, fill=color, font=font)
    return out


def skeleton(img, points: Sequence[Sequence[float]], edges: Iterable[tuple[int, int]], color_index: int = 0,
             radius: float | None = None, visible: Sequence[bool] | None = None):
    """Keypoints (pixel x, y) joined by `edges`; points flagged invisible are skipped."""
    from PIL import ImageDraw
    out = img.convert("RGB").copy()
    d = ImageDraw.Draw(out)
    w = _width(out)
    r = radius if radius is not None else w * 1.5
    color = PALETTE[color_index % len(PALETTE)]
    ok = visible or [True] * len(points)
    for a, b in edges:
        if a < len(points) and b < len(points) and ok[a] and ok[b]:
            d.line([tuple(points[a][:2]), tuple(points[b][:2])], fill=color, width=w)
    for i, p in enumerate(points):
        if ok[i]:
            d.ellipse([p[0] - r, p[1] - r, p[0] + r, p[1] + r], fill=(255, 255, 255), outline=color)
    return out


def heatmap(img, grid, alpha: float = 0.5):
    """Overlay a 2-D array (any size, values 0..1) on the image with a perceptual colour map."""
    import numpy as np
    from matplotlib import colormaps
    from PIL import Image
    a = np.clip(np.asarray(grid, dtype=np.float32), 0, 1)
    small = Image.fromarray((a * 255).astype(np.uint8))
    up = np.asarray(small.resize(img.size, Image.Resampling.BICUBIC), np.float32) / 255
    colored = (colormaps["inferno"](up)[..., :3] * 255).astype(np.uint8)
    return Image.blend(img.convert("RGB"), Image.fromarray(colored), alpha)


def composite(img, mask, background):
    """Person over `background` (a PIL image of the same size) using a soft 0..1 mask."""
    import numpy as np
    from PIL import Image
    m = np.clip(np.asarray(mask, np.float32), 0, 1)[..., None]
    fg = np.asarray(img.convert("RGB"), np.float32)
    bg = np.asarray(background.convert("RGB").resize(img.size), np.float32)
    return Image.fromarray((fg * m + bg * (1 - m)).astype(np.uint8))
