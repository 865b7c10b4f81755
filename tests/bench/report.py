"""Where benchmarks write: their own section of docs/benchmarks.md, replaced on every run."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
INTRO = "# Benchmarks\n\nWritten by `make bench`; each section names the machine it ran on.\n"


def write_section(prefix: str, slug: str, section: str) -> Path:
    """Replace the ``bench:<prefix>:<slug>`` section of docs/benchmarks.md with ``section`` (or append it)."""
    text = DOC.read_text() if DOC.exists() else INTRO
    start, end = f"<!-- bench:{prefix}:{slug} -->", f"<!-- /bench:{prefix}:{slug} -->"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text)
    return DOC
