"""Fixtures for the generation library: the tiny models, built once per test session, and an engine over them.

The root conftest configures Django for the whole suite; nothing here needs it (the library never imports Django).
`gpu` tests are skipped here when there is no CUDA device.
"""

from __future__ import annotations

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _skip_gpu_without_cuda(request):
    if request.node.get_closest_marker("gpu") is not None:
        import torch

        if not torch.cuda.is_available():
            pytest.skip("needs a CUDA GPU")


@pytest.fixture(scope="session")
def _one_torch_thread():
    """The tiny models gain nothing from threads, and torch's spinning worker threads make them many times slower
    when another process is busy on the same cores (CI machines have two)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory, _one_torch_thread):
    from generation import tiny

    directory = tmp_path_factory.mktemp("tiny-models")
    tiny.build(directory)
    return directory


@pytest.fixture(scope="session")
def registry(tiny_dir):
    from generation import Registry, tiny

    return Registry.from_config(tiny.default_models(tiny_dir))


@pytest.fixture(scope="session")
def pictures():
    """Named test images; the engine opens them through ``open_image`` like the studio's storage."""
    gradient = Image.linear_gradient("L").resize((80, 48))
    return {
        "init.png": Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient)),
        "depth.png": Image.radial_gradient("L").resize((64, 64)).convert("RGB"),
        "alice.png": Image.new("RGB", (40, 40), (220, 40, 40)),
        "bob.png": Image.linear_gradient("L").convert("RGB").resize((40, 40)),
        "first.png": Image.new("RGB", (16, 16), (20, 120, 220)),
    }


@pytest.fixture(scope="session")
def open_image(pictures):
    def open_image(name: str) -> Image.Image:
        if name not in pictures:
            raise FileNotFoundError("no such image")
        return pictures[name].copy()

    return open_image


@pytest.fixture(scope="session")
def engine(registry, open_image):
    """One engine for the session: its models stay warm between tests, as in the worker."""
    from generation.engine import Engine

    return Engine(registry, open_image=open_image, preview_every=2)
