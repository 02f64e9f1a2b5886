"""Smart home: a simulated panel driven by voice or typed commands."""
import copy
import json

import pandas as pd
import streamlit as st

from domains import get, smart_home
from pages import _ui
from domains.core import i18n
from domains.core.i18n import N_, _

_ui.page_header("smart_home", N_("Speak or type a command. Whisper turns speech into text; sentence embeddings find "
                                "the device it is about; a small grammar reads the action, the room and the "
                                "number. Commands it does not understand are refused, not guessed."))
demo = get("smart_home.command")
zh = i18n.current() == "zh"  # a Chinese page offers Chinese commands first
if "home_state" not in st.session_state:
    st.session_state.home_state = copy.deepcopy(smart_home.INITIAL)
    st.session_state.home_log = []


def panel(state: dict, changed: list[str]) -> None:
    """The home, drawn as five device cards; what the last command changed is highlighted."""
    def badge(path: str, on: bool, yes: str, no: str) -> str:
        text = f":orange-badge[{yes}]" if on else f":gray-badge[{no}]"
        mark = _("changed")  # outside the f-string, where the catalog's extractor sees it
        return f"{text} :orange[:material/arrow_back: {mark}]" if path in changed else text

    cols = st.columns(5)
    with cols[0].container(border=True):
        st.markdown(_("**:material/lightbulb: Lights**"))
        st.markdown("  \n".join(f"{_(smart_home.ROOM_NAMES[room])}: {badge(f'lights.{room}', on, _('on'), _('off'))}"
                                for room, on in state["lights"].items()))
    with cols[1].container(border=True):
        fan = state["fan"]
        st.markdown(_("**:material/mode_fan: Fan**"))
        st.markdown(badge("fan.on", fan["on"], _("on"), _("off")) + "  \n" +
                    badge("fan.speed", True, _("speed {speed} of 3").format(speed=fan["speed"]), ""))
    with cols[2].container(border=True):
        st.markdown(_("**:material/door_front: Front door**"))
        st.markdown(badge("door.locked", not state["door"]["locked"], _(":material/lock_open: unlocked"),
                          _(":material/lock: locked")))
    with cols[3].container(border=True):
        mus = state["music"]
        st.markdown(_("**:material/music_note: Music**"))
        st.markdown(badge("music.playing", mus["playing"], _("playing"), _("stopped")) + "  \n" +
                    badge("music.volume", True, _("volume {volume} of 10").format(volume=mus["volume"]), ""))
    with cols[4].container(border=True):
        st.markdown(_("**:material/thermostat: Thermostat**"))
        st.markdown(badge("thermostat.target", True, f"{state['thermostat']['target']:g} °C", ""))


top = st.container()  # the panel, drawn after the command has run so it shows the new state
left, right = st.columns([2, 3], gap="large")
with left:
    modes = {"Typing": _("Typing"), "Voice": _("Voice")}
    mode = st.radio(_("Command by"), list(modes), format_func=modes.get, horizontal=True, key="home_mode")
    command = None
    st.caption(_("The home understands commands in English and in Chinese: each language has its own example "
                 "commands and grammar (a Chinese command goes to the multilingual encoder)."))
    if mode == "Typing":
        examples = smart_home.EXAMPLE_COMMANDS_ZH + smart_home.EXAMPLE_COMMANDS if zh else \
            smart_home.EXAMPLE_COMMANDS + smart_home.EXAMPLE_COMMANDS_ZH
        st.caption(_("Try one (it fills the box; then send it):"))
        with st.container(horizontal=True):  # the buttons wrap: every example stays whole and in sight
            for i, ex in enumerate(examples):
                st.button(ex, key=f"home_ex_{i}", width="content",
                          on_click=lambda ex=ex: st.session_state.update(home_text=ex))
        typed = st.text_input(_("Command"), key="home_text", placeholder=_("e.g. switch off the bedroom light"),
                              max_chars=300)
        command = typed.strip() or None
    else:
        st.caption(_("Record a command with the microphone, or upload a clip. The example clip asks for the "
                     "kitchen lights."))
        picked = _ui.audio_input("home_audio", "lights")
        if picked:
            st.audio(picked[0])
            command = picked[0]
    threshold = st.slider(_("Refuse below this similarity"), 0.0, 1.0, smart_home.THRESHOLD, 0.05, key="home_thr",
                          help=_("For English commands (MiniLM's similarities). A Chinese command is compared by "
                                 "multilingual-E5, whose similarities sit higher: it is refused below {t:.2f}, "
                                 "whatever this slider says.").format(t=smart_home.ZH_THRESHOLD))
    go = st.button(_("Send command"), type="primary", key="home_go", disabled=command is None,
                   icon=":material/send:")
    if st.button(_("Reset the home"), key="home_reset", icon=":material/restart_alt:"):
        st.session_state.home_state = copy.deepcopy(smart_home.INITIAL)
        st.session_state.home_log = []

