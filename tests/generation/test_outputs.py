import io

import pytest
from PIL import Image

from generation import ClipRequest, FrameRequest, ModelSpec
from generation.outputs import (
    a1111_parameters,
    clip_poster,
    library_versions,
    mp4_bytes,
    mp4_frame_count,
    png_bytes,
    preview_jpeg,
    read_png_request,
    thumbnail_bytes,
)

MODEL = ModelSpec(name="sd-tiny", family="sd", source="/m/sd-tiny", label="Smoke-test SD", smoke_test=True)


def picture(width=64, height=48, colour=(10, 200, 30)) -> Image.Image:
    return Image.new("RGB", (width, height), colour)


def test_png_carries_the_request_and_the_model():
    request = FrameRequest(prompt="a door", negative_prompt="blur", seed=5, init_image="i.png", width=64, height=48)

    data = png_bytes(picture(), request, model=MODEL)

    assert read_png_request(data) == {
        "format": 1,
        "request": request.to_dict(),
        "model": {"name": "sd-tiny", "family": "sd", "label": "Smoke-test SD", "smoke_test": True},
        "versions": library_versions(),
    }
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (64, 48)
        assert image.text["parameters"] == (
            "a door\nNegative prompt: blur\n"
            "Steps: 25, CFG scale: 7.0, Seed: 5, Size: 64x48, Model: sd-tiny, Denoising strength: 0.6, "
            f"Smoke test: random weights, Version: previz-studio, diffusers {library_versions()['diffusers']}"
        )


def test_png_encoding_is_deterministic():
    request = FrameRequest(prompt="a door")

    assert png_bytes(picture(), request, model=MODEL) == png_bytes(picture(), request, model=MODEL)


def test_read_png_request_without_metadata():
    out = io.BytesIO()
    picture().save(out, format="PNG")

    with pytest.raises(ValueError, match="no previz metadata"):
        read_png_request(out.getvalue())


def test_parameters_of_a_clip():
    request = ClipRequest(prompt="waves", frames=9, fps=8, quality="draft")
    wan = ModelSpec(name="wan", family="wan", source="/m/wan")

    assert (
        a1111_parameters(request, wan)
        .splitlines()[1]
        .startswith(
            "Steps: 25, CFG scale: 5.0, Seed: 0, Size: 480x320, Model: wan, "
            "Frames: 9, FPS: 8, Quality: draft, Version: "
        )
    )


def test_thumbnail_is_a_webp_no_larger_than_asked():
    with Image.open(io.BytesIO(thumbnail_bytes(picture(1000, 500)))) as image:
        assert (image.format, image.size) == ("WEBP", (384, 192))
    with Image.open(io.BytesIO(thumbnail_bytes(picture(100, 50)))) as image:
        assert image.size == (100, 50)


def test_preview_is_a_small_jpeg():
    with Image.open(io.BytesIO(preview_jpeg(picture(512, 768)))) as image:
        assert (image.format, image.size) == ("JPEG", (128, 192))


@pytest.mark.parametrize(("width", "height"), [(16, 16), (17, 15)])
def test_mp4_has_every_frame(width, height):
    frames = [picture(width, height, (i * 20, 0, 255 - i * 20)) for i in range(9)]

    data = mp4_bytes(frames, fps=8)

    assert data[4:8] == b"ftyp"
    assert mp4_frame_count(data) == 9


def test_clip_poster_is_the_first_frame_with_the_request():
    request = ClipRequest(prompt="waves", width=16, height=16, frames=5)
    frames = [picture(16, 16, (255, 0, 0))] + [picture(16, 16)] * 4

    data = clip_poster(frames, request, model=MODEL)

    assert read_png_request(data)["request"] == request.to_dict()
    with Image.open(io.BytesIO(data)) as image:
        assert image.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
