"""Speech and Smart-home pages under AppTest: each section's example runs to a real result, the microphone
is fed WAV bytes, and the audio bad-input list and bad text give messages, never exceptions."""
from __future__ import annotations

import pytest
from skips import need
from streamlit.testing.v1 import AppTest
from testmedia import bad_audio

from domains import smart_home
from domains.core import examples
from test_pages import errors, open_section, page, texts


def speech_page(section: str, **state) -> AppTest:
    return open_section("pages/speech.py", section, **state)



@pytest.mark.parametrize("section,expected", [
    ("transcribe", "### “Every model in this gallery runs on this computer"),
    ("synthesize", "s of speech"), ("vad", "speech segment"), ("speaker", "### Same speaker"),
    ("roundtrip", "### Word error rate"),
])
def test_speech_section_default_example(section, expected):
    at = speech_page(section)
    assert not at.exception and not errors(at), errors(at)
    assert expected.lower() in texts(at).lower(), texts(at)[:1500]  # Whisper's casing varies with the voice
    assert at.json


def test_transcribe_shows_segments_wer_and_plots():
    at = speech_page("transcribe")
    assert "word error rate" in texts(at) and len(at.dataframe[0].value) >= 2
    assert len(at.get("plotly_chart")) == 2  # waveform and spectrogram


def test_microphone_recording_is_transcribed():
    at = speech_page("transcribe")
    at.audio_input(key="asr_mic").set_value(("recording.wav", examples.clip("lights"), "audio/wav")).run()
    assert not at.exception and not errors(at)
    assert "kitchen lights" in texts(at).lower()


def test_a_recording_is_decoded_once_for_the_demo_the_plots_and_the_report(monkeypatch):
    """The page checks the clip once (`_ui.checked`): the recogniser, the waveform, the spectrogram and the session
    report use those samples; none of them reads the file again."""
    import soundfile
    reads = []
    real = soundfile.read
    monkeypatch.setattr(soundfile, "read", lambda *a, **k: reads.append(1) or real(*a, **k))
    at = speech_page("transcribe")
    reads.clear()
    at.audio_input(key="asr_mic").set_value(("recording.wav", examples.clip("lights"), "audio/wav")).run()
    assert not at.exception and not errors(at) and "kitchen lights" in texts(at).lower()
    assert len(at.get("plotly_chart")) == 2
    assert at.session_state["_session_runs"][-1].input["seconds"] > 1  # the report has the clip's length
    assert len(reads) == 1, reads


def test_mandarin_is_flagged_by_the_english_recogniser_and_read_by_whisper_base():
    at = speech_page("transcribe")
    at.button(key="asr_ex_mandarin").click().run()
    assert not at.exception and not errors(at)
    warned = [w.value for w in at.warning]
    assert any("does not sound like English" in w for w in warned), warned
    at.selectbox(key="asr_model").set_value("whisper-base").run()
    at.text_input(key="asr_lang").set_value("zh").run()
    assert not at.exception and not errors(at) and not at.warning
    heading = next(m.value for m in at.markdown if m.value.startswith("### “"))
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in heading) >= 8, heading
    assert "character error rate" in texts(at)


@pytest.mark.parametrize("section,key", [("transcribe", "asr"), ("vad", "vad")])
def test_bad_audio_uploads(section, key):
    at = speech_page(section)
    for name, (data, expect) in bad_audio().items():
        at.file_uploader(key=f"{key}_upload").upload(f"{name}.wav", data, "audio/wav").run()
        assert not at.exception, (name, at.exception)
        if expect == "error":
            assert errors(at), name
        elif expect == "ok":
            assert not errors(at) and at.json, (name, errors(at))


def test_silence_upload_says_no_speech():
    at = speech_page("transcribe")
    at.file_uploader(key="asr_upload").upload("silence.wav", bad_audio()["silence"][0], "audio/wav").run()
    assert "### (no words)" in texts(at) and "invents words" in texts(at)


def test_synthesis_bad_text():
    at = speech_page("synthesize")
    at.text_area(key="tts_text").input("?!").run()
    assert not at.exception and any("nothing to pronounce" in e for e in errors(at))
    at.toggle(key="tts_upload_on").set_value(True).run()  # a file gets past the text area's own 2,000 cap
    at.file_uploader(key="tts_upload").upload("long.txt", ("word " * 2000).encode(), "text/plain").run()
    assert not at.exception and any("limit is 2,000" in e for e in errors(at))


def test_synthesis_offers_a_download():
    at = speech_page("synthesize")
    assert at.get("download_button") and "real-time factor" in texts(at)


def test_speaker_with_a_real_voice_is_different():
    need("alsa_front_center" in examples.clip_ids(), "alsa-utils not installed (apt-get install alsa-utils)")
    at = speech_page("speaker")
    next(b for b in at.button if b.key == "spk2_ex_alsa_front_center").click().run()
    assert "### Different speakers" in texts(at)


