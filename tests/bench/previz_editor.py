"""Benchmark: how fast the previz editor opens, and how fast a layout save goes round.

    make bench            (or: .venv/bin/python -m tests.bench.previz_editor)

Starts Daphne on a fresh SQLite database in a temporary folder (or on
DATABASE_URL / REDIS_URL when set), saves a 10-object and a 200-object layout
on two shots, opens their previz editors in headless Chromium, and measures:

- editor load: navigation start → the layout loaded and the scene built
  (``data-ready``) → one more animation frame drawn after it ("interactive");
- the layout save (PUT with If-Match, as the editor saves) round trip, 10 and 200 objects,
  sent from a worker of the open editor's page;
- for the 200-object layout, a save sent from the shot's page (A) until an editor open
  on the same shot (B) has taken it in, and until it has drawn it (both sides stamp
  Date.now() on the same machine).

Headless Chromium draws WebGL with SwiftShader (on the CPU): the times compare runs
on one machine; they are not the frame rates of a browser with a GPU.

Results replace the "previz" section of docs/benchmarks.md. BENCH_RUNS (default 40)
sets the number of saves on the 10-object shot (half as many on the 200-object one),
BENCH_LOADS (default 5) the number of editor loads per size.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.bench.live_latency import (
    configuration,
    machine,
    session_cookie,
    setup_django,
    start_server,
    summary,
    update_doc,
)

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
LOADS = int(os.environ.get("BENCH_LOADS", "5"))
SIZES = (10, 200)

# Stamped in every page before its scripts run: when the editor sets data-ready, and when the
# second animation frame after that has come (so the frame with the built scene has been drawn).
STAMP_READY = """
new MutationObserver((_, observer) => {
  const root = document.querySelector("[data-previz][data-ready]");
  if (!root) return;
  observer.disconnect();
  const start = performance.getEntriesByType("navigation")[0]?.startTime || 0;
  window.__ready = performance.now() - start;
  requestAnimationFrame(() => requestAnimationFrame(() => { window.__interactive = performance.now() - start; }));
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
"""

# One save of the layout, as the editor makes it: GET for the current version, then PUT it back with
# one object nudged and If-Match, timed from the PUT's start until its JSON answer is parsed. It runs in a
# worker of the page: the page's own editor takes in the save too (as a collaborator's, for this PUT is not
# its own save), and drawing it must not hold up the answer on the page's main thread.
SAVER = """
onmessage = async ({data: {url, i, csrf}}) => {
  const current = await (await fetch(url, {headers: {Accept: "application/json"}})).json();
  const layout = current.layout;
  const obj = layout.objects[i % layout.objects.length];
  obj.position[0] = Math.round((obj.position[0] + 0.01) * 1000) / 1000;
  const headers = {"Content-Type": "application/json", "X-CSRFToken": csrf, "If-Match": `"${current.version}"`};
  const body = JSON.stringify({layout});
  const sent = Date.now(), t0 = performance.now();
  const r = await fetch(url, {method: "PUT", headers, body});
  const answer = await r.json();
  const ms = performance.now() - t0;
  postMessage({status: r.status, base: current.version, version: answer.version, sent, ms});
};
"""
SAVE = """([source, path, i]) => {
  window.__saver ||= new Worker(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  return new Promise((resolve) => {
    window.__saver.onmessage = (e) => resolve(e.data);
    window.__saver.postMessage({url: new URL(path, location.href).href, i, csrf});
  });
}"""

# In page B: note when its editor has taken in a version newer than `after` (its panels are redrawn from
# the document as soon as it has, so a MutationObserver sees it at once; a 5 ms poll backs it up), and when
# the second animation frame after that has come (the frame showing it has been drawn).
WATCH = """(after) => {
  window.__applied = null;
  window.__drawn = null;
  const root = document.querySelector("[data-previz]");
  const check = () => {
    if (window.__applied || window.previz.version <= after) return;
    observer.disconnect();
    clearInterval(timer);
    window.__applied = {at: Date.now(), version: window.previz.version};
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawn = Date.now(); }));
  };
  const observer = new MutationObserver(check);
  observer.observe(root, {subtree: true, childList: true, characterData: true});
  const timer = setInterval(check, 5);
}"""

PALETTE = ("#e4572e", "#4f9cf7", "#f5a524", "#2ec27e", "#c061cb", "#8a8f98", "#8b6b4a", "#6f747c")
PIECES = {  # scale and colour of each kind of set piece
    "table": ([1, 1, 1], "#8b6b4a"), "chair": ([1, 1, 1], "#6d5a46"), "wall": ([0.5, 1, 1], "#6f747c"),
    "tree": ([0.8, 0.8, 0.8], "#3f7d3a"), "car": ([1, 1, 1], "#9c2f2f"), "box": ([0.8, 0.8, 0.8], "#a08560"),
}
# Four in ten are mannequins; the rest set pieces. Two lights come first.
CYCLE = ("character", "table", "chair", "character", "wall", "tree", "character", "car", "box", "character")
POSES = ("stand", "walk", "sit", "point", "lie")
SPACING = 3.0  # metres between grid points: a car (4.4 m) may touch its neighbour, nothing piles up


def make_layout(size: int, cast: list) -> dict:
    """A valid layout of ``size`` objects: a sun, a practical, then mannequins and set pieces on a grid."""
    from studio.shots.layout import empty_layout

    layout = empty_layout(focal_mm=35, size="LS")
    objects = [
        {"id": "sun", "type": "light", "name": "Sun", "position": [6, 10, 4], "rotation": [0, 0, 0],
         "kind": "sun", "intensity": 1.6, "color": "#fff2dd"},
        {"id": "lamp", "type": "light", "name": "Lamp", "position": [0, 2.2, 0], "rotation": [0, 0, 0],
         "kind": "practical", "intensity": 6, "color": "#ffc98a"},
    ]
    columns = 15
    for i in range(size - len(objects)):
        kind = CYCLE[i % len(CYCLE)]
        row, column = divmod(i, columns)
        position = [round((column - columns // 2) * SPACING, 2), 0, round(-row * SPACING, 2)]
        rotation = [0, (i * 37) % 360 - 180, 0]
        if kind == "character":
            who = cast[i % len(cast)]
            objects.append({"id": f"c{i}", "type": "character", "name": f"{who.name} {i}", "position": position,
                            "rotation": rotation, "character": who.pk, "height": round(1.6 + (i % 4) * 0.08, 2),
                            "pose": POSES[i % len(POSES)], "color": PALETTE[i % len(PALETTE)]})
        else:
            scale, color = PIECES[kind]
            objects.append({"id": f"{kind}{i}", "type": kind, "name": f"{kind.title()} {i}", "position": position,
                            "rotation": rotation, "scale": scale, "color": color})
    layout["objects"] = objects
    if cast:
        layout["camera"]["framing"]["subject"] = next(o["id"] for o in objects if o["type"] == "character")
    return layout


def make_shots():
    """A project with a director, four characters and one shot per size, each with its layout saved."""
    from studio.shots import layouts
    from tests import factories

    director = factories.make_user("bench_director", display_name="Bench Director")
    project = factories.make_project(owner=director, title="Bench previz")
    cast = [factories.make_character(project, name=f"C{i}") for i in range(4)]
    scene = factories.make_scene(project)
    shots = {}
    for size in SIZES:
        shot = factories.make_shot(scene, description=f"{size} objects")
        layouts.layout_save(actor=director, shot=shot, data=make_layout(size, cast), base_version=0)
        shots[size] = shot
    return director, project, shots


def measure(url, director, project, shots) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    results = {"ready": {}, "interactive": {}, "saves": {}, "applied_in_b": [], "drawn_in_b": []}
    cookie = session_cookie(director)  # before Playwright's loop runs
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def editor(shot):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": url}])
            context.add_init_script(STAMP_READY)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/projects/{project.pk}/shots/{shot.pk}/previz/")
            return page, errors

        def loaded(page, errors, size) -> tuple[float, float]:
            page.wait_for_function("window.__interactive !== undefined", timeout=60000)
            count = page.locator("[data-objects] [data-type]").count()
            if count != size or errors:
                raise SystemExit(f"the editor of the {size}-object shot lists {count} objects; errors: {errors}")
            return page.evaluate("[window.__ready, window.__interactive]")

        for size, shot in shots.items():
            page, errors = editor(shot)
            loaded(page, errors, size)  # the first load warms the server and the browser's caches
            ready, interactive = [], []
            for _ in range(LOADS):
                page.reload()
                r, i = loaded(page, errors, size)
                ready.append(r)
                interactive.append(i)
            results["ready"][size], results["interactive"][size] = ready, interactive
            page.context.close()

        def save(page, api, i) -> dict:
            answer = page.evaluate(SAVE, [SAVER, api, i])
            if answer["status"] != 200 or answer["version"] != answer["base"] + 1:
                raise SystemExit(f"a save through {api} went wrong: {answer}")
            return answer

        def settled(page, version) -> None:
            """The editor has taken in ``version`` and drawn it, so that its drawing holds up no later measure."""
            page.wait_for_function("(v) => window.previz.version >= v", arg=version, timeout=20000)
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")

        for size, shot in shots.items():  # the save round trip, from the shot's open editor
            api = f"/api/v1/projects/{project.pk}/shots/{shot.pk}/layout/"
            a, errors = editor(shot)
            loaded(a, errors, size)
            a.wait_for_function("document.querySelector('[data-connection]').dataset.state === 'open'")
            times = []
            for i in range(RUNS if size == min(SIZES) else max(1, RUNS // 2)):
                answer = save(a, api, i)
                times.append(answer["ms"])
                settled(a, answer["version"])
                time.sleep(0.05)
            results["saves"][size] = times
            a.context.close()

        # Another open editor shows the save. The save comes from the shot's page (A), not from a second editor:
        # an editor would take in this save as a collaborator's (it is not the editor's own save) and draw it at
        # the same time as B, on the same software renderer and cores.
        big = max(SIZES)
        shot = shots[big]
        api = f"/api/v1/projects/{project.pk}/shots/{shot.pk}/layout/"
        b, errors = editor(shot)
        loaded(b, errors, big)
        b.wait_for_function("document.querySelector('[data-connection]').dataset.state === 'open'")
        # A page of its own context: opened in B's, it slowed B's animation frames to one every 2 s.
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": url}])
        a = context.new_page()
        a.goto(f"{url}/projects/{project.pk}/shots/{shot.pk}/")
        for i in range(max(1, RUNS // 2)):
            b.evaluate(WATCH, b.evaluate("window.previz.version"))
            answer = save(a, api, i)
            b.wait_for_function("window.__drawn !== null", timeout=20000)
            applied, drawn = b.evaluate("[window.__applied, window.__drawn]")
            if applied["version"] != answer["version"] or errors:
                raise SystemExit(f"page B took in version {applied['version']}, not {answer['version']}; {errors}")
            results["applied_in_b"].append(applied["at"] - answer["sent"])
            results["drawn_in_b"].append(drawn - answer["sent"])
            time.sleep(0.05)
        for page in (a, b):
            page.context.close()
        results["chromium"] = browser.version
        browser.close()
    return results


def write_report(results: dict) -> str:
    slug, words = configuration()
    backend, layer = words.split(", ")
    lines = [
        f"<!-- bench:previz:{slug} -->",
        f"## Previz editor ({words})",
        "",
        f"Run {date.today().isoformat()} with `make bench` on {machine()}; Chromium {results['chromium']} headless"
        f" (WebGL on SwiftShader); one Daphne process, {backend}, {layer}.",
        "",
        "| measure | result |",
        "| --- | --- |",
    ]
    for size in SIZES:
        lines.append(f"| editor load until interactive, {size} objects | {summary(results['interactive'][size])} |")
    for size in SIZES:
        lines.append(f"| editor load until the scene is built (`data-ready`), {size} objects | "
                     f"{summary(results['ready'][size])} |")
    for size in SIZES:
        lines.append(f"| layout save (PUT) round trip, {size} objects | {summary(results['saves'][size])} |")
    big = max(SIZES)
    lines += [
        f"| save in A → taken in by B's editor, {big} objects | {summary(results['applied_in_b'])} |",
        f"| save in A → drawn in B's editor, {big} objects | {summary(results['drawn_in_b'])} |",
        "",
        "Headless Chromium draws WebGL with SwiftShader, a software renderer, on the machine's CPU cores: these times",
        "compare runs on one machine and are not the frame rates of a browser with a GPU.",
        "Editor load runs from navigation start until the editor has loaded the layout and built the scene",
        "(`data-ready`), and until the second animation frame after that, once the scene has been drawn (interactive);",
        f"each size is loaded once to warm up, then {LOADS} times, and its object list must show every object.",
        "A save is the editor's PUT of the whole layout with one object nudged and If-Match on its version, timed",
        "from the request until its JSON answer is parsed. It is sent from a worker of the open editor's page: that",
        "editor takes the save in as a collaborator's (it did not make it) and redraws, which must not hold up the",
        "timing. For B, the save is sent from the shot's page (A) while B, an editor open on the same shot, watches",
        "its version: taken in is when B's editor has the new version and has redrawn its panels, drawn the second",
        "animation frame after that. Each shot holds a sun, a practical light, and mannequins and set pieces (four in",
        "ten are mannequins) on a 3 m grid. BENCH_RUNS and BENCH_LOADS change the counts; DATABASE_URL and REDIS_URL,",
        "when set, make the server use PostgreSQL and Redis instead.",
        f"<!-- /bench:previz:{slug} -->",
    ]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = setup_django(Path(tmp))
        director, project, shots = make_shots()
        from tests.servers import free_port

        port = free_port()
        server = start_server(env, port)
        try:
            results = measure(f"http://127.0.0.1:{port}", director, project, shots)
        finally:
            server.terminate()
            server.wait(timeout=10)
    section = write_report(results)
    print(section)
    print(f"\nwritten to {update_doc(section, prefix='previz')}")


if __name__ == "__main__":
    main()
