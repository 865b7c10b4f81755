import pkgutil
import subprocess
import sys
from pathlib import Path

import generation


def test_generation_never_imports_django(fresh_worker):
    returncode, stdout, stderr = fresh_worker
    modules = set(stdout.splitlines()[0].removeprefix("modules: ").split())

    assert returncode == 0, stderr
    assert {info.name for info in pkgutil.walk_packages(generation.__path__, prefix="generation.")} <= modules
    assert {"generation.engine", "generation.pipelines.wan", "generation.bench"} <= modules
    assert stdout.splitlines()[1] == "django imported: False"


def test_importing_the_package_does_not_import_torch():
    code = "import generation, generation.outputs, generation.tiny, sys; assert 'torch' not in sys.modules"

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(generation.__file__).parents[1]
    )

    assert result.returncode == 0, result.stderr
