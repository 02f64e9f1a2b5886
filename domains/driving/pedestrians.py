"""People in a street video: moving regions by background subtraction (OpenCV's MOG2, classical), then MediaPipe
BlazePose on each region (deep) to tell walkers from other motion and draw their skeletons.

The video is `vtest.avi` from Debian's `opencv-doc` (768 x 576, 10 fps, 795 frames of people walking past a road).
No ground truth ships with it, so this is perception shown frame by frame, with no accuracy claim. A user's own
short video goes through the same steps after a guard on size, length and codec."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError, ModelUnavailable
from ..core.i18n import N_, _
from ..core.media import MAX_UPLOAD_MB
from ..core.loader import LOADER, Progress
from ..core.registry import Demo, Param, register
from ..vision.body import POSE, import_mediapipe
from ..core.responsible import Card
from ..vision.body import MEDIAPIPE_BODY

VIDEO = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
INSTALL = "sudo apt-get install --no-install-recommends opencv-doc"
MAX_SECONDS, MAX_FRAMES, MAX_SIDE = 120, 60, 1920
MAX_MB = MAX_UPLOAD_MB  # the one upload limit
WARMUP = 40          # frames the background model sees before the first analysed one
MIN_AREA = 400       # px; smaller moving regions are noise at 768 x 576 (scaled with the frame's area)


@dataclass
class Person:
    box: list[int]                   # x, y, width, height in pixels
    body: bool                       # BlazePose found a body in the region
    landmarks: list[list[float]]     # 33 x [x, y] in frame pixels when body, else []


@dataclass
class Frame:
    index: int
    time_s: float
    regions: list[Person]


@dataclass
class PedestrianResult:
    video: str                       # "vtest.avi" or "upload"
    fps: float
    size: list[int]                  # width, height
    frames_in_video: int
    frames: list[Frame]
    people: int                      # regions with a body, over the analysed frames
    regions: int                     # moving regions, over the analysed frames
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    annotated: list = field(default_factory=list, repr=False, metadata={"json": False})   # PIL images, one per frame


def _open(src: Any):
    """(cv2.VideoCapture, label, temp path or None) for the bundled video (None), a path or uploaded bytes."""
    import cv2
    tmp = None
    if src is None:
        if not VIDEO.is_file():
            raise ModelUnavailable(_("The street video is not installed. It ships in Debian's opencv-doc package: "
                                     "{cmd}").format(cmd=INSTALL))
        path, label = str(VIDEO), "vtest.avi"
    else:
        if isinstance(src, (str, Path)) and not isinstance(src, bytes):
            p = Path(src)
            if not p.is_file():
                raise InputError(_("No such video file: {path}").format(path=p))
            data = p.read_bytes() if p.stat().st_size <= MAX_MB * 2**20 else None
        else:
            data = src.getvalue() if hasattr(src, "getvalue") else bytes(src)
        if data is None or len(data) > MAX_MB * 2**20:
            raise InputError(_("The video is larger than {mb} MB. Trim it to a short clip.").format(mb=MAX_MB))
        if not data:
            raise InputError(_("The video file is empty."))
        fd, tmp = tempfile.mkstemp(suffix=".video")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        path, label = tmp, "upload"
    cap = cv2.VideoCapture(path)
    ok = cap.isOpened() and cap.read()[0]
    if not ok:
        cap.release()
        if tmp:
            os.unlink(tmp)
        raise InputError(_("Could not read this as a video (OpenCV found no frames). MP4 (H.264), AVI and WebM "
                           "usually work."))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    return cap, label, tmp


def _moving(sub, frame, min_area: float):
    import cv2
    import numpy as np
    m = sub.apply(frame)
    m = cv2.threshold(m, 200, 255, cv2.THRESH_BINARY)[1]       # shadows are 127: dropped
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((9, 5), np.uint8))
    contours, _h = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [tuple(int(v) for v in cv2.boundingRect(c)) for c in contours if cv2.contourArea(c) > min_area]


def _pose_in(solution, frame, box) -> list[list[float]]:
    """BlazePose on the region (padded, upscaled x2: people are 60-120 px tall in the street video), landmarks
    mapped back to frame pixels; [] when it finds no body."""
    import cv2
    x, y, w, h = box
    pad = int(0.15 * h)
    x0, y0 = max(0, x - pad), max(0, y - pad)
    crop = frame[y0: y + h + pad, x0: x + w + pad]
    if crop.size == 0:
        return []
    scale = 2.0 if max(crop.shape[:2]) < 400 else 1.0
    crop = cv2.resize(crop, None, fx=scale, fy=scale) if scale != 1 else crop
    res = solution.process(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB))
    if res.pose_landmarks is None:
        return []
    ch, cw = crop.shape[:2]
    return [[round(x0 + lm.x * cw / scale, 1), round(y0 + lm.y * ch / scale, 1)] for lm in res.pose_landmarks.landmark]


def pedestrians(video: Any = None, *, model: str | None = None, start_s: float = 8.0, seconds: float = 20.0,
                every: int = 10, progress: Progress | None = None) -> PedestrianResult:
    """Moving regions and body poses on every `every`-th frame from `start_s` for `seconds` of `video` (None: the
    street video from opencv-doc; a path or the bytes of a short clip)."""
    import cv2
    from PIL import Image
    from ..core import draw
    spec = PEDESTRIANS.model(model)
    start_s, seconds, every = (PEDESTRIANS.param(n).parse(v) for n, v in
                               (("start_s", start_s), ("seconds", seconds), ("every", every)))
    if start_s < 0 or not 1 <= seconds <= 30 or not 1 <= every <= 100:
        raise InputError(_("start_s must be 0 or more, seconds 1-30 and every 1-100."))
    cap, label, tmp = _open(video)
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or 25.0
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if not 0 < fps <= 120:
            fps = 25.0
        if total / fps > MAX_SECONDS:
            raise InputError(_("The video is {s:.0f} s long; the limit is {limit} s. Trim it to a short clip.").format(
                s=total / fps, limit=MAX_SECONDS))
        if min(w, h) < 64 or max(w, h) > MAX_SIDE:
            raise InputError(_("The video is {w} x {h} pixels; it must be between 64 and {m} pixels on a side.").format(
                w=w, h=h, m=MAX_SIDE))
        first = int(round(start_s * fps))
        if first >= total:
            raise InputError(_("The video is only {s:.1f} s long: start earlier.").format(s=total / fps))
        last = min(total, first + int(round(seconds * fps)))
        wanted = list(range(first, last, every))[:MAX_FRAMES]
        warnings = []
        if len(range(first, last, every)) > MAX_FRAMES:
            warnings.append(_("Only the first {n} analysed frames are shown; pick a larger step.").format(n=MAX_FRAMES))
        if first < WARMUP:
            warnings.append(_("The first {n} frames teach the background model what stands still; regions found "
                              "before that are less reliable.").format(n=WARMUP))
        min_area = MIN_AREA * (w * h) / (768 * 576)
        import_mediapipe()

        def analyse(solution):
            sub = cv2.createBackgroundSubtractorMOG2(history=200, varThreshold=25, detectShadows=True)
            pos = max(0, first - WARMUP)
            cap.set(cv2.CAP_PROP_POS_FRAMES, pos)
            frames, pictures, todo = [], [], set(wanted)
            while pos < (wanted[-1] + 1 if wanted else 0):
                ok, frame = cap.read()
                if not ok:
                    break
                boxes = _moving(sub, frame, min_area)
                if pos in todo:
                    regions = []
                    for box in boxes:
                        lms = _pose_in(solution, frame, box)
                        regions.append(Person(list(box), bool(lms), lms))
                    frames.append(Frame(pos, round(pos / fps, 2), regions))
                    pictures.append(frame)
                    if progress:
                        progress(len(frames) / len(wanted), _("Frame {i} of {n}").format(i=len(frames), n=len(wanted)))
                pos += 1
            return frames, pictures

        (frames, pictures), ms = LOADER.call(spec, analyse, progress, step=N_("Finding people with {name}"))
    finally:
        cap.release()
        if tmp:
            os.unlink(tmp)
    if not frames:
        raise InputError(_("No frame could be read in that stretch of the video."))
    import_mediapipe()  # one thread at a time (see there)
    from mediapipe.python.solutions.pose import POSE_CONNECTIONS
    edges = [tuple(e) for e in POSE_CONNECTIONS]
    annotated = []
    for f, bgr in zip(frames, pictures):
        img = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        img = draw.boxes(img, [(r.box, _("person")) for r in f.regions if r.body], 1)
        img = draw.boxes(img, [(r.box, _("moving")) for r in f.regions if not r.body], 3)
        for r in f.regions:
            if r.body:
                img = draw.skeleton(img, r.landmarks, edges, color_index=1)
        annotated.append(img)
    people = sum(r.body for f in frames for r in f.regions)
    regions = sum(len(f.regions) for f in frames)
    notes = [_("No ground truth ships with this video: the boxes and skeletons are what the models perceive, not a "
               "measured accuracy.")]
    return PedestrianResult(label, round(fps, 2), [w, h], total, frames, people, regions, spec.id, ms, warnings, notes,
                            annotated)


PEDESTRIANS = register(Demo(
    id="driving.pedestrians", domain="driving", task="pose-estimation", title=N_("People in a street video"),
    summary=N_("Moving regions found by background subtraction, then a body-pose network on each: who is a "
               "pedestrian, drawn frame by frame on a real street video."),
    input_kind="video", fn=pedestrians, models=(POSE,),
    params=(Param("start_s", float, 8.0, N_("first second analysed")),
            Param("seconds", float, 20.0, N_("how many seconds to analyse (1-30)")),
            Param("every", int, 10, N_("analyse every n-th frame (1-100)"))),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=lambda: (None, {"seconds": 6.0}),
    responsible=Card(
        (MEDIAPIPE_BODY.data, N_("Moving regions come from a classical background model, not learning.")),
        N_("Still people, people behind others, darkness, crowds, and a moving camera."),
        N_("Safety decisions for vehicles or surveillance of people in the street."), "privacy"),
    label=N_(":material/directions_walk: People in a street video"), shows="people (a body found)",
))
