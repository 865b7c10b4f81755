"""The shot and queue pages apply job and take events from their payloads: no request to the server for an event,
a stale event (an older version than the page holds) changes nothing, the rows the browser draws are the rows the
server draws, and the server's parts are fetched again only on a resync (after a reconnect)."""

from __future__ import annotations

from unittest import mock

import pytest
from playwright.sync_api import expect

from studio.renders.services import jobs as job_services
from studio.renders.services import takes as take_services
from studio.renders.services import worker_protocol
from studio.renders.services.jobs import JobOrder
from tests import factories
from tests.servers import Daphne

from .conftest import Studio, _open, in_thread


@pytest.fixture(scope="module")
def studio(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Daphne without a worker (jobs stay where the test puts them) whose files the test can write."""
    with Daphne(tmp_path_factory.mktemp("store")) as server:
        yield Studio(server)


@pytest.fixture
def open_as(browser, studio, transactional_db, settings):
    """``open_as(user, path)`` on that Daphne; what the test stores goes where it reads files."""
    settings.MEDIA_ROOT = studio.media_root
    opened = []

    def make(user, path):
        page, errors = _open(browser, studio.url, user, path)
        opened.append(page.context)
        return page, errors

    yield make
    for context in opened:
        context.close()

# The server's part and the browser's rows, each parsed by the browser and serialised again, with whitespace
# between tags dropped (templates and rows.js indent differently) and the ticking elapsed times emptied.
SAME_MARKUP = """async ([part, mine]) => {
  const norm = (html) => {
    const t = document.createElement("template");
    t.innerHTML = html;
    t.content.querySelectorAll("script").forEach((n) => n.remove());
    t.content.querySelectorAll("[data-elapsed]").forEach((n) => (n.textContent = ""));
    return t.innerHTML.replace(/>\\s+</g, "><").replace(/\\s+/g, " ").trim();
  };
  const url = new URL(location.href);
  url.search = `?part=${part}`;
  const server = await (await fetch(url)).text();
  return [norm(server), norm(mine)];
}"""


def setup():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    reviewer = factories.make_user("lena", display_name="Lena Park")
    project = factories.make_project(owner=director, title="The Lighthouse")
    factories.add_member(project, "artist", artist)
    factories.add_member(project, "reviewer", reviewer)
    factories.make_script(project)
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    elin = factories.make_character(project, name="Elin", seed=1207)
    shot = factories.make_shot(scene, size="MCU", characters=[elin.pk])
    other = factories.make_shot(scene, size="ELS")
    return director, artist, reviewer, project, shot, other


def finished(artist, shot, *, kind="image", seconds=1.25):
    """A job a worker claimed and finished, the take it left with the provenance a worker writes."""
    job = job_services.job_submit(actor=artist, shot=shot, order=JobOrder(
        kind="frame" if kind == "image" else "clip", **({"frames": 9, "fps": 8} if kind == "clip" else {})))
    worker_protocol.job_claim(job_id=job.pk, worker="gpu-1")
    request = job.request
    made = worker_protocol.Made(
        kind=kind, content=factories.image_bytes(size=(160, 64)), extension="png", content_type="image/png",
        thumbnail=factories.image_bytes("JPEG", size=(160, 64)), width=160, height=64,
        frames=1 if kind == "image" else 9, fps=None if kind == "image" else 8,
        provenance={"model": job.model, "label": "Smoke-test SD (tiny, random weights)", "family": "sd",
                    "smoke_test": True, "seed": request["seed"], "mode": "text-to-image", "request": request,
                    "seconds": seconds, "worker": "gpu-1"},
        smoke_test=True,
    )
    return worker_protocol.job_succeed(job_id=job.pk, worker="gpu-1", made=made)


def populate(director, artist, reviewer, shot, other):
    """Takes of every source and jobs in every state, on two shots."""
    uploaded = take_services.take_upload(actor=artist, shot=shot, upload=factories.image_upload("sketch <1>.png"))
    take_services.take_review(actor=reviewer, take=uploaded, decision="approved")
    finished(artist, shot)
    finished(artist, shot, kind="clip", seconds=2.0)
    finished(director, other)
    running = job_services.job_submit(actor=artist, shot=shot, order=JobOrder(steps=12, seed=77))
    worker_protocol.job_claim(job_id=running.pk, worker="gpu-2")
    worker_protocol.job_progress(job_id=running.pk, worker="gpu-2", step=5, total=12, preview_jpeg=None)
    loading = job_services.job_submit(actor=artist, shot=shot, order=JobOrder(steps=6))
    worker_protocol.job_claim(job_id=loading.pk, worker="gpu-4")
    worker_protocol.job_loading(job_id=loading.pk, worker="gpu-4")
    failed = job_services.job_submit(actor=director, shot=shot)
    worker_protocol.job_claim(job_id=failed.pk, worker="gpu-1")
    worker_protocol.job_fail(job_id=failed.pk, worker="gpu-1", error='CUDA out of memory <"big">.')
    retried = job_services.job_submit(actor=director, shot=other)
    worker_protocol.job_claim(job_id=retried.pk, worker="gpu-1")
    worker_protocol.job_fail(job_id=retried.pk, worker="gpu-1", error="Boom.")
    job_services.job_retry(actor=director, job=retried)
    job_services.job_submit(actor=artist, shot=shot, order=JobOrder(kind="clip", frames=9, fps=8))
    stopping = job_services.job_submit(actor=director, shot=other)
    worker_protocol.job_claim(job_id=stopping.pk, worker="gpu-3")
    job_services.job_cancel(actor=director, job=stopping)
    canceled = job_services.job_submit(actor=director, shot=other)
    job_services.job_cancel(actor=director, job=canceled)


def test_the_rows_the_browser_draws_are_the_rows_the_server_draws(open_as):
    director, artist, reviewer, project, shot, other = in_thread(setup)
    in_thread(populate, director, artist, reviewer, shot, other)

    for user in (artist, reviewer):  # with and without the controls of generating and reviewing
        page, errors = open_as(user, f"/projects/{project.pk}/shots/{shot.pk}/")
        expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
        mine = page.evaluate("window.studio.shot.markup()")
        jobs = page.evaluate(SAME_MARKUP, ["jobs", mine["jobs"]])
        takes = page.evaluate(SAME_MARKUP, ["takes", mine["takes"]])

        assert jobs[0] == jobs[1]
        assert takes[0] == takes[1]
        assert jobs[0].count("<article") == 4  # running, loading its model, queued clip, the failure
        assert "Loading Smoke-test SD (tiny, random weights)…" in jobs[0]
        assert takes[0].count("<article") == 3
        assert errors == []

    queue, errors = open_as(director, f"/projects/{project.pk}/queue/")
    expect(queue.locator("[data-queue-page][data-ready]")).to_be_attached()
    server, mine = queue.evaluate(SAME_MARKUP, ["queue", queue.evaluate("window.studio.queue.markup()")])
    assert server == mine
    assert "Loading Smoke-test SD (tiny, random weights)…" in server
    for status, count in (("running", 3), ("queued", 2), ("failed", 2), ("succeeded", 3), ("canceled", 1)):
        assert server.count(f'data-status="{status}"') == count, status
    assert errors == []


# Keep the page's job events; replay the first one through the page's socket as it arrived (or with a version).
LISTEN = """() => {
  window.__heard = [];
  window.studio.socket.on("*", (m) => m.type.startsWith("job.") && window.__heard.push(m));
}"""
REPLAY = """(version) => {
  const m = window.__heard[0];
  const job = version === null ? m.data.job : { ...m.data.job, version };
  window.studio.socket.emit("*", { ...m, data: { ...m.data, job } });
}"""


def submit_from_the_panel(page) -> int:
    page.fill("#g-steps", "8")
    with page.expect_response(lambda r: r.url.endswith("/jobs/") and r.request.method == "POST") as answer:
        page.click("[data-submit]")
    assert answer.value.status == 201
    return answer.value.json()["id"]


def requests_of(page) -> list[str]:
    """Every request the page makes from now on (documents, fetches, images, …; not websocket frames)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(f"{r.method} {r.url}"))
    return seen


