"""Smart home: a simulated panel (lights, fan, door, music, thermostat) driven by voice or typed commands.

Recognition (Whisper) for voice; then the device by similarity of the command to example commands
(MiniLM embeddings), and the action and slots (room, number) by a small command grammar. A command
too far from every example, or with no action the device supports, is rejected, not guessed."""
from ..core.i18n import N_
from ..core.registry import Domain, register_domain

register_domain(Domain(
    id="smart_home", title=N_("Smart home"), icon=":material/home:", section=N_("Everyday life"),
    blurb=N_("Say or type a command; speech recognition and sentence embeddings turn it into an action on a "
             "simulated home, and commands it does not understand are refused."),
    page="pages/smart_home.py",
    order=60,
))

from . import demos  # noqa: E402  (registers the demos)
from .demos import *  # noqa: E402,F401,F403  (the domain's functions and constants, e.g. for its page)
