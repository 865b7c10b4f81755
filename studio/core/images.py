"""Validation of uploaded images: real images only, bounded size, no decompression bombs.

An upload is decoded only after its header shows an allowed format and a pixel
count under the cap of its kind (a character reference needs far fewer pixels
than a take), and is then re-encoded, which drops metadata (GPS and the like)
and anything smuggled after the image data.

Decoding and re-encoding run in a small shared pool (STUDIO_IMAGE_DECODE_WORKERS
threads), so a burst of large uploads costs at most that many cores and that
many decoded images in memory; a request that finds the pool busy for longer
than STUDIO_IMAGE_DECODE_WAIT_S is answered 503 with Retry-After, and loses
nothing (nothing was stored).
"""

from __future__ import annotations

import io
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.signals import setting_changed
from django.dispatch import receiver
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Busy

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
THUMBNAIL_SIZE = (320, 320)
FAST_PNG_ABOVE_PIXELS = 4_000_000


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


def pixel_cap(kind: str) -> int:
    """The most pixels an uploaded image of this kind may have (settings.STUDIO_IMAGE_PIXEL_CAPS)."""
    return settings.STUDIO_IMAGE_PIXEL_CAPS[kind]


class _DecodePool:
    """The threads uploads are decoded in, and the slots that bound how many wait or run at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: tuple[ThreadPoolExecutor, threading.BoundedSemaphore] | None = None

    def _current(self) -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
        with self._lock:
            if self._pool is None:
                workers = max(1, int(settings.STUDIO_IMAGE_DECODE_WORKERS))
                self._pool = (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="image-decode"),
                              threading.BoundedSemaphore(workers))
            return self._pool

    def reset(self) -> None:
        """Built again at its next use (the number of workers changed)."""
        with self._lock:
            if self._pool is not None:
                self._pool[0].shutdown(wait=False)
            self._pool = None

    def run(self, fn, *args):
        executor, slots = self._current()
        wait = float(settings.STUDIO_IMAGE_DECODE_WAIT_S)
        if not slots.acquire(timeout=wait):
            raise Busy(f"The studio is busy decoding other uploaded images (waited {wait:g} s). "
                       "Nothing was stored; send the image again in a few seconds.", retry_after_s=5)
        try:
            return executor.submit(fn, *args).result()
        finally:
            slots.release()


decode_pool = _DecodePool()


@receiver(setting_changed)
def _workers_changed(*, setting, **kwargs) -> None:
    if setting == "STUDIO_IMAGE_DECODE_WORKERS":
        decode_pool.reset()


def clean_image_upload(upload, *, max_bytes: int, kind: str | None = None, max_pixels: int | None = None,
                       field: str = "image") -> CleanImage:
    """Check and re-encode an uploaded file; raise ValidationError({field: [...]}) on anything wrong.

    `kind` names the pixel cap (settings.STUDIO_IMAGE_PIXEL_CAPS: reference, input, take, capture, frame);
    `max_pixels` gives one outright instead."""
    if (kind is None) == (max_pixels is None):
        raise TypeError("clean_image_upload takes a kind or a max_pixels, one of them")
    if max_pixels is None:
        max_pixels = pixel_cap(kind)

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
    return decode_pool.run(_decode_and_reencode, data, fmt, fail)


def _decode_and_reencode(data: bytes, fmt: str, fail) -> CleanImage:
    """The costly part (seconds for tens of megapixels), run on the decode pool."""
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
        image.convert("RGB").save(out, format="JPEG", quality=95)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", lossless=True)
    else:
        # A large image is saved at zlib's fastest level. Measured on a 40 MP photo-like PNG (another job running
        # beside it): optimize=True took 28.5 s, level 6 22 s, level 1 6.1 s for a file 18 % larger than level 6.
        level = 1 if image.width * image.height > FAST_PNG_ABOVE_PIXELS else 6
        image.save(out, format="PNG", compress_level=level)

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
