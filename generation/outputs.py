"""Bytes for the studio to store: PNGs that carry their request, thumbnails, previews, MP4 clips.

Every PNG says how it was made: a ``previz`` text chunk holds ``{"format": 1, "request": request.to_dict(),
"model": {name, family, label, smoke_test}, "versions": {library: version}}`` (JSON, read back with
`read_png_request`), and a ``parameters`` chunk holds the same in the A1111 text form other tools read. PNG encoding
is deterministic (no timestamps, fixed compression), so the same pixels and request give the same bytes.

Thumbnails are WebP (smaller than JPEG at the same look, and every browser the studio supports shows them); progress
previews are JPEG (cheapest to encode, sent often). Clips are H.264 in MP4, yuv420p (what browsers play), encoded by
the ffmpeg binary that ships inside the imageio-ffmpeg wheel; odd sizes are padded by one edge pixel, because yuv420p
needs even sizes.

No torch here: this module is cheap to import from the Django side.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version

import numpy as np
from PIL import Image, PngImagePlugin

from .models import ModelSpec
from .requests import ClipRequest, FrameRequest

PNG_FORMAT = 1
_LIBRARIES = ("diffusers", "transformers", "torch")


@cache
def library_versions() -> dict[str, str]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def metadata(request: FrameRequest | ClipRequest, model: ModelSpec) -> dict:
    return {
        "format": PNG_FORMAT,
        "request": request.to_dict(),
        "model": {"name": model.name, "family": model.family, "label": model.label, "smoke_test": model.smoke_test},
        "versions": library_versions(),
    }


def a1111_parameters(request: FrameRequest | ClipRequest, model: ModelSpec) -> str:
    """The request in the A1111 "parameters" text form: prompt, negative prompt, then ``Key: value`` pairs."""
    lines = [request.prompt]
    if request.negative_prompt:
        lines.append(f"Negative prompt: {request.negative_prompt}")
    pairs = [
        ("Steps", request.steps),
        ("CFG scale", request.guidance),
        ("Seed", request.seed),
        ("Size", f"{request.width}x{request.height}"),
        ("Model", model.name),
    ]
    if isinstance(request, FrameRequest) and request.init_image is not None:
        pairs.append(("Denoising strength", request.strength))
    if isinstance(request, FrameRequest) and request.depth_image is not None:
        pairs.append(("ControlNet", f"depth, weight {request.depth_scale}"))
    if request.uses_references:
        pairs.append(("IP-Adapter", f"{len(request.reference_images)} reference(s), scale {request.reference_scale}"))
    if isinstance(request, ClipRequest):
        pairs += [("Frames", request.frames), ("FPS", request.fps)]
    if request.quality != "standard":
        pairs.append(("Quality", request.quality))
    if model.smoke_test:
        pairs.append(("Smoke test", "random weights"))
    pairs.append(("Version", f"previz-studio, diffusers {library_versions()['diffusers']}"))
    lines.append(", ".join(f"{key}: {value}" for key, value in pairs))
    return "\n".join(lines)


def png_bytes(image: Image.Image, request: FrameRequest | ClipRequest, *, model: ModelSpec) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("previz", json.dumps(metadata(request, model), sort_keys=True, ensure_ascii=False))
    info.add_itxt("parameters", a1111_parameters(request, model))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", pnginfo=info, compress_level=6, optimize=False)
    return out.getvalue()


def read_png_request(data: bytes) -> dict:
    """The ``previz`` chunk of a PNG made by `png_bytes`, parsed; ``ValueError`` if it has none."""
    with Image.open(io.BytesIO(data)) as image:
        text = getattr(image, "text", {}).get("previz")
    if text is None:
        raise ValueError("this PNG has no previz metadata")
    return json.loads(text)


def _fit_longest(image: Image.Image, longest: int) -> Image.Image:
    image = image.convert("RGB")
    scale = longest / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def thumbnail_bytes(image: Image.Image, *, longest: int = 384) -> bytes:
    """A WebP no larger than ``longest`` on its longest side (never enlarged)."""
    out = io.BytesIO()
    _fit_longest(image, longest).save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()


def preview_jpeg(image: Image.Image, *, longest: int = 192) -> bytes:
    """A small JPEG for live progress, no larger than ``longest`` (never enlarged)."""
    out = io.BytesIO()
    _fit_longest(image, longest).save(out, format="JPEG", quality=75)
    return out.getvalue()


def _even(frame: Image.Image) -> np.ndarray:
    array = np.asarray(frame.convert("RGB"))
    pad_h, pad_w = array.shape[0] % 2, array.shape[1] % 2
    if pad_h or pad_w:
        array = np.pad(array, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    return np.ascontiguousarray(array)


def mp4_bytes(frames: list[Image.Image], fps: int) -> bytes:
    """H.264 / yuv420p MP4 of ``frames`` at ``fps``, playable in browsers (``+faststart``)."""
    import imageio_ffmpeg

    if not frames:
        raise ValueError("a clip needs at least one frame")
    arrays = [_even(frame) for frame in frames]
    height, width = arrays[0].shape[:2]
    fd, path = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        writer = imageio_ffmpeg.write_frames(
            path,
            (width, height),
            fps=fps,
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            macro_block_size=1,
            quality=None,
            output_params=["-crf", "18", "-movflags", "+faststart"],
            ffmpeg_log_level="error",
        )
        writer.send(None)
        for array in arrays:
            writer.send(array.tobytes())
        writer.close()
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def mp4_frame_count(data: bytes) -> int:
    """How many frames an MP4 holds (decoded by ffmpeg, so it counts what a player shows)."""
    import imageio_ffmpeg

    fd, path = tempfile.mkstemp(suffix=".mp4")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        frames, _seconds = imageio_ffmpeg.count_frames_and_secs(path)
        return frames
    finally:
        os.unlink(path)


def clip_poster(frames: list[Image.Image], request: ClipRequest, *, model: ModelSpec) -> bytes:
    """The clip's first frame as a PNG carrying the request, like a frame's."""
    return png_bytes(frames[0], request, model=model)
