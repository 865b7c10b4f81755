"""Benchmark: the storyboard PDF for 20 and 200 shots.

    make bench            (or: .venv/bin/python -m tests.bench.storyboard_pdf_speed)

The same board as the animatic benchmark (``tests.bench.animatic_speed``: 1920×1080 PNG stills, 2 s a shot at
24 fps, one line of dialogue a shot), printed with ``deliverables.storyboard_pdf.render_storyboard`` in the 3×2
and 1× presets with every option on, each render in a fresh subprocess so that its peak RSS (VmHWM) is its own.
Reports wall time, peak RSS, pages and the PDF's size. Results replace the ``storyboard-pdf`` section of
docs/benchmarks.md; BENCH_PDF_SHOTS (e.g. "20") runs other sizes without writing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.bench.animatic_speed import build_sequence, make_takes, memory
from tests.bench.live_latency import machine
from tests.bench.report import write_section

ROOT = Path(__file__).resolve().parents[2]
SIZES = tuple(int(n) for n in os.environ.get("BENCH_PDF_SHOTS", "20,200").split(","))
PRESETS = ("3x2", "1x")


def child(spec_path: str) -> None:
    from studio.deliverables.storyboard_pdf import StoryboardOptions, render_storyboard

    spec = json.loads(Path(spec_path).read_text())
    sequence = build_sequence(spec["paths"])
    t0 = time.perf_counter()
    result = render_storyboard(sequence, StoryboardOptions(preset=spec["preset"]), spec["out"])
    wall = time.perf_counter() - t0
    hwm = next(int(line.split()[1]) * 1024 for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    print(json.dumps({"wall_s": wall, "peak_rss": hwm, "size": os.path.getsize(spec["out"]), "pages": result.pages}))


def run(count: int, preset: str, paths: list[str], tmp: Path) -> dict:
    spec = tmp / f"spec-{count}-{preset}.json"
    out = tmp / f"storyboard-{count}-{preset}.pdf"
    spec.write_text(json.dumps({"paths": paths[:count], "out": str(out), "preset": preset}))
    done = subprocess.run([sys.executable, "-m", "tests.bench.storyboard_pdf_speed", "--child", str(spec)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    out.unlink(missing_ok=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[tuple[int, str], dict]) -> str:
    import fpdf

    rows = [f"| {count} shots, {preset} | {r['pages']} | {r['wall_s']:.1f} s | {r['peak_rss'] / 2**20:.0f} MiB "
            f"| {r['size'] / 2**20:.1f} MiB |" for (count, preset), r in results.items()]
    return "\n".join([
        "<!-- bench:storyboard-pdf:stills -->",
        "## Storyboard PDF (stills, 2 s a shot, one line of dialogue a shot)",
        "",
        f"Run {date.today().isoformat()} with `python -m tests.bench.storyboard_pdf_speed` on {machine()}, "
        f"{memory()}; fpdf2 {fpdf.__version__} with HarfBuzz shaping, Noto Sans embedded (subset). Takes are "
        "1920×1080 PNGs (decoded, scaled down once per take and embedded as JPEG); every option on, A4, with a "
        "title page; each render runs in a subprocess of its own, whose VmHWM is the peak RSS.",
        "",
        "| storyboard | pages | wall time | peak RSS | PDF size |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "<!-- /bench:storyboard-pdf:stills -->",
    ])


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        paths = make_takes(Path(tmp) / "takes", max(SIZES))
        for count in SIZES:
            for preset in PRESETS:
                results[count, preset] = r = run(count, preset, paths, Path(tmp))
                print(f"{count} shots, {preset}: {r['pages']} pages in {r['wall_s']:.1f} s, "
                      f"peak RSS {r['peak_rss'] / 2**20:.0f} MiB, {r['size'] / 2**20:.1f} MiB")
    section = report(results)
    if "BENCH_PDF_SHOTS" not in os.environ:
        print(f"wrote {write_section('storyboard-pdf', 'stills', section)}")
    else:
        print(section)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
