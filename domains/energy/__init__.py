"""Energy: tomorrow's half-hourly electricity demand with an honest P10-P90 band (a quantile network whose band is
calibrated by split conformal prediction) beside gradient boosting, ridge and last week's demand; and unusual
days found from the daily load shape, where plain PCA beats an autoencoder."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="energy", title=N_("Energy"), icon=":material/bolt:", section=N_("Industry"),
    blurb=N_("Forecast tomorrow's electricity demand with an honest band, and find the unusual days in a year of "
             "load: models trained here on a real grid's data, beside the baselines operators use."),
    page="pages/energy.py",
    order=86,
))

from . import forecast, unusual  # noqa: E402,F401,I001  (registers the demos)
from .forecast import ForecastResult  # noqa: E402,F401
from .unusual import UnusualDaysResult  # noqa: E402,F401
