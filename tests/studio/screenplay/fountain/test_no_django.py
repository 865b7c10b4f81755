"""The screenplay library is plain Python: importing and using it never imports Django."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[4] / "studio" / "screenplay" / "fountain"
CHECK = """
import sys
import studio.screenplay.fountain as fountain
sp = fountain.parse("INT. HOUSE - DAY\\n\\nBOB\\nHi.\\n")
fountain.render_pdf(sp), fountain.read_fdx(fountain.write_fdx(sp)), sp.scenes(), sp.characters()
print(sorted(name for name in sys.modules if name == "django" or name.startswith("django.")))
"""


def test_importing_and_using_the_package_loads_no_django_module():
    # when: a fresh interpreter, without the test run's Django settings, imports and uses it
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=PACKAGE.parents[2], capture_output=True, text=True,
                            env={"PATH": "", "PYTHONPATH": str(PACKAGE.parents[2])}, check=False)

    # then
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_no_module_of_the_package_imports_django():
    sources = {path.name: path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py")}

    assert sorted(sources) == ["__init__.py", "emphasis.py", "fdx.py", "fountain_writer.py", "headings.py",
                               "model.py", "parser.py", "pdf.py", "source.py"]
    imports = re.compile(r"^\s*(from|import)\s+(django|rest_framework|channels|studio\.(?!screenplay\.fountain))", re.M)
    assert [name for name, text in sources.items() if imports.search(text)] == []
