"""Stable Diffusion 1.x / 2.x: text-to-image, image-to-image, depth ControlNet (with or without an init image) and
IP-Adapter character references.

One `StableDiffusionPipeline` is loaded per model; every other mode is a pipeline of another class over the same
UNet, VAE and text encoder (`generation.pipelines.derive`, ``from_pipe`` without its recast), so nothing is
loaded twice. Each run gets its own scheduler instance: schedulers keep per-run state and are not thread-safe.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from diffusers import (
    ControlNetModel,
    StableDiffusionControlNetImg2ImgPipeline,
    StableDiffusionControlNetPipeline,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionPipeline,
)
from PIL import Image

from ..errors import ModelError
from ..models import ModelSpec
from ..prompts import SD_CHUNKS, WINDOW
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

BASE = StableDiffusionPipeline


def load(spec: ModelSpec, device: torch.device, dtype: torch.dtype, *, compile: bool = False) -> Loaded:
    path, kwargs = source_kwargs(spec.source, "model")
    try:
        pipe = BASE.from_pretrained(path, dtype=dtype, safety_checker=None, requires_safety_checker=False, **kwargs)
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
        cls = StableDiffusionControlNetImg2ImgPipeline if request.init_image else StableDiffusionControlNetPipeline
        pipe = derive(cls, base, controlnet=loaded.extras["controlnet"], **shared)
    elif request.mode == "image-to-image":
        pipe = derive(StableDiffusionImg2ImgPipeline, base, **shared)
    else:
        pipe = derive(StableDiffusionPipeline, base, **shared)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def prompt_kwargs(pipe, request: FrameRequest) -> dict[str, Any]:
    """The prompt as the pipeline takes it. Text, as diffusers always had it, when the prompt and the negative prompt
    fit one CLIP window; else embeddings of up to `SD_CHUNKS` windows each, joined (`generation.prompts`: the long
    prompt handling chosen for SD), so the end of a long prompt (the look) is read too."""
    tokenizer = pipe.tokenizer
    ids = tokenizer(request.prompt, add_special_tokens=False, verbose=False).input_ids
    negative = tokenizer(request.negative_prompt or "", add_special_tokens=False, verbose=False).input_ids
    longest = max(len(ids), len(negative))
    if longest <= WINDOW:
        return {"prompt": request.prompt, "negative_prompt": request.negative_prompt or None}
    chunks = min(SD_CHUNKS, math.ceil(longest / WINDOW))
    return {"prompt_embeds": _embed(pipe, ids, chunks), "negative_prompt_embeds": _embed(pipe, negative, chunks)}


def _embed(pipe, ids: list[int], chunks: int) -> torch.Tensor:
    """``ids`` in ``chunks`` windows of 75 tokens, each between the start and end markers and padded, through the text
    encoder, joined along the sequence: ``[1, chunks * 77, width]``."""
    tokenizer, encoder = pipe.tokenizer, pipe.text_encoder
    rows = []
    for chunk in range(chunks):
        part = ids[chunk * WINDOW:(chunk + 1) * WINDOW]
        padding = [tokenizer.pad_token_id] * (WINDOW - len(part))
        rows.append([tokenizer.bos_token_id, *part, tokenizer.eos_token_id, *padding])
    with torch.no_grad():
        hidden = encoder(torch.tensor(rows, device=encoder.device))[0]
    return hidden.reshape(1, chunks * hidden.shape[1], hidden.shape[2]).to(encoder.dtype)


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
