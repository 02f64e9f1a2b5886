"""The one audio guard, and audio helpers every speech demo shares (spectrogram, examples).

`load_audio` reads WAV, FLAC, OGG and MP3 at any sample rate and channel count with soundfile,
checks the length from the header before decoding, mixes to mono and resamples with scipy."""
from __future__ import annotations

import dataclasses
import io
import os
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .media import MAX_BYTES, AudioInfo, Guarded, read_bytes
from .i18n import _

RATE = 16_000  # what the speech models take
QUIET_DB = -50.0  # spectrogram power (dB) under which a clip is drawn as quiet, however loud its own peak
MAX_SECONDS = float(os.environ.get("GALLERY_MAX_AUDIO_S", "300"))


def load_audio(src: Any, *, rate: int = RATE, max_seconds: float = MAX_SECONDS) -> tuple[Any, AudioInfo]:
    """Bytes, a path, a file object, or (samples, sample_rate) -> (mono float32 at `rate`, AudioInfo).

    Raises InputError with a message fit for a user for anything that is not usable audio."""
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly

    if isinstance(src, Guarded) and src.kind == "audio" and rate == RATE:  # checked and decoded by the front end
        if not (isinstance(src.value, np.ndarray) and src.value.ndim == 1 and src.value.dtype == np.float32
                and src.value.size > 0 and isinstance(src.info, AudioInfo) and np.isfinite(src.value).all()):
            raise InputError(_("The input arrived damaged; send it again."))
        seconds = src.value.size / RATE  # measured from the samples: a description is only what a sender says
        if seconds > max_seconds:
            raise _too_long(seconds, max_seconds)
        if abs(src.info.duration_s - seconds) > 0.01 + 0.001 * seconds:  # the description disagrees: measured wins
            return src.value, dataclasses.replace(src.info, duration_s=round(seconds, 3))
        return src.value, src.info
    if isinstance(src, tuple) and len(src) == 2:
        data, sr = np.asarray(src[0], np.float32), int(src[1])
        fmt, channels = "array", 1 if data.ndim == 1 else data.shape[1]
        if sr <= 0 or data.size == 0:
            raise InputError(_("The audio has no samples."))
        if data.shape[0] / sr > max_seconds:
            raise _too_long(data.shape[0] / sr, max_seconds)
    else:
        raw = read_bytes(src, limit=MAX_BYTES, what="audio")
        try:
            info = sf.info(io.BytesIO(raw))
        except Exception:
            raise InputError(_("This is not an audio file we can read (WAV, FLAC, OGG or MP3 expected), or "
                               "it is damaged.")) from None
        if info.frames == 0 or info.samplerate <= 0:
            raise InputError(_("The audio file has a header but no samples."))
        if info.duration > max_seconds:
            raise _too_long(info.duration, max_seconds)
        try:
            data, sr = sf.read(io.BytesIO(raw), dtype="float32", always_2d=True)
        except Exception as e:
            raise InputError(_("The audio file is damaged and cannot be decoded ({v}).").format(v=str(e).splitlines()[0][:80])) from None
        if data.shape[0] == 0:
            raise InputError(_("The audio file has a header but no samples."))
        fmt, channels = info.format, info.channels
    if data.ndim == 2:
        data = data.mean(axis=1)
    bad = int(data.size - np.count_nonzero(np.isfinite(data)))
    if bad:  # a float file with NaN or infinite samples is damaged: silence in their place would be a guess
        raise InputError(_("The audio has {n:,} samples that are not numbers (NaN or infinite): the file is damaged. "
                           "Export it again.").format(n=bad))
    data = data.astype(np.float32)
    peak = float(np.abs(data).max())
    rms = float(np.sqrt(np.mean(data.astype(np.float64) ** 2)))
    info_out = AudioInfo(round(len(data) / sr, 3), int(sr), int(channels), fmt, round(peak, 4),
                         round(20 * np.log10(max(rms, 1e-9)), 1))
    if sr != rate:
        from math import gcd
        g = gcd(int(sr), rate)
        data = resample_poly(data, rate // g, int(sr) // g).astype(np.float32)
    if peak > 1.0:
        data = data / peak
    return data, info_out


def _too_long(seconds: float, limit: float) -> InputError:
    return InputError(_("The clip is {v} long; the limit is {v2}. Trim it first.").format(v=_mmss(seconds), v2=_mmss(limit)))


def _mmss(s: float) -> str:
    return f"{int(s // 60)}:{int(round(s % 60)):02d}"


def to_wav(samples, rate: int = RATE) -> bytes:
    """Mono float samples -> 16-bit WAV bytes (for playback and download)."""
    import soundfile as sf
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@dataclass
class Spectrogram:
    times: list[float]        # seconds, one per column
    freqs: list[float]        # Hz, one per row
    db: list[list[float]]     # rows x columns, decibels relative to the loudest cell


def spectrogram(samples, rate: int = RATE, max_columns: int = 400) -> Spectrogram:
    """A log-power spectrogram for display (scipy), capped in width so long clips stay light."""
    import numpy as np
    from scipy.signal import spectrogram as spec
    hop = max(160, len(samples) // max_columns)
    f, t, s = spec(samples, fs=rate, nperseg=400, noverlap=max(0, 400 - hop))
    db = 10 * np.log10(s + 1e-12)
    # 0 dB is the clip's loudest point, but never below a quiet level: a silent or near-silent clip is drawn dark,
    # as it sounds, not stretched until its noise floor looks as loud as speech
    db = np.clip(db - max(float(db.max()), QUIET_DB), -80, 0)
    return Spectrogram(np.round(t, 3).tolist(), np.round(f, 1).tolist(), np.round(db, 1).tolist())


def waveform(samples, rate: int = RATE, points: int = 2000) -> tuple[list[float], list[float]]:
    """(times, envelope) with at most `points` points: the max |sample| in each window, for a light plot."""
    import numpy as np
    n = max(1, len(samples) // points)
    k = len(samples) // n
    env = np.abs(samples[: k * n]).reshape(k, n).max(1) if k else np.abs(samples)
    return (np.arange(len(env)) * n / rate).round(3).tolist(), env.round(4).tolist()
