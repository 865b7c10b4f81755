"""The benchmark's GPU path, run on tiny configs on the CPU, so a GPU session does not find its bugs; and its
section writer, which must leave every other section of docs/benchmarks.md alone."""

import pytest
import torch

from generation import bench

pytestmark = pytest.mark.usefixtures("_one_torch_thread")

TINY_UNET = dict(
    sample_size=8,
    in_channels=4,
    out_channels=4,
    layers_per_block=1,
    block_out_channels=(16, 32),
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=16,
    attention_head_dim=4,
    norm_num_groups=8,
)
TINY_XL_UNET = dict(
    TINY_UNET,
    addition_embed_type="text_time",
    addition_time_embed_dim=8,
    projection_class_embeddings_input_dim=16 + 6 * 8,
    use_linear_projection=True,
)
TINY_WAN = dict(
    patch_size=(1, 2, 2),
    num_attention_heads=2,
    attention_head_dim=8,
    in_channels=16,
    out_channels=16,
    text_dim=16,
    freq_dim=32,
    ffn_dim=16,
    num_layers=2,
    cross_attn_norm=True,
    qk_norm="rms_norm_across_heads",
    rope_max_seq_len=32,
)
TINY_WAN_VAE = dict(
    base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
)


@pytest.fixture
def tiny_vae(monkeypatch):
    monkeypatch.setattr(
        bench,
        "SD_VAE",
        {**bench.SD_VAE, "block_out_channels": (8, 8, 8, 8), "norm_num_groups": 4, "layers_per_block": 1},
    )


@pytest.mark.usefixtures("tiny_vae")
def test_the_gpu_benchmark_runs_on_tiny_configs(monkeypatch):
    from generation.pipelines import _optimize

    compiled = []
    monkeypatch.setattr(_optimize, "compile_denoiser", compiled.append)  # compiling on CPU takes minutes
    cases = [
        bench.Case("unet", "tiny unet", 3, 1, bench._sd_case(TINY_UNET, 64, 8, None), batches=(1, 4)),
        bench.Case(
            "xl", "tiny xl", 3, 1, bench._sd_case(TINY_XL_UNET, 64, 8, {"text_embeds": 16, "time_ids": 6}), batches=(4,)
        ),
        bench.Case("wan", "tiny wan", 3, 1, bench._wan_case(5, 16, 16, TINY_WAN, TINY_WAN_VAE), batches=(1,)),
    ]

    rows, notes = bench.run_cases(cases, torch.device("cpu"), keep_going=False)

    assert [(r.case, r.batch, r.setup) for r in rows] == [
        (case, batch, setup)
        for case, batches in (("tiny unet", (1, 4)), ("tiny xl", (4,)), ("tiny wan", (1,)))
        for batch in batches
        for setup in bench.SETUPS
    ]
    assert all(r.steps_s > 0 and r.s_per_image > 0 and r.tflop_step > 0 for r in rows)
    assert all(r.mfu is None for r in rows)  # no datasheet peak for a CPU
    assert len(compiled) == 4  # the compile set-up went through the engine's helper once per case and batch
    unet_1, unet_4 = rows[0].tflop_step, rows[3].tflop_step
    assert unet_4 == pytest.approx(4 * unet_1, rel=0.01)
    assert [n.split(":")[0] for n in notes] == [
        "tiny unet, batch 1",
        "tiny unet, batch 4",
        "tiny xl, batch 4",
        "tiny wan, batch 1",
    ]
    info = bench.machine(torch.device("cpu"))
    text = bench.gpu_markdown(info, rows, notes)
    assert info["gpu"] == "none"
    assert "| tiny wan | 1 | eager float32 |" in text
    assert "| tiny unet | 4 | + regional compile |" in text


