"""Validation of uploaded images: real images only, bounded size, no decompression bombs.

An upload is decoded only after its header shows an allowed format and a pixel
count under the limit, and is then re-encoded, which drops metadata (GPS and
the like) and anything smuggled after the image data.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
THUMBNAIL_SIZE = (320, 320)


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    thumbnail: ContentFile
    extension: str
    width: int
    height: int


def _mb(n: int) -> str:
    """Megabytes with as many decimals as it takes to tell the size from the limit: 10 MB, 10.5 MB."""
    return f"{n / (1024 * 1024):.2f}".rstrip("0").rstrip(".") + " MB"


def _megapixels(n: int) -> str:
    return f"{n / 1_000_000:g}"


def clean_image_upload(upload, *, max_bytes: int, max_pixels: int, field: str = "image") -> CleanImage:
    """Check and re-encode an uploaded file; raise ValidationError({field: [...]}) on anything wrong."""

    def fail(message: str) -> ValidationError:
        return ValidationError({field: [message]})

    size = getattr(upload, "size", None)
    if size is None:
        raise fail("No file was sent.")
    if size == 0:
        raise fail("The file is empty.")
    if size > max_bytes:
        raise fail(f"The file is {_mb(size)} ({size:,} bytes); the limit is {_mb(max_bytes)}.")

    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is checked below
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
    except Image.DecompressionBombError:  # too many pixels even for Pillow to report the size
        raise fail(f"The image has more pixels than the limit of {_megapixels(max_pixels)} megapixels.") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise fail("This file is not an image Previz Studio can read (PNG, JPEG or WebP).") from None
    if fmt not in ALLOWED_FORMATS:
        raise fail(f"{fmt} images are not accepted; use PNG, JPEG or WebP.")
    if width * height > max_pixels:
        raise fail(f"The image is {width}×{height} pixels; the limit is {_megapixels(max_pixels)} megapixels.")
    if width < 1 or height < 1:
        raise fail("The image has no pixels.")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as check:
                check.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise fail("The image is damaged or truncated.") from None

    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")

    extension = ALLOWED_FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=95, optimize=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", lossless=True)
    else:
        image.save(out, format="PNG", optimize=True)

    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_out = io.BytesIO()
    thumb.convert("RGB").save(thumb_out, format="JPEG", quality=85)

    return CleanImage(
        content=ContentFile(out.getvalue()),
        thumbnail=ContentFile(thumb_out.getvalue()),
        extension=extension,
        width=image.width,
        height=image.height,
    )
