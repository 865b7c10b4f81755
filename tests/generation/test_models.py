import pytest

from generation import ModelError, Registry
from generation.errors import ConfigError
from generation.tiny import default_models


def test_default_models_make_a_registry(tmp_path):
    registry = Registry.from_config(default_models(tmp_path))

    assert registry.names() == ["sd-tiny", "sdxl-tiny", "wan-tiny"]
    assert registry.default_for("frame").name == "sd-tiny"
    assert registry.default_for("clip").name == "wan-tiny"
    assert [spec.smoke_test for spec in registry] == [True, True, True]
    assert registry.get("sd-tiny").label == "Smoke-test SD (tiny, random weights)"
    assert registry.get("sd-tiny").modes == {"text-to-image", "image-to-image", "depth"}
    assert registry.get("sd-tiny").supports_references is True
    assert registry.get("sdxl-tiny").modes == {"text-to-image", "image-to-image"}
    assert registry.get("sdxl-tiny").supports_references is False
    assert registry.get("wan-tiny").modes == {"text-to-video", "image-to-video"}
    assert registry.get("sd-tiny").ip_adapter["image_encoder_folder"] == "image_encoder"
    assert "wan-tiny" in registry
    assert len(registry) == 3


def test_a_registry_without_clip_models_has_no_clip_default(tmp_path):
    registry = Registry.from_config(default_models(tmp_path)[:2])

    assert registry.default_for("clip") is None


def test_get_an_unknown_model():
    registry = Registry.from_config([{"name": "a", "family": "sd", "source": "/m/a"}])

    with pytest.raises(ModelError, match="unknown model 'b' \\(configured: a\\)"):
        registry.get("b")


def test_from_config_reports_every_bad_field():
    config = [
        {"name": "a b", "family": "flux", "source": "", "dtype": "half", "extra": 1},
        {
            "name": "wan",
            "family": "wan",
            "source": "/m/wan",
            "device": "tpu",
            "depth_controlnet": "/m/cn",
            "ip_adapter": {"source": "/m/ip"},
            "clip_modes": ["text-to-video", "video-to-video"],
        },
        {"name": "sd", "family": "sd", "source": "/m/sd", "ip_adapter": {"source": "/m/ip"}, "smoke_test": "yes"},
        {"name": "sd", "family": "sd", "source": "/m/sd2", "ip_adapter": {"source": "/m/ip", "weight_name": "x.ckpt"}},
        "sd",
    ]

    with pytest.raises(ConfigError) as caught:
        Registry.from_config(config)

    assert caught.value.errors == {
        "models[0].extra": "unknown field",
        "models[0].name": "must be 1-64 letters, digits, '.', '_' or '-'",
        "models[0].family": "must be one of: sd, sdxl, wan",
        "models[0].source": "must be a path",
        "models[0].dtype": "must be one of: auto, float32, bfloat16, float16",
        "models[1].device": "must be auto, cpu, cuda or cuda:N",
        "models[1].depth_controlnet": "only sd and sdxl models take a depth ControlNet",
        "models[1].ip_adapter": "only sd and sdxl models take an IP-Adapter",
        "models[1].clip_modes": "must be a non-empty list of: text-to-video, image-to-video",
        "models[2].smoke_test": "must be true or false",
        "models[2].ip_adapter": "needs weight_name",
        "models[3].ip_adapter": "weight_name must end in .safetensors or .bin",
        "models[4]": "must be an object",
    }
    assert isinstance(caught.value, ModelError)


def test_from_config_refuses_duplicate_names_and_a_non_list():
    with pytest.raises(ConfigError) as caught:
        Registry.from_config(
            [{"name": "a", "family": "sd", "source": "/a"}, {"name": "a", "family": "sd", "source": "/b"}]
        )
    assert caught.value.errors == {"models[1].name": "duplicate name 'a'"}

    with pytest.raises(ConfigError) as caught:
        Registry.from_config({"name": "a"})
    assert caught.value.errors == {"models": "must be a list of model objects"}


def test_label_defaults_to_the_name():
    registry = Registry.from_config([{"name": "sd15", "family": "sd", "source": "/m/sd15"}])

    spec = registry.get("sd15")
    assert (spec.label, spec.dtype, spec.device, spec.smoke_test, spec.kind) == ("sd15", "auto", "auto", False, "frame")


@pytest.mark.parametrize(("family", "smoke_test", "aspect", "steps", "size"), [
    ("sd", False, "2.39", 28, (792, 328)),
    ("sd", False, "1.0", 28, (512, 512)),
    ("sdxl", False, "1.78", 30, (1368, 768)),
    ("wan", False, "2.39", 30, (736, 304)),  # multiples of 16 for Wan
    ("wan", False, "1.78", 30, (640, 352)),
    ("sd", True, "2.39", 4, (160, 64)),
    ("wan", True, "2.39", 4, (160, 64)),
    ("sd", True, "4.0", 4, (208, 64)),  # never under 64 a side
])
def test_a_spec_gives_the_defaults_of_its_family(family, smoke_test, aspect, steps, size):
    spec = Registry.from_config([{"name": "m", "family": family, "source": "/m", "smoke_test": smoke_test}]).get("m")

    assert spec.default_steps == steps
    assert spec.default_size(aspect) == size
    assert all(side % spec.size_multiple == 0 for side in spec.default_size(aspect))
