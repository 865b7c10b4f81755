import json

import pytest

from generation import ClipRequest, FrameRequest, Registry, RequestError, request_from_dict, validate
from generation.requests import effective_steps
from generation.tiny import default_models


@pytest.fixture
def specs(tmp_path):
    """The tiny models' registry; validation reads specs only, so nothing is built."""
    return Registry.from_config(default_models(tmp_path))


BAD_REQUESTS = [
    (
        FrameRequest(prompt="  ", width=65, height=4096, steps=0, guidance=31, seed=-1, quality="best"),
        {
            "prompt": "must not be empty",
            "width": "must be a multiple of 8",
            "height": "must be between 64 and 2048",
            "steps": "must be between 1 and 150",
            "guidance": "must be between 0 and 30",
            "seed": "must be between 0 and 4294967295",
            "quality": "must be one of: standard, draft",
        },
    ),
    (FrameRequest(prompt="a", seed=2**32), {"seed": "must be between 0 and 4294967295"}),
    (FrameRequest(prompt="a", model="nope"), {"model": "unknown model 'nope'"}),
    (
        FrameRequest(prompt="a", model="sdxl-tiny", depth_image="d.png", reference_images=("a.png",)),
        {
            "depth_image": "model 'sdxl-tiny' has no depth ControlNet",
            "reference_images": "model 'sdxl-tiny' has no IP-Adapter",
        },
    ),
    (FrameRequest(prompt="a", model="wan-tiny"), {"model": "model 'wan-tiny' cannot make frames"}),
    (ClipRequest(prompt="a", model="sd-tiny"), {"model": "model 'sd-tiny' cannot make clips"}),
    (
        ClipRequest(prompt="a", width=24, height=8, frames=10),
        {
            "width": "must be a multiple of 16 for Wan models",
            "height": "must be between 16 and 1280",
            "frames": "must be one more than a multiple of 4 for Wan models (e.g. 9, 33, 81)",
        },
    ),
    (
        ClipRequest(prompt="a", frames=133, fps=0),
        {"frames": "must be between 1 and 129", "fps": "must be between 1 and 60"},
    ),
    (FrameRequest(prompt="a", init_image="i.png", strength=0), {"strength": "must be more than 0 and at most 1"}),
    (FrameRequest(prompt="a", init_image="i.png", strength=1.5), {"strength": "must be more than 0 and at most 1"}),
    (
        FrameRequest(prompt="a", init_image="i.png", steps=1, strength=0.5),
        {"strength": "too low for 1 steps: no denoising step would run"},
    ),
    (FrameRequest(prompt="a", init_image=" "), {"init_image": "must be an image name"}),
    (
        FrameRequest(prompt="a", reference_images=("1", "2", "3", "4", "5"), reference_scale=1.2),
        {"reference_images": "at most 4 reference images", "reference_scale": "must be between 0 and 1"},
    ),
    (FrameRequest(prompt="a", depth_image="d.png", depth_scale=3), {"depth_scale": "must be between 0 and 2"}),
    (
        FrameRequest(prompt="a", width="64", guidance=None, reference_images="a.png"),
        {
            "width": "must be an integer",
            "guidance": "must not be null",
            "reference_images": "must be a list of image names",
        },
    ),
]


@pytest.mark.parametrize(("request_", "errors"), BAD_REQUESTS)
def test_validate_reports_every_problem_at_once(specs, request_, errors):
    with pytest.raises(RequestError) as caught:
        validate(request_, specs)

    assert caught.value.errors == errors


def test_request_error_str_joins_the_fields():
    error = RequestError({"width": "must be a multiple of 8", "prompt": "must not be empty"})

    assert str(error) == "width: must be a multiple of 8; prompt: must not be empty"


def test_validate_accepts_good_requests(specs):
    validate(FrameRequest(prompt="a", width=64, height=64), specs)
    validate(FrameRequest(prompt="a", depth_image="d.png", init_image="i.png", reference_images=("r.png",)), specs)
    validate(ClipRequest(prompt="a", width=16, height=16, frames=9, first_frame="f.png"), specs)


def test_validate_refuses_a_mode_the_wan_checkpoint_does_not_do(tmp_path):
    config = default_models(tmp_path)[2:]
    config[0]["clip_modes"] = ["text-to-video"]
    t2v_only = Registry.from_config(config)

    with pytest.raises(RequestError) as caught:
        validate(ClipRequest(prompt="a", first_frame="f.png"), t2v_only)

    assert caught.value.errors == {"first_frame": "model 'wan-tiny' cannot start a clip from an image"}


def test_validate_without_a_model_of_the_kind(tmp_path):
    frames_only = Registry.from_config(default_models(tmp_path)[:1])

    with pytest.raises(RequestError) as caught:
        validate(ClipRequest(prompt="a"), frames_only)

    assert caught.value.errors == {"model": "no clip model is set up"}


