import pkgutil
import subprocess
import sys
from pathlib import Path

import generation


def test_generation_never_imports_django():
    modules = sorted(info.name for info in pkgutil.walk_packages(generation.__path__, prefix="generation."))
    code = "; ".join([*(f"import {name}" for name in modules), "import sys", "assert 'django' not in sys.modules"])

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(generation.__file__).parents[1]
    )

    assert {"generation.engine", "generation.pipelines.wan", "generation.bench"} <= set(modules)
    assert result.returncode == 0, result.stderr


def test_importing_the_package_does_not_import_torch():
    code = "import generation, generation.outputs, generation.tiny, sys; assert 'torch' not in sys.modules"

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(generation.__file__).parents[1]
    )

    assert result.returncode == 0, result.stderr
