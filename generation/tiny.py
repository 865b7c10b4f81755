"""Tiny random-weight pipelines of every family, built offline: the default models and the test models.

No model hub can be reached from the studio's machines, so the default ``STUDIO_MODELS`` point at pipelines built
here from small configs with random weights (the way diffusers' own tests build theirs in ``get_dummy_components``)
and saved with ``save_pretrained``. They then load through exactly the ``from_pretrained`` path a real model uses, so
everything but the pictures is exercised: the UI labels their outputs "smoke-test model".

``python -m generation.tiny DIR`` builds into DIR:
  sd-tiny/              StableDiffusionPipeline (SD 1.x layout)
  sd-tiny-depth/        ControlNetModel made from sd-tiny's UNet (the depth ControlNet)
  sd-tiny-ip-adapter/   ip-adapter.safetensors (hand-built IP-Adapter weights) + image_encoder/ (tiny CLIP vision)
  sdxl-tiny/            StableDiffusionXLPipeline
  wan-tiny/             WanPipeline in the Wan 2.2 TI2V layout (one transformer for text- and image-to-video)
Seeds are fixed before every module is made, so every machine builds the same weights. A marker file records
`VERSION`; a folder whose marker is missing or older is rebuilt, a current one is left alone.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

VERSION = 1
MARKER = ".generation-tiny.json"
NAMES = ("sd-tiny", "sd-tiny-depth", "sd-tiny-ip-adapter", "sdxl-tiny", "wan-tiny")
IP_ADAPTER_WEIGHTS = "ip-adapter.safetensors"


def default_models(directory: str | Path) -> list[dict]:
    """The ``STUDIO_MODELS`` config for the tiny models under ``directory`` (build them with `build` first)."""
    root = Path(directory).resolve()
    return [
        {
            "name": "sd-tiny",
            "family": "sd",
            "source": str(root / "sd-tiny"),
            "label": "Smoke-test SD (tiny, random weights)",
            "smoke_test": True,
            "depth_controlnet": str(root / "sd-tiny-depth"),
            "ip_adapter": {
                "source": str(root / "sd-tiny-ip-adapter"),
                "subfolder": "",
                "weight_name": IP_ADAPTER_WEIGHTS,
                "image_encoder_folder": "image_encoder",
            },
        },
        {
            "name": "sdxl-tiny",
            "family": "sdxl",
            "source": str(root / "sdxl-tiny"),
            "label": "Smoke-test SDXL (tiny, random weights)",
            "smoke_test": True,
        },
        {
            "name": "wan-tiny",
            "family": "wan",
            "source": str(root / "wan-tiny"),
            "label": "Smoke-test Wan (tiny, random weights)",
            "smoke_test": True,
        },
    ]


def is_current(directory: str | Path) -> bool:
    try:
        marker = json.loads((Path(directory) / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return marker.get("version") == VERSION and all((Path(directory) / name).is_dir() for name in NAMES)


def build(directory: str | Path) -> list[str]:
    """Build every tiny model under ``directory`` unless it is already current; return the names built.

    Safe to call from several processes at once: they take turns on a lock file, and each model is built in a
    temporary folder and moved into place, so a reader never sees half a model.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_current(root):
            return []
        (root / MARKER).unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".building-") as tmp:
            staging = Path(tmp)
            from ._logs import quiet_loading

            with quiet_loading():
                _build_all(staging)
            for name in NAMES:
                shutil.rmtree(root / name, ignore_errors=True)
                (staging / name).rename(root / name)
        (root / MARKER).write_text(json.dumps({"version": VERSION, "models": list(NAMES)}) + "\n")
        return list(NAMES)


# --- the builders ---------------------------------------------------------------------------------------------------
# Imports are local: `generation.tiny.default_models` is read by the Django settings, which must not import torch.


