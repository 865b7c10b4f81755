"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import json
import os
import time
from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.apps import apps
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework.test import APIClient

from studio.live.events import project_group
from studio.projects.permissions import Role

from . import factories

# No generation worker thread inside the test process (importing studio.asgi would start one): a test
# that wants a worker runs one itself.
django_settings.STUDIO_EMBEDDED_WORKER = False
django_settings.STUDIO_EMBEDDED_EXPORT_WORKER = False  # nor an export worker: tests run exports themselves
django_settings.STUDIO_SETTLE_ON_START = False  # nor one settling pending scripts (tests/…/test_script_processes.py)


def _flush_retrying_a_deadlock(flush):
    """A transactional test empties its tables with one TRUNCATE; on PostgreSQL a server the test started may still
    be polling them (a generation worker's sweeper locks job and task rows across two tables), and then one of the
    two is chosen as a deadlock's victim. That is the test harness racing a live server, not a defect: the TRUNCATE
    is tried again (the poller's transaction is over by then), a few times."""

    def execute_sql_flush(self, sql_list):
        for attempt in range(5):
            try:
                return flush(self, sql_list)
            except OperationalError as exc:
                if "deadlock detected" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.1 * (attempt + 1))
        return None

    return execute_sql_flush


BaseDatabaseOperations.execute_sql_flush = _flush_retrying_a_deadlock(BaseDatabaseOperations.execute_sql_flush)

# Under pytest-xdist (`make test` runs the suite in several processes) each worker has a test database of its own,
# which numbers its projects from 1, and live groups are named after projects: each worker gets channel names of
# its own too, in this process and in the servers and workers its tests start (they inherit the environment).
if os.environ.get("PYTEST_XDIST_WORKER"):
    _prefix = f"{os.environ.get('CHANNELS_PREFIX', 'previz')}-{os.environ['PYTEST_XDIST_WORKER']}"
    os.environ["CHANNELS_PREFIX"] = _prefix
    for _layer in django_settings.CHANNEL_LAYERS.values():
        if "prefix" in _layer.get("CONFIG", {}):
            _layer["CONFIG"]["prefix"] = _prefix


def pytest_addoption(parser):
    parser.addoption("--screenshots", action="store_true",
                     help="also run the tests marked screenshots, which take the pictures in docs/screenshots "
                          "(make screenshots); without it they are deselected")


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright keeps an event loop running in the main thread while it is open.
    Tests that only take pictures for people to look at run with --screenshots only."""
    if not config.getoption("--screenshots"):
        pictures = [item for item in items if item.get_closest_marker("screenshots")]
        if pictures:
            config.hook.pytest_deselected(items=pictures)
            items[:] = [item for item in items if not item.get_closest_marker("screenshots")]
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads of a test go to its own folder; passwords hash fast (the real hasher is slow by design); each test
    has a cache of its own (failed logins of one test never make another's wait)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": str(tmp_path)}}


@pytest.fixture
def login_clock(monkeypatch):
    """The clock of the failed-login throttle (accounts.services), moved on at once by ``login_clock.now += s``."""

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr("studio.accounts.services._now", lambda: Clock.now, raising=False)
    return Clock


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own channel layer: a Redis layer binds its locks to the event loop of its first use."""
    from channels.layers import channel_layers

    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def api():
    """``api(user)`` → an API client with a real session for that user (``api(None)`` is anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def team(db):
    """A project with one member of every role: ``team.project``, ``team.owner`` … ``team.viewer``."""

    class Team:
        pass

    t = Team()
    t.owner = factories.make_user("olive_owner")
    t.project = factories.make_project(owner=t.owner, title="Team Project")
    for role in Role:
        if role != Role.OWNER:
            setattr(t, role.value, factories.add_member(t.project, role, factories.make_user(f"{role.value}_member")))
    t.users = {role.value: getattr(t, role.value) for role in Role}
    return t


STUDIO_APPS = ("accounts", "projects", "screenplay", "cast", "shots", "renders", "deliverables",
               "django_tasks_database")


def db_state() -> dict:
    """Every row of the studio's own tables, to show that a refused request changed nothing."""
    state = {}
    for label in STUDIO_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = model.objects.order_by("pk").values()
            state[model._meta.label] = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows]
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                state[through._meta.label] = sorted(through.objects.values_list(*[f.attname for f in
                                                    through._meta.fields]))
    return state


@pytest.fixture
def snapshot():
    return db_state


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """``with published(project) as sent:`` → the live events that reached the project's group, in order
    (without their numbers, ``seq``, which tests/studio/live/test_sequence.py checks)."""

    @contextmanager
    def record(project):
        layer = get_channel_layer()
        group = project_group(project.pk)
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)
        sent: list[dict] = []
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield sent
            sent.extend(async_to_sync(_drain)(layer, channel))
        finally:
            async_to_sync(layer.group_discard)(group, channel)

    return record


END_OF_EVENTS = "test.end_of_events"


async def _drain(layer, channel) -> list[dict]:
    """Every event the channel got before now: a marker is sent after them (a channel's messages keep their
    order, on Redis as in memory), and read up to; no guess at how long a busy Redis takes to deliver."""
    await layer.send(channel, {"type": END_OF_EVENTS})
    events = []
    while True:
        message = await asyncio.wait_for(layer.receive(channel), timeout=10)
        if message["type"] == END_OF_EVENTS:
            return events
        event = json.loads(json.dumps(message["event"]))  # as it travels on Redis: JSON, or it fails
        assert isinstance(event.pop("seq"), int), event  # every event is numbered (live.sequence); tested there
        events.append(event)


@pytest.fixture
def run():
    """``await run(fn, **kwargs)``: call sync code (services, ORM) from an async test."""
    from channels.db import database_sync_to_async

    async def call(fn, *args, **kwargs):
        return await database_sync_to_async(fn)(*args, **kwargs)

    return call


@pytest.fixture(scope="session")
def tiny_models():
    """The tiny random-weight models the default STUDIO_MODELS names, built once (var/models, as `make run`)."""
    from django.conf import settings

    from generation import tiny

    if not tiny.is_current(settings.STUDIO_MODELS_DIR):
        tiny.build(settings.STUDIO_MODELS_DIR)
    return settings.STUDIO_MODELS_DIR
