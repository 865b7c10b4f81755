"""The project socket on a Redis channel layer that goes away and comes back, and many sockets closing at once.

Each test runs its own redis-server on a free port, which it stops and starts (never the shared one).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest
import redis

from studio.live.models import PresenceConnection
from studio.live.sequence import sequence_current
from studio.shots.models import Shot
from tests import factories
from tests.servers import free_port
from tests.sockets import close_code, joined, next_event, refused
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (apt-get install redis)"),
]


class OwnRedis:
    """A redis-server of this test's own, on ``port``; ``stop()`` and ``start()`` it as an outage would."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        wait_for(lambda: self._answers(client), timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def own_redis(settings):
    server = OwnRedis(free_port())
    server.start()
    settings.CHANNEL_LAYERS = layer_on(server.url, max_connections=50)
    yield server
    server.stop()


def layer_on(url: str, *, max_connections: int) -> dict:
    return {"default": {"BACKEND": "studio.live.layers.RedisChannelLayer", "CONFIG": {
        "hosts": [{"address": url, "max_connections": max_connections, "timeout": 20}], "prefix": "previz-outage",
    }}}


@pytest.fixture
def world(transactional_db):
    class World:
        maya = factories.make_user("maya", display_name="Maya Okafor")

    w = World()
    w.project = factories.make_project(owner=w.maya, title="The Lighthouse")
    w.shot = factories.make_shot(factories.make_scene(w.project, location="Lamp room"), description="Wide")
    return w


def describe(api, world, text: str, version: int):
    url = f"/api/v1/projects/{world.project.pk}/shots/{world.shot.pk}/"
    return api(world.maya).patch(url, {"description": text}, format="json", HTTP_IF_MATCH=f'"{version}"')


async def test_redis_down_closes_sockets_cleanly_and_what_was_missed_shows_once_it_is_back(world, own_redis, api,
                                                                                           run):
    open_socket = await joined(world.project.pk, world.maya)

    # when Redis goes away
    own_redis.stop()

    # then the open socket is closed cleanly (try again later), its presence is gone, and a new one is told the same
    assert await close_code(open_socket, timeout=10) == 1013
    assert await PresenceConnection.objects.acount() == 0
    assert await refused(world.project.pk, world.maya) == 1013
    assert await PresenceConnection.objects.acount() == 0

    # and an edit still succeeds; its event is lost, but not its number
    before = await run(sequence_current, project_id=world.project.pk)
    response = await run(describe, api, world, "Made while Redis was down", 1)
    assert (response.status_code, response.json()["description"]) == (200, "Made while Redis was down")
    assert await run(sequence_current, project_id=world.project.pk) == before + 1

    # when Redis is back, the first connection gets in, told the lost event's number (a page that saw less reads
    # again), and the next event follows it
    own_redis.start()
    back = await joined(world.project.pk, world.maya)
    assert back.snapshot_seq == before + 1
    response = await run(describe, api, world, "After", 2)
    updated = await next_event(back, "shot.updated", numbered=True)
    assert response.status_code == 200
    assert (updated["seq"], updated["data"]["shot"]["description"]) == (before + 3, "After")  # +2: its own join
    assert (await Shot.objects.aget(pk=world.shot.pk)).description == "After"
    await back.disconnect()


async def test_two_hundred_sockets_leaving_at_once_all_leave_presence(world, own_redis, settings):
    settings.CHANNEL_LAYERS = layer_on(own_redis.url, max_connections=10)  # far fewer connections than sockets
    sockets = [await joined(world.project.pk, world.maya) for _ in range(200)]
    assert await PresenceConnection.objects.acount() == 200

    await asyncio.gather(*(s.disconnect(timeout=60) for s in sockets))  # as Daphne, let each finish leaving

    assert await PresenceConnection.objects.acount() == 0