@pytest.mark.usefixtures("tiny_vae")
def test_a_failing_setup_becomes_a_row_and_the_others_still_run():
    def build(dtype, device, batch):
        if dtype == torch.float32:
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return bench._sd_case(TINY_UNET, 64, 8, None)(dtype, device, batch)

    cases = [bench.Case("unet", "tiny unet", 2, 1, build, batches=(1,))]

    rows, _ = bench.run_cases(cases, torch.device("cpu"), setups=(bench.EAGER, bench.OPTIMISED))

    assert [(r.setup, r.note) for r in rows] == [
        ("eager float32", "failed: RuntimeError: CUDA out of memory. Tried to allocate 20.00 GiB"),
        ("bf16 + SDPA + channels_last + fused QKV", ""),
    ]
    assert "| tiny unet | 1 | eager float32 | – | – | – | – | – | failed: RuntimeError" in bench.gpu_markdown(
        bench.machine(torch.device("cpu")), rows, []
    )


def test_main_on_cuda_picks_cases_batches_and_setups(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(
        bench, "run_cases", lambda cases, device, setups, log: calls.append((cases, setups)) or ([], [])
    )
    monkeypatch.setattr(
        bench,
        "machine",
        lambda device: {"date": "d", "cpu": "c", "gpu": "g", "software": "s", "gpu_name": "NVIDIA H100 PCIe"},
    )

    assert bench.main(["--out", str(tmp_path / "b.md"), "--only", "sdxl", "--batch", "4", "--no-compile"]) == 0
    assert bench.main(["--out", str(tmp_path / "b.md")]) == 0

    (sdxl_only, setups), (default, all_setups) = calls
    assert [(c.key, c.batches) for c in sdxl_only] == [("sdxl", (4,))]
    assert setups == (bench.EAGER, bench.OPTIMISED)
    assert [(c.key, c.batches) for c in default] == [("sd15", (1, 4)), ("sdxl", (1, 4))]
    assert all_setups == bench.SETUPS
    text = (tmp_path / "b.md").read_text()
    assert "<!-- bench:generation:cuda-nvidia-h100-pcie-sdxl -->" in text
    assert "<!-- bench:generation:cuda-nvidia-h100-pcie-sd15-sdxl -->" in text
    assert "(756 TFLOP/s)" in text


@pytest.mark.parametrize(
    ("name", "peak"),
    [
        ("NVIDIA H100 80GB HBM3", 989.0),
        ("NVIDIA H100 PCIe", 756.0),
        ("NVIDIA H100 NVL", 835.0),
        ("NVIDIA H200", 989.0),
        ("NVIDIA A100-SXM4-80GB", 312.0),
        ("NVIDIA L40S", 362.0),
        ("NVIDIA L4", 121.0),
        ("NVIDIA A10", 125.0),
        ("Tesla T4", None),
    ],
)
def test_datasheet_peaks(name, peak):
    assert bench.peak_tflops(name) == peak


def test_the_cpu_benchmark_compares_the_engine_with_bare_diffusers(tiny_dir):
    rows = bench.engine_overhead(tiny_dir, sizes=(64,), steps=2, repeats=2)

    assert [(r.size, r.steps, r.repeats, r.identical) for r in rows] == [(64, 2, 2, True)]
    assert rows[0].bare_s > 0
    assert rows[0].ratio == rows[0].engine_s / rows[0].bare_s
    text = bench.cpu_markdown(bench.machine(torch.device("cpu")), 1, rows)
    assert "| 64x64 | 2 | 2 |" in text
    assert text.endswith("| yes |\n")


def test_write_section_replaces_only_its_own(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n<!-- bench:live:x -->\nlive\n<!-- /bench:live:x -->\n")

    bench.write_section(doc, "cpu-tiny", "first\n")
    bench.write_section(doc, "cuda-h100", "gpu\n")
    bench.write_section(doc, "cpu-tiny", "second\n")

    assert doc.read_text() == (
        "# Benchmarks\n\n<!-- bench:live:x -->\nlive\n<!-- /bench:live:x -->\n\n"
        "<!-- bench:generation:cpu-tiny -->\nsecond\n<!-- /bench:generation:cpu-tiny -->\n\n"
        "<!-- bench:generation:cuda-h100 -->\ngpu\n<!-- /bench:generation:cuda-h100 -->\n"
    )


def test_slugify():
    assert bench.slugify("cuda NVIDIA H100 80GB HBM3") == "cuda-nvidia-h100-80gb-hbm3"
