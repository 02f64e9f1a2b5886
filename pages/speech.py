"""Speech: recognition, synthesis, voice activity, speaker verification, and a round trip."""
import pandas as pd
import streamlit as st

from domains import get, speech
from pages import _ui

_ui.page_header("speech", "Networks trained on thousands of hours of recordings turn speech into text, text into "
                          "speech, and can tell when someone speaks and who. Everything below runs on this computer. "
                          "The example clips are spoken by the gallery's own synthetic voice (made on first use).")

SECTIONS = {"transcribe": ":material/mic: Recognise", "synthesize": ":material/record_voice_over: Speak",
            "vad": ":material/graphic_eq: Voice activity", "speaker": ":material/fingerprint: Same speaker?",
            "roundtrip": ":material/sync: Round trip"}
section = _ui.demo_selector("speech_demo", SECTIONS)


if section == "transcribe":
    demo = get("speech.transcribe")
    st.subheader(demo.title)
    st.caption(demo.summary)
    a, b, c = st.columns([3, 1, 1])
    with a:
        spec = _ui.model_picker(demo, "asr_model")
    beams = b.number_input("Beam size", 1, 5, 1, key="asr_beams", help="1 = greedy, fastest")
    lang = c.text_input("Language", "", key="asr_lang", placeholder="auto",
                        help="For multilingual models only: en, zh, de, ...")
    left, right = st.columns(2, gap="large")
    with left:
        picked = _ui.audio_input("asr", "gallery")
        if picked:
            st.audio(picked[0])
    with right:
        if picked and spec:
            result = _ui.run_demo(demo.id, picked[0], model=spec, beams=beams, language=lang)
            if result is not None:
                with st.container(key="asr_result"):
                    st.markdown(f"### “{_ui.md(result.text)}”" if result.text else "### (no words)")
                    if result.segments:
                        st.dataframe(pd.DataFrame([{"start (s)": s.start, "end (s)": s.end, "text": s.text}
                                                   for s in result.segments]), hide_index=True, width="stretch")
                    said = speech.example_text(st.session_state.get("asr_src", (None, None))[1] or "")
                    if said and st.session_state["asr_src"][0] == "example":
                        st.caption(f"The clip says: “{_ui.md(said)}” · word error rate {speech.wer(said, result.text):.0%}")
                    for n in result.notes:
                        st.caption(n)
                    _ui.latency(result, f" for {result.audio.duration_s:.1f} s of audio · real-time factor "
                                    f"{result.rtf:.2f}")
                _ui.reproduce(demo, spec, {"beams": beams}, result)
    if picked:
        _ui.audio_plot(picked[0], key="asr")
    if spec:
        _ui.model_card(spec)

elif section == "synthesize":
    demo = get("speech.synthesize")
    st.subheader(demo.title)
    st.caption(demo.summary)
    text = _ui.text_input("tts", {"Welcome": "Welcome to the deep learning gallery. Every model here runs on "
                                             "this computer.",
                                  "Numbers": "The meeting is on March 3rd at 4:30 pm, in room 12B.",
                                  "Tongue twister": "She sells sea shells by the sea shore."},
                          "Welcome", label=f"Text to speak (up to {speech.MAX_TTS_CHARS:,} characters)", height=100)
    speed = st.slider("Speed", 0.5, 2.0, 1.0, 0.1, key="tts_speed")
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model, speed=speed)
        if result is not None:
            with st.container(key="tts_result"):
                _ui.warnings(result)
                st.markdown(f"### {result.duration_s:.1f} s of speech")
                st.audio(result.wav, format="audio/wav")
                st.download_button("Download WAV", result.wav, "speech.wav", "audio/wav", key="tts_dl",
                                   icon=":material/download:")
                _ui.latency(result, f" · real-time factor {result.rtf:.2f} · {result.sample_rate} Hz")
            _ui.audio_plot(result.wav, key="tts")
            _ui.reproduce(demo, demo.default_model, {"speed": speed}, result)
    _ui.model_card(demo.default_model)

