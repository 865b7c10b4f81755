"""Benchmark: reads and writes that must not grow with the size of the work.

    make bench            (or: .venv/bin/python -m tests.bench.board_speed)

Builds, in a fresh database (a temporary SQLite file, or ``<name>_bench`` on the PostgreSQL server
DATABASE_URL names, dropped afterwards), a project of 2,000 shots in 100 scenes with 12 characters
(1 to 3 per shot, 4 with a reference image) and 3,000 takes (every shot has one, every other shot two),
and measures in this process, through Django's test client (the whole middleware and template stack,
no HTTP server):

- the board page (GET), and the SQL inside it;
- the shot list API: the first 500 shots in 10 pages of 50 (the sum of one sweep), and in one page of 500;
- the shot page (previous/next, "n of N") of a shot in the middle of the 2,000;
- settling one script's text (``script_text_settled`` after a Yjs edit) in a project of 1 and of 20 scripts;
- reorders through the services: a scene's 20 and 200 shots reversed, 10 shots moved into another scene,
  the project's 100 scenes reversed: the statements each issues, and its time.

Every timing is wall time of the call, p50 and p95 over BENCH_RUNS runs (default 30; settle and reorders
BENCH_WRITE_RUNS, default 20) after two warm-up runs. Results replace the ``board`` section of
docs/benchmarks.md for the database used. It first waits (up to BENCH_QUIET_WAIT_S, 300 s) for a 1-minute
load average under 1, and reports the load it started at. ``BENCH_SAVE_BEFORE=1`` keeps the results as the "before"
column (tests/bench/board_speed.before.json) that later runs are shown against.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tests.bench.live_latency import machine, percentile
from tests.bench.report import write_section

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WRITE_RUNS = int(os.environ.get("BENCH_WRITE_RUNS", "20"))
BEFORE = Path(__file__).with_name("board_speed.before.json")
SHOTS, SCENES, CHARACTERS = 2000, 100, 12
NAMES = ["ANNA", "BORIS", "CLARA", "DMITRI", "ELIN", "FRANK", "GRETA", "HUGO", "IRIS", "JONAS", "KARIN", "LARS",
         "MAJA", "NILS", "OLGA", "PETER", "RUNA", "SVEN", "TOVE", "ULF", "VERA", "WILMA", "XAVIER", "YRSA"]


def postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def setup_django(tmp: Path):
    os.environ.update({"DJANGO_SETTINGS_MODULE": "studio.settings", "MEDIA_ROOT": str(tmp / "media"),
                       "STUDIO_VAR_DIR": str(tmp / "var"), "STUDIO_EMBEDDED_WORKER": "0"})
    if not postgres():
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # as in production: DEBUG off; and not django.test's setup_test_environment, whose instrumented template
    # rendering keeps every page's context alive (the board's 2,000 shot rows each time: the full garbage
    # collections that follow would be the benchmark's, not the studio's)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{name}_bench" if postgres() else str(tmp / "bench-test.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return name


@contextmanager
def sql_counter():
    """Counts the statements run, and their time, while open (``stats["n"]``, ``stats["ms"]``)."""
    from django.db import connection

    stats = {"n": 0, "ms": 0.0}

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            stats["n"] += 1
            stats["ms"] += (time.perf_counter() - t0) * 1000

    with connection.execute_wrapper(wrapper):
        yield stats


def timed(fn, runs: int, *, warmup: int = 2) -> dict:
    """Wall ms of ``fn()`` over ``runs`` runs, with the statements and SQL ms of each."""
    for _ in range(warmup):
        fn()
    ms, sql_ms, queries = [], [], []
    for _ in range(runs):
        with sql_counter() as stats:
            t0 = time.perf_counter()
            fn()
            ms.append((time.perf_counter() - t0) * 1000)
        sql_ms.append(stats["ms"])
        queries.append(stats["n"])
    return {"ms": ms, "sql_ms": sql_ms, "queries": queries}


def _letters(index: int) -> str:
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def build_board():
    """The 2,000-shot project. Scenes and characters go through the services; shots, their characters and
    takes are bulk-inserted rows (as the services would write them) so that building takes seconds."""
    from studio.renders.models import Take
    from studio.screenplay.models import Scene
    from studio.shots.models import Shot
    from tests import factories

    owner = factories.make_user("bench_owner", display_name="Bench Owner")
    project = factories.make_project(owner=owner, title="Bench 2000")
    for role in ("director", "artist", "reviewer"):
        factories.add_member(project, role)
    cast = [factories.make_character(project, name=NAMES[i].title()) for i in range(CHARACTERS)]
    for character in cast[:4]:
        factories.make_reference(character, caption=f"{character.name} look")
    scenes = [factories.make_scene(project, location=f"Location {i}", time_of_day="DAY") for i in range(SCENES)]
    per_scene = SHOTS // SCENES
    sizes, statuses = [c for c, _ in Shot.Size.choices], [c for c, _ in Shot.Status.choices]
    shots = [
        Shot(project=project, scene=scene, number=f"{scene.number}{_letters(i + 1)}", order=i,
             size=sizes[(s * per_scene + i) % len(sizes)], status=statuses[i % len(statuses)], lens_mm=35 + i,
             description=f"Shot {i + 1} of scene {scene.number}: the keeper climbs the stairs.",
             dialogue="Who is he?" if i % 3 == 0 else "", created_by=owner)
        for s, scene in enumerate(scenes) for i in range(per_scene)
    ]
    Shot.objects.bulk_create(shots, batch_size=500)
    Scene.objects.filter(pk__in=[s.pk for s in scenes]).update(shot_letters=per_scene)
    through = Shot.characters.through
    links = [through(shot_id=shot.pk, character_id=cast[(n + k * 5) % CHARACTERS].pk)
             for n, shot in enumerate(shots) for k in range(1 + n % 3)]
    through.objects.bulk_create(links, batch_size=1000)
    takes = [
        Take(project=project, shot=shot, number=v, kind=Take.Kind.IMAGE, source=Take.Source.UPLOADED,
             media=f"takes/{project.pk}/{shot.pk}-{v}.png", thumbnail=f"takes/{project.pk}/{shot.pk}-{v}.webp",
             content_type="image/png", width=1024, height=428, created_by=owner)
        for n, shot in enumerate(shots) for v in range(1, 2 + (n % 2))
    ]
    Take.objects.bulk_create(takes, batch_size=500)
    return owner, project, shots


def fountain(index: int, *, scenes: int = 60, edit: int = 0) -> str:
    """A script of ``scenes`` scenes whose cues are six names of its own (shared with neighbouring scripts)."""
    cast = [NAMES[(index * 2 + k) % len(NAMES)] for k in range(6)]
    parts = [f"Title: Episode {index + 1}\nAuthor: Bench\n"]
    for n in range(scenes):
        a, b = cast[n % 6], cast[(n + 1) % 6]
        action = f"Edit {edit}: the lamp turns." if n == 0 else f"The lamp turns, slowly, over scene {n + 1}."
        parts.append(
            f"{'INT' if n % 2 else 'EXT'}. PLACE {n + 1} - {'NIGHT' if n % 3 else 'DAY'}\n\n{action}\n\n"
            f"{a}\nWhere were you when the light went out?\n\n{b}\n(quietly)\nOn the rocks. Watching the boats.\n\n"
            f"{a}\nThen you saw it too.\n\nThey stand in silence. The sea keeps its own time.\n"
        )
    return "\n".join(parts)


def build_scripts(count: int):
    from tests import factories

    owner = factories.make_user(f"bench_writer_{count}")
    project = factories.make_project(owner=owner, title=f"Bench {count} scripts")
    scripts = list(project.scripts.all())
    from studio.screenplay import services as script_services

    script_services.script_update(actor=owner, script=scripts[0], changes={"fountain": fountain(0)})
    for i in range(1, count):
        scripts.append(factories.make_script(project, title=f"Episode {i + 1}", fountain=fountain(i)))
    return owner, scripts[0]


def measure_settle(owner, script) -> dict:
    from studio.screenplay import collab
    from studio.screenplay.services import script_text_settled

    edits = iter(range(1, 10_000))

    def settle():
        doc = collab.load_doc(script.pk)
        collab.append_update(script.pk, collab.replace_text(doc, fountain(0, edit=next(edits))), author_id=owner.pk)
        t0 = time.perf_counter()
        assert script_text_settled(script_id=script.pk)
        return (time.perf_counter() - t0) * 1000

    for _ in range(2):
        settle()
    ms, queries = [], []
    for _ in range(WRITE_RUNS):
        with sql_counter() as stats:
            ms.append(settle())
        queries.append(stats["n"])
    return {"ms": ms, "queries": queries}


def measure_writes(owner, project) -> dict:
    """Reorders through the services, on a project of their own (and the 2,000-shot project's 100 scenes)."""
    from studio.screenplay import services as script_services
    from studio.screenplay.models import Scene
    from studio.shots import services as shot_services
    from studio.shots.models import Shot
    from tests import factories

    other = factories.make_project(owner=owner, title="Bench reorders")
    results = {}
    for size in (20, 200):
        scene = factories.make_scene(other, location=f"Reorder {size}")
        for i in range(size):
            factories.make_shot(scene, description=f"{i}")
        ids = list(Shot.objects.filter(scene=scene).order_by("order", "id").values_list("pk", flat=True))

        def reverse(scene=scene, ids=ids):
            ids.reverse()
            shot_services.shots_reorder(actor=owner, scene=scene, shot_ids=list(ids))

        results[f"reverse {size} shots of a scene"] = timed(reverse, WRITE_RUNS)

    a = factories.make_scene(other, location="Move A")
    b = factories.make_scene(other, location="Move B")
    for scene in (a, b):
        for i in range(10):
            factories.make_shot(scene, description=f"{i}")
    where = {a.pk: a, b.pk: b}
    state = {"into": b}

    def move():
        into = state["into"]
        source = a if into is b else b
        order = (list(Shot.objects.filter(scene=into).order_by("order", "id").values_list("pk", flat=True))
                 + list(Shot.objects.filter(scene=source).order_by("order", "id").values_list("pk", flat=True)))
        shot_services.shots_reorder(actor=owner, scene=where[into.pk], shot_ids=order)
        state["into"] = source

    # the ids are read inside the timed call: two small queries of the 20 that are not the service's
    results["move 10 shots into another scene"] = timed(move, WRITE_RUNS)

    script = project.scripts.first()
    scene_ids = list(Scene.objects.filter(script=script).order_by("order", "id").values_list("pk", flat=True))

    def reverse_scenes():
        scene_ids.reverse()
        script_services.scenes_reorder(actor=owner, script=script, scene_ids=list(scene_ids))

    results[f"reverse the {len(scene_ids)} scenes of a script"] = timed(reverse_scenes, WRITE_RUNS)
    return results


def measure_reads(owner, project, shots) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(owner)
    base = f"/api/v1/projects/{project.pk}/shots/"

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    results = {"board page, 2,000 shots": timed(lambda: get(f"/projects/{project.pk}/board/"), RUNS)}
    state = get(f"/projects/{project.pk}/board/").content
    results["board page, 2,000 shots"]["bytes"] = len(state)

    def sweep():
        for page in range(1, 11):
            get(f"{base}?page={page}&page_size=50")

    results["shot list API, 500 shots in 10 pages of 50"] = timed(sweep, RUNS)
    results["shot list API, one page of 500 shots"] = timed(lambda: get(f"{base}?page_size=500"), RUNS)
    middle = shots[len(shots) // 2]
    results["shot page of shot 1,001 of 2,000"] = timed(
        lambda: get(f"/projects/{project.pk}/shots/{middle.pk}/"), RUNS)
    return results


def fmt_ms(values) -> str:
    return f"{statistics.median(values):.1f} ms p50, {percentile(values, 95):.1f} ms p95"


def fmt(result: dict) -> str:
    text = f"{fmt_ms(result['ms'])} (n={len(result['ms'])}"
    if "sql_ms" in result:
        text += f", SQL {statistics.median(result['sql_ms']):.1f} ms"
    text += ")"
    queries = sorted(set(result["queries"]))
    text += f"; {queries[0] if len(queries) == 1 else '–'.join(map(str, (queries[0], queries[-1])))} queries"
    return text


def slug() -> str:
    return "postgres" if postgres() else "sqlite"


def write_report(results: dict) -> str:
    before = json.loads(BEFORE.read_text()).get(slug()) if BEFORE.exists() else None
    words = "PostgreSQL" if postgres() else "SQLite"
    lines = [
        f"<!-- bench:board:{slug()} -->",
        f"## The board, the shot list, settling and reorders at size ({words})",
        "",
        f"Run {date.today().isoformat()} with `make bench` on {machine()}; {results['database']}; "
        f"Django's test client in one process; load average before the run {results['load']}.",
        "",
    ]
    if before:
        lines += [f"| measure | before ({before['commit']}, {before['date']}) | now |", "| --- | --- | --- |"]
    else:
        lines += ["| measure | result |", "| --- | --- |"]
    for name, result in results["measures"].items():
        row = f"| {name} | "
        if before:
            row += (fmt(before["measures"][name]) if name in before["measures"] else "–") + " | "
        lines.append(row + fmt(result) + " |")
    lines += [
        "",
        "Targets: the board at 2,000 shots under 250 ms and one API page of 500 shots under 60 ms p95 on PostgreSQL,",
        "with query counts that stay flat; settling one script takes as long with 20 scripts in the project as with",
        "1; a reorder issues the same number of statements for 20 shots as for 200. The project: 2,000 shots in",
        "100 scenes, 12 characters (1–3 per shot, 4 with a reference image), 3,000 takes. Scripts: 60 scenes, six",
        "speaking characters each, about 9 KB of Fountain. Times are wall time of the call (the request through",
        "Django's middleware and templates, or the service), p50 and p95 over n runs after two warm-up runs; SQL",
        "is the time spent in the database driver; queries counts every statement, savepoints included. The",
        "machine's 2 cores are shared with other work (the load average above), which shows mostly in the p95;",
        "the board's p95 also holds the full garbage collections of Python (about 100 ms for this process's",
        "150,000 objects) that a page of 2,000 rows sets off every ten loads or so.",
        "`BENCH_RUNS` and `BENCH_WRITE_RUNS` change the counts.",
    ]
    if before:
        lines += [
            f"The before column is this benchmark on {before['commit']} (kept in tests/bench/board_speed.before.json):",
            "model instances, `asdict` and `reverse()` for every row of the board and the shot list; every other",
            "script of the project parsed again at each settle; one UPDATE per shot or scene in a reorder; the shot",
            "page reading every shot id of the project to find its neighbours.",
        ]
    lines += [
        f"<!-- /bench:board:{slug()} -->",
    ]
    return "\n".join(lines)


def update_doc(section: str) -> Path:
    return write_section("board", slug(), section)


def database_words() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]} (psycopg {_psycopg()})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def _psycopg() -> str:
    import psycopg

    return psycopg.__version__


