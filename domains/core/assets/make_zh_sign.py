"""Makes zh_sign.jpg, the gallery's Chinese OCR example: a street sign and a shop notice set in
Noto Sans CJK SC (SIL Open Font License 1.1), slightly rotated, on a textured wall, with JPEG-like noise.
It is a rendering made by this project, not a photograph; the page says so.

    python domains/core/assets/make_zh_sign.py /path/to/NotoSansCJKsc-Regular.otf   # e.g. from `pip download mplfonts`
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

font_path = sys.argv[1]
rng = np.random.default_rng(7)
wall = (rng.normal(0, 9, (520, 760, 1)) + np.array([188, 176, 160])).clip(0, 255).astype(np.uint8)
img = Image.fromarray(wall).filter(ImageFilter.GaussianBlur(1.2))

sign = Image.new("RGB", (560, 190), (18, 104, 64))
d = ImageDraw.Draw(sign)
d.rounded_rectangle([6, 6, 553, 183], radius=14, outline=(245, 245, 245), width=5)
d.text((280, 78), "人民路 → 火车站", font=ImageFont.truetype(font_path, 62), fill="white", anchor="mm")
d.text((280, 148), "Renmin Rd → Railway Station", font=ImageFont.truetype(font_path, 28), fill="white", anchor="mm")
img.paste(sign.rotate(3, expand=True, fillcolor=(188, 176, 160)), (90, 40))

note = Image.new("RGB", (520, 190), (250, 248, 240))
d = ImageDraw.Draw(note)
f = ImageFont.truetype(font_path, 34)
for i, line in enumerate(["营业时间：上午九点至晚上十点", "欢迎光临  请勿吸烟", "Open 9:00 - 22:00"]):
    d.text((24, 18 + i * 56), line, font=f, fill=(30, 30, 30))
img.paste(note.rotate(-2, expand=True, fillcolor=(188, 176, 160)), (120, 290))

noisy = np.asarray(img, np.float32) + rng.normal(0, 4, (img.height, img.width, 3))
Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(Path(__file__).with_name("zh_sign.jpg"), quality=85)
