"""Benchmark: how fast a change reaches another browser, and how fast the board loads.

    make bench            (or: .venv/bin/python -m tests.bench.live_latency)

Starts Daphne on a fresh SQLite database in a temporary folder (or on
DATABASE_URL / REDIS_URL when set), opens the shot board in two headless
Chromium pages, and measures:

- edit → other browser: from the moment page A sends a PATCH until page B's
  DOM shows the new text (both sides stamp Date.now() on the same machine);
- the PATCH round trip seen by page A;
- board load: navigation start → board drawn (every card with its framing sketch), 10 and 200 shots.

Results replace the "live" section of docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from tests.bench.report import write_section

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "40"))


def setup_django(tmp: Path) -> dict:
    env = {"DJANGO_SETTINGS_MODULE": "studio.settings", "MEDIA_ROOT": str(tmp / "media"),
           "STUDIO_VAR_DIR": str(tmp / "var")}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def make_projects():
    from tests import factories

    director = factories.make_user("bench_director", display_name="Bench Director")
    artist = factories.make_user("bench_artist", display_name="Bench Artist")
    projects = {}
    for shots in (10, 200):
        project = factories.make_project(owner=director, title=f"Bench {shots}")
        factories.add_member(project, "artist", artist)
        cast = [factories.make_character(project, name=f"C{i}") for i in range(4)]
        per_scene = 10 if shots == 10 else 20
        for _ in range(shots // per_scene):
            scene = factories.make_scene(project)
            for i in range(per_scene):
                factories.make_shot(scene, description=f"Shot {i}", characters=[cast[i % 4].pk])
        projects[shots] = project
    return director, artist, projects


def session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def start_server(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "studio.asgi:application"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("Daphne did not start")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values) -> str:
    return (f"{statistics.median(values):.1f} ms median, {percentile(values, 95):.1f} ms p95, "
            f"{min(values):.1f}–{max(values):.1f} ms (n={len(values)})")


def measure(url, director, artist, projects) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    results = {"edit_to_other_browser": [], "patch_round_trip": [], "board_load": {}}
    cookies = {user.pk: session_cookie(user) for user in (director, artist)}  # before Playwright's loop runs
    ids = {size: project.pk for size, project in projects.items()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def page_for(user, path):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookies[user.pk], "url": url}])
            page = context.new_page()
            page.goto(url + path)
            page.wait_for_selector("[data-board][data-ready]")
            page.wait_for_function("document.querySelector('[data-connection]').dataset.state === 'open'")
            return page

        project_id = ids[10]
        a = page_for(director, f"/projects/{project_id}/board/")
        b = page_for(artist, f"/projects/{project_id}/board/")
        shot_id = int(b.locator("[data-shot]").first.get_attribute("data-shot"))
        b.evaluate("""(id) => {
            window.__seen = {};
            const main = document.querySelector("[data-board-main]");
            new MutationObserver(() => {
              const text = document.querySelector(`[data-shot="${id}"] .desc`)?.textContent || "";
              if (text.startsWith("bench ") && !(text in window.__seen)) window.__seen[text] = Date.now();
            }).observe(main, {subtree: true, childList: true, characterData: true});
        }""", shot_id)
        for i in range(RUNS):
            text = f"bench {i}"
            sent, answered = a.evaluate("""async ([project, id, text]) => {
                const shot = window.studio.board.state.shots.get(id);
                const csrf = document.querySelector('meta[name="csrf-token"]').content;
                const t0 = Date.now();
                const headers = {"Content-Type": "application/json", "X-CSRFToken": csrf,
                                 "If-Match": `"${shot.version}"`};
                const r = await fetch(`/api/v1/projects/${project}/shots/${id}/`, {method: "PATCH", headers,
                  body: JSON.stringify({description: text})});
                const body = await r.json();
                window.studio.board.receiveShot(body);
                return [t0, Date.now()];
            }""", [project_id, shot_id, text])
            b.wait_for_function("(t) => t in window.__seen", arg=text, timeout=10000)
            seen = b.evaluate("(t) => window.__seen[t]", text)
            results["edit_to_other_browser"].append(seen - sent)
            results["patch_round_trip"].append(answered - sent)
            time.sleep(0.05)
        for size, pk in ids.items():
            loads = []
            page = page_for(director, f"/projects/{pk}/board/")
            for _ in range(5):
                page.reload()
                page.wait_for_selector("[data-board][data-ready]")
                loads.append(page.evaluate(
                    "performance.now() - performance.getEntriesByType('navigation')[0].startTime"))
            results["board_load"][size] = loads
        results["chromium"] = browser.version
        browser.close()
    return results


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def configuration() -> tuple[str, str]:
    """(slug, words) of the database and channel layer the server ran on."""
    postgres = "postgres" in os.environ.get("DATABASE_URL", "")
    redis = bool(os.environ.get("REDIS_URL"))
    slug = f"{'postgres' if postgres else 'sqlite'}-{'redis' if redis else 'memory'}"
    return slug, f"{'PostgreSQL' if postgres else 'SQLite'}, {'Redis' if redis else 'in-memory'} channel layer"


def write_report(results: dict, env: dict) -> str:
    slug, words = configuration()
    backend, layer = words.split(", ")
    lines = [
        f"<!-- bench:live:{slug} -->",
        f"## Live updates and the shot board ({words})",
        "",
        f"Run {date.today().isoformat()} with `make bench` on {machine()}; Chromium {results['chromium']} headless;"
        f" one Daphne process, {backend}, {layer}.",
        "",
        "| measure | result |",
        "| --- | --- |",
        f"| edit in browser A → visible in browser B | {summary(results['edit_to_other_browser'])} |",
        f"| PATCH round trip seen by browser A | {summary(results['patch_round_trip'])} |",
    ]
    for size, loads in results["board_load"].items():
        lines.append(f"| board load until drawn, {size} shots | {summary(loads)} |")
    lines += [
        "",
        "Target: another user's change shows within a second. Board load runs from navigation start until the",
        "board module has drawn every card with its framing sketch (`data-ready`); Playwright's polling adds a few ms.",
        "DATABASE_URL and REDIS_URL, when set, make the server use PostgreSQL and Redis instead.",
        f"<!-- /bench:live:{slug} -->",
    ]
    return "\n".join(lines)


def update_doc(section: str, *, prefix: str = "live") -> Path:
    """Replace the ``bench:<prefix>:<slug>`` section of docs/benchmarks.md with ``section`` (or append it)."""
    return write_section(prefix, configuration()[0], section)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = setup_django(Path(tmp))
        director, artist, projects = make_projects()
        port = 8765
        server = start_server(env, port)
        try:
            results = measure(f"http://127.0.0.1:{port}", director, artist, projects)
        finally:
            server.terminate()
            server.wait(timeout=10)
    section = write_report(results, env)
    print(section)
    print(f"\nwritten to {update_doc(section)}")


if __name__ == "__main__":
    main()
