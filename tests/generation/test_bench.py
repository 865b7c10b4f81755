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


def test_the_gpu_benchmark_runs_on_tiny_configs(monkeypatch):
    monkeypatch.setattr(
        bench,
        "SD_VAE",
        {**bench.SD_VAE, "block_out_channels": (8, 8, 8, 8), "norm_num_groups": 4, "layers_per_block": 1},
    )
    cases = [
        bench.Case("tiny unet", 3, 2, bench._sd_case(TINY_UNET, 64, 8, None)),
        bench.Case("tiny wan", 3, 1, bench._wan_case(5, 16, 16, TINY_WAN, TINY_WAN_VAE)),
    ]

    device, rows, notes = bench.run_cases(cases, torch.device("cpu"), setups=bench.SETUPS[:2])

    assert device == "CPU"
    assert [(r.case, r.setup) for r in rows] == [
        ("tiny unet", "eager float32"),
        ("tiny unet", "bf16 + SDPA + channels_last + fused QKV"),
        ("tiny wan", "eager float32"),
        ("tiny wan", "bf16 + SDPA + channels_last + fused QKV"),
    ]
    assert all(r.it_s > 0 and r.seconds > 0 for r in rows)
    assert [n.split(":")[0] for n in notes] == ["tiny unet", "tiny wan"]
    assert "| tiny wan | eager float32 |" in bench.markdown(device, rows, notes)


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
