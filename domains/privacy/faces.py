"""Faces hidden in a photo: MediaPipe's full-range BlazeFace (the Vision page's detector) finds them, each box is
padded (BlazeFace boxes run from the brows to the chin; hair and ears would stay), and the face is blurred with a
kernel scaled to it, pixelated into 8 x 8 blocks, or covered. The detector then runs again on the result: a face it
still finds was not hidden. EXIF metadata (camera, time, GPS) is read from the upload, listed, and never copied into
the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core import examples
from ..core.errors import InputError
from ..core.i18n import N_, _
from ..core.inputs import load_image, read_bytes
from ..core.loader import LOADER, Progress
from ..core.registry import Demo, Param, register
from ..vision.body import FACE_FULL
from ..core.responsible import Card

METHODS = {"blur": N_("blur (scaled to the face)"), "pixelate": N_("pixelate (8 x 8 blocks)"),
           "box": N_("solid box (leaks nothing)")}
MIN_SCORE = 0.5
MAX_FACES = 50


@dataclass
class FacesAnonResult:
    faces: list[dict]                # found before: box [x, y, w, h] (padded area hidden), score
    faces_after: list[dict]          # found by the detector on the anonymised image
    method: str
    exif_found: list[str]            # EXIF tags in the upload (none are kept)
    exif_kept: list[str]             # EXIF tags in the result: always []
    size: list[int]
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    image: Any = field(default=None, repr=False, metadata={"json": False})     # the anonymised picture (PIL, RGB)
    original: Any = field(default=None, repr=False, metadata={"json": False})


def _exif(src: Any) -> list[str]:
    import io
    from PIL import ExifTags, Image
    if not isinstance(src, (bytes, bytearray)) and not hasattr(src, "read") and not hasattr(src, "getvalue"):
        src_img = src if hasattr(src, "getexif") else None
    else:
        try:
            src_img = Image.open(io.BytesIO(read_bytes(src)))
        except Exception:
            return []
    if src_img is None:
        return []
    exif = src_img.getexif()
    names = [ExifTags.TAGS.get(k, str(k)) for k in exif]
    if exif.get_ifd(0x8825):
        names.append("GPSInfo")
    return sorted(set(names))


def _detect(solution, rgb) -> list[dict]:
    h, w = rgb.shape[:2]
    out = []
    for d in solution.process(rgb).detections or []:
        score = float(d.score[0])
        if score < MIN_SCORE:
            continue
        b = d.location_data.relative_bounding_box
        out.append({"box": [round(b.xmin * w, 1), round(b.ymin * h, 1), round(b.width * w, 1), round(b.height * h, 1)],
                    "score": round(score, 3)})
    return out


def _padded(box, w: int, h: int) -> tuple[int, int, int, int]:
    """25 % wider each side, 37 % taller above (forehead, hair), 12 % below (chin)."""
    x, y, bw, bh = box
    return (max(0, int(x - 0.25 * bw)), max(0, int(y - 0.37 * bh)), min(w, int(x + 1.25 * bw)),
            min(h, int(y + 1.12 * bh)))


def hide(rgb, boxes: list, method: str):
    import cv2
    out = rgb.copy()
    h, w = rgb.shape[:2]
    for box in boxes:
        x0, y0, x1, y1 = _padded(box, w, h)
        roi = out[y0:y1, x0:x1]
        if roi.size == 0:
            continue
        if method == "blur":
            k = max(31, (max(roi.shape[:2]) // 2) | 1)      # a small fixed kernel leaves a face recognisable
            roi[:] = cv2.GaussianBlur(roi, (k, k), 0)
        elif method == "pixelate":
            small = cv2.resize(roi, (8, 8), interpolation=cv2.INTER_AREA)
            roi[:] = cv2.resize(small, (roi.shape[1], roi.shape[0]), interpolation=cv2.INTER_NEAREST)
        else:
            roi[:] = 0
    return out


def faces(image: Any, *, model: str | None = None, method: str = "blur",
          progress: Progress | None = None) -> FacesAnonResult:
    """Every face found hidden by `method` (blur | pixelate | box); the detector re-run on the result."""
    import numpy as np
    from PIL import Image
    spec = FACES.model(model)
    if method not in METHODS:
        raise InputError(_("Unknown method '{m}'. Choose from: {v}.").format(m=method, v=", ".join(METHODS)))
    exif = _exif(image)
    img, info = load_image(image)
    rgb = np.ascontiguousarray(np.asarray(img.convert("RGB")))

    def run(solution):
        found = _detect(solution, rgb)
        hidden = hide(rgb, [f["box"] for f in found], method)
        return found, hidden, _detect(solution, hidden)

    (found, hidden, after), ms = LOADER.call(spec, run, progress, step=N_("Finding faces with {name}"))
    h, w = rgb.shape[:2]
    for f in found:
        x0, y0, x1, y1 = _padded(f["box"], w, h)
        f["hidden"] = [x0, y0, x1 - x0, y1 - y0]
    warnings = []
    if not found:
        warnings.append(_("No face found: nothing was hidden. Small, turned or covered faces can be missed, so look "
                          "before you share."))
    if len(found) >= MAX_FACES:
        warnings.append(_("{n} faces found: in a crowd, small faces are the ones a detector misses.").format(n=len(found)))
    if after:
        warnings.append(_("The detector still finds {n} face(s) after hiding: choose a stronger method.").format(
            n=len(after)))
    notes = [_("Hiding faces does not make a photo anonymous: name tags, captions, uniforms, places and the people "
               "who know them still identify someone.")]
    if exif:
        notes.append(_("The upload carried EXIF metadata ({tags}); the result keeps none of it.").format(
            tags=", ".join(exif[:8]) + (" …" if len(exif) > 8 else "")))
    return FacesAnonResult(found, after, method, exif, [], [w, h], spec.id, ms, warnings, notes,
                           Image.fromarray(hidden), img)


FACES = register(Demo(
    id="privacy.faces", domain="privacy", task="face-detection", title=N_("Hide the faces in a photo"),
    summary=N_("A face detector finds every face, each is blurred, pixelated or covered, and the detector looks "
               "again to check; the photo's hidden metadata is dropped."),
    input_kind="image", fn=faces, models=(FACE_FULL,),
    params=(Param("method", str, "blur", N_("blur, pixelate or box")),),
    example=lambda: (examples.image("grace_hopper"), {"method": "blur"}),
    responsible=Card(
        N_("Google's BlazeFace training photos."),
        N_("Small, turned or covered faces; tattoos, name tags, voices and EXIF are not faces and stay."),
        N_("Publishing photos of people who did not agree, on the strength of blurred faces alone."), "privacy"),
    label=N_(":material/face: Faces in photos"), shows="faces found after",
))