def test_job_events_change_the_shot_page_with_no_request_and_a_stale_one_changes_nothing(open_as):
    _director, artist, reviewer, project, shot, _other = in_thread(setup)
    path = f"/projects/{project.pk}/shots/{shot.pk}/"
    ravi, ravi_errors = open_as(artist, path)
    lena, lena_errors = open_as(reviewer, path)
    for page in (ravi, lena):
        expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)
    lena.evaluate(LISTEN)
    sent = requests_of(lena)

    # Ravi queues a frame: Lena's page shows it from the job.queued event alone
    job_id = submit_from_the_panel(ravi)
    row = lena.locator(f'[data-part="jobs"] [data-job="{job_id}"]')
    expect(row).to_have_attribute("data-status", "queued", timeout=5000)
    expect(row.locator(".pill")).to_have_text("Next up")
    expect(row.locator("[data-job-steps]")).to_have_text("8 steps")
    expect(row.locator(".faint").first).to_have_text("Text to image · Smoke-test SD (tiny, random weights)")

    # Ravi cancels it: gone from Lena's page, again from the event alone
    ravi.locator(f'[data-job="{job_id}"] [data-cancel]').click()
    expect(row).to_have_count(0, timeout=5000)
    assert lena.evaluate("() => window.__heard.map((m) => [m.type, m.data.job.version])") == [
        ["job.queued", 1], ["job.canceled", 2]]

    # the job.queued event again, late (version 1, the page holds 2): nothing changes
    lena.evaluate(REPLAY, None)
    lena.evaluate(REPLAY, 2)  # the same version as the page holds: stale too
    expect(lena.locator('[data-part="jobs"] [data-job]')).to_have_count(0)
    assert lena.evaluate(f"window.studio.shot.store.jobs.get({job_id}).status") == "canceled"
    # a newer one is taken (as if the job had been queued again)
    lena.evaluate(REPLAY, 3)
    expect(row).to_have_attribute("data-status", "queued")

    assert sent == []
    assert ravi_errors == []
    assert lena_errors == []


