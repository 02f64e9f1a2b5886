"""Medical: skin-lesion classification (HAM10000 Xception, Keras on torch), a diagnosis network the project
trains on a bundled clinical table, and an honest viewer for DICOM and other medical images.
Research demos: none of this is a diagnosis."""
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="medical", title="Medical", icon=":material/medical_services:", section="Health and science",
    blurb="Skin lesions, medical images and a diagnosis network trained here, each beside its measured "
          "accuracy: research demos, not diagnoses.",
    page="pages/medical.py",
    extras=("Medical image viewer",),
    order=30,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
