"""How much of a prompt a model reads, counted with the model's own tokenizer, and what it would not read.

A CLIP text encoder reads a window of 77 tokens (75 and its start and end markers); diffusers cuts the rest, and the
assembled prompt puts the project's look last, so the look was what got lost. What each family does with a longer
prompt (``HANDLING``):

- ``sd``: **chunks**. The prompt is encoded in windows of 75 tokens, up to `SD_CHUNKS` of them, and their embeddings
  are joined along the sequence (``prompt_embeds``, which every SD pipeline of diffusers takes; the UNet's
  cross-attention reads any length). The negative prompt gets as many windows. `generation.pipelines.sd` does it.
- ``sdxl``: **two encoders**. SDXL has two text encoders, and diffusers gives each its own prompt (``prompt`` for
  CLIP ViT-L, ``prompt_2`` for OpenCLIP bigG): the first 75 tokens go to the first, the rest to the second, so
  150 tokens are read. `generation.pipelines.sdxl` does it.
- ``wan``: UMT5 reads 512 tokens (diffusers' ``max_sequence_length``): nothing to do below that.

A prompt that fits one window is passed to diffusers as it always was (the same bytes as before). Only tokenizers are
loaded here (no weights, no torch), so the web process can count as people type.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from .models import ModelSpec
from .sources import source_kwargs

WINDOW = 75  # a CLIP window: 77 positions less the start and end markers
SD_CHUNKS = 3
WAN_TOKENS = 512
# family → (how it reads a long prompt, how many tokens it reads)
HANDLING = {"sd": ("chunks", WINDOW * SD_CHUNKS), "sdxl": ("two encoders", WINDOW * 2), "wan": ("none", WAN_TOKENS)}


@dataclass(frozen=True)
class PromptFit:
    """``tokens`` of the prompt (the model's tokenizer, without markers) against the ``limit`` the family reads with
    its ``handling``; ``cut`` is the end of the prompt beyond it, word for word ("" when it all fits)."""

    tokens: int
    limit: int
    handling: str
    cut: str

    def to_dict(self) -> dict:
        return {"tokens": self.tokens, "limit": self.limit, "handling": self.handling, "cut": self.cut}


_LOADING = threading.Lock()  # transformers' lazy module is not safe to import from two threads at once


@lru_cache(maxsize=16)
def tokenizer(source: str, family: str):
    """The tokenizer a model's prompt goes through first (CLIP for SD and SDXL, UMT5 for Wan), loaded once.

    Loaded under a lock: two requests counting tokens at once on a fresh web process imported transformers'
    tokenizer classes from two threads, and one of them got an ImportError (a 500)."""
    path, kwargs = source_kwargs(source, "model")
    with _LOADING:
        if family == "wan":
            from transformers import PreTrainedTokenizerFast as Tokenizer
        else:
            from transformers import CLIPTokenizer as Tokenizer
        return Tokenizer.from_pretrained(path, subfolder="tokenizer", **kwargs)


def count(tokenize, text: str) -> int:
    return len(tokenize(text, add_special_tokens=False, verbose=False).input_ids)


def split_at(tokenize, text: str, limit: int) -> tuple[str, str]:
    """``text`` as (the most words that fit in ``limit`` tokens, the rest), split between words."""
    words = text.split(" ")
    low, high = 0, len(words)  # the longest prefix of words within the limit, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if count(tokenize, " ".join(words[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]), " ".join(words[low:])


def fit(spec: ModelSpec, text: str) -> PromptFit:
    """How much of ``text`` the model ``spec`` reads."""
    tokenize = tokenizer(spec.source, spec.family)
    handling, limit = HANDLING[spec.family]
    tokens = count(tokenize, text)
    cut = split_at(tokenize, text, limit)[1] if tokens > limit else ""
    return PromptFit(tokens=tokens, limit=limit, handling=handling, cut=cut)
