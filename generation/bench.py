"""``python -m generation.bench``: how fast generation runs, and how far from the hardware's floor.

On CUDA (what the issue asks of a GPU): full-size architectures with random weights (the compute is the same as with
real weights, and nothing is downloaded): the SD 1.5 UNet at 512² (25 steps) and the SDXL UNet at 1024² (30 steps),
each at batch 1 and batch 4, and (``--only wan``) the Wan 2.1 1.3B transformer on a short 832x480 clip. Each runs in
three set-ups:
  1. eager: float32, the classic (non-SDPA) attention processor where the model has one;
  2. optimised: bfloat16 + SDPA + channels_last + fused QKV projections, applied by ``_optimize.speed_up``, the very
     helper the engine applies on CUDA;
  3. the same + regional ``torch.compile`` (``compile_repeated_blocks``), what ``Engine(compile=True)`` does.
`FrameRequest` has no batch size (the engine makes one image per request), so batch 4 is measured at the model level,
as a pipeline called with ``num_images_per_prompt=4`` runs it: the denoiser on 2x4 latents (classifier-free guidance),
then the VAE decoding four latents (one at a time, as with VAE slicing: four 1024² float32 decodes at once need tens of
GiB). Reported: denoiser steps/s, seconds per image ((steps x step time + decodes) / batch; text encoding is left out),
the FLOPs of one step (``torch.utils.flop_counter``), model FLOP utilisation (achieved FLOP/s over the GPU's dense bf16
datasheet peak, for every set-up, so the float32 rows show what float32 leaves on the table) and peak GPU memory.

On CPU (no GPU): the engine's overhead over a bare diffusers call on the tiny SD pipeline: the same prompt, seed,
size and steps through ``Engine.generate`` and through one ``StableDiffusionPipeline`` loaded once, on one torch
thread, both warmed up, runs interleaved (alternating which goes first), medians of several repeats. The outputs must
be bit-identical (checked), so both do the same work.

Each result is written as a section between ``<!-- bench:generation:<slug> -->`` markers in docs/benchmarks.md
(``--out``); a section with the same slug is replaced, every other section is left as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import torch

from . import _logs  # noqa: F401 (quiet loading warnings before diffusers is imported)

# Dense (no sparsity) bfloat16 tensor-core peaks from NVIDIA's datasheets, TFLOP/s; the first name contained in
# torch.cuda.get_device_name() wins, so the more specific names come first.
PEAK_BF16_TFLOPS = (
    ("H100 PCIe", 756.0),
    ("H100 NVL", 835.0),
    ("H100", 989.0),  # SXM5
    ("H200", 989.0),
    ("A100", 312.0),
    ("L40S", 362.0),
    ("L40", 181.0),
    ("L4", 121.0),
    ("A10", 125.0),
)

SD15_UNET = dict(
    sample_size=64,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=768,
    attention_head_dim=8,
)
SDXL_UNET = dict(
    sample_size=128,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(320, 640, 1280),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    transformer_layers_per_block=(1, 2, 10),
    attention_head_dim=(5, 10, 20),
    cross_attention_dim=2048,
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=256,
    projection_class_embeddings_input_dim=2816,
)
SD_VAE = dict(
    block_out_channels=(128, 256, 512, 512),
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    layers_per_block=2,
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
)
WAN_1_3B = dict(
    patch_size=(1, 2, 2),
    num_attention_heads=12,
    attention_head_dim=128,
    in_channels=16,
    out_channels=16,
    text_dim=4096,
    freq_dim=256,
    ffn_dim=8960,
    num_layers=30,
    cross_attn_norm=True,
    qk_norm="rms_norm_across_heads",
    eps=1e-6,
    rope_max_seq_len=1024,
)


@dataclass
class Case:
    key: str  # what --only names
    title: str
    steps: int  # steps of a real run (the seconds per image count these)
    timed_steps: int  # steps actually timed, after two warm-up steps
    build: Callable  # (dtype, device, batch) -> (denoiser, step_fn, decode_fn)
    batches: tuple[int, ...] = (1, 4)


@dataclass
class Row:
    case: str
    batch: int
    setup: str
    steps_s: float
    s_per_image: float
    tflop_step: float | None
    mfu: float | None
    peak_gib: float
    note: str = ""


def _sd_case(config: dict, vae_size: int, latent: int, extra_shapes: dict | None):
    """A UNet + VAE pair at full size; ``extra_shapes`` are SDXL's added conditions, per guidance pass."""

    def build(dtype, device, batch):
        from diffusers import AutoencoderKL, UNet2DConditionModel

        torch.manual_seed(0)
        with torch.device(device):
            unet = UNet2DConditionModel(**config).to(dtype).eval()
            vae = AutoencoderKL(**SD_VAE, sample_size=vae_size).to(dtype).eval()
        rows = 2 * batch  # classifier-free guidance: conditional and unconditional in one batch
        sample = torch.randn(rows, 4, latent, latent, device=device, dtype=dtype)
        text = torch.randn(rows, 77, config["cross_attention_dim"], device=device, dtype=dtype)
        t = torch.tensor([500.0] * rows, device=device)
        added = None
        if extra_shapes:
            added = {k: torch.randn(rows, width, device=device, dtype=dtype) for k, width in extra_shapes.items()}

        def step():
            return unet(sample, t, encoder_hidden_states=text, added_cond_kwargs=added, return_dict=False)[0]

        def decode():
            return [vae.decode(sample[i : i + 1], return_dict=False)[0] for i in range(batch)]

        return unet, step, decode

    return build


