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


FRESH_WORKER = """
import logging, pkgutil, sys
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
import generation
for info in pkgutil.walk_packages(generation.__path__, prefix="generation."):
    __import__(info.name)
print("modules:", " ".join(sorted(name for name in sys.modules if name.startswith("generation."))))
print("django imported:", "django" in sys.modules)
import torch
torch.set_num_threads(1)
from PIL import Image
from generation import ClipRequest, FrameRequest, Registry, tiny
from generation.engine import Engine

engine = Engine(
    Registry.from_config(tiny.default_models(sys.argv[1])),
    open_image=lambda name: Image.new("RGB", (40, 40), (200, 30, 30)),
    cache_bytes=1,  # loading wan-tiny evicts sd-tiny
)
print("-- runs", file=sys.stderr, flush=True)
for _ in range(2):
    engine.generate(FrameRequest(prompt="x", width=64, height=64, steps=3, reference_images=("alice.png",)))
engine.generate(ClipRequest(prompt="x", width=16, height=16, frames=5, steps=3))
"""


@pytest.fixture(scope="session")
def fresh_worker(tiny_dir, tmp_path_factory):
    """A fresh interpreter that imports every `generation` module, then runs a worker's first jobs on the tiny
    models with INFO logging: (returncode, stdout, stderr). Shared, because starting torch costs seconds."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = tmp_path_factory.mktemp("fresh-worker") / "worker.py"
    script.write_text(FRESH_WORKER)
    done = subprocess.run(
        [sys.executable, str(script), str(tiny_dir)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return done.returncode, done.stdout, done.stderr
