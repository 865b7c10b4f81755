"""What the studio asks for: `FrameRequest` (one storyboard image) and `ClipRequest` (a short clip).

Requests are frozen dataclasses with explicit fields, never ad-hoc dicts passed through layers. Images are named,
never embedded: the engine opens them through its ``open_image`` callable, so a request stays a small JSON-safe value
that the Django side can store with a job and that `generation.outputs` writes into every PNG.

`validate` checks a request against a `Registry` and reports every problem at once (field → concise message), so the
form can show them all, and so nothing half-runs: a request that passes `validate` only fails later on a missing image
or a model that cannot load.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, get_args, get_origin, get_type_hints

from .errors import RequestError

if TYPE_CHECKING:
    from .models import ModelSpec, Registry

QUALITIES = ("standard", "draft")
MODE_LABELS = {"text-to-image": "Text to image", "image-to-image": "Image to image", "depth": "Depth-guided",
               "text-to-video": "Text to video", "image-to-video": "Image to video"}
MAX_REFERENCES = 4
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class FrameRequest:
    """One image. ``depth_image`` (a depth map) wins over ``init_image``: both together is depth ControlNet
    image-to-image. ``reference_images`` are character references fed through the model's IP-Adapter."""

    prompt: str
    negative_prompt: str = ""
    width: int = 512
    height: int = 512
    steps: int = 25
    guidance: float = 7.0
    seed: int = 0
    model: str = ""
    init_image: str | None = None
    strength: float = 0.6
    depth_image: str | None = None
    depth_scale: float = 1.0
    reference_images: tuple[str, ...] = ()
    reference_scale: float = 0.6
    quality: str = "standard"

    kind = "frame"

    @property
    def mode(self) -> str:
        if self.depth_image is not None:
            return "depth"
        if self.init_image is not None:
            return "image-to-image"
        return "text-to-image"

    @property
    def from_image(self) -> bool:
        """Denoising starts from ``init_image`` (image-to-image), whether or not a depth map guides it too."""
        return self.init_image is not None

    @property
    def mode_label(self) -> str:
        """The mode in words, with what it starts from: a depth-guided frame that also starts from an image (the
        colour render of a capture) is "Depth-guided, image to image", not only "Depth-guided"."""
        if self.mode == "depth" and self.from_image:
            return "Depth-guided, image to image"
        return MODE_LABELS[self.mode]

    @property
    def uses_references(self) -> bool:
        return len(self.reference_images) > 0

    def to_dict(self) -> dict:
        return _to_dict(self)


@dataclass(frozen=True)
class ClipRequest:
    """A clip of ``frames`` frames at ``fps``; ``first_frame`` (an image name) makes it image-to-video."""

    prompt: str
    negative_prompt: str = ""
    width: int = 480
    height: int = 320
    frames: int = 33
    fps: int = 16
    steps: int = 25
    guidance: float = 5.0
    seed: int = 0
    model: str = ""
    first_frame: str | None = None
    quality: str = "standard"

    kind = "clip"

    @property
    def mode(self) -> str:
        return "image-to-video" if self.first_frame is not None else "text-to-video"

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]

    @property
    def uses_references(self) -> bool:
        return False

    def to_dict(self) -> dict:
        return _to_dict(self)


Request = FrameRequest | ClipRequest
_CLASSES = {"frame": FrameRequest, "clip": ClipRequest}


def _to_dict(request: FrameRequest | ClipRequest) -> dict:
    out: dict = {"kind": request.kind}
    for f in fields(request):
        value = getattr(request, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def _type_errors(cls: type, values: dict) -> dict[str, str]:
    """Field → message for every value of the wrong type (bool is not a number; an int is a fine float)."""
    hints = get_type_hints(cls)
    errors: dict[str, str] = {}
    for name, value in values.items():
        hint = hints[name]
        optional = type(None) in get_args(hint)
        base = next((a for a in get_args(hint) if a is not type(None)), hint) if optional else hint
        if value is None:
            if not optional:
                errors[name] = "must not be null"
            continue
        if get_origin(base) is tuple:
            ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            message = "must be a list of image names"
        elif base is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            message = "must be a number"
        elif base is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            message = "must be an integer"
        else:
            ok = isinstance(value, str)
            message = "must be a string"
        if not ok:
            errors[name] = message
    return errors


def request_from_dict(data: object) -> FrameRequest | ClipRequest:
    """The inverse of ``to_dict``. Raises `RequestError` on a missing or unknown kind, unknown fields, a missing
    prompt and values of the wrong type. Values are not range-checked here: that is `validate`'s job."""
    if not isinstance(data, dict):
        raise RequestError({"request": "must be an object"})
    kind = data.get("kind")
    if kind not in _CLASSES:
        raise RequestError({"kind": "must be 'frame' or 'clip'"})
    cls = _CLASSES[kind]
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k != "kind"}
    errors = {k: "unknown field" for k in values if k not in names}
    if "prompt" not in values:
        errors["prompt"] = "is required"
    errors.update(_type_errors(cls, {k: v for k, v in values.items() if k in names}))
    if errors:
        raise RequestError(errors)
    if "reference_images" in values:
        values["reference_images"] = tuple(values["reference_images"])
    for name, hint in get_type_hints(cls).items():
        if name in values and hint is float:
            values[name] = float(values[name])
    return cls(**values)


