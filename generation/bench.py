"""``python -m generation.bench``: how fast the denoisers run, and how far from the hardware's floor.

On CUDA it builds full-size architectures with random weights (the compute is the same as with real weights, and
nothing is downloaded): the SD 1.5 UNet at 512², the SDXL UNet at 1024² with 30 steps, and the Wan 2.1 1.3B
transformer on a short 832x480 clip. Each runs in three set-ups, the same ones `generation.pipelines._optimize` applies:
  1. eager: float32, the classic (non-SDPA) attention processor where the model has one;
  2. bfloat16 + SDPA + channels_last + fused QKV projections;
  3. the same + regional ``torch.compile`` (``compile_repeated_blocks``).
It reports denoiser it/s (classifier-free guidance included: two passes' worth of work per step), seconds per image
or clip (steps / it/s + one VAE decode; text encoding is left out), peak GPU memory, and the ratio to the FLOP floor:
the FLOPs of one step, counted with ``torch.utils.flop_counter``, over the GPU's dense bf16 peak.

On CPU it runs the tiny random-weight models through the `Engine` only, and says so: those figures measure the
plumbing, not a model.

The result is written as a section between ``<!-- bench:generation:<slug> -->`` markers in docs/benchmarks.md
(``--out``); a section with the same slug is replaced, every other section is left as it is.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import torch

PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0, "A10": 125.0}

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
    title: str
    steps: int
    timed_steps: int
    build: object  # (dtype, device) -> (denoiser, step_fn, decode_fn)


@dataclass
class Row:
    case: str
    setup: str
    it_s: float
    seconds: float
    peak_gib: float
    floor_ratio: float | None
    note: str = ""


def _sd_case(config: dict, vae_size: int, latent: int, batch_extra: dict | None):
    def build(dtype, device):
        from diffusers import AutoencoderKL, UNet2DConditionModel

        torch.manual_seed(0)
        with torch.device(device):
            unet = UNet2DConditionModel(**config).to(dtype).eval()
            vae = AutoencoderKL(**SD_VAE, sample_size=vae_size).to(dtype).eval()
        sample = torch.randn(2, 4, latent, latent, device=device, dtype=dtype)
        text = torch.randn(2, 77, config["cross_attention_dim"], device=device, dtype=dtype)
        t = torch.tensor([500.0] * 2, device=device)
        added = None
        if batch_extra:
            added = {k: torch.randn(*shape, device=device, dtype=dtype) for k, shape in batch_extra.items()}

        def step():
            return unet(sample, t, encoder_hidden_states=text, added_cond_kwargs=added, return_dict=False)[0]

        def decode():
            return vae.decode(sample[:1], return_dict=False)[0]

        return unet, step, decode

    return build


def _wan_case(frames: int, height: int, width: int, config: dict = WAN_1_3B, vae_config: dict | None = None):
    def build(dtype, device):
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
        sample = torch.randn(1, 16, latent_frames, height // 8, width // 8, device=device, dtype=dtype)
        text = torch.randn(1, 512, config["text_dim"], device=device, dtype=dtype)
        t = torch.tensor([500.0], device=device)

        def step():  # the pipeline runs the conditional and unconditional passes one after the other
            transformer(sample, t, encoder_hidden_states=text, return_dict=False)
            return transformer(sample, t, encoder_hidden_states=text, return_dict=False)[0]

        def decode():
            return vae.decode(sample, return_dict=False)[0]

        return transformer, step, decode

    return build


CASES = [
    Case("SD 1.5 UNet, 512x512, 25 steps", 25, 25, _sd_case(SD15_UNET, 512, 64, None)),
    Case(
        "SDXL UNet, 1024x1024, 30 steps",
        30,
        30,
        _sd_case(SDXL_UNET, 1024, 128, {"text_embeds": (2, 1280), "time_ids": (2, 6)}),
    ),
    Case("Wan 2.1 1.3B, 832x480, 33 frames, 25 steps", 25, 5, _wan_case(33, 480, 832)),
]


def _sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed(fn, repeats: int) -> float:
    _sync()
    started = time.perf_counter()
    for _ in range(repeats):
        fn()
    _sync()
    return (time.perf_counter() - started) / repeats


def _peak_tflops() -> float | None:
    name = torch.cuda.get_device_name()
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


SETUPS = ("eager float32", "bf16 + SDPA + channels_last + fused QKV", "+ regional compile")


def run_cases(
    cases: list[Case], device: torch.device | None = None, setups: tuple[str, ...] = SETUPS
) -> tuple[str, list[Row], list[str]]:
    """Run every case in every set-up on ``device`` (CUDA in earnest; the tests run it on CPU with tiny configs)."""
    from diffusers.models.attention_processor import AttnProcessor
    from torch.utils.flop_counter import FlopCounterMode

    from .pipelines._optimize import compile_denoiser

    device = device or torch.device("cuda")
    on_cuda = device.type == "cuda"
    peak = _peak_tflops() if on_cuda else None
    rows: list[Row] = []
    notes: list[str] = []
    for case in cases:
        flops = None
        for setup in setups:
            if on_cuda:
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats()
            dtype = torch.float32 if setup == "eager float32" else torch.bfloat16
            denoiser, step, decode = case.build(dtype, device)
            note = ""
            if setup == "eager float32":
                if "UNet" in type(denoiser).__name__:
                    denoiser.set_attn_processor(AttnProcessor())
                else:
                    note = "SDPA (no classic processor)"
            else:
                if "UNet" in type(denoiser).__name__:
                    denoiser.to(memory_format=torch.channels_last)
                if hasattr(denoiser, "fuse_qkv_projections"):
                    denoiser.fuse_qkv_projections()
                if setup == "+ regional compile":
                    compile_denoiser(denoiser)
            with torch.inference_mode():
                warm_started = time.perf_counter()
                step()
                step()
                _sync()
                if setup == "+ regional compile":
                    note = f"compile + warm-up {time.perf_counter() - warm_started:.0f} s"
                if flops is None and dtype == torch.bfloat16:
                    with FlopCounterMode(display=False) as counter:
                        step()
                    flops = counter.get_total_flops()
                per_step = _timed(step, case.timed_steps)
                decode_s = _timed(decode, 1)
            seconds = case.steps * per_step + decode_s
            floor = flops / (peak * 1e12) if flops and peak else None
            rows.append(
                Row(
                    case.title,
                    setup,
                    1 / per_step,
                    seconds,
                    torch.cuda.max_memory_allocated() / 2**30 if on_cuda else 0.0,
                    per_step / floor if floor else None,
                    note,
                )
            )
            del denoiser, step, decode
        if flops:
            notes.append(
                f"{case.title}: {flops / 1e12:.2f} TFLOP per step (both guidance passes)"
                + (f", floor {flops / (peak * 1e12) * 1000:.0f} ms/step at {peak:.0f} TFLOP/s" if peak else "")
            )
    return (torch.cuda.get_device_name() if on_cuda else "CPU"), rows, notes


def run_cpu() -> tuple[str, list[Row], list[str]]:
    from . import ClipRequest, FrameRequest, Registry, tiny
    from .engine import Engine

    with tempfile.TemporaryDirectory() as directory:
        tiny.build(directory)
        engine = Engine(Registry.from_config(tiny.default_models(directory)))
        cases = [
            ("tiny SD, 64x64, 4 steps", FrameRequest(prompt="a lighthouse", width=64, height=64, steps=4)),
            (
                "tiny SDXL, 64x64, 4 steps",
                FrameRequest(prompt="a lighthouse", model="sdxl-tiny", width=64, height=64, steps=4),
            ),
            ("tiny Wan, 16x16, 9 frames, 4 steps", ClipRequest(prompt="waves", width=16, height=16, frames=9, steps=4)),
        ]
        rows = []
        for title, request in cases:
            engine.generate(request)  # load and warm up
            times = []
            for _ in range(3):
                started = time.perf_counter()
                engine.generate(request)
                times.append(time.perf_counter() - started)
            seconds = statistics.median(times)
            rows.append(
                Row(
                    title,
                    "float32 eager",
                    request.steps / seconds,
                    seconds,
                    0.0,
                    None,
                    "it/s includes encode and decode",
                )
            )
    return (
        f"CPU ({platform.processor() or platform.machine()})",
        rows,
        [
            "No CUDA device: tiny random-weight models only. These figures measure the library's plumbing "
            "(loading aside), not a model's speed; run this on a GPU for real numbers."
        ],
    )


def markdown(device: str, rows: list[Row], notes: list[str]) -> str:
    import diffusers

    lines = [
        f"## Generation ({device})",
        "",
        f"Run {date.today().isoformat()} with `python -m generation.bench` on {device}; Python "
        f"{platform.python_version()}, torch {torch.__version__}, diffusers {diffusers.__version__}. "
        "Random weights, full-size architectures on CUDA.",
        "",
        "| model | set-up | it/s | s per image/clip | peak GiB | × FLOP floor | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio = f"{r.floor_ratio:.1f}" if r.floor_ratio else "–"
        peak = f"{r.peak_gib:.1f}" if r.peak_gib else "–"
        lines.append(f"| {r.case} | {r.setup} | {r.it_s:.2f} | {r.seconds:.2f} | {peak} | {ratio} | {r.note} |")
    lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


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
        "--only", choices=["sd15", "sdxl", "wan"], action="append", help="run only these CUDA cases (repeatable)"
    )
    args = parser.parse_args(argv)
    if torch.cuda.is_available():
        keys = {"sd15": 0, "sdxl": 1, "wan": 2}
        cases = [CASES[keys[k]] for k in args.only] if args.only else CASES
        device, rows, notes = run_cases(cases)
        slug = slugify(f"cuda {device}")
    else:
        print("no CUDA device: benchmarking the tiny models on the CPU only", file=sys.stderr)
        device, rows, notes = run_cpu()
        slug = "cpu-tiny"
    body = markdown(device, rows, notes)
    print(body)
    write_section(args.out, slug, body)
    print(f"wrote section bench:generation:{slug} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
