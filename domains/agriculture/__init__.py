"""Agriculture: tree species from a leaf's outline (a 1-D CNN that does not care where the tracing started),
a learned 2-D map of 1,907 leaves where PCA blurs the species, and rice farm output where the textbook
Cobb-Douglas model and gradient boosting beat a network."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="agriculture", title=N_("Agriculture"), icon=":material/eco:", section=N_("Industry"),
    blurb=N_("Name a tree from its leaf's outline, map a thousand leaves, and see what a rice farm's inputs "
             "are worth: models trained here on real field data, beside the agronomist's own methods."),
    page="pages/agriculture.py",
    order=88,
))

from . import leaf, leaf_map, rice  # noqa: E402,F401,I001  (registers the demos)
from .leaf import SPECIES, LeafResult  # noqa: E402,F401
from .leaf_map import LeafMapResult  # noqa: E402,F401
from .rice import RiceResult, INPUTS  # noqa: E402,F401