elif section == "vad":
    demo = get("speech.vad")
    st.subheader(demo.title)
    st.caption(demo.summary + " Green: speech.")
    threshold = st.slider("Threshold", 0.1, 0.9, 0.5, 0.05, key="vad_thr")
    picked = _ui.audio_input("vad", "weather")
    if picked:
        st.audio(picked[0])
        result = _ui.run_demo(demo.id, picked[0], model=demo.default_model, threshold=threshold)
        if result is not None:
            with st.container(key="vad_result"):
                st.markdown(f"### {len(result.segments)} speech segment{'s' if len(result.segments) != 1 else ''}, "
                            f"{result.speech_s:.1f} of {result.duration_s:.1f} s")
                _ui.audio_plot(picked[0], [(s.start, s.end) for s in result.segments], key="vad")
                _ui.latency(result)
            _ui.reproduce(demo, demo.default_model, {"threshold": threshold}, result)
    _ui.model_card(demo.default_model)

elif section == "speaker":
    demo = get("speech.speaker")
    st.subheader(demo.title)
    st.caption(demo.summary + " Each clip becomes a voice fingerprint; similar fingerprints, same voice. Try "
                              "two synthetic clips (one voice), then a synthetic one against a real voice.")
    threshold = st.slider("Decision threshold", 0.0, 1.0, speech.SAME_SPEAKER, 0.01, key="spk_thr",
                          help="Measured here: the same voice scores 0.75-0.93, different voices 0.35-0.69.")
    a, b = st.columns(2, gap="large")
    with a:
        st.markdown("**First clip**")
        one = _ui.audio_input("spk1", "lights")
    with b:
        st.markdown("**Second clip**")
        two = _ui.audio_input("spk2", "weather")
    if one and two:
        result = _ui.run_demo(demo.id, one[0], model=demo.default_model, other=two[0], threshold=threshold)
        if result is not None:
            with st.container(key="spk_result"):
                verdict = "Same speaker" if result.same_speaker else "Different speakers"
                st.markdown(f"### {verdict} · similarity {result.similarity:.2f}")
                st.progress(max(0.0, min(1.0, result.similarity)),
                            text=f"similarity {result.similarity:.2f} against threshold {result.threshold:.2f}")
                for n in result.notes:
                    st.caption(n)
                _ui.latency(result)
            _ui.reproduce(demo, demo.default_model, {"threshold": threshold}, result)
    _ui.model_card(demo.default_model)

elif section == "roundtrip":
    demo = get("speech.roundtrip")
    st.subheader(demo.title)
    st.caption(demo.summary + " A quick, honest check of both models: synthetic speech is clean, so real "
                              "recordings usually come out worse.")
    text = _ui.text_input("rt", {"Short": "Deep learning turns speech into text on this laptop.",
                                 "Names and numbers": "Doctor Okafor will see you at 10 past 3 on Thursday.",
                                 "Homophones": "Their dog ate two pears over there by the sea."},
                          "Short", label="Text", height=80)
    natural = st.toggle("Natural variation in the voice", False, key="rt_vary",
                        help="Piper's voice varies a little on every run (random noise inside the VITS model), so "
                             "the same text can come out with a different word error rate each time. Off: the same "
                             "audio, and the same result, every time.")
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model, variation=1.0 if natural else 0.0)
        if result is not None:
            with st.container(key="rt_result"):
                _ui.warnings(result)
                st.markdown(f"### Word error rate {result.wer:.0%}")
                st.audio(result.wav, format="audio/wav")
                st.markdown(f"**Typed:** {_ui.md(result.text)}  \n**Heard:** {_ui.md(result.transcript)}")
                st.caption(f"Piper {result.synthesize_ms:.0f} ms for {result.duration_s:.1f} s of speech · "
                           f"Whisper {result.transcribe_ms:.0f} ms · "
                           + ("natural variation: run it again and the rate may change" if natural else
                              "no variation: the same text always gives this result"))
            _ui.reproduce(demo, demo.default_model, {}, result)
    for spec in (get("speech.synthesize").default_model, demo.default_model):
        _ui.model_card(spec)
