"""The framing sketch a panel shows when its shot has no picture yet: a grey frame with rule-of-thirds guides, the
shot size code big in the middle and the angle, movement and lens small under it. Used by the storyboard PDF and
the animatic (plain Pillow, no Django)."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from studio.deliverables.sequence import Panel

BACKGROUND = (222, 222, 222)
GUIDE = (188, 188, 188)
BORDER = (120, 120, 120)
INK = (70, 70, 70)


@lru_cache(maxsize=1)
def _font_path() -> str | None:
    from studio.deliverables.fonts import FontsMissing, find_fonts

    try:
        return str(find_fonts().regular.path)
    except FontsMissing:
        return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def framing_sketch(panel: Panel, width: int, height: int) -> Image.Image:
    """An RGB image of ``width`` × ``height`` pixels sketching the panel's framing."""
    width, height = max(8, int(width)), max(8, int(height))
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    line = max(1, round(min(width, height) / 200))
    for i in (1, 2):
        x, y = width * i // 3, height * i // 3
        draw.line([(x, 0), (x, height)], fill=GUIDE, width=line)
        draw.line([(0, y), (width, y)], fill=GUIDE, width=line)
    draw.rectangle([0, 0, width - 1, height - 1], outline=BORDER, width=max(2, line * 2))
    code = panel.size_code or "?"
    size = max(10, round(height * 0.28))
    big = _font(size)
    while size > 10 and draw.textlength(code, font=big) > width * 0.8:
        size = max(10, int(size * 0.85))
        big = _font(size)
    draw.text((width / 2, height * 0.46), code, fill=INK, font=big, anchor="mm")
    small_text = " · ".join(part for part in (panel.angle.lower(), panel.movement.lower(),
                                               f"{panel.lens_mm} mm" if panel.lens_mm else "") if part)
    if small_text:
        size = max(8, round(height * 0.075))
        small = _font(size)
        while size > 8 and draw.textlength(small_text, font=small) > width * 0.9:
            size -= 1
            small = _font(size)
        draw.text((width / 2, height * 0.72), small_text, fill=INK, font=small, anchor="mm")
    return image
