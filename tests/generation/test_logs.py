"""What a worker's log shows: one line per model load and per eviction, nothing per step, no progress bars, and
none of the known noisy warnings. Run in a fresh interpreter, since some of that noise comes once per process on
import."""

import logging

import pytest

from generation._logs import _DropMessages, install_filters, quiet_loading


def test_a_worker_log_has_one_line_per_load_and_eviction_and_nothing_per_step(fresh_worker):
    returncode, _, stderr = fresh_worker  # imports, two runs with references, one clip; a 1-byte model cache

    assert returncode == 0, stderr
    lines = stderr.splitlines()
    assert lines[0] == "-- runs", stderr
    assert len(lines) == 4, stderr
    assert lines[1].startswith("INFO generation: loaded model sd-tiny (sd, cpu, float32) in ")
    assert lines[1].endswith(" MB")
    assert lines[2].startswith("INFO generation: evicted model sd-tiny (")
    assert lines[2].endswith(" to make room for wan-tiny (cache budget 0.0 MB)")
    assert lines[3].startswith("INFO generation: loaded model wan-tiny (wan, cpu, float32) in ")


@pytest.mark.parametrize(
    ("logger", "message", "dropped"),
    [
        (
            "diffusers.models.modeling_utils",
            "modules in UNet2DConditionModel that should be kept in float32: [].",
            True,
        ),
        ("diffusers.models.modeling_utils", "modules in X that should be kept in float32: ['norm'].", False),
        (
            "transformers.utils.import_utils",
            "`CLIPImageProcessor` requires torchvision (not installed); falling back to `CLIPImageProcessorPil`",
            True,
        ),
        ("transformers.utils.import_utils", "something else entirely", False),
        ("diffusers.pipelines.pipeline_utils", "modules in X that should be kept in float32: [].", False),
    ],
)
def test_only_the_known_warnings_are_dropped(logger, message, dropped):
    install_filters()
    install_filters()  # idempotent
    target = logging.getLogger(logger)
    record = target.makeRecord(logger, logging.WARNING, __file__, 1, message, None, None)

    assert sum(isinstance(f, _DropMessages) for f in target.filters) == (
        0 if logger.startswith("diffusers.pipelines") else 1
    )
    assert (not target.filter(record)) is dropped


def test_quiet_loading_turns_the_bars_back_on_after_the_last_block():
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.enable_progress_bar()
    transformers_logging.enable_progress_bar()
    with quiet_loading():
        with quiet_loading():
            assert not diffusers_logging.is_progress_bar_enabled()
        assert not transformers_logging.is_progress_bar_enabled()

    assert diffusers_logging.is_progress_bar_enabled()
    assert transformers_logging.is_progress_bar_enabled()
