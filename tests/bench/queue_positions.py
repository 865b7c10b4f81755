"""Benchmark: the places in the studio's queue that a shot page asks for, with 2,000 and 20,000 jobs queued.

    make bench            (or: .venv/bin/python -m tests.bench.queue_positions)

On a fresh SQLite database in a temporary folder (or on DATABASE_URL when set: it is migrated and emptied,
so give it a database of its own), queues N jobs of other projects, then
the shot's three jobs last, and 10,000 finished jobs beside them, and times, median of 30 runs each:

- the places of the shot's three jobs as the pages ask now (`selectors.queue_positions`: one query on the
  (status, created_at, id) index), and the studio's queue count (`queued_count`);
- the places as they were read before: every queued job's id in queue order, numbered in Python.

Results replace the "queue" section of docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
SIZES = (2_000, 20_000)


def setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["STUDIO_VAR_DIR"] = str(tmp / "var")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a database of its own: emptied first


def timed(fn) -> float:
    """Median milliseconds of ``fn()`` over RUNS runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def before(ids: list[int]) -> dict[int, int]:
    """How the shot page read the places until now: the whole queue, in order, numbered here."""
    from studio.renders.models import GenerationJob

    order = GenerationJob.objects.filter(status=GenerationJob.Status.QUEUED).order_by("created_at", "id")
    every = {pk: n for n, pk in enumerate(order.values_list("id", flat=True), start=1)}
    return {pk: every[pk] for pk in ids if pk in every}


def measure() -> list[dict]:
    from django.db import connection

    from generation.requests import FrameRequest
    from studio.renders import selectors
    from studio.renders.models import GenerationJob
    from tests import factories

    mine = factories.make_project(title="Bench")
    shot = factories.make_shot(factories.make_scene(mine))
    others = factories.make_project(title="Everyone else")
    their_shot = factories.make_shot(factories.make_scene(others))
    request = FrameRequest(prompt="a lighthouse at night", model="sd-tiny").to_dict()

    def jobs(project, on, n, status):
        return GenerationJob.objects.bulk_create(
            [GenerationJob(project=project, shot=on, kind="frame", request=request, model="sd-tiny", status=status)
             for _ in range(n)], batch_size=2000)

    results = []
    for size in SIZES:
        GenerationJob.objects.all().delete()
        jobs(others, their_shot, 10_000, GenerationJob.Status.SUCCEEDED)
        jobs(others, their_shot, size, GenerationJob.Status.QUEUED)
        ids = [j.pk for j in jobs(mine, shot, 3, GenerationJob.Status.QUEUED)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE renders_generationjob")
        expected = {pk: size + n for n, pk in enumerate(ids, start=1)}
        assert selectors.queue_positions(ids) == before(ids) == expected
        results.append({
            "queued": size,
            "before": timed(lambda ids=ids: before(ids)),
            "now": timed(lambda ids=ids: selectors.queue_positions(ids)),
            "count": timed(selectors.queued_count),
        })
    GenerationJob.objects.all().delete()
    return results


def write_report(results: list[dict]) -> str:
    from tests.bench.live_latency import configuration, machine

    slug, words = configuration()
    backend = words.split(", ")[0]
    lines = [
        f"<!-- bench:queue:{slug} -->",
        f"## Queue places on the shot and queue pages ({backend})",
        "",
        f"Run {date.today().isoformat()} with `make bench` on {machine()}; {backend}. N jobs of another project "
        "queued, then the shot's 3 jobs, beside 10,000 finished jobs; median of "
        f"{RUNS} runs.",
        "",
        "| queued | the shot's 3 places, before (whole queue, numbered in Python) | the shot's 3 places now "
        "(one indexed query) | the studio's queue count |",
        "| --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(f"| {r['queued']:,} | {r['before']:.2f} ms | {r['now']:.2f} ms | {r['count']:.2f} ms |")
    lines += [
        "",
        "Now the queued jobs ahead of the shot's first job are counted on the (status, created_at, id) index "
        "(an index-only range) and its other jobs numbered from there along the index "
        "(`selectors.queue_positions`); only the asked jobs come back. The count still grows with the queue "
        "ahead of them, as an index range, never rows sent to Python and sorted. The shot's jobs are last here: "
        "the worst case. Target: a page's places cost no more than the queue count's order of time.",
        f"<!-- /bench:queue:{slug} -->",
    ]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        results = measure()
    from tests.bench.live_latency import update_doc

    section = write_report(results)
    print(section)
    print(f"\nwritten to {update_doc(section, prefix='queue')}")


if __name__ == "__main__":
    main()
