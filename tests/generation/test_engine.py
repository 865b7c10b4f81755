import numpy as np
import pytest

from generation import Canceled, ClipRequest, FrameRequest, ModelError, Registry, RequestError
from generation.engine import Engine, Progress
from generation.outputs import mp4_bytes, mp4_frame_count, png_bytes, read_png_request


def frame(**fields) -> FrameRequest:
    return FrameRequest(**{"prompt": "a lighthouse at dusk", "width": 64, "height": 64, "steps": 2, **fields})


def clip(**fields) -> ClipRequest:
    return ClipRequest(**{"prompt": "waves", "width": 16, "height": 16, "frames": 9, "steps": 2, "fps": 8, **fields})


def pixels(image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize(
    "request_",
    [
        frame(),
        frame(width=96, steps=3),
        frame(init_image="init.png", strength=0.5, steps=4),
        frame(depth_image="depth.png"),
        frame(depth_image="depth.png", init_image="init.png", strength=0.5, steps=4),
        frame(reference_images=("alice.png",)),
        frame(model="sdxl-tiny", width=64, height=96),
        frame(model="sdxl-tiny", init_image="init.png", steps=4),
    ],
    ids=["t2i", "t2i-wide", "img2img", "depth", "depth-img2img", "ip-adapter", "sdxl", "sdxl-img2img"],
)
def test_frames_come_out_at_the_asked_size_with_the_request_inside(engine, registry, request_):
    output = engine.generate(request_)

    assert (output.kind, output.frames, output.fps) == ("image", None, None)
    assert output.image.size == (request_.width, request_.height)
    assert output.model == registry.get(request_.model or "sd-tiny")
    assert output.seconds > 0
    stored = read_png_request(png_bytes(output.image, request_, model=output.model))
    assert stored["request"] == request_.to_dict()
    assert stored["model"] == {
        "name": output.model.name,
        "family": output.model.family,
        "label": output.model.label,
        "smoke_test": True,
    }


@pytest.mark.parametrize(
    "request_", [clip(first_frame="first.png"), clip(), clip(width=32, frames=5)], ids=["i2v", "t2v", "t2v-wide"]
)
def test_clips_have_the_asked_frames_and_size(engine, request_):
    output = engine.generate(request_)

    assert (output.kind, output.image, output.fps) == ("clip", None, 8)
    assert len(output.frames) == request_.frames
    assert {f.size for f in output.frames} == {(request_.width, request_.height)}
    assert output.model.name == "wan-tiny"
    assert mp4_frame_count(mp4_bytes(output.frames, output.fps)) == request_.frames


def test_same_request_same_bytes_other_seed_other_pixels(engine):
    first, again = engine.generate(frame(seed=7)), engine.generate(frame(seed=7))
    other = engine.generate(frame(seed=8))

    assert np.array_equal(pixels(first.image), pixels(again.image))
    assert png_bytes(first.image, frame(seed=7), model=first.model) == png_bytes(
        again.image, frame(seed=7), model=again.model
    )
    assert not np.array_equal(pixels(first.image), pixels(other.image))


def test_clips_are_deterministic_too(engine):
    first, again = (
        engine.generate(clip(first_frame="first.png", seed=3)),
        engine.generate(clip(first_frame="first.png", seed=3)),
    )
    other = engine.generate(clip(first_frame="first.png", seed=4))

    assert all(np.array_equal(pixels(a), pixels(b)) for a, b in zip(first.frames, again.frames, strict=True))
    assert not all(np.array_equal(pixels(a), pixels(b)) for a, b in zip(first.frames, other.frames, strict=True))


def test_the_reference_image_steers_the_picture(engine):
    alice = engine.generate(frame(reference_images=("alice.png",), reference_scale=1.0))
    alice_again = engine.generate(frame(reference_images=("alice.png",), reference_scale=1.0))
    bob = engine.generate(frame(reference_images=("bob.png",), reference_scale=1.0))
    plain = engine.generate(frame())

    assert np.array_equal(pixels(alice.image), pixels(alice_again.image))
    assert not np.array_equal(pixels(alice.image), pixels(bob.image))
    assert not np.array_equal(pixels(alice.image), pixels(plain.image))


def test_a_run_with_references_leaves_the_shared_unet_as_it_was(engine):
    before = engine.generate(frame(seed=11))
    engine.generate(frame(seed=11, reference_images=("alice.png", "bob.png")))
    after = engine.generate(frame(seed=11))

    assert np.array_equal(pixels(before.image), pixels(after.image))


def test_progress_once_per_step_with_a_preview_every_other_step(engine):
    seen: list[Progress] = []

    engine.generate(frame(steps=4), on_progress=seen.append)

    assert [(p.step, p.total) for p in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [p.preview is not None for p in seen] == [False, True, False, True]
    assert seen[1].preview.size == (192, 192)


def test_progress_counts_the_steps_that_actually_run(engine):
    img2img, draft, video = [], [], []

    engine.generate(frame(init_image="init.png", steps=8, strength=0.5), on_progress=img2img.append)
    engine.generate(frame(steps=10, quality="draft"), on_progress=draft.append)
    engine.generate(clip(steps=3), on_progress=video.append)

    assert [(p.step, p.total) for p in img2img] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [(p.step, p.total) for p in draft] == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert [(p.step, p.total) for p in video] == [(1, 3), (2, 3), (3, 3)]
    assert video[1].preview is not None


def test_cancel_after_step_two_raises_and_the_engine_still_works(engine):
    steps: list[int] = []

    with pytest.raises(Canceled):
        engine.generate(
            frame(steps=4), on_progress=lambda p: steps.append(p.step), should_cancel=lambda: len(steps) >= 2
        )

    assert steps == [1, 2]
    assert engine.generate(frame(steps=4)).image.size == (64, 64)


def _spy_on_decode(monkeypatch, engine, model: str) -> list:
    vae = engine.cache.get(engine.registry.get(model)).pipe.vae
    calls: list = []
    decode = vae.decode

    def spy(*args, **kwargs):
        calls.append(args)
        return decode(*args, **kwargs)

    monkeypatch.setattr(vae, "decode", spy)
    return calls


def test_a_cancel_stops_at_once_without_decoding_and_leaves_the_engine_as_a_fresh_one(
    engine, registry, open_image, monkeypatch
):
    base = engine.cache.get(registry.get("sd-tiny")).pipe
    processors = {name: type(p) for name, p in base.unet.attn_processors.items()}
    decodes = _spy_on_decode(monkeypatch, engine, "sd-tiny")
    steps: list[int] = []

    with pytest.raises(Canceled, match=r"^canceled after step 2$"):
        engine.generate(
            frame(steps=4, reference_images=("alice.png",)),
            on_progress=lambda p: steps.append(p.step),
            should_cancel=lambda: len(steps) >= 2,
        )

    assert steps == [1, 2]
    assert decodes == []
    assert not engine._lock.locked()
    assert {name: type(p) for name, p in base.unet.attn_processors.items()} == processors
    assert base.unet.encoder_hid_proj is None
    assert not getattr(base, "_interrupt", False)
    for request in (frame(seed=5), frame(seed=5, reference_images=("bob.png",))):
        again = engine.generate(request)
        fresh = Engine(registry, open_image=open_image).generate(request)
        assert np.array_equal(pixels(again.image), pixels(fresh.image))
    assert len(decodes) == 2  # the runs after the cancel do decode


def test_cancel_a_clip_without_decoding(engine, monkeypatch):
    decodes = _spy_on_decode(monkeypatch, engine, "wan-tiny")
    steps: list[int] = []

    with pytest.raises(Canceled, match=r"^canceled after step 2$"):
        engine.generate(
            clip(steps=4), on_progress=lambda p: steps.append(p.step), should_cancel=lambda: len(steps) >= 2
        )

    assert steps == [1, 2]
    assert decodes == []


def test_cancel_before_the_start_runs_nothing(engine):
    steps: list[int] = []

    with pytest.raises(Canceled):
        engine.generate(frame(), on_progress=lambda p: steps.append(p.step), should_cancel=lambda: True)

    assert steps == []


def test_variants_share_the_weights_and_own_their_scheduler(engine):
    t2i = engine.pipeline(frame())
    img2img = engine.pipeline(frame(init_image="init.png"))
    depth = engine.pipeline(frame(depth_image="depth.png"))
    depth_img2img = engine.pipeline(frame(depth_image="depth.png", init_image="init.png"))

    assert t2i.unet is img2img.unet is depth.unet is depth_img2img.unet
    assert t2i.vae is depth.vae
    assert t2i.text_encoder is img2img.text_encoder
    assert depth.controlnet is depth_img2img.controlnet
    assert len({id(p.scheduler) for p in (t2i, img2img, depth, depth_img2img)}) == 4
    assert type(t2i).__name__ == "StableDiffusionPipeline"
    assert type(depth_img2img).__name__ == "StableDiffusionControlNetImg2ImgPipeline"

    t2v, i2v = engine.pipeline(clip()), engine.pipeline(clip(first_frame="first.png"))
    assert t2v.transformer is i2v.transformer
    assert t2v.vae is i2v.vae
    assert (type(t2v).__name__, type(i2v).__name__) == ("WanPipeline", "WanImageToVideoPipeline")


def test_the_cache_evicts_the_least_recently_used_model(registry, open_image):
    sizes_engine = Engine(registry, open_image=open_image)
    for name in registry.names():
        sizes_engine.warm(name)
    sizes = {name: sizes_engine.cache.bytes_of(name) for name in registry.names()}
    budget = sizes["sd-tiny"] + max(sizes["sdxl-tiny"], sizes["wan-tiny"])
    engine = Engine(registry, open_image=open_image, cache_bytes=budget)

    engine.warm("sd-tiny")
    engine.warm("sdxl-tiny")
    engine.warm("sd-tiny")
    engine.warm("wan-tiny")

    assert engine.cache.names() == ["sd-tiny", "wan-tiny"]
    assert engine.cache.total_bytes <= budget


def test_a_cache_too_small_for_two_keeps_one(registry, open_image):
    engine = Engine(registry, open_image=open_image, cache_bytes=1)

    engine.warm("sd-tiny")
    engine.generate(frame(model="sdxl-tiny"))

    assert engine.cache.names() == ["sdxl-tiny"]


def test_a_missing_model_folder_is_a_model_error_naming_it(tmp_path):
    missing = tmp_path / "no-such-model"
    engine = Engine(Registry.from_config([{"name": "gone", "family": "sd", "source": str(missing)}]))

    with pytest.raises(ModelError) as caught:
        engine.generate(frame())

    assert str(caught.value) == f"model folder not found: {missing}"


def test_a_folder_that_is_not_a_model_is_a_model_error(tmp_path):
    (tmp_path / "empty").mkdir()
    engine = Engine(Registry.from_config([{"name": "empty", "family": "wan", "source": str(tmp_path / "empty")}]))

    with pytest.raises(ModelError, match=f"^cannot load model 'empty' from {tmp_path / 'empty'}: "):
        engine.warm("empty")


def test_a_missing_depth_controlnet_folder_is_named(tiny_dir, tmp_path):
    config = [
        {"name": "sd", "family": "sd", "source": str(tiny_dir / "sd-tiny"), "depth_controlnet": str(tmp_path / "depth")}
    ]
    engine = Engine(Registry.from_config(config))

    with pytest.raises(ModelError) as caught:
        engine.warm("sd")

    assert str(caught.value) == f"depth ControlNet folder not found: {tmp_path / 'depth'}"


def test_generate_validates_first(engine):
    with pytest.raises(RequestError) as caught:
        engine.generate(frame(model="sdxl-tiny", depth_image="depth.png", width=63))

    assert caught.value.errors == {
        "width": "must be a multiple of 8",
        "depth_image": "model 'sdxl-tiny' has no depth ControlNet",
    }


def test_an_image_that_cannot_be_opened_is_a_request_error(engine):
    with pytest.raises(RequestError) as caught:
        engine.generate(frame(init_image="nope.png", reference_images=("gone.png",)))

    assert caught.value.errors == {
        "init_image": "cannot open 'nope.png': no such image",
        "reference_images": "cannot open 'gone.png': no such image",
    }


def test_loading_a_cold_model_is_said_before_its_first_step_and_a_warm_one_is_not(registry, open_image):
    engine = Engine(registry, open_image=open_image)
    said: list[tuple[str, str]] = []

    engine.generate(frame(), on_loading=lambda spec: said.append(("loading", spec.name)),
                    on_progress=lambda p: said.append(("step", p.step)))
    engine.generate(frame(), on_loading=lambda spec: said.append(("loading", spec.name)),
                    on_progress=lambda p: said.append(("step", p.step)))

    assert said == [("loading", "sd-tiny"), ("step", 1), ("step", 2), ("step", 1), ("step", 2)]
