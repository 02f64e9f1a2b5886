"""Fairness: who the gallery's credit model approves, by age and marital status; what removing the sensitive
columns does (little: proxies), what one mitigation costs, and which features drive each decision."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="fairness", title=N_("Fairness"), icon=":material/balance:", section=N_("Deep learning and society"),
    blurb=N_("Who a credit model says yes to, group by group: the gap, why deleting the age column does not close "
             "it, what a fix costs, and which features drive each decision."),
    page="pages/fairness.py",
    order=96,
))

from . import credit, embeddings, resumes  # noqa: E402,F401,I001  (registers the demos)
from .credit import FairnessResult, GROUPINGS  # noqa: E402,F401
from .embeddings import EmbeddingBiasResult  # noqa: E402,F401
from .resumes import ResumeResult  # noqa: E402,F401
