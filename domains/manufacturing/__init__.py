"""Manufacturing: quality control from a near-infrared spectrum (fat % of meat, Tecator) with a 1-D CNN beside
the chemists' PLS and four other baselines, and a concrete mix designer (strength by age) where gradient
boosting wins on accuracy and the network's gain is a smooth, physically shaped age curve."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="manufacturing", title=N_("Manufacturing"), icon=":material/precision_manufacturing:", section=N_("Industry"),
    blurb=N_("Check a product's quality from its light spectrum, design a concrete mix: models trained here on "
             "real lab data, beside the methods engineers already use."),
    page="pages/manufacturing.py",
    order=84,
))

from . import spectra, concrete  # noqa: E402,F401,I001  (registers the demos)
from .spectra import SpectraResult, WAVELENGTHS  # noqa: E402,F401
from .concrete import MIX, ConcreteResult  # noqa: E402,F401
