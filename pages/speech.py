"""Speech: recognition, synthesis, voice activity, speaker verification, and a round trip."""
import pandas as pd
import streamlit as st

from domains import get, speech
from domains.core import examples
from pages import _ui
from domains.core.i18n import N_, _, n_

_ui.page_header("speech", N_("Networks trained on thousands of hours of recordings turn speech into text, text into "
                            "speech, and can tell when someone speaks and who. Everything below runs on this "
                            "computer. The example clips are spoken by the gallery's own synthetic voice (made on "
                            "first use)."))

SECTIONS = _ui.sections("speech")  # declared with the demos (registry)
ENGLISH_ONLY = N_("The offline voice speaks English only (no Chinese voice ships in a package). Of the offline "
                  "recognisers, Whisper tiny.en hears English only and Whisper base hears 99 languages, Mandarin "
                  "included; tiny.en asks base which language a clip is in before its words are trusted.")
section = _ui.demo_selector("speech_demo", SECTIONS)
st.caption(_(ENGLISH_ONLY))


if section == "transcribe":
    demo = _ui.section_header("speech.transcribe")
    a, b, c = st.columns([3, 1, 1])
    with a:
        spec = _ui.model_picker(demo, "asr_model")
    beams = _ui.number(_("Beam size"), 1, 5, 1, key="asr_beams", where=b, help=_("1 = greedy, fastest"))
    lang = c.text_input(_("Language"), "", key="asr_lang", placeholder=_("auto"),
                        help=_("For multilingual models only: en, zh, de, ..."))
    left, right = st.columns(2, gap="large")
    with left:
        picked = _ui.audio_input("asr", "gallery", languages=("en", "zh"))
        if picked:
            st.audio(picked[0])
    clip = _ui.checked("audio", picked[0], demo.id) if picked and spec else None
    with right:
        if clip is not None:
            result = _ui.run_demo(demo.id, clip, model=spec, beams=beams, language=lang)
            if result is not None:
                with st.container(key="transcribe_result"):
                    _ui.warnings(result)
                    st.markdown(f"### “{_ui.md(result.text)}”" if result.text else _("### (no words)"))
                    if result.language:
                        st.caption(_("Spoken language: {language} ({p:.0%}, Whisper base's language check)").format(
                            language=speech.language_name(result.language), p=result.language_probability))
                    if result.segments:
                        st.dataframe(pd.DataFrame([{_("start (s)"): s.start, _("end (s)"): s.end, _("text"): s.text}
                                                   for s in result.segments]), hide_index=True, width="stretch")
                    said = examples.clip_text(st.session_state.get("asr_src", (None, None))[1] or "")
                    if said and st.session_state["asr_src"][0] == "example":
                        what, rate = speech.error_rate(said, result.text)
                        st.caption(_("The clip says: “{v}” · {what} {v2:.0%}").format(v=_ui.md(said), what=_(what),
                                                                                   v2=rate))
                    for n in result.notes:
                        st.caption(n)
                    _ui.latency(result, " " + _("for {seconds:.1f} s of audio · real-time factor {rtf:.2f}").format(
                        seconds=result.audio.duration_s, rtf=result.rtf))
                _ui.reproduce(demo, spec, {"beams": beams}, result)
    if clip is not None:
        _ui.audio_plot(clip, key="asr")
    if spec:
        _ui.model_card(spec, demo)