# ---------------------------------------------------------------- smart home
def home() -> AppTest:
    return page("pages/smart_home.py").run()


def send(at: AppTest, text: str) -> AppTest:
    at.text_input(key="home_text").input(text).run()
    return at.button(key="home_go").click().run()


def test_home_typed_commands_change_the_panel_and_log():
    at = home()
    assert not at.exception and not errors(at)
    send(at, "turn on the kitchen lights")
    assert "### Lights on in the kitchen." in texts(at)
    assert at.session_state["home_state"]["lights"]["kitchen"] is True
    send(at, "set the thermostat to 23")
    assert at.session_state["home_state"]["thermostat"]["target"] == 23.0
    assert at.session_state["home_state"]["lights"]["kitchen"] is True  # the earlier change stays
    assert len(at.dataframe[0].value) == 2


def test_home_refuses_unknown_and_reports_bad_values():
    at = home()
    send(at, "order a pizza")
    assert "did not understand" in texts(at) and at.session_state["home_state"]["lights"]["kitchen"] is False
    send(at, "set the temperature to 45")
    assert any("10 to 30" in e for e in errors(at))


def test_home_voice_command_from_the_microphone():
    at = home()
    at.radio(key="home_mode").set_value("Voice").run()
    at.audio_input(key="home_audio_mic").set_value(("cmd.wav", examples.clip("lights"), "audio/wav")).run()
    at.button(key="home_go").click().run()
    assert not at.exception and "**Heard:**" in texts(at)
    assert at.session_state["home_state"]["lights"]["kitchen"] is True
    assert at.session_state["_session_runs"][-1].input["kind"] == "audio"  # the report knows it was a clip


def test_home_shows_its_measured_accuracy():
    assert "commands handled right" in texts(home())


@pytest.mark.parametrize("name,data,message", [
    ("unlock.wav", b"unlock the front door", "not an audio file"),
    ("lights.mp3", b"turn on the lights", "not an audio file"),
    ("empty.wav", b"", "The file is empty"),
])
def test_home_voice_mode_takes_audio_only(name, data, message):
    """A text file named like audio is refused, never run as a typed command (the door stays locked)."""
    at = home()
    at.radio(key="home_mode").set_value("Voice").run()
    at.file_uploader(key="home_audio_upload").upload(name, data, "audio/wav").run()
    at.button(key="home_go").click().run()
    assert not at.exception and any(message in e for e in errors(at)), errors(at)
    assert at.session_state["home_state"]["door"]["locked"] is True
    assert "The command is empty" not in " ".join(errors(at))


def test_home_every_example_is_reachable_and_only_fills_the_box():
    at = home()
    labels = [b.label for b in at.button if b.key and b.key.startswith("home_ex_")]
    # English first on an English page, then the Chinese ones; each list ends with the command to be refused
    assert labels == [*smart_home.EXAMPLE_COMMANDS, *smart_home.EXAMPLE_COMMANDS_ZH] and labels[5] == "order a pizza"
    send(at, "set the thermostat to 23")
    next(b for b in at.button if b.label == "make it warmer in here").click().run()
    assert at.session_state["home_state"]["thermostat"]["target"] == 23.0  # clicking an example sends nothing
    assert at.text_input(key="home_text").value == "make it warmer in here"
    next(b for b in at.button if b.label == "order a pizza").click().run()
    at.button(key="home_go").click().run()
    assert "did not understand" in texts(at)


def test_home_user_text_is_shown_as_typed_not_as_markdown():
    at = home()
    send(at, "[turn on](http://x.example) the **kitchen** lights ![i](http://x.example/i.png)")
    shown = next(m.value for m in at.markdown if "Typed:" in m.value)  # the Markdown source the browser gets
    assert "](http" not in shown and "\\[turn on\\]\\(http" in shown and "\\*\\*kitchen" in shown


def test_speech_text_over_the_limit_is_a_message_not_silently_cut():
    at = speech_page("synthesize")
    at.text_area(key="tts_text").input("word " * 500).run()  # 2,500 characters
    assert not at.exception and any("2,000" in e for e in errors(at)), errors(at)


@pytest.mark.parametrize("section,key,message", [("synthesize", "tts", "not UTF-8"),
                                                 ("transcribe", "asr", "not an audio file")])
def test_a_picture_on_a_text_or_audio_uploader_gets_a_message(section, key, message):
    from testmedia import encode, gradient
    at = speech_page(section)
    if section == "synthesize":
        at.toggle(key="tts_upload_on").set_value(True).run()
    at.file_uploader(key=f"{key}_upload").upload("photo.png", encode(gradient("RGB")), "image/png").run()
    assert not at.exception and any(message in e for e in errors(at)), errors(at)


def test_round_trip_gives_the_same_rate_every_time_unless_variation_is_on():
    rates = {speech_page("roundtrip").session_state["_session_runs"][-1].result.wer for _ in range(2)}
    assert len(rates) == 1
