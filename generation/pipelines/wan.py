"""Wan: text-to-video and image-to-video clips.

The checkpoint is loaded with the pipeline class its ``model_index.json`` names (``WanPipeline`` for Wan 2.1 T2V and
Wan 2.2 TI2V, ``WanImageToVideoPipeline`` for Wan 2.1 I2V); the other mode is a pipeline of the other class over the
same transformer, VAE and UMT5 encoder (`generation.pipelines.derive`: ``from_pipe`` would recast the float32-kept
modules of a bfloat16 Wan transformer). What a checkpoint can do depends on its layout, checked here with a concise
error rather than a shape mismatch deep in the transformer:
- Wan 2.2 TI2V (``expand_timesteps``): one transformer does both; image-to-video pins the first latent frame;
- Wan 2.1 T2V (transformer input = VAE latent width): text-to-video only;
- Wan 2.1 I2V (wider transformer input, CLIP image encoder): image-to-video only.
Each run gets its own scheduler.
"""

from __future__ import annotations

from typing import Any

import torch
from diffusers import DiffusionPipeline, WanImageToVideoPipeline, WanPipeline
from PIL import Image

from ..errors import ModelError
from ..models import ModelSpec
from ..requests import ClipRequest
from . import Loaded, derive, load_error, source_kwargs
from ._optimize import optimize


def load(spec: ModelSpec, device: torch.device, dtype: torch.dtype, *, compile: bool = False) -> Loaded:
    path, kwargs = source_kwargs(spec.source, "model")
    try:
        pipe = DiffusionPipeline.from_pretrained(path, dtype=dtype, **kwargs)
    except Exception as exc:
        raise load_error(f"model {spec.name!r}", spec.source, exc) from exc
    if not isinstance(pipe, WanPipeline | WanImageToVideoPipeline):
        raise ModelError(f"model {spec.name!r} is a {type(pipe).__name__}, not a Wan pipeline")
    if getattr(pipe, "transformer_2", None) is not None:
        raise ModelError(f"model {spec.name!r} is a two-expert Wan 2.2 A14B checkpoint, which the studio does not run")
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    optimize(pipe.transformer, device=device, compile=compile)
    return Loaded(spec=spec, pipe=pipe, device=device, dtype=dtype)


def _supports(pipe, mode: str) -> bool:
    transformer, vae = pipe.transformer, pipe.vae
    if pipe.config.expand_timesteps:
        return True
    if mode == "text-to-video":
        return transformer.config.in_channels == vae.config.z_dim
    return transformer.config.image_dim is not None and getattr(pipe, "image_encoder", None) is not None


def pipeline_for(loaded: Loaded, request: ClipRequest):
    base = loaded.pipe
    if not _supports(base, request.mode):
        raise ModelError(
            f"model {loaded.spec.name!r}: this Wan checkpoint does not do {request.mode} (fix clip_modes in its config)"
        )
    cls = WanImageToVideoPipeline if request.mode == "image-to-video" else WanPipeline
    pipe = derive(cls, base, scheduler=type(base.scheduler).from_config(base.scheduler.config))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def run(
    loaded: Loaded, request: ClipRequest, images: dict[str, Any], *, steps: int, generator: torch.Generator, callback
) -> list[Image.Image]:
    pipe = pipeline_for(loaded, request)
    kwargs: dict[str, Any] = {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt or None,
        "height": request.height,
        "width": request.width,
        "num_frames": request.frames,
        "num_inference_steps": steps,
        "guidance_scale": request.guidance,
        "generator": generator,
        "output_type": "pil",
        "callback_on_step_end": callback,
        "callback_on_step_end_tensor_inputs": ["latents"],
    }
    if request.mode == "image-to-video":
        kwargs["image"] = images["first_frame"]
    return list(pipe(**kwargs).frames[0])
