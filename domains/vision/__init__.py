"""Vision: classification (with explanations and a two-model comparison), OCR, faces, bodies and
backgrounds offline (MediaPipe), and hub-only tasks (detection, segmentation, depth, CLIP, captions)."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="vision", title=N_("Vision"), icon=":material/visibility:", section=N_("Perception"),
    blurb=N_("What a network sees in a photo: objects, text, faces, bodies, and why it decided what it did."),
    page="pages/vision.py",
    order=10,
))

from . import classify, ocr, body, hub  # noqa: E402,F401,I001  (each registers its demos, in page order)
from .body import *  # noqa: E402,F401,F403
from .classify import *  # noqa: E402,F401,F403
from .hub import *  # noqa: E402,F401,F403
from .ocr import *  # noqa: E402,F401,F403
