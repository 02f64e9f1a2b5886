"""Vision: reading text (OCR) in Chinese and English with PP-OCRv4 (RapidOCR, ONNX Runtime)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.inputs import ImageInfo, load_image
from ..core.loader import LOADER, Progress, adapter
from ..core.examples import example
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.i18n import N_
from ..core.responsible import Card

OCR_MAX_SIDE = 2048  # text needs pixels: OCR gets a larger picture than the classifiers


@adapter("rapidocr", imports=("onnxruntime", "cv2"))
def _load_rapidocr(spec: ModelSpec, path: str | None, progress: Progress | None):
    from rapidocr_onnxruntime import RapidOCR
    return RapidOCR()


PPOCR = ModelSpec(
    id="pp-ocrv4-mobile", name=N_("PP-OCRv4 mobile (RapidOCR)"), source="package", adapter="rapidocr",
    license="Apache-2.0", size_mb=15, ram_mb=250, offline=True, ref="rapidocr_onnxruntime",
    homepage="https://github.com/RapidAI/RapidOCR",
    description=N_("PaddleOCR's PP-OCRv4 mobile pipeline as ONNX: a DBNet text detector, a direction classifier "
                   "and an SVTR-LCNet recogniser for Chinese and English, shipped in the rapidocr_onnxruntime "
                   "wheel."),
    needs={"pip": "rapidocr_onnxruntime==1.4.4"},
)


@dataclass
class OcrLine:
    text: str
    score: float
    box: list[list[float]]  # four corners [x, y] in the picture's pixels, clockwise from top-left


@dataclass
class OcrResult:
    lines: list[OcrLine]
    text: str           # all lines, top to bottom
    model: str
    latency_ms: float
    image: ImageInfo
    annotated: Any = field(default=None, repr=False, metadata={"json": False})


def respace(text: str) -> str:
    """Put back the spaces PP-OCR's recogniser drops between English words ("Region-basedsegmentation",
    "background.These"): after sentence punctuation before a capital, and inside long runs of letters that
    split into dictionary words (wordninja's English word frequencies). Short runs, single known words and
    CJK text are left as they are."""
    import re
    text = re.sub(r"(?<=[a-z][.,;:!?])(?=[A-Z])", " ", text)
    # a capitalised word after four lower-case letters starts a new word on a sign ("RenminRd", "BeijingRoad");
    # "iPhone", "McDonald" and "YouTube" keep theirs (fewer letters before the capital; "JavaScript" does not)
    text = re.sub(r"(?<=[a-z]{4})(?=[A-Z][a-z])", " ", text)

    def split(m: re.Match) -> str:
        import wordninja
        pieces = wordninja.split(m.group())
        return " ".join(pieces) if len(pieces) > 1 and min(map(len, pieces)) >= 2 else m.group()
    return re.sub(r"[A-Za-z]{10,}", split, text)


def ocr(image: Any, *, model: str | None = None, min_score: float = 0.5,
        progress: Progress | None = None) -> OcrResult:
    """Every line of text found in the image, with its confidence and its box."""
    import numpy as np
    from ..core import draw

    spec = OCR.model(model)
    min_score = OCR.param("min_score").parse(min_score)
    img, info = load_image(image, max_side=OCR_MAX_SIDE)
    (raw, __), latency = LOADER.call(spec, lambda engine: engine(np.ascontiguousarray(np.asarray(img)[:, :, ::-1])),
                                    progress)  # the engine wants BGR
    lines = [OcrLine(respace(str(t)), round(float(s), 4), [[float(x), float(y)] for x, y in box])
             for box, t, s in (raw or []) if float(s) >= min_score]
    lines.sort(key=lambda l: (round(l.box[0][1] / 10), l.box[0][0]))
    annotated = draw.polygons(img, [(l.box, str(i + 1)) for i, l in enumerate(lines)])
    return OcrResult(lines, "\n".join(l.text for l in lines), spec.id, round(latency, 1), info, annotated)


OCR = register(Demo(
    id="vision.ocr", domain="vision", task="ocr", title=N_("Read text (OCR)"),
    summary=N_("Finds lines of Chinese or English text in a photo or scan and reads them."),
    input_kind="image", fn=ocr, models=(PPOCR,),
    params=(Param("min_score", float, 0.5, N_("drop lines read with less confidence"), min=0.0, max=1.0),),
    example=example("zh_sign"),
    responsible=Card(
        N_("PaddleOCR's printed Chinese and English text, real and synthetic."),
        N_("Handwriting, curved or rotated lines, small or blurred print, and other scripts."),
        N_("Reading other people's documents without their consent; a legally binding transcript without checking."),
        "privacy"),
    label=N_(":material/text_fields: Read text"), shows="火车站",
))