def test_modes():
    assert FrameRequest(prompt="a").mode == "text-to-image"
    assert FrameRequest(prompt="a", init_image="i").mode == "image-to-image"
    assert FrameRequest(prompt="a", init_image="i", depth_image="d").mode == "depth"
    assert ClipRequest(prompt="a").mode == "text-to-video"
    assert ClipRequest(prompt="a", first_frame="f").mode == "image-to-video"
    assert FrameRequest(prompt="a", reference_images=("r",)).uses_references is True
    assert FrameRequest(prompt="a").uses_references is False
    assert ClipRequest(prompt="a").uses_references is False


def test_draft_quality_halves_the_steps_but_keeps_at_least_four():
    assert effective_steps(FrameRequest(prompt="a", steps=30, quality="draft")) == 15
    assert effective_steps(FrameRequest(prompt="a", steps=6, quality="draft")) == 4
    assert effective_steps(FrameRequest(prompt="a", steps=3, quality="draft")) == 3
    assert effective_steps(FrameRequest(prompt="a", steps=30)) == 30


def test_to_dict_round_trips_through_json():
    frame = FrameRequest(
        prompt="a red door",
        negative_prompt="blur",
        width=640,
        height=384,
        steps=30,
        guidance=6.5,
        seed=42,
        model="sd-tiny",
        init_image="take-1.png",
        strength=0.5,
        depth_image="depth.png",
        depth_scale=0.8,
        reference_images=("alice.png", "bob.png"),
        reference_scale=0.4,
        quality="draft",
    )
    clip = ClipRequest(prompt="a door opens", width=320, height=192, frames=17, fps=12, seed=7, first_frame="f.png")

    for request in (frame, clip):
        data = json.loads(json.dumps(request.to_dict()))
        assert request_from_dict(data) == request


def test_to_dict_has_every_field_and_the_kind():
    assert FrameRequest(prompt="a").to_dict() == {
        "kind": "frame",
        "prompt": "a",
        "negative_prompt": "",
        "width": 512,
        "height": 512,
        "steps": 25,
        "guidance": 7.0,
        "seed": 0,
        "model": "",
        "init_image": None,
        "strength": 0.6,
        "depth_image": None,
        "depth_scale": 1.0,
        "reference_images": [],
        "reference_scale": 0.6,
        "quality": "standard",
    }
    assert ClipRequest(prompt="a").to_dict() == {
        "kind": "clip",
        "prompt": "a",
        "negative_prompt": "",
        "width": 480,
        "height": 320,
        "frames": 33,
        "fps": 16,
        "steps": 25,
        "guidance": 5.0,
        "seed": 0,
        "model": "",
        "first_frame": None,
        "quality": "standard",
    }


def test_request_from_dict_takes_an_integer_for_a_number():
    request = request_from_dict({"kind": "frame", "prompt": "a", "guidance": 7})

    assert request == FrameRequest(prompt="a", guidance=7.0)
    assert isinstance(request.guidance, float)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"kind": "frame", "prompt": "a", "colour": "red"}, {"colour": "unknown field"}),
        ({"kind": "clip"}, {"prompt": "is required"}),
        ({"kind": "video", "prompt": "a"}, {"kind": "must be 'frame' or 'clip'"}),
        ({"prompt": "a"}, {"kind": "must be 'frame' or 'clip'"}),
        (["frame"], {"request": "must be an object"}),
        (
            {"kind": "frame", "prompt": "a", "width": True, "guidance": "7", "reference_images": "a.png"},
            {
                "width": "must be an integer",
                "guidance": "must be a number",
                "reference_images": "must be a list of image names",
            },
        ),
        (
            {"kind": "clip", "prompt": "a", "first_frame": 3, "strength": 0.5},
            {"first_frame": "must be a string", "strength": "unknown field"},
        ),
    ],
)
def test_request_from_dict_refuses(data, errors):
    with pytest.raises(RequestError) as caught:
        request_from_dict(data)

    assert caught.value.errors == errors


@pytest.mark.parametrize(("request_", "label"), [
    (FrameRequest(prompt="x"), "Text to image"),
    (FrameRequest(prompt="x", init_image="i.png"), "Image to image"),
    (FrameRequest(prompt="x", depth_image="d.png"), "Depth-guided"),
    (FrameRequest(prompt="x", depth_image="d.png", init_image="i.png"), "Depth-guided, image to image"),
    (ClipRequest(prompt="x"), "Text to video"),
    (ClipRequest(prompt="x", first_frame="f.png"), "Image to video"),
])
def test_a_requests_mode_in_words_names_every_image_it_starts_from(request_, label):
    assert request_.mode_label == label
