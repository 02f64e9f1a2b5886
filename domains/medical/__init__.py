"""Medical: skin-lesion classification (HAM10000 Xception, Keras on torch), a diagnosis network the project
trains on a bundled clinical table, and an honest viewer for DICOM and other medical images.
Research demos: none of this is a diagnosis."""
from ..core.i18n import N_
from ..core.registry import Domain, View, register_domain

register_domain(Domain(
    id="medical", title=N_("Medical"), icon=":material/medical_services:", section=N_("Health and science"),
    blurb=N_("Skin lesions, medical images and a diagnosis network trained here, each beside its measured "
             "accuracy: research demos, not diagnoses."),
    page="pages/medical.py",
    views=(View("images", N_(":material/radiology: Medical images"), N_("Medical image viewer"), shows="Hounsfield"),),
    order=30,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
