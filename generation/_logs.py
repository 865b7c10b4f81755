"""What `generation` writes to a worker's log: one INFO line per model load and per eviction, on the ``generation``
logger, and nothing per step.

diffusers and transformers are noisier than that; two things here quiet them, each as narrowly as it can:
- `quiet_loading` turns their tqdm bars ("Loading pipeline components", "Loading weights", "Writing model shards")
  off while the engine loads (or `generation.tiny` builds) a model, and back on afterwards if they were on: the
  bars are for a person at a terminal, and a log file gets one line per refresh. Pipelines' own step bars are turned
  off per pipeline with ``set_progress_bar_config(disable=True)``.
- `install_filters` (run on import) drops two known warnings and nothing else: transformers' "`CLIPImageProcessor`
  requires torchvision (not installed); falling back to ..." (the studio uses the PIL processors on purpose), and
  diffusers' "modules ... that should be kept in float32: []" that ``load_ip_adapter`` triggers on every run with
  references (an empty list: no module is kept in float32, so nothing is inconsistent). The same warnings with any
  other content still get through.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("generation")

# (logger name, a fragment of the message) for each warning that is dropped.
KNOWN_NOISE = (
    ("transformers.utils.import_utils", "requires torchvision (not installed); falling back to"),
    ("diffusers.models.modeling_utils", "that should be kept in float32: []."),
)


class _DropMessages(logging.Filter):
    def __init__(self, fragment: str):
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return self.fragment not in record.getMessage()


def install_filters() -> None:
    """Attach the filters for `KNOWN_NOISE` to the loggers that emit them (once; calling again is harmless)."""
    for name, fragment in KNOWN_NOISE:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropMessages) and f.fragment == fragment for f in logger.filters):
            logger.addFilter(_DropMessages(fragment))


install_filters()

_lock = threading.Lock()
_depth = 0
_were_enabled: tuple[bool, bool] = (False, False)


@contextmanager
def quiet_loading() -> Iterator[None]:
    """No diffusers/transformers progress bars inside the block; nested and concurrent blocks are fine (the bars come
    back, if they were on, when the last block ends)."""
    global _depth, _were_enabled
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    with _lock:
        if _depth == 0:
            _were_enabled = (
                diffusers_logging.is_progress_bar_enabled(),
                transformers_logging.is_progress_bar_enabled(),
            )
            if _were_enabled[0]:
                diffusers_logging.disable_progress_bar()
            if _were_enabled[1]:
                transformers_logging.disable_progress_bar()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _were_enabled[0]:
                    diffusers_logging.enable_progress_bar()
                if _were_enabled[1]:
                    transformers_logging.enable_progress_bar()


def megabytes(nbytes: int) -> str:
    return f"{nbytes / 1e6:.1f} MB" if nbytes < 10e9 else f"{nbytes / 1e9:.2f} GB"