def _wan_case(frames: int, height: int, width: int, config: dict = WAN_1_3B, vae_config: dict | None = None):
    def build(dtype, device, batch):
        from diffusers import AutoencoderKLWan, WanTransformer3DModel

        torch.manual_seed(0)
        with torch.device(device):
            transformer = WanTransformer3DModel(**config).to(dtype).eval()
            keep = transformer._keep_in_fp32_modules or []
            for name, module in transformer.named_modules():  # as from_pretrained(dtype=...) keeps them
                if any(part in keep for part in name.split(".")):
                    module.float()
            vae = AutoencoderKLWan(**(vae_config or {})).to(dtype).eval()
        latent_frames = (frames - 1) // 4 + 1
        sample = torch.randn(batch, 16, latent_frames, height // 8, width // 8, device=device, dtype=dtype)
        text = torch.randn(batch, 512, config["text_dim"], device=device, dtype=dtype)
        t = torch.tensor([500.0] * batch, device=device)

        def step():  # the pipeline runs the conditional and unconditional passes one after the other
            transformer(sample, t, encoder_hidden_states=text, return_dict=False)
            return transformer(sample, t, encoder_hidden_states=text, return_dict=False)[0]

        def decode():
            return [vae.decode(sample[i : i + 1], return_dict=False)[0] for i in range(batch)]

        return transformer, step, decode

    return build


CASES = [
    Case("sd15", "SD 1.5 UNet + VAE, 512x512, 25 steps", 25, 10, _sd_case(SD15_UNET, 512, 64, None)),
    Case(
        "sdxl",
        "SDXL UNet + VAE, 1024x1024, 30 steps",
        30,
        6,
        _sd_case(SDXL_UNET, 1024, 128, {"text_embeds": 1280, "time_ids": 6}),
    ),
    Case("wan", "Wan 2.1 1.3B, 832x480, 33 frames, 25 steps", 25, 3, _wan_case(33, 480, 832), batches=(1,)),
]
DEFAULT_CASES = ("sd15", "sdxl")

EAGER = "eager float32"
OPTIMISED = "bf16 + SDPA + channels_last + fused QKV"
COMPILED = "+ regional compile"
SETUPS = (EAGER, OPTIMISED, COMPILED)


def _sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed(fn, repeats: int, device: torch.device) -> float:
    _sync(device)
    started = time.perf_counter()
    for _ in range(repeats):
        fn()
    _sync(device)
    return (time.perf_counter() - started) / repeats


def peak_tflops(gpu_name: str) -> float | None:
    return next((peak for name, peak in PEAK_BF16_TFLOPS if name in gpu_name), None)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:160]