def missed(fn, **kwargs):
    """Call a service as if the page missed its events (they are not published at all)."""
    with mock.patch("studio.renders.events.publish"):
        return fn(**kwargs)


def test_a_resync_fetches_the_parts_again_and_nothing_else_does(open_as):
    _director, artist, _reviewer, project, shot, _other = in_thread(setup)
    page, errors = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/")
    expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)
    queued = in_thread(missed, job_services.job_submit, actor=artist, shot=shot)
    sent = requests_of(page)

    with page.expect_response(lambda r: "?part=jobs" in r.url), page.expect_response(lambda r: "?part=takes" in r.url):
        page.evaluate("() => window.studio.socket.ws.close()")  # the connection drops; the socket reconnects

    row = page.locator(f'[data-part="jobs"] [data-job="{queued.pk}"]')
    expect(row).to_have_attribute("data-status", "queued", timeout=10_000)
    assert sorted(url.split("?")[1] for url in sent) == ["part=jobs", "part=takes"]
    assert page.evaluate(f"window.studio.shot.store.jobs.get({queued.pk}).version") == 1
    assert errors == []


def test_job_events_change_the_queue_page_with_no_request(open_as):
    _director, artist, _reviewer, project, shot, _other = in_thread(setup)
    shot_page, _ = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/")
    queue, errors = open_as(artist, f"/projects/{project.pk}/queue/")
    for page, ready in ((shot_page, "[data-shot-page][data-ready]"), (queue, "[data-queue-page][data-ready]")):
        expect(page.locator(ready)).to_be_attached()
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)
    queue.evaluate(LISTEN)
    sent = requests_of(queue)

    first = submit_from_the_panel(shot_page)
    second = submit_from_the_panel(shot_page)

    rows = queue.locator(".queue-table tr[data-status='queued']")
    expect(rows).to_have_count(2, timeout=5000)
    expect(rows.locator("td.pos")).to_have_text(["1", "2"])
    expect(queue.locator("[data-count='queued']")).to_have_text("2")
    expect(queue.locator("[data-count='studio']")).to_have_text("2")

    shot_page.locator(f'[data-job="{first}"] [data-cancel]').click()
    canceled = queue.locator(f'a.finished[data-job="{first}"]')
    expect(canceled.locator(".pill")).to_have_text("Canceled", timeout=5000)
    expect(rows).to_have_count(1)
    expect(rows.locator("td.pos")).to_have_text(["1"])  # the one behind moved up
    expect(queue.locator("[data-count='studio']")).to_have_text("1")

    queue.evaluate(REPLAY, None)  # the first job.queued, late
    expect(rows).to_have_count(1)
    expect(canceled).to_have_count(1)
    assert queue.evaluate(f"window.studio.queue.store.jobs.get({first}).status") == "canceled"
    assert queue.evaluate(f"window.studio.queue.store.positions.get({second})") == 1
    assert sent == []
    assert errors == []


def test_a_job_loading_its_model_says_so_until_its_first_step(open_as):
    _director, artist, _reviewer, project, shot, _other = in_thread(setup)

    def loading():
        job = job_services.job_submit(actor=artist, shot=shot, order=JobOrder(steps=4))
        worker_protocol.job_claim(job_id=job.pk, worker="gpu-1")
        worker_protocol.job_loading(job_id=job.pk, worker="gpu-1")
        return job

    job = in_thread(loading)
    page, errors = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/")
    expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
    row = page.locator(f'[data-part="jobs"] [data-job="{job.pk}"]')
    expect(row.locator("[data-job-steps]")).to_have_text("Loading Smoke-test SD (tiny, random weights)…")
    expect(row.locator(".pill")).to_have_text("Running")

    page.evaluate("""(id) => window.studio.socket.emit("*", {type: "job.progress", project: 0, actor: null,
        data: {id, version: 4, shot: window.studio.shot.shotId, step: 1, total: 4, preview: null}})""", job.pk)

    expect(row.locator("[data-job-steps]")).to_have_text("Step 1 of 4")
    assert page.evaluate("(id) => window.studio.shot.store.jobs.get(id).stage", job.pk) == ""
    assert errors == []
