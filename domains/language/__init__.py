"""Language: named entities (spaCy), semantic search, zero-shot classification by similarity to label
descriptions, extractive summarization (TextRank), all offline; transformer sentiment, abstractive
summaries, extractive QA, NLI zero-shot and text generation from the hub."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="language", title=N_("Language"), icon=":material/article:", section=N_("Language"),
    blurb=N_("Find the people, places and sums in a text, search by meaning, sort texts into labels you write, and "
             "pick the sentences that summarise it."),
    page="pages/language.py",
    order=50,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