def run_cases(
    cases: list[Case],
    device: torch.device | None = None,
    setups: tuple[str, ...] = SETUPS,
    *,
    keep_going: bool = True,
    log=None,
) -> tuple[list[Row], list[str]]:
    """Every case at every batch size in every set-up on ``device`` (CUDA in earnest; the tests dry-run it on CPU
    with tiny configs). With ``keep_going`` a set-up that fails (out of memory, a compile error) becomes a row
    saying so, and the others still run."""
    from diffusers.models.attention_processor import AttnProcessor
    from torch.utils.flop_counter import FlopCounterMode

    from .pipelines._optimize import speed_up

    device = device or torch.device("cuda")
    on_cuda = device.type == "cuda"
    peak = peak_tflops(torch.cuda.get_device_name(device)) if on_cuda else None
    rows: list[Row] = []
    notes: list[str] = []
    for case in cases:
        for batch in case.batches:
            flops = None
            for setup in setups:
                if log:
                    log(f"{case.title}, batch {batch}, {setup} ...")
                if on_cuda:
                    torch.cuda.empty_cache()
                    torch.cuda.reset_peak_memory_stats(device)
                note = ""
                try:
                    dtype = torch.float32 if setup == EAGER else torch.bfloat16
                    denoiser, step, decode = case.build(dtype, device, batch)
                    if setup == EAGER:
                        if "UNet" in type(denoiser).__name__:
                            denoiser.set_attn_processor(AttnProcessor())
                        else:
                            note = "SDPA (no classic processor)"
                    else:
                        speed_up(denoiser, compile=setup == COMPILED)
                    with torch.inference_mode():
                        warm_started = time.perf_counter()
                        step()
                        step()
                        decode()
                        _sync(device)
                        if setup == COMPILED:
                            note = f"compile + warm-up {time.perf_counter() - warm_started:.0f} s"
                        if flops is None and setup != COMPILED:
                            with FlopCounterMode(display=False) as counter:
                                step()
                            flops = counter.get_total_flops()
                        per_step = _timed(step, case.timed_steps, device)
                        decode_s = _timed(decode, 1, device)
                except Exception as exc:
                    if not keep_going:
                        raise
                    rows.append(Row(case.title, batch, setup, 0.0, 0.0, None, None, 0.0, f"failed: {_first_line(exc)}"))
                    continue
                finally:
                    denoiser = step = decode = None
                achieved = flops / per_step if flops else None
                rows.append(
                    Row(
                        case.title,
                        batch,
                        setup,
                        1 / per_step,
                        (case.steps * per_step + decode_s) / batch,
                        flops / 1e12 if flops else None,
                        achieved / (peak * 1e12) if achieved and peak else None,
                        torch.cuda.max_memory_allocated(device) / 2**30 if on_cuda else 0.0,
                        note,
                    )
                )
            if flops:
                notes.append(
                    f"{case.title}, batch {batch}: {flops / 1e12:.2f} TFLOP per step (both guidance passes)"
                    + (f"; floor {flops / (peak * 1e12) * 1000:.1f} ms per step at {peak:.0f} TFLOP/s" if peak else "")
                )
    return rows, notes


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _driver_version() -> str:
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        return done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine(device: torch.device) -> dict[str, str]:
    """What ran the benchmark, for the section's header."""
    import diffusers

    info = {
        "date": date.today().isoformat(),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores",
        "gpu": "none",
        "software": f"Python {platform.python_version()}, torch {torch.__version__}, diffusers {diffusers.__version__}",
    }
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        info["gpu"] = (
            f"{name}, driver {_driver_version()}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}"
        )
        info["gpu_name"] = name
    return info