def _between(errors: dict, name: str, value, low, high, message: str | None = None) -> None:
    if name not in errors and not (low <= value <= high):
        errors[name] = message or f"must be between {low} and {high}"


def effective_steps(request: FrameRequest | ClipRequest) -> int:
    """Denoising steps the model is asked for: draft quality halves them (at least 4, never more than asked)."""
    if request.quality == "draft":
        return min(request.steps, max(4, request.steps // 2))
    return request.steps


def cost(request: FrameRequest | ClipRequest) -> int:
    """What a request costs a worker, in pixel-steps: width × height × the steps it runs × frames."""
    frames = request.frames if isinstance(request, ClipRequest) else 1
    return request.width * request.height * effective_steps(request) * frames


def validate(request: FrameRequest | ClipRequest, registry: Registry) -> None:
    """Raise `RequestError` listing every problem with ``request`` for ``registry``; return None when it can run."""
    if not isinstance(request, FrameRequest | ClipRequest):
        raise RequestError({"request": "must be a FrameRequest or a ClipRequest"})
    errors = _type_errors(type(request), {f.name: getattr(request, f.name) for f in fields(request)})
    is_clip = isinstance(request, ClipRequest)

    if "prompt" not in errors and not request.prompt.strip():
        errors["prompt"] = "must not be empty"
    low, high = (16, 1280) if is_clip else (64, 2048)
    for name in ("width", "height"):
        if name in errors:
            continue
        value = getattr(request, name)
        if value % 8:
            errors[name] = "must be a multiple of 8"
        else:
            _between(errors, name, value, low, high)
    _between(errors, "steps", request.steps, 1, 150)
    _between(errors, "guidance", request.guidance, 0, 30)
    _between(errors, "seed", request.seed, 0, SEED_MAX)
    if "quality" not in errors and request.quality not in QUALITIES:
        errors["quality"] = f"must be one of: {', '.join(QUALITIES)}"

    if is_clip:
        _between(errors, "frames", request.frames, 1, 129)
        _between(errors, "fps", request.fps, 1, 60)
        if "first_frame" not in errors and request.first_frame is not None and not request.first_frame.strip():
            errors["first_frame"] = "must be an image name"
    else:
        _between(errors, "strength", request.strength, 0, 1, "must be more than 0 and at most 1")
        if "strength" not in errors and request.strength == 0:
            errors["strength"] = "must be more than 0 and at most 1"
        _between(errors, "depth_scale", request.depth_scale, 0, 2)
        _between(errors, "reference_scale", request.reference_scale, 0, 1)
        for name in ("init_image", "depth_image"):
            value = getattr(request, name)
            if name not in errors and value is not None and not value.strip():
                errors[name] = "must be an image name"
        if "reference_images" not in errors:
            if len(request.reference_images) > MAX_REFERENCES:
                errors["reference_images"] = f"at most {MAX_REFERENCES} reference images"
            elif any(not name.strip() for name in request.reference_images):
                errors["reference_images"] = "must be image names"
        if (
            request.init_image is not None
            and not {"strength", "steps", "quality"} & errors.keys()
            and int(effective_steps(request) * request.strength) < 1
        ):
            errors["strength"] = f"too low for {effective_steps(request)} steps: no denoising step would run"

    if "model" not in errors:
        spec = _model_errors(request, registry, errors)
        if spec is not None and spec.family == "wan":
            for name in ("width", "height"):
                if name not in errors and getattr(request, name) % 16:
                    errors[name] = "must be a multiple of 16 for Wan models"
            if "frames" not in errors and (request.frames - 1) % 4:
                errors["frames"] = "must be one more than a multiple of 4 for Wan models (e.g. 9, 33, 81)"
    if errors:
        raise RequestError(errors)


def resolve_model(request: FrameRequest | ClipRequest, registry: Registry) -> ModelSpec | None:
    """The spec that runs ``request``: the named model, or the registry's default for its kind."""
    if request.model:
        return next((spec for spec in registry if spec.name == request.model), None)
    return registry.default_for(request.kind)


def _model_errors(request: FrameRequest | ClipRequest, registry: Registry, errors: dict) -> ModelSpec | None:
    spec = resolve_model(request, registry)
    if spec is None:
        errors["model"] = f"unknown model {request.model!r}" if request.model else f"no {request.kind} model is set up"
        return None
    if spec.kind != request.kind:
        what = "clips" if request.kind == "clip" else "frames"
        errors["model"] = f"model {spec.name!r} cannot make {what}"
        return None
    if request.mode not in spec.modes:
        if request.mode == "depth":
            errors["depth_image"] = f"model {spec.name!r} has no depth ControlNet"
        elif request.mode == "image-to-video":
            errors["first_frame"] = f"model {spec.name!r} cannot start a clip from an image"
        else:
            errors["model"] = f"model {spec.name!r} does not do {request.mode}"
    if request.uses_references and not spec.supports_references:
        errors["reference_images"] = f"model {spec.name!r} has no IP-Adapter"
    return spec
