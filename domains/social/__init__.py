"""Social networks: who sides with whom (a graph convolutional network from a few labelled members, beside label
propagation) and who should befriend whom (a graph autoencoder beside shared-friend heuristics), on real graphs."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="social", title=N_("Social networks"), icon=":material/diversity_3:", section=N_("Everyday life"),
    blurb=N_("Communities and friendships in real social networks: a graph network trained here from a few known "
             "members, beside the classic methods that often tie it."),
    page="pages/social.py",
    order=75,
))

from . import graphs  # noqa: E402,F401,I001  (registers the demos)
from .graphs import CommunitiesResult, LinksResult, GRAPHS, TASKS  # noqa: E402,F401
