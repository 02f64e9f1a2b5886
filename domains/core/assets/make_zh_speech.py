"""Makes zh_speech.flac, the gallery's Mandarin speech example: one sentence spoken by espeak-ng's Mandarin voice
(formant synthesis, GPL-3.0 program; its output is not covered by the program's licence), at 16 kHz mono.
It is robotic synthetic speech, not a person: Whisper base hears it as Thai or Chinese and transcribes it with
near-homophones. The page says what it is.

    apt-get install espeak-ng && python domains/core/assets/make_zh_speech.py
"""
import subprocess
import tempfile
from pathlib import Path

import soundfile as sf
from scipy.signal import resample_poly

TEXT = "你好。今天天气很好，我们一起去火车站买票吧。"
with tempfile.TemporaryDirectory() as d:
    raw = Path(d) / "raw.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "160", "-w", str(raw), TEXT], check=True)
    x, rate = sf.read(raw)
sf.write(Path(__file__).with_name("zh_speech.flac"), resample_poly(x, 16000, rate).astype("float32"), 16000,
         subtype="PCM_16")
