"""Smart home: a simulated panel driven by voice or typed commands."""
import copy
import json

import pandas as pd
import streamlit as st

from domains import get, smart_home
from pages import _ui

_ui.page_header("smart_home", "Speak or type a command. Whisper turns speech into text; sentence embeddings find "
                              "the device it is about; a small grammar reads the action, the room and the number. "
                              "Commands it does not understand are refused, not guessed.")
demo = get("smart_home.command")
if "home_state" not in st.session_state:
    st.session_state.home_state = copy.deepcopy(smart_home.INITIAL)
    st.session_state.home_log = []


def panel(state: dict, changed: list[str]) -> None:
    """The home, drawn as five device cards; what the last command changed is highlighted."""
    def badge(path: str, on: bool, yes: str, no: str) -> str:
        text = f":orange-badge[{yes}]" if on else f":gray-badge[{no}]"
        return f"{text} :orange[:material/arrow_back: changed]" if path in changed else text

    cols = st.columns(5)
    with cols[0].container(border=True):
        st.markdown("**:material/lightbulb: Lights**")
        st.markdown("  \n".join(f"{room}: {badge(f'lights.{room}', on, 'on', 'off')}"
                                for room, on in state["lights"].items()))
    with cols[1].container(border=True):
        fan = state["fan"]
        st.markdown("**:material/mode_fan: Fan**")
        st.markdown(badge("fan.on", fan["on"], "on", "off") + "  \n" +
                    badge("fan.speed", True, f"speed {fan['speed']} of 3", ""))
    with cols[2].container(border=True):
        st.markdown("**:material/door_front: Front door**")
        st.markdown(badge("door.locked", not state["door"]["locked"], ":material/lock_open: unlocked",
                          ":material/lock: locked"))
    with cols[3].container(border=True):
        mus = state["music"]
        st.markdown("**:material/music_note: Music**")
        st.markdown(badge("music.playing", mus["playing"], "playing", "stopped") + "  \n" +
                    badge("music.volume", True, f"volume {mus['volume']} of 10", ""))
    with cols[4].container(border=True):
        st.markdown("**:material/thermostat: Thermostat**")
        st.markdown(badge("thermostat.target", True, f"{state['thermostat']['target']:g} °C", ""))


top = st.container()  # the panel, drawn after the command has run so it shows the new state
left, right = st.columns([2, 3], gap="large")
with left:
    mode = st.radio("Command by", ["Typing", "Voice"], horizontal=True, key="home_mode")
    command = None
    if mode == "Typing":
        examples = ["turn on the kitchen lights", "make it warmer in here", "play some music", "lock the door",
                    "set the thermostat to 23", "order a pizza"]
        st.caption("Try one (it fills the box; then send it):")
        with st.container(horizontal=True):  # the buttons wrap: every example stays whole and in sight
            for i, ex in enumerate(examples):
                st.button(ex, key=f"home_ex_{i}", width="content",
                          on_click=lambda ex=ex: st.session_state.update(home_text=ex))
        typed = st.text_input("Command", key="home_text", placeholder="e.g. switch off the bedroom light")
        command = typed.strip() or None
    else:
        st.caption("Record a command with the microphone, or upload a clip. The example clip asks for the "
                   "kitchen lights.")
        picked = _ui.audio_input("home_audio", "lights")
        if picked:
            st.audio(picked[0])
            command = picked[0]
    threshold = st.slider("Refuse below this similarity", 0.0, 1.0, smart_home.THRESHOLD, 0.05, key="home_thr")
    go = st.button("Send command", type="primary", key="home_go", disabled=command is None,
                   icon=":material/send:")
    if st.button("Reset the home", key="home_reset", icon=":material/restart_alt:"):
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
            st.session_state.home_log.insert(0, {"command": result.transcript, "device": result.device or "",
                                                 "action": result.action or "refused",
                                                 "similarity": result.confidence, "reply": result.response})
    if result is not None:
        with st.container(key="home_result"):
            icon = ":material/check_circle:" if result.understood else ":material/help:"
            st.markdown(f"### {result.response}")
            rows = {"Heard" if result.asr_model else "Typed": f"“{_ui.md(result.transcript)}”",
                    "Device": result.device or "—", "Action": result.action or "refused",
                    "Slots": ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                                       for k, v in result.slots.items()) or "—",
                    "Similarity": f"{result.confidence:.2f} to “{result.nearest_example}”"}
            rows["Slots"] = _ui.md(rows["Slots"])
            st.markdown("  \n".join(f"{icon if k == 'Action' else ''} **{k}:** {v}" for k, v in rows.items()))
            for n in result.notes:
                st.caption(n)
            st.caption(f"{result.latency_ms:.0f} ms" + (f" including recognition by {result.asr_model}"
                                                         if result.asr_model else ""))
    if result is None:
        st.info("Pick or type a command (or switch to Voice), then send it.", icon=":material/home:")
    if st.session_state.home_log:
        st.dataframe(pd.DataFrame(st.session_state.home_log), hide_index=True, width="stretch", height=180)

with top:
    panel(st.session_state.home_state, result.changed if result is not None else [])

with st.expander("How well does it understand? (measured on commands shipped with the gallery)"):
    ev = smart_home.evaluate(threshold)
    st.markdown(f"**{ev['accuracy']:.0%}** of {ev['n']} commands handled right: known commands reaching the right "
                f"device {ev['known_right']}, unknown ones refused {ev['unknown_refused']}. The commands were written "
                "for this gallery alongside its grammar, so this is optimistic: real people say things nobody "
                "wrote down.")
    st.dataframe(pd.DataFrame(ev["rows"]), hide_index=True, width="stretch")
_ui.model_card(demo.default_model)
_ui.model_card(get("speech.transcribe").default_model)
