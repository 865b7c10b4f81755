"""``manage.py generation_worker`` refuses bad arguments with a message and a non-zero exit."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.servers import ROOT


@pytest.mark.parametrize(("args", "message"), [
    (["--gpu", "-1"], "--gpu takes a GPU index: 0, 1, …"),
    (["--interval", "-2"], "--interval cannot be negative."),
    (["--max-jobs", "0"], "--max-jobs must be at least 1."),
    (["--warm", "nope"], "No model is called 'nope'. Models: sd-tiny, sdxl-tiny, wan-tiny."),
])
def test_bad_arguments_are_refused_with_the_reason(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("generation_worker", *args)

    assert str(refused.value) == message


def test_a_bad_models_setting_stops_the_worker_with_a_message_and_a_non_zero_exit():
    result = subprocess.run([sys.executable, "manage.py", "generation_worker", "--batch"], cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "STUDIO_MODELS": '[{"name": "x"}]'},
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("CommandError: ")