def gpu_markdown(info: dict[str, str], rows: list[Row], notes: list[str]) -> str:
    peak = peak_tflops(info.get("gpu_name", ""))
    lines = [
        f"## Generation on GPU: {info.get('gpu_name', 'no GPU')}",
        "",
        f"Run {info['date']} with `python -m generation.bench`. GPU: {info['gpu']}. CPU: {info['cpu']}. "
        f"{info['software']}. Random weights, full-size architectures; the optimised set-ups are applied with "
        "`generation.pipelines._optimize.speed_up`, the engine's own helper.",
        "",
        "| model | batch | set-up | steps/s | s per image | TFLOP per step | MFU | peak GiB | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        if r.steps_s == 0:
            lines.append(f"| {r.case} | {r.batch} | {r.setup} | – | – | – | – | – | {r.note} |")
            continue
        tflop = f"{r.tflop_step:.2f}" if r.tflop_step else "–"
        mfu = f"{r.mfu * 100:.0f} %" if r.mfu is not None else "–"
        peak_gib = f"{r.peak_gib:.1f}" if r.peak_gib else "–"
        lines.append(
            f"| {r.case} | {r.batch} | {r.setup} | {r.steps_s:.2f} | {r.s_per_image:.3f} | {tflop} | {mfu} | "
            f"{peak_gib} | {r.note} |"
        )
    lines += [
        "",
        "- steps/s: denoiser steps per second, both classifier-free guidance passes included (batch 4 = 8 latents).",
        "- s per image: (steps x step time + VAE decodes) / batch; text encoding and scheduler arithmetic left out.",
        "- MFU: FLOPs of a step (`torch.utils.flop_counter`) / step time / the GPU's dense bf16 datasheet peak"
        + (f" ({peak:.0f} TFLOP/s)" if peak else " (not in the table: MFU left out)")
        + ", the same peak for every set-up.",
        "- `FrameRequest` has no batch size (one image per request); batch 4 is measured on the models directly,"
        " as `num_images_per_prompt=4` would run them.",
    ]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


# --- CPU: the engine's overhead over a bare diffusers call ---------------------------------------------------------


@dataclass
class OverheadRow:
    size: int
    steps: int
    repeats: int
    bare_s: float
    engine_s: float
    pair_ratio: float  # median of engine/bare over the interleaved pairs
    identical: bool

    @property
    def ratio(self) -> float:
        return self.engine_s / self.bare_s


def engine_overhead(
    directory: str | Path, sizes: tuple[int, ...] = (64, 128), steps: int = 20, repeats: int = 7, log=None
) -> list[OverheadRow]:
    """``Engine.generate`` against ``StableDiffusionPipeline.__call__`` on the tiny SD model in ``directory``
    (built there if needed), in the calling thread's torch settings."""
    import numpy as np
    from diffusers import StableDiffusionPipeline

    from . import FrameRequest, Registry, tiny
    from ._logs import quiet_loading
    from .engine import Engine

    tiny.build(directory)
    registry = Registry.from_config(tiny.default_models(directory))
    engine = Engine(registry)
    engine.warm("sd-tiny")
    with quiet_loading():
        bare = StableDiffusionPipeline.from_pretrained(
            registry.get("sd-tiny").source, safety_checker=None, requires_safety_checker=False
        )
    bare.set_progress_bar_config(disable=True)
    rows = []
    for size in sizes:
        request = FrameRequest(prompt="a lighthouse at dusk", width=size, height=size, steps=steps, seed=1)

        def run_bare(request=request, size=size):
            return bare(
                prompt=request.prompt,
                num_inference_steps=steps,
                guidance_scale=request.guidance,
                width=size,
                height=size,
                generator=torch.Generator("cpu").manual_seed(request.seed),
                output_type="pil",
            ).images[0]

        def run_engine(request=request):
            return engine.generate(request).image

        identical = np.array_equal(np.asarray(run_bare()), np.asarray(run_engine()))  # and the warm-up
        times: dict[str, list[float]] = {"bare": [], "engine": []}
        for i in range(repeats):
            order = (("bare", run_bare), ("engine", run_engine))
            for name, fn in order if i % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
        row = OverheadRow(
            size,
            steps,
            repeats,
            statistics.median(times["bare"]),
            statistics.median(times["engine"]),
            statistics.median(e / b for e, b in zip(times["engine"], times["bare"], strict=True)),
            identical,
        )
        if log:
            log(f"{size}x{size}: bare {row.bare_s:.3f} s, engine {row.engine_s:.3f} s, ratio {row.ratio:.3f}")
        rows.append(row)
    return rows


def cpu_markdown(info: dict[str, str], threads: int, rows: list[OverheadRow], notes: list[str] = ()) -> str:
    lines = [
        "## Generation on CPU: the engine's overhead over bare diffusers",
        "",
        f"Run {info['date']} with `python -m generation.bench` (no GPU). CPU: {info['cpu']} (shared with other "
        f"work), torch on {threads} thread(s). {info['software']}. Tiny random-weight SD pipeline "
        "(`generation.tiny`), the same prompt, seed, size and steps through `Engine.generate` and through one "
        "`StableDiffusionPipeline` loaded once; both warmed up, runs interleaved (alternating which goes first), "
        "medians. Target: engine / bare ≤ 1.05.",
        "",
        "| size | steps | repeats | bare diffusers s | engine s | engine / bare (medians) | median of paired ratios "
        "| same pixels |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.size}x{r.size} | {r.steps} | {r.repeats} | {r.bare_s:.3f} | {r.engine_s:.3f} | {r.ratio:.3f} | "
            f"{r.pair_ratio:.3f} | {'yes' if r.identical else 'NO'} |"
        )
    lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines).rstrip() + "\n"


