"""Translation: neural (Bergamot/Marian students, offline, English <-> Portuguese; Helsinki-NLP opus-mt
pairs from the hub) beside rule-based (Apertium, English <-> Spanish, a Debian program used when
installed), sentence by sentence, with a back-translation round trip to judge quality."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="translation", title=N_("Translation"), icon=":material/translate:", section=N_("Language"),
    blurb=N_("Neural translation beside a rule-based system on the same text, sentence by sentence, with a round "
             "trip back to check the meaning survived."),
    page="pages/translation.py",
    order=40,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
