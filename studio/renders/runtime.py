"""The generation engine as this process holds it: the model registry from settings, one warm engine,
and how the engine opens the images a request names (from the studio's storage, nowhere else)."""

from __future__ import annotations

import threading
from functools import cache

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from generation.models import Registry

# A request names images by storage name; only these folders may be named, so a request can never
# make the worker read another file of the server.
READABLE = ("inputs/", "references/", "takes/")

_engine = None
_engine_lock = threading.Lock()


@cache
def registry() -> Registry:
    """STUDIO_MODELS, or the tiny smoke-test models (``python -m generation.tiny``) when it is not set."""
    config = settings.STUDIO_MODELS
    if config is None:
        from generation.tiny import default_models

        config = default_models(settings.STUDIO_MODELS_DIR)
    return Registry.from_config(config)


def open_image(name: str) -> Image.Image:
    if not name.startswith(READABLE) or ".." in name.split("/"):
        raise ValueError(f"{name!r} is not an image a job may use")
    with default_storage.open(name, "rb") as handle:
        image = Image.open(handle)
        image.load()
    return image


def engine():
    """The process's engine, created on first use; its pipelines stay warm between jobs. (torch and
    diffusers are imported here, not when the web process starts: pages never need them.)"""
    global _engine
    with _engine_lock:
        if _engine is None:
            from generation.engine import Engine

            _engine = Engine(registry(), open_image=open_image, compile=settings.STUDIO_COMPILE,
                             cache_bytes=settings.STUDIO_MODEL_CACHE_BYTES)
        return _engine
