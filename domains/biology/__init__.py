"""Biology: an antibody language model read as shipped, and a DNA network trained here on a real genome."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="biology", title=N_("Biology"), icon=":material/genetics:", section=N_("Health and science"),
    blurb=N_("Reading the languages of life: an antibody language model fills in masked residues and names the "
             "chain, and a network trained here finds genes in a real plant genome."),
    page="pages/biology.py",
    order=35,
))

from . import antibody, dna  # noqa: E402,F401,I001  (registers the demos)
from .antibody import AntibodyResult, EXAMPLES  # noqa: E402,F401
from .dna import DnaResult  # noqa: E402,F401
