"""Vision: faces, face mesh, body pose, hands and person segmentation with MediaPipe's legacy
solutions, whose TFLite models ship inside the mediapipe 0.10.21 wheel."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from ..core.inputs import ImageInfo, load_image
from ..core.loader import LOADER, Progress, adapter
from ..core.examples import example
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.i18n import N_, _
from ..core.responsible import Card

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
FACE_NOT_FOR = N_("Identifying who a person is, tracking people without their consent, or inferring emotion, age, gender or "
          "ethnicity from a face.")
MEDIAPIPE_BODY = Card(
    N_("Google's MediaPipe training photos of people (its model cards list the sets and a fairness evaluation across "
       "skin tones and regions)."),
    N_("People far away, partly hidden, in unusual poses or poor light; crowds (it follows one person); wheelchairs "
       "and prostheses are under-represented."),
    N_("Surveillance, or judging people's health, fitness or behaviour from their posture."),
    "privacy")


MP_PIP = "mediapipe==0.10.21 (--no-deps)"
MP_HOME = "https://ai.google.dev/edge/mediapipe/solutions/guide"

SIDES = (N_("Left"), N_("Right"))  # the model's words for a hand, in the catalog so pages can translate them


_MP_IMPORT = threading.Lock()


def import_mediapipe():
    """mediapipe and the solution modules the demos draw with, imported by one thread at a time (and quiet): two
    sessions importing them at once met a half-initialised module (Python breaks the import deadlock that way), and
    mediapipe then failed for every visitor of the process ("name 'framework' is not defined"; the load test found
    it). Every use of mediapipe goes through here first."""
    os.environ.setdefault("GLOG_minloglevel", "2")  # before mediapipe's C++ logging starts
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _MP_IMPORT:
        import mediapipe
        import mediapipe.python.solutions.face_mesh_connections  # noqa: F401
        import mediapipe.python.solutions.hands  # noqa: F401
        import mediapipe.python.solutions.pose  # noqa: F401
    return mediapipe


@adapter("mediapipe", imports=("cv2",))
def _load_mediapipe(spec: ModelSpec, path: str | None, progress: Progress | None):
    mp = import_mediapipe()
    kind, kwargs = spec.needs["solution"], dict(spec.needs.get("kwargs", {}))
    module = getattr(mp.solutions, kind)
    cls = {"face_detection": "FaceDetection", "face_mesh": "FaceMesh", "pose": "Pose", "hands": "Hands",
           "selfie_segmentation": "SelfieSegmentation"}[kind]
    return getattr(module, cls)(**kwargs)


def _mp(id_: str, name: str, kind: str, description: str, mb: float, ram: float, **kwargs) -> ModelSpec:
    return ModelSpec(id=id_, name=name, source="package", adapter="mediapipe", license="Apache-2.0", size_mb=mb,
                     ram_mb=ram, offline=True, ref="mediapipe", homepage=MP_HOME, description=description,
                     needs={"pip": MP_PIP, "solution": kind, "kwargs": kwargs})


FACE_SHORT = _mp("mediapipe-face-short", "BlazeFace short-range", "face_detection",
                 N_("Google's BlazeFace detector for faces within about 2 m of the camera; 6 landmarks per face."),
                 0.2, 30, model_selection=0, min_detection_confidence=0.05)
FACE_FULL = _mp("mediapipe-face-full", "BlazeFace full-range", "face_detection",
                N_("BlazeFace for faces up to about 5 m away, in group photos."),
                1.1, 40, model_selection=1, min_detection_confidence=0.05)
FACE_MESH = _mp("mediapipe-face-mesh", "MediaPipe Face Mesh", "face_mesh",
                N_("478 3-D landmarks per face (eyes and irises refined), from a single image."),
                3.0, 60, static_image_mode=True, max_num_faces=5, refine_landmarks=True, min_detection_confidence=0.3)
POSE = _mp("mediapipe-pose", "BlazePose (full)", "pose",
           N_("33 body landmarks of the most prominent person, with a segmentation mask."),
           9.5, 90, static_image_mode=True, model_complexity=1, enable_segmentation=True,
           min_detection_confidence=0.3)
HANDS = _mp("mediapipe-hands", "MediaPipe Hands", "hands",
            N_("21 landmarks per hand, for up to four hands, with left/right."),
            5.5, 70, static_image_mode=True, max_num_hands=4, model_complexity=1, min_detection_confidence=0.3)
SELFIE = _mp("mediapipe-selfie", "MediaPipe Selfie Segmentation", "selfie_segmentation",
             N_("Separates people from the background (landscape model), as video-call apps do."),
             0.3, 30, model_selection=1)


def _rgb(img):
    import numpy as np
    return np.ascontiguousarray(np.asarray(img))


def _px(lm, w: int, h: int) -> list[float]:
    return [round(lm.x * w, 1), round(lm.y * h, 1)]


def _process(demo: Demo, model: str | None, image: Any, progress: Progress | None):
    """The steps every MediaPipe demo shares: resolve the model, guard the image, run it under its lock."""
    spec = demo.model(model)
    img, info = load_image(image)
    res, latency = LOADER.call(spec, lambda solution: solution.process(_rgb(img)), progress)
    return spec, img, info, res, latency


# ---------------------------------------------------------------- faces
@dataclass
class Face:
    box: list[float]              # x, y, width, height in pixels
    score: float
    keypoints: list[list[float]]  # right eye, left eye, nose tip, mouth, right ear, left ear


@dataclass
class FacesResult:
    faces: list[Face]
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})


def faces(image: Any, *, model: str | None = None, min_score: float = 0.5, max_faces: int = 10,
          progress: Progress | None = None) -> FacesResult:
    from ..core import draw
    min_score = FACES.param("min_score").parse(min_score)
    max_faces = FACES.param("max_faces").parse(max_faces)
    spec, img, info, res, latency = _process(FACES, model, image, progress)
    w, h = img.size
    found = []
    for d in res.detections or []:
        score = float(d.score[0])
        if score < min_score:
            continue
        bb = d.location_data.relative_bounding_box
        box = [round(bb.xmin * w, 1), round(bb.ymin * h, 1), round(bb.width * w, 1), round(bb.height * h, 1)]
        found.append(Face(box, round(score, 4), [_px(k, w, h) for k in d.location_data.relative_keypoints]))
    found = sorted(found, key=lambda f: -f.score)[:max_faces]
    out = draw.boxes(img, [(f.box, _("face {score:.0%}").format(score=f.score)) for f in found])
    for i, f in enumerate(found):
        out = draw.skeleton(out, f.keypoints, [], color_index=i)
    return FacesResult(found, spec.id, latency, info, out)


@dataclass
class MeshFace:
    points: list[list[float]]  # 478 x [x, y, z]; x, y in pixels, z relative depth (same scale as x)


@dataclass
class MeshResult:
    faces: list[MeshFace]
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})


def face_mesh(image: Any, *, model: str | None = None, max_faces: int = 5,
              progress: Progress | None = None) -> MeshResult:
    from ..core import draw
    import_mediapipe()
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION
    max_faces = FACE_MESH_DEMO.param("max_faces").parse(max_faces)
    spec, img, info, res, latency = _process(FACE_MESH_DEMO, model, image, progress)
    w, h = img.size
    found = [MeshFace([[round(p.x * w, 1), round(p.y * h, 1), round(p.z * w, 1)] for p in f.landmark])
             for f in (res.multi_face_landmarks or [])][:max_faces]
    out = img
    for i, f in enumerate(found):
        out = draw.skeleton(out, f.points, FACEMESH_TESSELATION, color_index=i + 1, radius=0)
    return MeshResult(found, spec.id, latency, info, out)


# ---------------------------------------------------------------- body and hands
@dataclass
class Keypoint:
    name: str
    x: float           # pixels
    y: float
    z: float           # depth relative to the hips (pose) or wrist (hands), same scale as x
    visibility: float  # 0..1, how likely the point is visible (pose only; 1 for hands)


@dataclass
class Person:
    keypoints: list[Keypoint]


@dataclass
class PoseResult:
    people: list[Person]   # MediaPipe's single-image pose finds the most prominent person
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})


def pose(image: Any, *, model: str | None = None, min_visibility: float = 0.5,
         progress: Progress | None = None) -> PoseResult:
    from ..core import draw
    import_mediapipe()
    from mediapipe.python.solutions.pose import POSE_CONNECTIONS, PoseLandmark
    min_vis = POSE_DEMO.param("min_visibility").parse(min_visibility)
    spec, img, info, res, latency = _process(POSE_DEMO, model, image, progress)
    w, h = img.size
    people, out = [], img
    if res.pose_landmarks:
        kps = [Keypoint(PoseLandmark(i).name.lower(), *_px(p, w, h), round(p.z * w, 1), round(p.visibility, 3))
               for i, p in enumerate(res.pose_landmarks.landmark)]
        people.append(Person(kps))
        out = draw.skeleton(img, [[k.x, k.y] for k in kps], POSE_CONNECTIONS,
                            visible=[k.visibility >= min_vis for k in kps])
    return PoseResult(people, spec.id, latency, info, out)


@dataclass
class Hand:
    side: str     # "Left" or "Right", as seen by the model (a mirrored selfie swaps them); SIDES translate it
    score: float
    keypoints: list[Keypoint]


@dataclass
class HandsResult:
    hands: list[Hand]
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})


def hands(image: Any, *, model: str | None = None, max_hands: int = 4,
          progress: Progress | None = None) -> HandsResult:
    from ..core import draw
    import_mediapipe()
    from mediapipe.python.solutions.hands import HAND_CONNECTIONS, HandLandmark
    max_hands = HANDS_DEMO.param("max_hands").parse(max_hands)
    spec, img, info, res, latency = _process(HANDS_DEMO, model, image, progress)
    w, h = img.size
    found, out = [], img
    for lms, hd in zip(res.multi_hand_landmarks or [], res.multi_handedness or []):
        c = hd.classification[0]
        kps = [Keypoint(HandLandmark(i).name.lower(), *_px(p, w, h), round(p.z * w, 1), 1.0)
               for i, p in enumerate(lms.landmark)]
        found.append(Hand(c.label, round(float(c.score), 4), kps))
    found = found[:max_hands]
    for i, hnd in enumerate(found):
        out = draw.skeleton(out, [[k.x, k.y] for k in hnd.keypoints], HAND_CONNECTIONS, color_index=i + 2)
    return HandsResult(found, spec.id, latency, info, out)


# ---------------------------------------------------------------- person segmentation
@dataclass
class SegmentResult:
    person_fraction: float  # share of the picture's pixels that are person (mask > threshold)
    effect: str
    model: str
    latency_ms: float
    image: ImageInfo
    mask: Any = field(default=None, repr=False, metadata={"json": False})    # float 0..1, H x W
    output: Any = field(default=None, repr=False, metadata={"json": False})  # the edited picture (PIL)


EFFECTS = ("blur", "gray", "green", "remove")


def segment_person(image: Any, *, model: str | None = None, effect: str = "blur", threshold: float = 0.5,
                   out: str = "", progress: Progress | None = None) -> SegmentResult:
    """Find the people, then blur, grey out, green-screen or remove the background."""
    import numpy as np
    from PIL import Image, ImageFilter
    from ..core import draw
    from ..core.errors import InputError

    threshold = SEGMENT.param("threshold").parse(threshold)
    if effect not in EFFECTS:
        raise InputError(_("effect must be one of {v}, got {effect!r}.").format(v=', '.join(EFFECTS), effect=effect))
    spec, img, info, res, latency = _process(SEGMENT, model, image, progress)
    mask = np.asarray(res.segmentation_mask, np.float32)
    soft = np.clip((mask - threshold) / 0.2 + 0.5, 0, 1)  # a soft edge around the threshold
    background = {
        "blur": lambda: img.filter(ImageFilter.GaussianBlur(max(4, max(img.size) // 60))),
        "gray": lambda: img.convert("L").convert("RGB"),
        "green": lambda: Image.new("RGB", img.size, (0, 177, 64)),
        "remove": lambda: Image.new("RGB", img.size, (255, 255, 255)),
    }[effect]()
    edited = draw.composite(img, soft, background)
    if out:
        try:
            edited.save(out)
        except (OSError, ValueError, KeyError) as e:
            raise InputError(_("Could not write {out}: {e}").format(out=out, e=e)) from None
    return SegmentResult(round(float((mask > threshold).mean()), 4), effect, spec.id, latency, info,
                         mask, edited)


FACES = register(Demo(
    id="vision.faces", domain="vision", task="face-detection", title=N_("Find faces"),
    summary=N_("Boxes and six landmarks for every face, with the detector's confidence."),
    input_kind="image", fn=faces, models=(FACE_SHORT, FACE_FULL),
    params=(Param("min_score", float, 0.5, N_("hide faces below this confidence"), min=0.0, max=1.0),
            Param("max_faces", int, 10, N_("at most this many faces"), min=1, max=50)),
    example=example("astronaut"),
    responsible=Card(
        N_("Google's BlazeFace training photos (its model card reports similar accuracy across skin tones and regions)."),
        N_("Small faces far from the camera (short-range model), faces in profile, masks and heavy shadow."),
        FACE_NOT_FOR, "privacy"),
    label=N_(":material/face: Faces"), shows="1 face",
))
FACE_MESH_DEMO = register(Demo(
    id="vision.face_mesh", domain="vision", task="face-landmarks", title=N_("Face mesh (478 points)"),
    summary=N_("A dense 3-D mesh over each face: the basis of filters, avatars and gaze tracking."),
    input_kind="image", fn=face_mesh, models=(FACE_MESH,),
    params=(Param("max_faces", int, 5, N_("at most this many faces"), min=1, max=5),),
    example=example("grace_hopper"),
    responsible=Card(
        N_("Google's MediaPipe face photos, with 3-D face geometry fitted to them."),
        N_("Faces turned far away, covered or in poor light."), FACE_NOT_FOR, "privacy"),
    section="mesh", label=N_(":material/blur_on: Face mesh"), shows="478 points",
))
POSE_DEMO = register(Demo(
    id="vision.pose", domain="vision", task="pose-estimation", title=N_("Body pose (33 points)"),
    summary=N_("The skeleton of the most prominent person: joints, face points and hands."),
    input_kind="image", fn=pose, models=(POSE,),
    params=(Param("min_visibility", float, 0.5, N_("draw joints at least this visible"), min=0.0, max=1.0),),
    example=example("astronaut"),
    responsible=MEDIAPIPE_BODY,
    label=N_(":material/accessibility_new: Body pose"), shows="33 joints",
))
def _hands_example():
    from ..core import examples
    return examples.image(_("hand") if any(e.id == "hand" for e in examples.IMAGES) else _("astronaut"))


HANDS_DEMO = register(Demo(
    id="vision.hands", domain="vision", task="hand-landmarks", title=N_("Hands (21 points)"),
    summary=N_("Finger joints of up to four hands, and which hand is which."),
    input_kind="image", fn=hands, models=(HANDS,),
    params=(Param("max_hands", int, 4, N_("at most this many hands"), min=1, max=4),),
    example=lambda: (_hands_example(), {}),
    responsible=Card(
        N_("Google's MediaPipe photos of hands, real and rendered."),
        N_("Gloves, hands holding objects, several overlapping hands, poor light."),
        N_("Surveillance, or identifying people from their hands or gestures."), "privacy"),
    label=N_(":material/back_hand: Hands"), shows="1 hand",
))
SEGMENT = register(Demo(
    id="vision.segment_person", domain="vision", task="person-segmentation", title=N_("Person segmentation"),
    summary=N_("Separates people from the background, then blurs, greys, green-screens or removes it."),
    input_kind="image", fn=segment_person, models=(SELFIE,),
    params=(Param("effect", str, "blur", "blur | gray | green | remove"),
            Param("threshold", float, 0.5, N_("mask threshold"), min=0.05, max=0.95),
            Param("out", str, "", N_("write the edited picture to this file"))),
    example=example("astronaut"),
    responsible=Card(
        N_("Google's MediaPipe selfie and video-call images."),
        N_("People far from the camera, several people, and unusual clothing or hair against a similar background."),
        N_("Hiding or inventing what was in a photo in evidence, news or documents."), "privacy"),
    section="segment", label=N_(":material/background_replace: Background"), shows="Person:",
))
