"""Logistics: a delivery promise window (P10, P50, P90 minutes) whose P90 is calibrated so that about one order in
ten arrives after the promise (gradient boosting ties the network on the median), and the risk that a flight leaves
late, where every model ties and a feature (how congested the airport already is) matters more."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="logistics", title=N_("Logistics"), icon=":material/local_shipping:", section=N_("Industry"),
    blurb=N_("Promise a delivery time you can keep, and judge a flight's risk of leaving late: models trained here "
             "on real orders and flights, beside the dispatcher's baselines."),
    page="pages/logistics.py",
    order=89,
))

from . import delivery, delays  # noqa: E402,F401,I001  (registers the demos)
from .delivery import DeliveryResult, DAYS  # noqa: E402,F401
from .delays import DelayResult  # noqa: E402,F401
