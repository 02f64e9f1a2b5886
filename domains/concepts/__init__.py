"""How it works: a network learning in front of you. One backpropagation step by hand, checked against torch
autograd (more to come: a live playground, a CNN on real digits, an LSTM on a real series)."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="concepts", title=N_("How it works"), icon=":material/school:", section=N_("How deep learning works"),
    blurb=N_("How a network learns: every number of one backpropagation step, computed by hand and checked "
             "against torch's automatic differentiation."),
    page="pages/concepts.py",
    order=90,
))

from . import backprop  # noqa: E402,F401,I001  (registers the demos)
from .backprop import *  # noqa: E402,F401,F403
