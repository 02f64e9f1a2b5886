"""A shipped corpus's passages embedded once per model and kept on disk like a trained model (and shipped in
models/). Its own small file: a trained model's fingerprint holds the source of the file that builds it, so the
embeddings are rebuilt when this code changes, not whenever the Language demos change."""
from __future__ import annotations

from typing import Any

from ..core.i18n import _
from ..core.loader import LOADER, Progress
from ..core.registry import ModelSpec


def embedded(spec: ModelSpec, name: str, texts: list[str], progress: Progress | None = None) -> Any:
    """The passages' embeddings (a numpy matrix, one row per text) for the corpus `name`."""
    from ..core.trained import cached_model, fingerprint

    def embed(prog):
        import torch
        if prog:
            prog(None, _("Embedding {n} passages with {name} (once, then kept on disk)").format(
                n=len(texts), name=spec.label))
        return {"emb": torch.from_numpy(LOADER.call(spec, lambda emb: emb.encode(texts, "passage"), prog).output)}, {}
    tensors, __, __ = cached_model(f"{name}-{spec.id}", {"model": spec.id, "texts": fingerprint(texts)}, embed,
                                   progress)
    return tensors["emb"].numpy()
