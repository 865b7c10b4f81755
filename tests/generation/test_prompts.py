"""Long prompts: counted with the model's own tokenizer, and read past CLIP's 77 tokens by each family's handling
(SD: embeddings in chunks; SDXL: its two encoders). The tiny tokenizers give one token per character."""

import numpy as np
import pytest

from generation import FrameRequest, prompts
from generation.prompts import PromptFit

HEAD = " ".join(["harbour"] * 12)  # 84 tokens: more than a CLIP window on its own
LOOK_A = "moody graphite storyboard"
LOOK_B = "bright watercolour wash"


def test_a_prompt_is_counted_with_the_models_tokenizer_and_the_end_beyond_its_limit_is_named(registry):
    long = " ".join(["abcd"] * 60)  # 240 tokens

    assert prompts.fit(registry.get("sd-tiny"), "abc def") == PromptFit(tokens=6, limit=225, handling="chunks", cut="")
    assert prompts.fit(registry.get("sd-tiny"), long) == PromptFit(
        tokens=240, limit=225, handling="chunks", cut="abcd abcd abcd abcd")
    assert prompts.fit(registry.get("sdxl-tiny"), long) == PromptFit(
        tokens=240, limit=150, handling="two encoders", cut=" ".join(["abcd"] * 23))
    assert prompts.fit(registry.get("wan-tiny"), long) == PromptFit(tokens=299, limit=512, handling="none", cut="")


@pytest.mark.parametrize("model", ["sd-tiny", "sdxl-tiny"])
def test_the_look_at_the_end_of_a_long_prompt_still_changes_the_frame(engine, model):
    def made(look):
        request = FrameRequest(prompt=f"{HEAD}, {look}", model=model, width=64, height=64, steps=2, seed=3)
        return np.asarray(engine.generate(request).image)

    assert not np.array_equal(made(LOOK_A), made(LOOK_B))
    assert np.array_equal(made(LOOK_A), made(LOOK_A))


FRESH_PROCESS = """
import json, sys, threading
from generation import Registry, prompts, tiny

registry = Registry.from_config(tiny.default_models(sys.argv[1]))
results = []

def count(name):
    try:
        results.append(prompts.fit(registry.get(name), "abc def").tokens)
    except Exception as exc:
        results.append(repr(exc))

threads = [threading.Thread(target=count, args=(name,)) for name in ["wan-tiny", "wan-tiny", "sd-tiny", "sd-tiny"]]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(sorted(map(str, results))))
"""


def test_tokens_are_counted_from_several_threads_at_once_in_a_fresh_process(tiny_dir):
    # a fresh web process got two token counts at once: transformers' lazy import raced (an ImportError, a 500)
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(tiny_dir)], capture_output=True, text=True,
                          timeout=120, check=True)
    # the tiny tokenizers give one token per character: "abc def" is 6 for CLIP, 7 with UMT5's end marker
    assert json.loads(done.stdout.strip().splitlines()[-1]) == sorted(map(str, [6, 6, 7, 7]))
