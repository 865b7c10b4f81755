"""Previz Studio's generation library: requests in, storyboard frames and clips out.

A plain library in the spirit of diffusers: it never imports Django (a test enforces it), states device and dtype
explicitly, and raises concise errors (`generation.errors`) instead of fixing things silently.

    requests.py   FrameRequest / ClipRequest, validate, request_from_dict
    models.py     ModelSpec and the Registry built from STUDIO_MODELS
    engine.py     Engine.generate: progress, cancel, warm pipelines in a memory-bounded LRU cache
    pipelines/    one module per family (sd, sdxl, wan); _optimize.py holds the CUDA speed-ups
    outputs.py    PNG with the request inside, thumbnails, previews, MP4
    tiny.py       tiny random-weight models, built offline (the defaults and the test models)
    bench.py      python -m generation.bench

Importing this package is cheap (no torch): `engine`, `pipelines`, `tiny` builders and `bench` import torch and
diffusers when they are imported themselves.
"""

from .errors import Canceled, GenerationError, ModelError, RequestError
from .models import ModelSpec, Registry
from .requests import ClipRequest, FrameRequest, request_from_dict, validate

__all__ = [
    "Canceled",
    "ClipRequest",
    "FrameRequest",
    "GenerationError",
    "ModelError",
    "ModelSpec",
    "Registry",
    "RequestError",
    "request_from_dict",
    "validate",
]
