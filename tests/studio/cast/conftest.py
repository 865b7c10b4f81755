"""Images made byte by byte for the cast tests, and a look at what the uploads left on disk."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

RED = (200, 40, 40)
BLUE = (30, 60, 220)
ORIENTATION = 0x0112
IMAGE_DESCRIPTION = 0x010E
MAKE = 0x010F


@pytest.fixture
def media_files(settings):
    """``media_files()`` → every file under MEDIA_ROOT, as sorted paths relative to it."""

    def files() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    return files


def upload(data: bytes, name: str = "upload.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def two_tone(size=(40, 20), mode="RGB") -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    width, height = size
    image = Image.new(mode, size, RED if mode == "RGB" else (*RED, 255))
    image.paste(BLUE if mode == "RGB" else (*BLUE, 255), (width // 2, 0, width, height))
    return image


def jpeg_with_exif(size=(40, 20), orientation: int | None = None, description: str = "Taken at 59.91N 10.75E") \
        -> bytes:
    exif = Image.Exif()
    exif[IMAGE_DESCRIPTION] = description
    exif[MAKE] = "SecretCam"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    return encode(two_tone(size), "JPEG", quality=95, exif=exif.tobytes())


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels while its data holds almost nothing."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + png_chunk(b"IEND", b""))


def noisy_png(size=(256, 256)) -> bytes:
    """A PNG that does not compress to almost nothing, so cutting it short loses real image data."""
    width, height = size
    pixels = bytes((x * 7 + y * 13 + (x * y) % 251) % 256 for y in range(height) for x in range(width * 3))
    return encode(Image.frombytes("RGB", size, pixels), "PNG")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
