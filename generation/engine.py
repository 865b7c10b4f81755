"""The engine: a request in, an image or a clip out, with progress, cancel and warm pipelines.

Why it is shaped like this:
- **Validate first.** `generate` calls `validate` before touching a model, so a bad request costs nothing and reports
  every problem at once. Images are opened next (a missing one is a `RequestError` on its field), then the model.
- **Warm pipelines, bounded by memory.** Loading is the slow part, so loaded models stay in an LRU cache measured in
  parameter bytes (``cache_bytes``; default: 80 % of the GPU's memory when the default device is CUDA, 50 % of RAM
  on CPU). Loading a model evicts the least recently used ones until it fits. Mode variants (img2img, ControlNet,
  IP-Adapter, image-to-video) are pipelines over the cached base's modules (``from_pipe``-style, see
  `generation.pipelines.derive`): nothing is loaded twice.
- **Per-run state is per run.** Every run gets a fresh scheduler and a CPU ``torch.Generator`` seeded from the
  request, so the same request gives the same bytes (on CPU; on CUDA the same GPU, library versions and settings
  give the same picture).
- **Loading is a stage of its own**: ``on_loading(spec)`` says a model is about to load (seconds to a minute for
  real weights), so a caller can show it instead of "step 0".
- **Progress and cancel between steps**, from ``callback_on_step_end``: `Progress` after every step with a cheap
  latent preview every ``preview_every`` steps; when ``should_cancel()`` turns true the step callback raises a
  private `_Interrupt`, which leaves the pipeline at once (no VAE decode of the half-done latents, which costs seconds
  for a real clip) through the same ``finally`` blocks a normal run ends with (the IP-Adapter is detached, the lock
  released), and the engine raises `Canceled` in its place. Setting ``pipe._interrupt`` would stop the loop but
  still decode.
- **One run at a time per engine** (a lock): the IP-Adapter is attached to the shared UNet for the duration of a run.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image, ImageOps

from ._logs import log, megabytes, quiet_loading
from .errors import Canceled, GenerationError, ModelError, RequestError
from .models import ModelSpec, Registry
from .pipelines import Loaded, is_local, sd, sdxl, wan
from .pipelines._optimize import resolve_device, resolve_dtype
from .pipelines._preview import latent_preview
from .requests import ClipRequest, FrameRequest, effective_steps, resolve_model, validate

FAMILIES = {"sd": sd, "sdxl": sdxl, "wan": wan}
PREVIEW_LONGEST = 192


@dataclass(frozen=True)
class Progress:
    """After step ``step`` (1-based) of ``total`` denoising steps; ``preview`` every ``preview_every`` steps."""

    step: int
    total: int
    preview: Image.Image | None = None


@dataclass
class Output:
    kind: str  # "image" | "clip"
    image: Image.Image | None
    frames: list[Image.Image] | None
    fps: int | None
    seconds: float
    model: ModelSpec


def default_open(name: str) -> Image.Image:
    """Open an image by file path. The studio passes its own opener that reads from its storage."""
    with Image.open(name) as image:
        image.load()
        return image.copy()


def fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` as RGB, scaled to cover ``width`` x ``height`` and centre-cropped to it (never stretched)."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    if image.size == (width, height):
        return image
    return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)


def default_cache_bytes() -> int:
    if torch.cuda.is_available():
        return int(torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory * 0.8)
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.5)


class PipelineCache:
    """Loaded models by name, least recently used first, bounded by ``budget`` bytes of parameters.

    A model larger than the whole budget is still loaded (alone): refusing it would make it unusable.
    """

    def __init__(self, budget: int, load: Callable[[ModelSpec], Loaded]):
        self.budget = budget
        self._load = load
        self._entries: OrderedDict[str, Loaded] = OrderedDict()
        self._sizes: dict[str, int] = {}  # remembered after a first load, to make room before loading again

    def get(self, spec: ModelSpec) -> Loaded:
        if spec.name in self._entries:
            self._entries.move_to_end(spec.name)
            return self._entries[spec.name]
        self._evict(needed=self._sizes.get(spec.name) or _disk_bytes(spec), incoming=spec.name)
        loaded = self._load(spec)
        self._sizes[spec.name] = loaded.nbytes
        self._entries[spec.name] = loaded
        self._evict(needed=0, incoming=spec.name)
        return loaded

    def names(self) -> list[str]:
        """Cached model names, least recently used first."""
        return list(self._entries)

    def bytes_of(self, name: str) -> int:
        return self._sizes[name] if name in self._entries else 0

    @property
    def total_bytes(self) -> int:
        return sum(self._sizes[name] for name in self._entries)

    def clear(self) -> None:
        if self._entries:
            log.info("model cache emptied: %s", ", ".join(self._entries))
        self._entries.clear()
        _release_memory()

    def _evict(self, needed: int, incoming: str) -> None:
        evicted = False
        while len(self._entries) > (1 if needed == 0 else 0) and self.total_bytes + needed > self.budget:
            name, _ = self._entries.popitem(last=False)
            log.info(
                "evicted model %s (%s) to make room for %s (cache budget %s)",
                name,
                megabytes(self._sizes[name]),
                incoming,
                megabytes(self.budget),
            )
            evicted = True
        if evicted:
            _release_memory()


def _disk_bytes(spec: ModelSpec) -> int:
    """A first guess of a model's size before its first load: its weight files on disk (0 for a hub id)."""
    total = 0
    for source in (spec.source, spec.depth_controlnet):
        if source and is_local(source) and Path(source).expanduser().is_dir():
            total += sum(
                f.stat().st_size for f in Path(source).expanduser().rglob("*") if f.suffix in (".safetensors", ".bin")
            )
    return total


