"""Where a model runs and how fast: device and dtype resolution and the CUDA speed-ups, in one place.

On CUDA, in this order (each measured by ``python -m generation.bench``):
- bfloat16 weights ("auto" dtype): half the memory traffic of float32, and unlike float16 the SDXL VAE does not
  overflow in it;
- SDPA attention: diffusers' default attention processors already call ``F.scaled_dot_product_attention`` (flash /
  memory-efficient kernels); nothing to switch on, but nothing may switch it off either;
- channels_last memory format for the convolutional denoisers (UNet, ControlNet);
- ``fuse_qkv_projections()``: one matmul instead of three in every attention block;
- with ``compile=True``, regional ``torch.compile``: ``compile_repeated_blocks`` compiles the one transformer block
  class a model repeats (same speed as a whole-model compile at a fraction of the compile time); a model without
  ``_repeated_blocks`` gets its denoiser compiled whole.
On CPU: float32, eager, nothing else. Speed-ups there are not worth their risk, and CPU results must be bit-identical
from run to run (the tests compare bytes).
"""

from __future__ import annotations

import torch

from ..errors import ModelError
from ..models import ModelSpec

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def resolve_device(spec: ModelSpec) -> torch.device:
    if spec.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(spec.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ModelError(f"model {spec.name!r} asks for {spec.device} but this machine has no CUDA GPU")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ModelError(
                f"model {spec.name!r} asks for {spec.device}; this machine has {torch.cuda.device_count()} GPU(s)"
            )
    return device


def resolve_dtype(spec: ModelSpec, device: torch.device) -> torch.dtype:
    if spec.dtype == "auto":
        return torch.bfloat16 if device.type == "cuda" else torch.float32
    return _DTYPES[spec.dtype]


def optimize(denoiser: torch.nn.Module, *, device: torch.device, compile: bool, extra: tuple = ()) -> None:
    """Apply the CUDA speed-ups to a denoiser (UNet or transformer) and its helpers in ``extra`` (a ControlNet)."""
    if device.type != "cuda":
        return
    speed_up(denoiser, compile=compile, extra=extra)


def speed_up(denoiser: torch.nn.Module, *, compile: bool, extra: tuple = ()) -> None:
    """The speed-ups themselves, on any device: `optimize` applies them on CUDA, ``generation.bench`` measures them
    (and its tests dry-run them on the CPU). The weights' dtype is the caller's (``resolve_dtype``)."""
    for module in (denoiser, *extra):
        if module is None:
            continue
        if _is_conv_net(module):
            module.to(memory_format=torch.channels_last)
        if hasattr(module, "fuse_qkv_projections"):
            module.fuse_qkv_projections()
    if compile:
        compile_denoiser(denoiser)


def compile_denoiser(denoiser: torch.nn.Module) -> None:
    if getattr(denoiser, "_repeated_blocks", None):
        denoiser.compile_repeated_blocks(fullgraph=True)
    else:
        denoiser.compile(fullgraph=False)


def _is_conv_net(module: torch.nn.Module) -> bool:
    return any(isinstance(m, torch.nn.Conv2d) for m in module.modules())
