"""Stable Diffusion XL: text-to-image, image-to-image, depth ControlNet (with or without an init image) and
IP-Adapter character references.

One `StableDiffusionXLPipeline` is loaded per model; every other mode is a pipeline of another class over the same
UNet, VAE and both text encoders (`generation.pipelines.derive`, ``from_pipe`` without its recast), so nothing is
loaded twice. Each run gets its own scheduler instance: schedulers keep per-run state and are not thread-safe.
"""

from __future__ import annotations

from typing import Any

import torch
from diffusers import (
    ControlNetModel,
    StableDiffusionXLControlNetImg2ImgPipeline,
    StableDiffusionXLControlNetPipeline,
    StableDiffusionXLImg2ImgPipeline,
    StableDiffusionXLPipeline,
)
from PIL import Image

from ..errors import ModelError
from ..models import ModelSpec
from ..prompts import WINDOW, count, split_at
from ..requests import FrameRequest
from . import (
    Loaded,
    attach_ip_adapter,
    derive,
    detach_ip_adapter,
    load_error,
    load_ip_adapter_assets,
    source_kwargs,
)
from ._optimize import optimize

BASE = StableDiffusionXLPipeline


def load(spec: ModelSpec, device: torch.device, dtype: torch.dtype, *, compile: bool = False) -> Loaded:
    path, kwargs = source_kwargs(spec.source, "model")
    try:
        pipe = BASE.from_pretrained(path, dtype=dtype, **kwargs)
    except Exception as exc:
        raise load_error(f"model {spec.name!r}", spec.source, exc) from exc
    extras: dict[str, Any] = {}
    if spec.depth_controlnet:
        cn_path, cn_kwargs = source_kwargs(spec.depth_controlnet, "depth ControlNet")
        try:
            extras["controlnet"] = ControlNetModel.from_pretrained(cn_path, dtype=dtype, **cn_kwargs).to(device)
        except Exception as exc:
            raise load_error("depth ControlNet", spec.depth_controlnet, exc) from exc
    if spec.ip_adapter:
        extras.update(load_ip_adapter_assets(spec, device, dtype))
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    optimize(pipe.unet, device=device, compile=compile, extra=(extras.get("controlnet"),))
    return Loaded(spec=spec, pipe=pipe, device=device, dtype=dtype, extras=extras)


def pipeline_for(loaded: Loaded, request: FrameRequest):
    """The pipeline that runs ``request``: the base's modules with a fresh scheduler."""
    base = loaded.pipe
    shared: dict[str, Any] = {
        "scheduler": type(base.scheduler).from_config(base.scheduler.config),
    }
    if request.uses_references:
        shared["image_encoder"] = loaded.extras["image_encoder"]
        shared["feature_extractor"] = loaded.extras["feature_extractor"]
    if request.mode == "depth":
        if "controlnet" not in loaded.extras:
            raise ModelError(f"model {loaded.spec.name!r} has no depth ControlNet loaded")
        cls = StableDiffusionXLControlNetImg2ImgPipeline if request.init_image else StableDiffusionXLControlNetPipeline
        pipe = derive(cls, base, controlnet=loaded.extras["controlnet"], **shared)
    elif request.mode == "image-to-image":
        pipe = derive(StableDiffusionXLImg2ImgPipeline, base, **shared)
    else:
        pipe = derive(StableDiffusionXLPipeline, base, **shared)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def prompt_kwargs(pipe, request: FrameRequest) -> dict[str, Any]:
    """The prompt as the pipeline takes it (`generation.prompts`: the long prompt handling chosen for SDXL is its two
    encoders). One that fits a CLIP window goes to both encoders, as diffusers always had it; a longer one is split
    between words: its first 75 tokens to the first encoder (``prompt``), the rest (the look) to the second
    (``prompt_2``). The same for the negative prompt."""
    kwargs: dict[str, Any] = {}
    for name, text in (("prompt", request.prompt), ("negative_prompt", request.negative_prompt or None)):
        if text and count(pipe.tokenizer, text) > WINDOW:
            kwargs[name], kwargs[f"{name}_2"] = split_at(pipe.tokenizer, text, WINDOW)
        else:
            kwargs[name] = text
    return kwargs


def run(
    loaded: Loaded, request: FrameRequest, images: dict[str, Any], *, steps: int, generator: torch.Generator, callback
) -> Image.Image:
    pipe = pipeline_for(loaded, request)
    kwargs: dict[str, Any] = {
        **prompt_kwargs(pipe, request),
        "num_inference_steps": steps,
        "guidance_scale": request.guidance,
        "generator": generator,
        "output_type": "pil",
        "callback_on_step_end": callback,
        "callback_on_step_end_tensor_inputs": ["latents"],
    }
    if request.mode == "depth":
        kwargs["controlnet_conditioning_scale"] = request.depth_scale
        kwargs.update(width=request.width, height=request.height)
        if request.init_image:
            kwargs.update(image=images["init_image"], control_image=images["depth_image"], strength=request.strength)
        else:
            kwargs["image"] = images["depth_image"]
    elif request.mode == "image-to-image":
        kwargs.update(image=images["init_image"], strength=request.strength)  # its size is the output size
    else:
        kwargs.update(width=request.width, height=request.height)
    if not request.uses_references:
        return pipe(**kwargs).images[0]
    saved = attach_ip_adapter(pipe, loaded, request.reference_scale)
    try:
        return pipe(**kwargs, ip_adapter_image=[list(images["reference_images"])]).images[0]
    finally:
        detach_ip_adapter(pipe, saved)
