"""One module per pipeline family (`sd`, `sdxl`, `wan`), each with the same two functions:

- ``load(spec, device, dtype) -> Loaded``: read the weights once (base pipeline, plus a depth ControlNet and
  IP-Adapter assets where the spec has them), move them to the device, apply `_optimize`.
- ``run(loaded, request, images, *, steps, generator, callback) -> PIL image | list of PIL frames``: derive the
  pipeline for the request's mode with `derive` (``from_pipe``'s shared weights, a fresh scheduler) and call it.

The families repeat each other a little on purpose (diffusers' "a little repetition beats a hasty abstraction"):
an SDXL quirk should be fixed in ``sdxl.py`` without reading through a shared base class.

This module holds what every family needs to load: where a source lives, and how many bytes a loaded model holds.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .. import _logs  # noqa: F401 (its warning filters must be in place before diffusers and transformers load)
from ..errors import ModelError
from ..models import ModelSpec
from ..sources import is_local, source_kwargs  # the families import them from here


@dataclass
class Loaded:
    """A model in memory: the base pipeline and whatever its variants add (``extras``: ``controlnet``,
    ``ip_state_dict``, ``image_encoder``, ``feature_extractor``)."""

    spec: ModelSpec
    pipe: Any
    device: torch.device
    dtype: torch.dtype
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        """Bytes of parameters and buffers of every module (and tensor) this model holds."""
        seen: set[int] = set()
        total = 0
        modules = [c for c in self.pipe.components.values() if isinstance(c, torch.nn.Module)]
        modules += [v for v in self.extras.values() if isinstance(v, torch.nn.Module)]
        for module in modules:
            for tensor in [*module.parameters(), *module.buffers()]:
                if id(tensor) not in seen:
                    seen.add(id(tensor))
                    total += tensor.numel() * tensor.element_size()
        for part in (self.extras.get("ip_state_dict") or {}).values():
            total += sum(t.numel() * t.element_size() for t in part.values())
        return total


def load_error(what: str, source: str, exc: Exception) -> ModelError:
    """A concise `ModelError` for a model that exists but will not load (a bad config, missing weights)."""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    hint = (
        " (hub ids are read from the local Hugging Face cache only: download it first)" if not is_local(source) else ""
    )
    return ModelError(f"cannot load {what} from {source}: {first_line}{hint}")


def load_ip_adapter_assets(spec: ModelSpec, device: torch.device, dtype: torch.dtype) -> dict[str, Any]:
    """The IP-Adapter weights (kept as a state dict, attached to the UNet only for runs with references) and its
    CLIP image encoder, loaded once per model."""
    from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

    config = spec.ip_adapter or {}
    root, kwargs = source_kwargs(config["source"], "IP-Adapter")
    subfolder = config.get("subfolder") or ""
    weights = Path(root, subfolder, config["weight_name"]) if is_local(config["source"]) else None
    try:
        if weights is None:
            from huggingface_hub import hf_hub_download

            weights = Path(
                hf_hub_download(
                    config["source"], config["weight_name"], subfolder=subfolder or None, local_files_only=True
                )
            )
        if not weights.is_file():
            raise ModelError(f"IP-Adapter weights not found: {weights}")
        state_dict = _read_ip_adapter(weights)
        encoder_folder = config.get("image_encoder_folder") or "image_encoder"
        encoder_sub = encoder_folder if "/" in encoder_folder else Path(subfolder, encoder_folder).as_posix()
        image_encoder = CLIPVisionModelWithProjection.from_pretrained(
            root, subfolder=encoder_sub.lstrip("./") or None, dtype=dtype, **kwargs
        )
    except ModelError:
        raise
    except Exception as exc:
        raise load_error("IP-Adapter", config["source"], exc) from exc
    size = image_encoder.config.image_size
    return {
        "ip_state_dict": state_dict,
        "image_encoder": image_encoder.to(device).eval(),
        "feature_extractor": CLIPImageProcessor(size=size, crop_size=size),
    }


def _read_ip_adapter(path: Path) -> dict[str, dict[str, torch.Tensor]]:
    """Split an h94-style IP-Adapter file into diffusers' ``{"image_proj": ..., "ip_adapter": ...}`` dict."""
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        flat = load_file(str(path), device="cpu")
        state: dict[str, dict[str, torch.Tensor]] = {"image_proj": {}, "ip_adapter": {}}
        for key, tensor in flat.items():
            part, _, rest = key.partition(".")
            if part in state:
                state[part][rest] = tensor
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    if not state.get("image_proj") or not state.get("ip_adapter"):
        raise ModelError(f"not an IP-Adapter file (no image_proj/ip_adapter weights): {path}")
    return state


def attach_ip_adapter(pipe, loaded: Loaded, scale: float) -> dict:
    """Attach the IP-Adapter to the shared UNet for one run; return the processors to restore with
    `detach_ip_adapter`. The engine runs one request at a time, so the shared UNet is never seen half-changed."""
    saved = dict(pipe.unet.attn_processors)
    config = loaded.spec.ip_adapter or {}
    pipe.load_ip_adapter(
        loaded.extras["ip_state_dict"],
        subfolder=config.get("subfolder") or "",
        weight_name=config["weight_name"],
        image_encoder_folder=None,
        low_cpu_mem_usage=False,
    )
    pipe.set_ip_adapter_scale(scale)
    return saved


def detach_ip_adapter(pipe, saved: dict) -> None:
    """Undo `attach_ip_adapter`, restoring the exact processors the UNet had (fused QKV ones included)."""
    pipe.unload_ip_adapter()
    pipe.unet.set_attn_processor(saved)


def derive(cls, base, **overrides):
    """A ``cls`` pipeline over ``base``'s modules: what ``cls.from_pipe(base, **overrides)`` builds, minus its last
    step. ``from_pipe`` ends with ``pipeline.to(dtype)`` over every module (float32 unless told otherwise), which
    would recast the shared modules on every run, including the ones a model keeps in float32 on purpose (Wan's
    norms and time embedding stay float32 in a bfloat16 transformer), and log a warning each time. The pipeline
    is built from the same parts instead: modules from ``base.components``, settings (``expand_timesteps``,
    ``requires_safety_checker``, ...) from ``base.config``, then ``overrides``."""
    kwargs = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in overrides:
            kwargs[name] = overrides[name]
        elif name in base.components:
            kwargs[name] = base.components[name]
        elif name in base.config and not isinstance(base.config[name], list | tuple):
            kwargs[name] = base.config[name]
    unknown = set(overrides) - set(kwargs)
    if unknown:
        raise TypeError(f"{cls.__name__} takes no {', '.join(sorted(unknown))}")
    return cls(**kwargs)