def _release_memory() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


class Engine:
    def __init__(
        self,
        registry: Registry,
        *,
        open_image: Callable[[str], Image.Image] = default_open,
        cache_bytes: int | None = None,
        compile: bool = False,
        preview_every: int = 4,
    ):
        self.registry = registry
        self.open_image = open_image
        self.compile = compile
        self.preview_every = preview_every
        self.cache = PipelineCache(default_cache_bytes() if cache_bytes is None else cache_bytes, self._load)
        self._lock = threading.Lock()

    def warm(self, name: str) -> None:
        """Load model ``name`` ahead of its first request (`ModelError` if it cannot load)."""
        spec = self.registry.get(name)
        with self._lock:
            self.cache.get(spec)

    def pipeline(self, request: FrameRequest | ClipRequest):
        """The diffusers pipeline that would run ``request`` (loading its model): for inspection and tests."""
        validate(request, self.registry)
        spec = resolve_model(request, self.registry)
        with self._lock:
            return FAMILIES[spec.family].pipeline_for(self.cache.get(spec), request)

    def generate(
        self,
        request: FrameRequest | ClipRequest,
        *,
        on_progress: Callable[[Progress], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        on_loading: Callable[[ModelSpec], None] | None = None,
    ) -> Output:
        """Run ``request``. ``on_loading(spec)`` is called before its model is loaded (it is not warm: the first
        job after a start, or after an eviction), ``on_progress`` after every denoising step."""
        started = time.perf_counter()
        validate(request, self.registry)
        spec = resolve_model(request, self.registry)
        images = self._open_images(request)
        if should_cancel is not None and should_cancel():
            raise Canceled("canceled before start")
        canceled_after: int | None = None
        with self._lock:
            if on_loading is not None and spec.name not in self.cache.names():
                on_loading(spec)
            loaded = self.cache.get(spec)
            callback = self._callback(spec, on_progress, should_cancel)
            generator = torch.Generator("cpu").manual_seed(request.seed)
            try:
                result = FAMILIES[spec.family].run(
                    loaded, request, images, steps=effective_steps(request), generator=generator, callback=callback
                )
            except _Interrupt as interrupt:
                canceled_after = interrupt.step
            except GenerationError:
                raise
            except torch.cuda.OutOfMemoryError as exc:
                self.cache.clear()
                raise ModelError(f"out of GPU memory running {spec.name!r}; the model cache was emptied") from exc
        if canceled_after is not None:
            # Raised outside the except block: the interrupt's traceback (which holds the run's latents) is dropped.
            raise Canceled(f"canceled after step {canceled_after}")
        seconds = time.perf_counter() - started
        if isinstance(request, ClipRequest):
            return Output(kind="clip", image=None, frames=result, fps=request.fps, seconds=seconds, model=spec)
        return Output(kind="image", image=result, frames=None, fps=None, seconds=seconds, model=spec)

    def _load(self, spec: ModelSpec) -> Loaded:
        device = resolve_device(spec)
        dtype = resolve_dtype(spec, device)
        started = time.perf_counter()
        with quiet_loading():
            loaded = FAMILIES[spec.family].load(spec, device, dtype, compile=self.compile)
        log.info(
            "loaded model %s (%s, %s, %s) in %.1f s: %s",
            spec.name,
            spec.family,
            device,
            str(dtype).removeprefix("torch."),
            time.perf_counter() - started,
            megabytes(loaded.nbytes),
        )
        return loaded

    def _open_images(self, request: FrameRequest | ClipRequest) -> dict:
        size = (request.width, request.height)
        wanted: dict[str, str] = {}
        if isinstance(request, FrameRequest):
            for name in ("init_image", "depth_image"):
                if getattr(request, name) is not None:
                    wanted[name] = getattr(request, name)
        elif request.first_frame is not None:
            wanted["first_frame"] = request.first_frame
        images: dict = {}
        errors: dict[str, str] = {}
        for field, name in wanted.items():
            try:
                images[field] = fit(self.open_image(name), *size)
            except Exception as exc:
                errors[field] = f"cannot open {name!r}: {_first_line(exc)}"
        if isinstance(request, FrameRequest) and request.reference_images:
            references = []
            for name in request.reference_images:
                try:
                    references.append(ImageOps.exif_transpose(self.open_image(name)).convert("RGB"))
                except Exception as exc:
                    errors["reference_images"] = f"cannot open {name!r}: {_first_line(exc)}"
                    break
            images["reference_images"] = references
        if errors:
            raise RequestError(errors)
        return images

    def _callback(self, spec: ModelSpec, on_progress, should_cancel):
        every = self.preview_every

        def on_step_end(pipe, i: int, t, kwargs: dict) -> dict:
            step = i + 1
            if on_progress is not None:
                preview = None
                if every and step % every == 0:
                    preview = latent_preview(kwargs["latents"], spec.family, longest=PREVIEW_LONGEST)
                on_progress(Progress(step=step, total=pipe.num_timesteps, preview=preview))
            if should_cancel is not None and should_cancel():
                pipe.maybe_free_model_hooks()  # what a pipeline does last in a normal run (offload hooks, caches)
                raise _Interrupt(step)
            return {}

        return on_step_end


class _Interrupt(Exception):
    """Raised from the step callback to leave the pipeline at once; `Engine.generate` turns it into `Canceled`."""

    def __init__(self, step: int):
        super().__init__(f"interrupted after step {step}")
        self.step = step


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