with right:
    result = None
    if go and command is not None:
        result = _ui.run_demo(demo.id, command, model=demo.default_model,
                              state=json.dumps(st.session_state.home_state), threshold=threshold,
                              voice=mode == "Voice")  # voice takes audio only, through the audio guard
        if result is not None:
            st.session_state.home_state = result.state
            st.session_state.home_log.insert(0, {_("command"): result.transcript,
                                                 _("device"): _(smart_home.DEVICE_NAMES.get(result.device, "")) if result.device else "",
                                                 _("action"): result.action or _("refused"),
                                                 _("similarity"): result.confidence, _("reply"): result.response})
    if result is not None:
        with st.container(key="command_result"):
            icon = ":material/check_circle:" if result.understood else ":material/help:"
            st.markdown(f"### {result.response}")
            action = _("Action")
            rows = {_("Heard") if result.asr_model else _("Typed"): f"“{_ui.md(result.transcript)}”",
                    _("Device"): _(smart_home.DEVICE_NAMES[result.device]) if result.device else "—",
                    action: result.action or _("refused"),
                    _("Slots"): _ui.md(", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                                                 for k, v in result.slots.items()) or "—"),
                    _("Similarity"): _("{similarity:.2f} to “{example}”").format(similarity=result.confidence,
                                                                                 example=result.nearest_example)}
            st.markdown("  \n".join(f"{icon if k == action else ''} **{k}:** {v}" for k, v in rows.items()))
            for n in result.notes:
                st.caption(n)
            st.caption(f"{result.latency_ms:.0f} ms" + (" " + _("including recognition by {model}").format(
                model=result.asr_model) if result.asr_model else ""))
    if result is None:
        st.info(_("Pick or type a command (or switch to Voice), then send it."), icon=":material/home:")
    if st.session_state.home_log:
        st.dataframe(pd.DataFrame(st.session_state.home_log), hide_index=True, width="stretch", height=180)

with top:
    panel(st.session_state.home_state, result.changed if result is not None else [])

with st.expander(_("How well does it understand? (measured on commands shipped with the gallery)")):
    langs = {"en": _("English commands (all-MiniLM-L6-v2, your refusal line)"),
             "zh": _("Chinese commands (multilingual-E5, its own refusal line {t:.2f})").format(t=smart_home.ZH_THRESHOLD)}
    which = st.radio(_("Commands"), list(langs), format_func=langs.get, horizontal=True, key="home_eval_lang",
                     index=1 if zh else 0)
    ev = smart_home.evaluate(threshold, lang=which)
    st.markdown(_("**{accuracy:.0%}** of {n} commands handled right: known commands reaching the right device "
                  "{known_right}, unknown ones refused {unknown_refused}. The commands were written for this "
                  "gallery alongside its grammar, so this is optimistic: real people say things nobody wrote down.").format(accuracy=ev['accuracy'], n=ev['n'], known_right=ev['known_right'], unknown_refused=ev['unknown_refused']))
    st.dataframe(pd.DataFrame(ev["rows"]).rename(columns={"command": _("command"), "expected": _("expected"),
                                                          "got": _("got"), "ok": _("right")}),
                 hide_index=True, width="stretch")
_ui.model_card(demo.default_model, demo)
_ui.model_card(smart_home.E5)
_ui.model_card(get("speech.transcribe").default_model)