def commit() -> str:
    import subprocess

    if os.environ.get("BENCH_COMMIT"):  # a copy of another commit's tree, without its git history
        return os.environ["BENCH_COMMIT"]

    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def wait_for_a_quiet_machine(limit_s: float = float(os.environ.get("BENCH_QUIET_WAIT_S", "300"))) -> float:
    """Wait (up to ``limit_s``) until the 1-minute load average is under 1: the cores are shared."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def main() -> None:
    load = f"{wait_for_a_quiet_machine():.2f}"
    with tempfile.TemporaryDirectory() as tmp:
        old_name = setup_django(Path(tmp))
        from django.db import connection

        try:
            owner, project, shots = build_board()
            measures = measure_reads(owner, project, shots)
            for count in (1, 20):
                writer, script = build_scripts(count)
                measures[f"settle one script, {count} script{'s' if count > 1 else ''} in the project"] = \
                    measure_settle(writer, script)
            measures.update(measure_writes(owner, project))
            results = {"measures": measures, "database": database_words(), "load": load, "commit": commit(),
                       "date": date.today().isoformat()}
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    if os.environ.get("BENCH_SAVE_BEFORE"):
        saved = json.loads(BEFORE.read_text()) if BEFORE.exists() else {}
        saved[slug()] = results
        BEFORE.write_text(json.dumps(saved, indent=1) + "\n")
    section = write_report(results)
    print(section)
    print(f"\nwritten to {update_doc(section)}")


if __name__ == "__main__":
    main()
