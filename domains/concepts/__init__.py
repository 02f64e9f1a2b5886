"""How it works: a network learning in front of you. A playground where a small network learns to separate
points, one backpropagation step by hand (checked against torch autograd), a CNN on real handwritten digits and
an LSTM on a real series, each trained here beside the baselines a practitioner would use."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="concepts", title=N_("How it works"), icon=":material/school:", section=N_("How deep learning works"),
    blurb=N_("How a network learns, trained live: a playground, every number of one backpropagation step, a "
             "convolutional network on real digits and a recurrent one on a real series."),
    page="pages/concepts.py",
    order=90,
))

from . import playground, backprop, cnn, rnn  # noqa: E402,F401,I001  (registers the demos, in the page's order)
from .backprop import WEIGHTS, BackpropResult  # noqa: E402,F401
from .cnn import CnnResult, drawing, to_digit  # noqa: E402,F401
from .rnn import RnnResult  # noqa: E402,F401
from .playground import DATASETS, ACTIVATIONS, Playground, PlaygroundResult  # noqa: E402,F401