def write_section(path: Path, slug: str, body: str) -> None:
    """Put ``body`` between this slug's markers in ``path``: replace that section if present, else append it."""
    start, end = f"<!-- bench:generation:{slug} -->", f"<!-- /bench:generation:{slug} -->"
    section = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generation.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument(
        "--only",
        choices=[case.key for case in CASES],
        action="append",
        help=f"CUDA: run only these cases (repeatable; default: {' '.join(DEFAULT_CASES)})",
    )
    parser.add_argument("--batch", type=int, action="append", help="CUDA: only these batch sizes (repeatable)")
    parser.add_argument("--no-compile", action="store_true", help="CUDA: skip the regional-compile set-up")
    parser.add_argument("--repeats", type=int, default=7, help="CPU: interleaved repeats per size (default 7)")
    parser.add_argument("--threads", type=int, default=1, help="CPU: torch threads for both sides (default 1)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if torch.cuda.is_available():
        device = torch.device("cuda")
        keys = args.only or list(DEFAULT_CASES)
        cases = [case for case in CASES if case.key in keys]
        if args.batch:
            cases = [
                Case(c.key, c.title, c.steps, c.timed_steps, c.build, tuple(b for b in c.batches if b in args.batch))
                for c in cases
            ]
        setups = tuple(s for s in SETUPS if not (args.no_compile and s == COMPILED))
        rows, notes = run_cases(cases, device, setups, log=log)
        info = machine(device)
        body = gpu_markdown(info, rows, notes)
        slug = slugify(f"cuda {info['gpu_name']} {' '.join(sorted(keys))}")
    else:
        log("no GPU: measuring the engine's overhead over bare diffusers on the CPU")
        torch.set_num_threads(args.threads)
        with tempfile.TemporaryDirectory() as directory:
            rows = engine_overhead(directory, repeats=args.repeats, log=log)
        body = cpu_markdown(machine(torch.device("cpu")), args.threads, rows)
        slug = "cpu-engine-overhead"
    print(body)
    write_section(args.out, slug, body)
    print(f"wrote section bench:generation:{slug} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