def _clip_tokenizer(folder: Path):
    """A CLIP BPE tokenizer over printable ASCII, one token per character (no merges): small, and every prompt maps to
    distinct ids, so different prompts give different pictures."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    chars = [chr(c) for c in range(33, 127)]
    vocab = {
        token: i for i, token in enumerate(chars + [c + "</w>" for c in chars] + ["<|startoftext|>", "<|endoftext|>"])
    }
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77, pad_token="<|endoftext|>"
    )
    return tokenizer, vocab


def _clip_text_config(vocab: dict, *, projection_dim: int = 32):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        projection_dim=projection_dim,
        vocab_size=len(vocab),
        bos_token_id=vocab["<|startoftext|>"],
        eos_token_id=vocab["<|endoftext|>"],
        pad_token_id=vocab["<|endoftext|>"],
        max_position_embeddings=77,
    )


def _build_sd(out: Path, scratch: Path) -> None:
    import torch
    from diffusers import AutoencoderKL, ControlNetModel, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(16, 32),
        layers_per_block=2,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=8,
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=[16, 32],
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        norm_num_groups=8,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
    )
    tokenizer, vocab = _clip_tokenizer(scratch / "sd-tokenizer")
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(_clip_text_config(vocab)).eval()
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        image_encoder=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(out / "sd-tiny")

    torch.manual_seed(0)
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16))
    controlnet.save_pretrained(out / "sd-tiny-depth")

    _build_ip_adapter(unet, out / "sd-tiny-ip-adapter")


def _build_ip_adapter(unet, folder: Path) -> None:
    """IP-Adapter weights for ``unet`` laid out like h94/IP-Adapter (``image_proj.*`` and ``ip_adapter.<n>.*``
    keys), following diffusers' ``create_ip_adapter_state_dict`` test helper, plus a tiny CLIP vision encoder whose
    projection width matches the adapter's image embedding width."""
    import torch
    from diffusers.models.attention_processor import IPAdapterAttnProcessor
    from diffusers.models.embeddings import ImageProjection
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    dim = unet.config.cross_attention_dim
    channels = list(unet.config.block_out_channels)
    torch.manual_seed(0)
    tensors: dict[str, torch.Tensor] = {}
    key = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue  # self-attention takes no image tokens
        if name.startswith("mid_block"):
            hidden = channels[-1]
        elif name.startswith("up_blocks"):
            hidden = list(reversed(channels))[int(name[len("up_blocks.")])]
        else:
            hidden = channels[int(name[len("down_blocks.")])]
        weights = IPAdapterAttnProcessor(hidden_size=hidden, cross_attention_dim=dim, scale=1.0).state_dict()
        tensors[f"ip_adapter.{key}.to_k_ip.weight"] = weights["to_k_ip.0.weight"]
        tensors[f"ip_adapter.{key}.to_v_ip.weight"] = weights["to_v_ip.0.weight"]
        key += 2  # h94's numbering: the odd ids are the cross-attention layers
    projection = ImageProjection(cross_attention_dim=dim, image_embed_dim=dim, num_image_text_embeds=4).state_dict()
    tensors["image_proj.proj.weight"] = projection["image_embeds.weight"]
    tensors["image_proj.proj.bias"] = projection["image_embeds.bias"]
    tensors["image_proj.norm.weight"] = projection["norm.weight"]
    tensors["image_proj.norm.bias"] = projection["norm.bias"]
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(folder / IP_ADAPTER_WEIGHTS))

    torch.manual_seed(0)
    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32,
            projection_dim=dim,
            num_hidden_layers=2,
            num_attention_heads=4,
            image_size=32,
            intermediate_size=37,
            patch_size=4,
        )
    ).eval()
    encoder.save_pretrained(folder / "image_encoder")


def _build_sdxl(out: Path, scratch: Path) -> None:
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(16, 32),
        layers_per_block=2,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # 6 time ids * 8 + the 32-wide pooled text embedding
        cross_attention_dim=64,
        norm_num_groups=8,
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=[16, 32],
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        norm_num_groups=8,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
    )
    tokenizer, vocab = _clip_tokenizer(scratch / "sdxl-tokenizer")
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(_clip_text_config(vocab)).eval()
    torch.manual_seed(1)
    text_encoder_2 = CLIPTextModelWithProjection(_clip_text_config(vocab)).eval()
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, steps_offset=1, beta_schedule="scaled_linear", timestep_spacing="leading"
    )
    pipe = StableDiffusionXLPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=scheduler,
        image_encoder=None,
        feature_extractor=None,
        force_zeros_for_empty_prompt=True,
    )
    pipe.save_pretrained(out / "sdxl-tiny")


def _wan_tokenizer():
    """A character-level T5-style tokenizer (``tokenizers`` WordLevel behind ``PreTrainedTokenizerFast``)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for c in range(32, 127):
        vocab[chr(c)] = len(vocab)
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", model_max_length=512
    )
    return tokenizer, vocab


def _build_wan(out: Path) -> None:
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    tokenizer, vocab = _wan_tokenizer()
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(vocab),
            d_model=32,
            d_kv=8,
            d_ff=37,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            dropout_rate=0.0,
            pad_token_id=0,
            eos_token_id=1,
            decoder_start_token_id=0,
        )
    ).eval()
    torch.manual_seed(0)
    # Wan 2.2 TI2V layout: the transformer sees only the video latents (in = out = z_dim) and image-to-video pins
    # the first latent frame (`expand_timesteps`), so one checkpoint does both modes.
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    scheduler = FlowMatchEulerDiscreteScheduler(shift=7.0)
    pipe = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        transformer=transformer,
        transformer_2=None,
        boundary_ratio=None,
        expand_timesteps=True,
    )
    pipe.save_pretrained(out / "wan-tiny")


def _build_all(out: Path) -> None:
    scratch = out / ".scratch"
    _build_sd(out, scratch)
    _build_sdxl(out, scratch)
    _build_wan(out)
    shutil.rmtree(scratch)


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m generation.tiny DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    started = time.perf_counter()
    try:
        built = build(root)
    except Exception as exc:  # the command line reports any failure in one line
        print(
            f"generation.tiny: could not build the tiny models in {root}: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    if not built:
        print(f"tiny models in {root} are current (version {VERSION})")
        return 0
    for name in built:
        print(f"built {root / name} ({_folder_bytes(root / name) / 1e6:.1f} MB)")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
