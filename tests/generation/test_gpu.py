"""CUDA only (skipped elsewhere): bfloat16 with the speed-ups, and regional compilation."""

import numpy as np
import pytest

from generation import FrameRequest, Registry
from generation.engine import Engine
from generation.tiny import default_models


def cuda_registry(tiny_dir) -> Registry:
    config = default_models(tiny_dir)
    for model in config:
        model["device"] = "cuda"
    return Registry.from_config(config)


@pytest.mark.gpu
def test_bfloat16_on_cuda_is_deterministic(tiny_dir, open_image):
    import torch

    engine = Engine(cuda_registry(tiny_dir), open_image=open_image)
    request = FrameRequest(prompt="a lighthouse", width=64, height=64, steps=4, seed=3)

    first, again = engine.generate(request), engine.generate(request)

    loaded = engine.cache.get(engine.registry.get("sd-tiny"))
    assert loaded.dtype == torch.bfloat16
    assert loaded.pipe.unet.device.type == "cuda"
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))
    assert not np.array_equal(
        np.asarray(first.image),
        np.asarray(engine.generate(FrameRequest(prompt="a lighthouse", width=64, height=64, steps=4, seed=4)).image),
    )


@pytest.mark.gpu
def test_compiled_engine_runs_every_family(tiny_dir, open_image):
    from generation import ClipRequest

    engine = Engine(cuda_registry(tiny_dir), open_image=open_image, compile=True)

    image = engine.generate(FrameRequest(prompt="a lighthouse", width=64, height=64, steps=2)).image
    frames = engine.generate(ClipRequest(prompt="waves", width=16, height=16, frames=9, steps=2)).frames

    assert image.size == (64, 64)
    assert len(frames) == 9
