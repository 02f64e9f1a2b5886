"""Recommendation: a matrix-factorisation model (BPR) the project trains on MovieLens ratings, evaluated
on each user's latest ratings against a popularity baseline; recommendations for ratings typed in the
page, with a reason each; "more like this" from MiniLM embeddings of title and genres."""
from ..core.i18n import N_
from ..core.registry import Domain, View, register_domain

register_domain(Domain(
    id="recommendation", title=N_("Recommendation"), icon=":material/movie:", section=N_("Everyday life"),
    blurb=N_("Rate a few films and get suggestions from a model trained here on 100,000 MovieLens ratings, each "
             "with a reason, and measured against simply recommending what is popular."),
    page="pages/recommendation.py",
    views=(View("map", N_(":material/scatter_plot: The film map"), N_("Film map"), shows="The film map"),),
    order=70,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
