"""Driving: a driving policy learned here in a highway simulator beside a hand-written driver, and people found in
a real street video."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="driving", title=N_("Driving"), icon=":material/directions_car:", section=N_("Industry"),
    blurb=N_("A car that learned to drive in a highway simulator here, side by side with a hand-written driver, "
             "and the people a camera sees crossing a real street."),
    page="pages/driving.py",
    order=83,
))

from . import policy, pedestrians  # noqa: E402,F401,I001  (registers the demos)
from .policy import PolicyResult, POLICIES  # noqa: E402,F401
from .pedestrians import PedestrianResult  # noqa: E402,F401
