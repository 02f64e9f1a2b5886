"""Speech: recognition (Whisper), synthesis (Piper), voice activity (Silero VAD), speaker verification
(GE2E from the Resemblyzer weights), and a synthesize -> recognize round trip with its word error rate."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="speech", title=N_("Speech"), icon=":material/record_voice_over:", section=N_("Perception"),
    blurb=N_("Speech to text with timestamps, text to speech, where the voice is in a recording, and whether two "
             "clips are the same speaker."),
    page="pages/speech.py",
    order=20,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