elif section == "synthesize":
    demo = _ui.section_header("speech.synthesize")
    text = _ui.text_input("tts", {N_("Welcome"): "Welcome to the deep learning gallery. Every model here runs on "
                                             "this computer.",
                                  N_("Numbers"): "The meeting is on March 3rd at 4:30 pm, in room 12B.",
                                  N_("Tongue twister"): "She sells sea shells by the sea shore."},
                          "Welcome", label=_("Text to speak (up to {MAX_TTS_CHARS:,} characters)").format(MAX_TTS_CHARS=speech.MAX_TTS_CHARS),
                          height=100)
    speed = st.slider(_("Speed"), 0.5, 2.0, 1.0, 0.1, key="tts_speed")
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model, speed=speed)
        if result is not None:
            with st.container(key="synthesize_result"):
                _ui.warnings(result)
                st.markdown(_("### {duration_s:.1f} s of speech").format(duration_s=result.duration_s))
                st.audio(result.wav, format="audio/wav")
                _ui.download(_("Download WAV"), result.wav, "speech.wav", "audio/wav", key="tts_dl")
                _ui.latency(result, " · " + _("real-time factor {rtf:.2f}").format(rtf=result.rtf) +
                            f" · {result.sample_rate} Hz")
            _ui.audio_plot(result.wav, key="tts")
            _ui.reproduce(demo, demo.default_model, {"speed": speed}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "vad":
    demo = _ui.section_header("speech.vad", _("Green: speech."))
    threshold = st.slider(_("Threshold"), 0.1, 0.9, 0.5, 0.05, key="vad_thr")
    picked = _ui.audio_input("vad", "weather")
    clip = _ui.checked("audio", picked[0], demo.id) if picked else None
    if clip is not None:
        st.audio(picked[0])
        result = _ui.run_demo(demo.id, clip, model=demo.default_model, threshold=threshold)
        if result is not None:
            with st.container(key="vad_result"):
                st.markdown(n_("### {n} speech segment, {speech_s:.1f} of {duration_s:.1f} s", "### {n} speech segments, {speech_s:.1f} of {duration_s:.1f} s", len(result.segments)).format(n=len(result.segments), speech_s=result.speech_s, duration_s=result.duration_s))
                _ui.audio_plot(clip, [(s.start, s.end) for s in result.segments], key="vad")
                _ui.latency(result)
            _ui.reproduce(demo, demo.default_model, {"threshold": threshold}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "speaker":
    demo = _ui.section_header("speech.speaker", _("Each clip becomes a voice fingerprint; similar fingerprints, same voice. "
                                                  "Try two synthetic clips (one voice), then a synthetic one against a real "
                                                  "voice."))
    threshold = st.slider(_("Decision threshold"), 0.0, 1.0, speech.SAME_SPEAKER, 0.01, key="spk_thr",
                          help=_("Measured here: the same voice scores 0.75-0.93, different voices 0.35-0.69."))
    a, b = st.columns(2, gap="large")
    with a:
        st.markdown(_("**First clip**"))
        one = _ui.audio_input("spk1", "lights")
    with b:
        st.markdown(_("**Second clip**"))
        two = _ui.audio_input("spk2", "weather")
    if one and two:
        result = _ui.run_demo(demo.id, one[0], model=demo.default_model, other=two[0], threshold=threshold)
        if result is not None:
            with st.container(key="speaker_result"):
                verdict = _("Same speaker") if result.same_speaker else _("Different speakers")
                st.markdown(_("### {verdict} · similarity {similarity:.2f}").format(verdict=verdict, similarity=result.similarity))
                st.progress(max(0.0, min(1.0, result.similarity)),
                            text=_("similarity {similarity:.2f} against threshold {threshold:.2f}").format(similarity=result.similarity, threshold=result.threshold))
                for n in result.notes:
                    st.caption(n)
                _ui.latency(result)
            _ui.reproduce(demo, demo.default_model, {"threshold": threshold}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "roundtrip":
    demo = _ui.section_header("speech.roundtrip", _("A quick, honest check of both models: synthetic speech is clean, so real "
                                                    "recordings usually come out worse."))
    text = _ui.text_input("rt", {N_("Short"): "Deep learning turns speech into text on this laptop.",
                                 N_("Names and numbers"): "Doctor Okafor will see you at 10 past 3 on Thursday.",
                                 N_("Homophones"): "Their dog ate two pears over there by the sea."},
                          "Short", label=_("Text"), height=80)
    natural = st.toggle(_("Natural variation in the voice"), False, key="rt_vary",
                        help=_("Piper's voice varies a little on every run (random noise inside the VITS model), "
                               "so the same text can come out with a different word error rate each time. Off: the "
                               "same audio, and the same result, every time."))
    if text is not None:
        result = _ui.run_demo(demo.id, text, model=demo.default_model, variation=1.0 if natural else 0.0)
        if result is not None:
            with st.container(key="roundtrip_result"):
                _ui.warnings(result)
                st.markdown(_("### Word error rate {wer:.0%}").format(wer=result.wer))
                st.audio(result.wav, format="audio/wav")
                st.markdown(_("**Typed:** {v}  \n**Heard:** {v2}").format(v=_ui.md(result.text), v2=_ui.md(result.transcript)))
                st.caption(_("Piper {synth:.0f} ms for {seconds:.1f} s of speech · Whisper {asr:.0f} ms").format(
                    synth=result.synthesize_ms, seconds=result.duration_s, asr=result.transcribe_ms) + " · "
                           + (_("natural variation: run it again and the rate may change") if natural else
                              _("no variation: the same text always gives this result")))
            _ui.reproduce(demo, demo.default_model, {}, result)
    for spec in (get("speech.synthesize").default_model, demo.default_model):
        _ui.model_card(spec, demo if spec is demo.default_model else None)

else:  # a demo of a known shape, drawn from its declaration
    _ui.show_section("speech", section, {})
