"""Finance, honestly: an LSTM the project trains on daily index returns, evaluated walk-forward on
held-out years against naive and moving-average baselines; a credit-risk network beside logistic
regression, with calibration, attributions and approval rates by group; headline sentiment by
similarity to labelled examples (FinBERT from the hub where one is reachable). Not investment advice."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="finance", title=N_("Finance"), icon=":material/query_stats:", section=N_("Business"),
    blurb=N_("Forecast an index, score a loan application, read the mood of a headline: models trained here on "
             "real data, each beside a simple baseline that it does not always beat."),
    page="pages/finance.py",
    order=80,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
