"""Browser tests: Debian's Chromium, driven by Playwright, against a real Daphne serving the test database.

The server runs in its own process (HTTP and websockets, as `make run` serves
them) on the test database; tests write their data with transactional_db so the
server sees it. Users are logged in by a real session cookie.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tests.servers import Daphne
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-results"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    # The generating studio's worker takes every queued job of the shared test database for as long as the session
    # runs, so the tests that need jobs to stay where they put them run before it starts (a stable sort).
    items.sort(key=lambda item: "generating_studio" in getattr(item, "fixturenames", ()))
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    elif not (ROOT / "frontend" / "dist" / "js" / "board.js").exists():
        missing = "the frontend is not built (make frontend)"
    if missing:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Daphne process serving the studio on the test database; its URL."""
    with Daphne(tmp_path_factory.mktemp("live")) as server:
        yield server.url


class Studio:
    """A Daphne that generates: its URL, and where it keeps uploads and takes (its MEDIA_ROOT)."""

    def __init__(self, server: Daphne):
        self.url = server.url
        self.media_root = Path(server.env["MEDIA_ROOT"])


@pytest.fixture(scope="session")
def generating_studio(django_db_setup, django_db_blocker, tmp_path_factory, tiny_models):
    """A Daphne process with the generation worker inside it (embedded mode, as `make run`), on the test database.
    Progress events come every step so that tests can watch a bar move."""
    env = {"STUDIO_EMBEDDED_WORKER": "1", "STUDIO_EMBEDDED_EXPORT_WORKER": "0", "STUDIO_PROGRESS_INTERVAL_S": "0",
           "STUDIO_CANCEL_CHECK_S": "0.1"}  # exports are run by the tests that make them, not by a thread of it
    with Daphne(tmp_path_factory.mktemp("generating"), env=env) as server:
        yield Studio(server)


@pytest.fixture
def worker_idle(transactional_db):
    """After the test, cancel what is still queued or running and wait until the worker is idle, so that the
    database is not emptied under a job the worker is running (its worker thread does not survive that)."""
    yield
    from django_tasks_db.models import DBTaskResult

    from studio.renders.models import GenerationJob
    from studio.renders.services import jobs as job_services

    def settle():
        for job in GenerationJob.objects.filter(status__in=GenerationJob.ACTIVE).select_related("requester", "project"):
            if job.requester is not None and not job.cancel_requested:
                job_services.job_cancel(actor=job.requester, job=job)

    in_thread(settle)

    def idle():
        # no job running, and no task left for the worker to pick up: a canceled job's task is still taken and
        # run (to find the job canceled), and a worker inside it while the tables are emptied can deadlock that
        return not (GenerationJob.objects.filter(status=GenerationJob.Status.RUNNING).exists()
                    or DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists())

    wait_for(idle, timeout=120, every=0.2, what="the generation worker to be idle")


@pytest.fixture
def open_in(browser, transactional_db, settings, worker_idle):
    """``open_in(studio, user, path)`` → like ``open_as``, against another server (e.g. ``generating_studio``).
    Files the test stores go where that server reads them."""
    opened = []

    def make(studio, user, path="/", *, clock=False):
        settings.MEDIA_ROOT = studio.media_root
        page, errors = _open(browser, studio.url, user, path, clock=clock)
        opened.append(page.context)
        return page, errors

    yield make
    _close(opened)


def _close(contexts) -> None:
    """Close each page's context once the requests it sent are answered: the test database is emptied next, and
    a request the server is still running then deadlocks with that (PostgreSQL's TRUNCATE waits on its locks).
    Closing a page closes its sockets too, and the server's side of a socket writes as it ends (presence, the
    event's number): wait for the database to be quiet as well."""
    for context in contexts:
        _wait_for_answers(context)
        context.close()
    if contexts:
        in_thread(_database_quiet)


QUIET = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND backend_type = 'client backend' AND state IN ('active', 'idle in transaction')"""


def _database_quiet(timeout_s: float = 10) -> None:
    """Until no other session of the test database is inside a statement or a transaction (PostgreSQL), or
    ``timeout_s``: the servers' workers poll now and then, so a quiet moment is waited for, not silence."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(QUIET)
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)


def _count_requests(context) -> None:
    """Keep ``context.in_flight``: the HTTP requests its pages sent that have not been answered (or failed)."""
    context.in_flight = set()
    context.on("request", lambda request: context.in_flight.add(request))
    context.on("requestfinished", lambda request: context.in_flight.discard(request))
    context.on("requestfailed", lambda request: context.in_flight.discard(request))


def _wait_for_answers(context, timeout_s: float = 15) -> None:
    pages = [page for page in context.pages if not page.is_closed()]
    deadline = time.monotonic() + timeout_s
    while pages and context.in_flight and time.monotonic() < deadline:
        pages[0].wait_for_timeout(25)  # lets Playwright deliver the events that empty the set


def _open(browser, url, user, path, *, clock=False):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    _count_requests(context)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": url}])
    if clock:  # Playwright's clock: time flows as usual, and a test can move it on at once (page.clock.run_for)
        context.clock.install()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}{path}")
    return page, errors


@pytest.fixture(scope="session")
def browser():
    """Chromium for the session. Playwright's sync API keeps an event loop running in this thread,
    which Django's async-safety check mistakes for async code: the tests themselves are synchronous,
    so the check is lifted in this process (never in the server's)."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Page:
    """A logged-in Chromium page with the errors it logged."""

    def __init__(self, context, page, errors):
        self.context, self.page, self.errors = context, page, errors


@pytest.fixture
def open_as(browser, live_url, transactional_db):
    """``open_as(user, path)`` → a Playwright page logged in as ``user`` with ``path`` loaded; with ``clock=True``
    the page's timers run on Playwright's clock, so that the test can let seconds of page time pass at once."""
    opened = []

    def make(user, path="/", *, clock=False):
        page, errors = _open(browser, live_url, user, path, clock=clock)
        opened.append(page.context)
        return page, errors

    yield make
    _close(opened)


def in_thread(fn, *args, **kwargs):
    """Run setup code in a thread of its own: services publish events, and this thread has Playwright's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_closing(fn), *args, **kwargs).result()


def _closing(fn):
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    return run


# Resolves once the page is still: its finite CSS animations and transitions have ended, the images in view are
# decoded (lazy ones out of view never load), its fonts are loaded, and two frames have been drawn since (WebGL
# included). Rejects if that takes more than 30 s, rather than hang the test.
SETTLED = """async () => {
  const still = async () => {
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => null)));
    const inView = (img) => { const r = img.getBoundingClientRect();
      return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth; };
    const loading = [...document.images].filter((img) => !img.complete && inView(img));
    await Promise.all(loading.map((img) => img.decode().catch(() => null)));
    await document.fonts.ready;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  };
  const late = new Promise((_, fail) => setTimeout(() => fail(new Error("the page did not settle in 30 s")), 30000));
  await Promise.race([still(), late]);
}"""


def settled(page) -> None:
    """Wait until the page is still (see SETTLED), e.g. before a screenshot."""
    page.evaluate(SETTLED)


def requests_to(page, method: str, part: str) -> list[str]:
    """The URLs of the page's ``method`` requests whose URL contains ``part``, from now on (the list grows)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.method == method and part in r.url else None)
    return seen


def screenshot(page, name: str) -> Path:
    """Keep a screenshot of the page, once it is still, in test-results/ for a human to look at."""
    settled(page)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
