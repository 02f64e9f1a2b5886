"""Wording shared by the teaching demos' responsible-use cards."""
from ..core.i18n import N_

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
SYNTHETIC_TEACHING = N_("Nothing about people: it is a teaching example.")
TEACHING_ONLY = N_("Anything beyond learning how networks work.")
