"""Cheap previews of a run in progress: latents → RGB with one small linear map, no VAE decode.

The factors are the per-family latent→RGB fits ComfyUI uses for its fast previews (``comfy/latent_formats.py``:
SD15, SDXL, Wan21). They apply to the latents as the denoising loop holds them (already scaled/normalised), which is
what ``callback_on_step_end`` receives. A latent width with no known fit (e.g. Wan 2.2's 48 channels) shows its first
three channels, min-max stretched: rough, but it moves as the picture forms, which is all a preview must do.
For the tiny random-weight models the colours mean nothing either way.
"""

from __future__ import annotations

import torch
from PIL import Image

_SD15 = (
    [[0.3512, 0.2297, 0.3227], [0.3250, 0.4974, 0.2350], [-0.2829, 0.1762, 0.2721], [-0.2120, -0.2616, -0.7177]],
    [0.0, 0.0, 0.0],
)
_SDXL = (
    [[0.3651, 0.4232, 0.4341], [-0.2533, -0.0042, 0.1068], [0.1076, 0.1111, -0.0362], [-0.3165, -0.2492, -0.2188]],
    [0.1084, -0.0175, -0.0011],
)
_WAN21 = (
    [
        [-0.1299, -0.1692, 0.2932],
        [0.0671, 0.0406, 0.0442],
        [0.3568, 0.2548, 0.1747],
        [0.0372, 0.2344, 0.1420],
        [0.0313, 0.0189, -0.0328],
        [0.0296, -0.0956, -0.0665],
        [-0.3477, -0.4059, -0.2925],
        [0.0166, 0.1902, 0.1975],
        [-0.0412, 0.0267, -0.1364],
        [-0.1293, 0.0740, 0.1636],
        [0.0680, 0.3019, 0.1128],
        [0.0032, 0.0581, 0.0639],
        [-0.1251, 0.0927, 0.1699],
        [0.0060, -0.0633, 0.0005],
        [0.3477, 0.2275, 0.2950],
        [0.1984, 0.0913, 0.1861],
    ],
    [-0.1835, -0.0868, -0.3360],
)
_FITS = {("sd", 4): _SD15, ("sdxl", 4): _SDXL, ("wan", 16): _WAN21}


def latent_preview(latents: torch.Tensor, family: str, *, longest: int) -> Image.Image:
    """An RGB image of the first sample (and first frame, for video latents), scaled so its longest side is
    ``longest`` pixels."""
    x = latents[0].detach().float().cpu()
    if x.ndim == 4:  # video: (channels, frames, h, w)
        x = x[:, 0]
    channels = x.shape[0]
    fit = _FITS.get((family, channels))
    if fit is not None:
        factors, bias = (torch.tensor(v) for v in fit)
        rgb = torch.einsum("chw,cr->rhw", x, factors) + bias[:, None, None]
        rgb = ((rgb + 1) / 2).clamp(0, 1)
    else:
        rgb = x[:3] if channels >= 3 else x[:1].expand(3, -1, -1)
        low = rgb.amin(dim=(1, 2), keepdim=True)
        high = rgb.amax(dim=(1, 2), keepdim=True)
        rgb = (rgb - low) / (high - low).clamp_min(1e-6)
    array = (rgb.permute(1, 2, 0) * 255).round().to(torch.uint8).numpy()
    image = Image.fromarray(array, "RGB")
    scale = longest / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR)
