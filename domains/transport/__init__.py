"""City and transport: Chicago 'L' train riders at Clark/Lake forecast 14 days ahead with weather, home games and
holidays; gradient boosting beats the network, and the page says so."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="transport", title=N_("City and transport"), icon=":material/train:", section=N_("Industry"),
    blurb=N_("How many riders will a train station see in two weeks, and what do rain, a game or a holiday do "
             "to it: models trained here on 15 years of Chicago's 'L', beside a planner's baselines."),
    page="pages/transport.py",
    order=87,
))

from . import ridership  # noqa: E402,F401,I001  (registers the demos)
from .ridership import RidershipResult, WHAT_IFS  # noqa: E402,F401
