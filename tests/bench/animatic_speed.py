"""Benchmark: the sequence animatic for 20 and 200 shots.

    make bench            (or: .venv/bin/python -m tests.bench.animatic_speed)

Makes 20 and 200 still takes (1920×1080 PNGs, a gradient each, so that decoding them is real work), one per
shot of 2 s at 24 fps, each shot with one line of scratch dialogue (espeak-ng, two voices), and renders the
animatic at the default options (1280 wide at 2.39:1, captions, subtitles, speech) with
``deliverables.animatic.render_animatic``, each in a fresh subprocess so that its peak RSS (VmHWM) is the
render's own. Reports wall time (and its speed against real time), peak RSS and the MP4's size.

Target: the 200-shot animatic (400 s of film) renders faster than real time on the 2-core machine, with a peak
RSS under 1 GiB. Results replace the ``animatic`` section of docs/benchmarks.md. BENCH_ANIMATIC_SHOTS
(e.g. "20") runs other sizes without writing the section.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from tests.bench.live_latency import machine
from tests.bench.report import write_section

ROOT = Path(__file__).resolve().parents[2]
SIZES = tuple(int(n) for n in os.environ.get("BENCH_ANIMATIC_SHOTS", "20,200").split(","))
SECONDS, FPS = Decimal("2"), Fraction(24)
TEXTS = ["Nobody swims here after dark.", "Then who left the lamp on?", "The tide's turning. Go.",
         "I heard the bell again.", "Keep your voice down.", "It was him. On the rocks."]
CAST = [("ELIN", "en-us"), ("TOM", "en-gb")]


def make_takes(folder: Path, count: int) -> list[str]:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    x = np.linspace(0, 1, 1920, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, 1080, dtype=np.float32)[:, None]
    paths = []
    for i in range(count):
        r = (x * 255 * ((i % 5) + 1) / 5).repeat(1080, axis=0)
        g = (y * 255).repeat(1920, axis=1) * ((i * 7) % 11) / 10
        b = np.full((1080, 1920), (i * 37) % 256, dtype=np.float32)
        picture = np.stack([r, g, b], axis=-1).clip(0, 255).astype(np.uint8)
        path = folder / f"take-{i:03d}.png"
        Image.fromarray(picture).save(path, compress_level=1)
        paths.append(str(path))
    return paths


def build_sequence(paths: list[str]):
    from studio.deliverables.sequence import Line, Media, Panel, Sequence, frames_for

    panels = []
    for i, path in enumerate(paths):
        speaker, voice = CAST[i % 2]
        panels.append(Panel(
            shot_id=i + 1, number=f"{i // 10 + 1}{chr(65 + i % 10)}", scene_id=i // 10 + 1, scene_number=i // 10 + 1,
            scene_heading=f"INT. LAMP ROOM - NIGHT ({i // 10 + 1})", size="Medium shot", size_code="MS",
            angle="Eye level", movement="Static", lens_mm=50, duration_s=SECONDS, frames=frames_for(SECONDS, FPS),
            action="The keeper climbs the stairs.", lines=(Line(speaker, TEXTS[i % len(TEXTS)], voice=voice),),
            notes="", characters=(speaker,), status="draft", version=1, selected="approved",
            media=Media(path=path, kind="image", width=1920, height=1080)))
    return Sequence(project_id=1, title="Bench", logline="", draft="", revision_colour="", day=date.today(),
                    aspect=Decimal("2.39"), fps=FPS, panels=tuple(panels))


def child(spec_path: str) -> None:
    """In the subprocess: render, then print wall time, peak RSS and size as JSON."""
    from studio.deliverables.animatic import AnimaticOptions, render_animatic

    spec = json.loads(Path(spec_path).read_text())
    sequence = build_sequence(spec["paths"])
    t0 = time.perf_counter()
    result = render_animatic(sequence, AnimaticOptions(), spec["out"])
    wall = time.perf_counter() - t0
    hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    print(json.dumps({"wall_s": wall, "peak_rss": hwm, "size": os.path.getsize(spec["out"]),
                      "frames": result.frames, "seconds": float(result.seconds), "encoder": result.encoder,
                      "width": result.width, "height": result.height, "warnings": result.warnings,
                      "cues": len(result.cues)}))


def run(count: int, paths: list[str], tmp: Path) -> dict:
    spec = tmp / f"spec-{count}.json"
    out = tmp / f"animatic-{count}.mp4"
    spec.write_text(json.dumps({"paths": paths[:count], "out": str(out)}))
    done = subprocess.run([sys.executable, "-m", "tests.bench.animatic_speed", "--child", str(spec)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    out.unlink(missing_ok=True)
    return result


def memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    return "unknown RAM"


def report(results: dict[int, dict]) -> str:
    rows = []
    for count, r in results.items():
        speed = r["seconds"] / r["wall_s"]
        rows.append(f"| {count} shots ({r['seconds']:.0f} s, {r['frames']} frames) | {r['wall_s']:.1f} s "
                    f"({speed:.1f}× real time) | {r['peak_rss'] / 2**20:.0f} MiB | {r['size'] / 2**20:.1f} MiB |")
    first = next(iter(results.values()))
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    import av

    lines = [
        "<!-- bench:animatic:stills -->",
        "## Sequence animatic (stills, 2 s a shot, 24 fps, one line of scratch dialogue a shot)",
        "",
        f"Run {date.today().isoformat()} with `python -m tests.bench.animatic_speed` on {machine()}, "
        f"{memory()}; PyAV {av.__version__} ({first['encoder']}, preset veryfast, CRF 20, yuv420p; AAC 48 kHz mono), "
        f"{espeak.split('  ')[0] if espeak else 'no espeak-ng'}.",
        "",
        f"Default options: {first['width']}×{first['height']} (2.39:1), burnt-in captions (shot, scene, timecode) "
        "and subtitles, speech on. Takes are 1920×1080 PNGs; each render runs in a subprocess of its own, whose "
        "VmHWM is the peak RSS.",
        "",
        "| animatic | wall time | peak RSS | MP4 size |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        "Target: 200 shots (400 s of film) faster than real time with a peak RSS under 1 GiB. Frames are decoded, "
        "composed and encoded one at a time; only the current panel's still is kept, scaled to the frame; the "
        "audio track is mixed a block at a time from the spoken lines.",
        "<!-- /bench:animatic:stills -->",
    ]
    return "\n".join(lines)


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-animatic-") as tmp:
        paths = make_takes(Path(tmp) / "takes", max(SIZES))
        for count in SIZES:
            results[count] = run(count, paths, Path(tmp))
            r = results[count]
            print(f"{count} shots: {r['wall_s']:.1f} s for {r['seconds']:.0f} s of film, "
                  f"peak RSS {r['peak_rss'] / 2**20:.0f} MiB, {r['size'] / 2**20:.1f} MiB; warnings: {r['warnings']}")
    section = report(results)
    if "BENCH_ANIMATIC_SHOTS" not in os.environ:
        print(f"wrote {write_section('animatic', 'stills', section)}")
    else:
        print(section)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
