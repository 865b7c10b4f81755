"""Which models the studio can run, as data: a `ModelSpec` per model and a `Registry` of them.

The registry is built once from plain dicts (the ``STUDIO_MODELS`` JSON the Django settings read, or
`generation.tiny.default_models`), checked up front so a typo in a config fails at start-up with a concise message
instead of on the first job. A spec says what a model *can* do (`ModelSpec.modes`, `ModelSpec.kind`) without loading
it, so requests are validated before any weight is touched.

Sources are a local diffusers folder (``save_pretrained`` layout) or a hub id. Hub ids are only looked up in the local
Hugging Face cache: the studio never downloads weights while a user waits (see `generation.pipelines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

from .errors import ConfigError, ModelError

FAMILIES = ("sd", "sdxl", "wan")
DTYPES = ("auto", "float32", "bfloat16", "float16")
FRAME_MODES = ("text-to-image", "image-to-image", "depth")
CLIP_MODES = ("text-to-video", "image-to-video")
IP_ADAPTER_KEYS = ("source", "subfolder", "weight_name", "image_encoder_folder")

# What a request gets for what the person did not set: denoising steps, and the frame's size as about base² pixels.
FAMILY_DEFAULTS = {"sd": (28, 512), "sdxl": (30, 1024), "wan": (30, 480)}
SMOKE_TEST_DEFAULTS = (4, 104)  # 160×64 at 2.39:1: tiny, and fast on a CPU
MIN_DEFAULT_SIDE = 64

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DEVICE = re.compile(r"^(auto|cpu|cuda|cuda:\d+)$")


@dataclass(frozen=True)
class ModelSpec:
    """One configured model. Frozen: the engine caches pipelines by name and a spec never changes under it.

    ``ip_adapter`` is ``{"source", "weight_name", "subfolder" (default ""), "image_encoder_folder"
    (default "image_encoder", relative to ``subfolder`` like diffusers' ``load_ip_adapter``)}``.
    ``clip_modes`` (Wan only) says which clip modes the checkpoint does: Wan 2.2 TI2V does both, Wan 2.1 T2V only
    text-to-video; it cannot be read from a hub id without loading, so the config states it.
    """

    name: str
    family: str
    source: str
    dtype: str = "auto"
    device: str = "auto"
    label: str = ""
    smoke_test: bool = False
    depth_controlnet: str | None = None
    ip_adapter: dict | None = field(default=None, hash=False)
    clip_modes: tuple[str, ...] = CLIP_MODES

    @property
    def kind(self) -> str:
        """ "frame" for image models, "clip" for video models."""
        return "clip" if self.family == "wan" else "frame"

    @property
    def modes(self) -> frozenset[str]:
        if self.family == "wan":
            return frozenset(self.clip_modes)
        modes = {"text-to-image", "image-to-image"}
        if self.depth_controlnet:
            modes.add("depth")
        return frozenset(modes)

    @property
    def supports_references(self) -> bool:
        return self.ip_adapter is not None

    @property
    def default_steps(self) -> int:
        """Steps a request gets when the person did not set them."""
        return self._defaults[0]

    @property
    def size_multiple(self) -> int:
        """Width and height must be multiples of this (the VAE's 8; Wan's patches need 16)."""
        return 16 if self.family == "wan" else 8

    def default_size(self, aspect_ratio: float | str) -> tuple[int, int]:
        """Width and height of about ``base``² pixels with ``aspect_ratio`` (width / height), each a multiple of
        `size_multiple` and at least 64."""
        base, ratio, step = self._defaults[1], float(aspect_ratio), self.size_multiple
        width = round(base * ratio**0.5 / step) * step
        height = round(base / ratio**0.5 / step) * step
        return max(MIN_DEFAULT_SIDE, width), max(MIN_DEFAULT_SIDE, height)

    @property
    def _defaults(self) -> tuple[int, int]:
        return SMOKE_TEST_DEFAULTS if self.smoke_test else FAMILY_DEFAULTS[self.family]

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["clip_modes"] = list(self.clip_modes)
        return out


def _spec_errors(index: int, item: object) -> tuple[dict[str, str], ModelSpec | None]:
    """Check one config entry; return (errors, spec or None). Error keys look like ``models[0].family``."""
    where = f"models[{index}]"
    if not isinstance(item, dict):
        return {where: "must be an object"}, None
    errors: dict[str, str] = {}
    known = {f.name for f in fields(ModelSpec)}
    for key in item:
        if key not in known:
            errors[f"{where}.{key}"] = "unknown field"
    for key in ("name", "family", "source"):
        if key not in item:
            errors[f"{where}.{key}"] = "is required"

    def check(key: str, ok: bool, message: str) -> None:
        if key in item and not ok:
            errors[f"{where}.{key}"] = message

    name, family = item.get("name"), item.get("family")
    check("name", isinstance(name, str) and bool(_NAME.match(name)), "must be 1-64 letters, digits, '.', '_' or '-'")
    check("family", family in FAMILIES, f"must be one of: {', '.join(FAMILIES)}")
    check("source", isinstance(item.get("source"), str) and item.get("source", "").strip() != "", "must be a path")
    check("dtype", item.get("dtype") in DTYPES, f"must be one of: {', '.join(DTYPES)}")
    check(
        "device",
        isinstance(item.get("device"), str) and bool(_DEVICE.match(item["device"])),
        "must be auto, cpu, cuda or cuda:N",
    )
    check("label", isinstance(item.get("label"), str), "must be a string")
    check("smoke_test", isinstance(item.get("smoke_test"), bool), "must be true or false")
    depth = item.get("depth_controlnet")
    check(
        "depth_controlnet", depth is None or (isinstance(depth, str) and depth.strip() != ""), "must be a path or null"
    )
    if depth and family == "wan":
        errors[f"{where}.depth_controlnet"] = "only sd and sdxl models take a depth ControlNet"
    ip = item.get("ip_adapter")
    if ip is not None:
        if not isinstance(ip, dict):
            errors[f"{where}.ip_adapter"] = "must be an object or null"
        elif family == "wan":
            errors[f"{where}.ip_adapter"] = "only sd and sdxl models take an IP-Adapter"
        else:
            unknown = sorted(set(ip) - set(IP_ADAPTER_KEYS))
            missing = [k for k in ("source", "weight_name") if not isinstance(ip.get(k), str) or not ip.get(k)]
            if unknown:
                errors[f"{where}.ip_adapter"] = f"unknown keys: {', '.join(unknown)}"
            elif missing:
                errors[f"{where}.ip_adapter"] = f"needs {' and '.join(missing)}"
            elif not str(ip["weight_name"]).endswith((".safetensors", ".bin")):
                errors[f"{where}.ip_adapter"] = "weight_name must end in .safetensors or .bin"
    clip_modes = item.get("clip_modes")
    if clip_modes is not None:
        if family != "wan":
            errors[f"{where}.clip_modes"] = "only wan models have clip modes"
        elif not isinstance(clip_modes, list | tuple) or not clip_modes or any(m not in CLIP_MODES for m in clip_modes):
            errors[f"{where}.clip_modes"] = f"must be a non-empty list of: {', '.join(CLIP_MODES)}"
    if errors:
        return errors, None
    values = dict(item)
    if "clip_modes" in values:
        values["clip_modes"] = tuple(values["clip_modes"])
    if ip is not None:
        values["ip_adapter"] = {"subfolder": "", "image_encoder_folder": "image_encoder", **ip}
    values.setdefault("label", name)
    return {}, ModelSpec(**values)


class Registry:
    """The configured models, in config order (the first of a kind is its default)."""

    def __init__(self, specs: Iterable[ModelSpec]):
        self._specs: dict[str, ModelSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ConfigError({spec.name: "duplicate model name"})
            self._specs[spec.name] = spec

    @classmethod
    def from_config(cls, config: object) -> Registry:
        """Build from a list of dicts; raise `ConfigError` naming every bad field at once."""
        if not isinstance(config, list):
            raise ConfigError({"models": "must be a list of model objects"})
        errors: dict[str, str] = {}
        specs: list[ModelSpec] = []
        seen: set[str] = set()
        for index, item in enumerate(config):
            item_errors, spec = _spec_errors(index, item)
            errors.update(item_errors)
            if spec is not None:
                if spec.name in seen:
                    errors[f"models[{index}].name"] = f"duplicate name {spec.name!r}"
                seen.add(spec.name)
                specs.append(spec)
        if errors:
            raise ConfigError(errors)
        return cls(specs)

    def get(self, name: str) -> ModelSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise ModelError(f"unknown model {name!r} (configured: {', '.join(self._specs) or 'none'})") from None

    def names(self) -> list[str]:
        return list(self._specs)

    def default_for(self, kind: str) -> ModelSpec | None:
        """The first configured model of ``kind`` ("frame" or "clip"), or None when there is none."""
        if kind not in ("frame", "clip"):
            raise ValueError(f"kind must be 'frame' or 'clip', not {kind!r}")
        return next((spec for spec in self._specs.values() if spec.kind == kind), None)

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs
