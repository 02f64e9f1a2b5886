"""Work: what deep learning may change in jobs, on real data. US employment and wages by occupation (BLS OEWS May
2025) with an exposure score computed here (text similarity between each O*NET description and what deep learning
does: an illustration of a published method, not a forecast), and US employment by sector since 1939."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="work", title=N_("Work"), icon=":material/work:", section=N_("Deep learning and society"),
    blurb=N_("Which jobs read most like what deep learning does, on real US employment and wage data, and how "
             "employment by sector has already moved since 1940."),
    page="pages/work.py",
    order=97,
))

from . import exposure, sectors  # noqa: E402,F401,I001  (registers the demos)
from .exposure import ExposureResult, CAPABILITIES  # noqa: E402,F401
from .sectors import SectorsResult  # noqa: E402,F401
