"""Stand-in reference portraits for the demo cast, drawn with Pillow (no image files in the repo)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter


def portrait(*, color: str, name: str, seed: int) -> SimpleUploadedFile:
    """A moody silhouette portrait in the character's colour."""
    width, height = 512, 640
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # vertical gradient from a dark tint of the colour to near black
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(r * (0.45 - 0.35 * t)), int(g * (0.45 - 0.35 * t)),
                                              int(b * (0.45 - 0.35 * t))))
    glow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(glow).ellipse([80, 60, 440, 420], fill=150)
    image.paste((r, g, b), mask=glow.filter(ImageFilter.GaussianBlur(70)))
    shade = (14, 16, 20)
    offset = seed % 40 - 20
    draw = ImageDraw.Draw(image)
    draw.ellipse([176 + offset, 150, 336 + offset, 340], fill=shade)  # head
    draw.rectangle([226 + offset, 320, 286 + offset, 380], fill=shade)  # neck
    draw.ellipse([66 + offset, 360, 446 + offset, 760], fill=shade)  # shoulders
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{name.lower().replace(' ', '-')}.png", out.getvalue(), content_type="image/png")
