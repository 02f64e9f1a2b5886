"""Privacy: personal data found and removed in text, faces anonymised in photos, and what differential privacy
does to a model that could leak who it was trained on, measured on the gallery's own credit network."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="privacy", title=N_("Privacy"), icon=":material/shield_person:", section=N_("Deep learning and society"),
    blurb=N_("What models can reveal about people, and what helps: names and numbers found and removed from text, "
             "faces hidden in photos, and a model trained with differential privacy beside one that leaks."),
    page="pages/privacy.py",
    order=95,
))

from . import pii, faces, dp  # noqa: E402,F401,I001  (registers the demos)
from .pii import PiiResult, OPERATORS  # noqa: E402,F401
from .faces import FacesAnonResult, METHODS  # noqa: E402,F401
from .dp import DpResult, EPSILONS  # noqa: E402,F401
