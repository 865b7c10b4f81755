"""Take files: checking what people upload, and encoding what the engine made.

An uploaded image goes through the same checks as a reference image (real image, size and pixel
limits, re-encoded). An uploaded clip must be an MP4 or WebM that ffmpeg can read, under the size,
pixel and length limits; its first frame becomes the thumbnail.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from studio.core.images import clean_image_upload

THUMBNAIL_LONGEST = 480
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
MAX_CLIP_FRAMES = 10 * 60 * 60  # ten minutes at 60 fps


@dataclass(frozen=True)
class Probe:
    kind: str
    content: ContentFile
    extension: str
    content_type: str
    thumbnail: ContentFile
    width: int
    height: int
    frames: int
    fps: int | None


def thumbnail_jpeg(image: Image.Image, *, longest: int = THUMBNAIL_LONGEST) -> bytes:
    thumb = image.convert("RGB")
    thumb.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _container(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1aE\xdf\xa3":
        return "webm"
    return None


def probe_upload(upload) -> Probe:
    """Check an uploaded take; raise ValidationError({"file": [...]}) with the reason when it is refused."""
    if upload is None or getattr(upload, "size", None) is None:
        raise ValidationError({"file": ["No file was sent."]})
    head = upload.read(16)
    upload.seek(0)
    container = _container(head)
    if container is None:
        image = clean_image_upload(upload, kind="take", max_bytes=settings.STUDIO_MAX_TAKE_BYTES, field="file")
        return Probe(kind="image", content=image.content, extension=image.extension,
                     content_type=IMAGE_TYPES[image.extension], thumbnail=image.thumbnail, width=image.width,
                     height=image.height, frames=1, fps=None)
    return _probe_clip(upload, container)


def _probe_clip(upload, container: str) -> Probe:
    def fail(message: str) -> ValidationError:
        return ValidationError({"file": [message]})

    limit = settings.STUDIO_MAX_CLIP_BYTES
    if upload.size > limit:
        raise fail(f"The clip is {upload.size / 2**20:.1f} MB; the limit is {limit / 2**20:.0f} MB.")
    data = upload.read()
    with tempfile.NamedTemporaryFile(suffix=f".{container}", delete=False) as handle:
        handle.write(data)
        path = handle.name
    try:
        try:
            info = probe_video(path)
        except Exception:
            raise fail("This file is not a clip Previz Studio can read (MP4 or WebM).") from None
    finally:
        os.unlink(path)
    width, height = info["width"], info["height"]
    if width * height > settings.STUDIO_MAX_IMAGE_PIXELS:
        raise fail(f"The clip is {width}×{height} pixels; that is more than the limit.")
    if not 1 <= info["frames"] <= MAX_CLIP_FRAMES:
        raise fail(f"The clip has {info['frames']} frames; takes are up to {MAX_CLIP_FRAMES} frames.")
    return Probe(kind="clip", content=ContentFile(data), extension=container,
                 content_type=f"video/{container}", thumbnail=ContentFile(thumbnail_jpeg(info["first_frame"])),
                 width=width, height=height, frames=info["frames"], fps=round(info["fps"]) or None)


def probe_video(path: str) -> dict:
    """Size, frame count, frame rate and first frame of a video file, read with ffmpeg (imageio-ffmpeg)."""
    import imageio_ffmpeg  # the ffmpeg binary ships inside the wheel

    reader = imageio_ffmpeg.read_frames(path)
    meta = reader.__next__()
    width, height = meta["size"]
    first = next(reader, None)
    if first is None:
        raise ValueError("no frames")
    frame = Image.frombytes("RGB", (width, height), first)
    reader.close()
    frames, _seconds = imageio_ffmpeg.count_frames_and_secs(path)
    return {"width": width, "height": height, "frames": frames, "fps": float(meta.get("fps") or 0),
            "first_frame": frame}


def project_render_files(project) -> list[str]:
    """The stored files of a project being deleted (``projects.hooks.project_files``): its takes (media,
    thumbnails, depth maps) and the images given to its jobs (kept under ``inputs/<project>/``)."""
    from .models import GenerationJob, Take

    names = [name for row in Take.objects.filter(project=project).values_list("media", "thumbnail", "depth")
             for name in row if name]
    prefix = f"inputs/{project.pk}/"
    for request in GenerationJob.objects.filter(project=project).values_list("request", flat=True):
        names += [value for key in ("init_image", "depth_image", "first_frame")
                  if isinstance(value := (request or {}).get(key), str) and value.startswith(prefix)]
    return sorted(set(names))
