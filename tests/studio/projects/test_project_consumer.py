"""The project websocket: who gets in, presence, and what it does with what clients send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from studio.live import presence
from studio.live.models import PresenceConnection
from studio.live.sequence import sequence_current
from tests import factories
from tests.servers import Daphne
from tests.sockets import ORIGIN, close_code, joined, next_event, open_socket, refused, session_cookie

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def ref(user, name, initials, color):
    return {"id": user.pk, "username": user.username, "name": name, "initials": initials, "color": color}


@pytest.fixture
def world(transactional_db):
    class World:
        maya = factories.make_user("maya", display_name="Maya Okafor")
        ravi = factories.make_user("ravi", display_name="Ravi Menon")
        sam = factories.make_user("sam", display_name="Sam Ortiz")
        otto = factories.make_user("otto", display_name="Otto Outsider")

    w = World()
    w.project = factories.make_project(owner=w.maya, title="The Lighthouse")
    factories.add_member(w.project, "artist", w.ravi)
    factories.add_member(w.project, "viewer", w.sam)
    w.elsewhere = factories.make_project(owner=w.otto, title="Elsewhere")
    w.maya_ref = ref(w.maya, "Maya Okafor", "MO", "#d6336c")
    w.ravi_ref = ref(w.ravi, "Ravi Menon", "RM", "#e4572e")
    return w


async def test_anonymous_is_refused(world):
    assert await refused(world.project.pk, None) == 4401
    assert await PresenceConnection.objects.acount() == 0


async def test_non_member_is_refused_like_a_missing_project(world):
    assert await refused(world.project.pk, world.otto) == 4404
    assert await refused(999999, world.otto) == 4404
    assert await PresenceConnection.objects.acount() == 0


async def daphne_close_code(url: str, headers: dict) -> int | None:
    async with connect(url, origin=ORIGIN.decode(), additional_headers=headers) as ws:
        await ws.wait_closed()
        return ws.close_code


async def test_a_browser_is_told_why_it_was_refused_by_its_close_code(world, tmp_path):
    """Through a real Daphne, as a browser connects: a handshake refused with 403 would carry no code."""
    cookie = (await session_cookie(world.otto)).decode()

    with Daphne(tmp_path) as server:
        url = f"{server.ws_url}/ws/projects/{world.project.pk}/"
        anonymous = await daphne_close_code(url, {})
        outsider = await daphne_close_code(url, {"Cookie": cookie})

    assert (anonymous, outsider) == (4401, 4404)
    assert await PresenceConnection.objects.acount() == 0


async def test_foreign_origin_is_refused(world):
    _, connected, _ = await open_socket(world.project.pk, world.maya, origin=b"https://evil.example")
    _, connected_without_origin, _ = await open_socket(world.project.pk, world.maya, origin=None)

    assert connected is False
    assert connected_without_origin is False
    assert await PresenceConnection.objects.acount() == 0


async def test_a_script_connects_with_its_api_token(world, run):
    token = await run(Token.objects.create, user=world.ravi)

    communicator, connected, _ = await open_socket(
        world.project.pk, None, headers=[(b"authorization", f"Token {token.key}".encode())]
    )
    bad_token = await refused(world.project.pk, None, headers=[(b"authorization", b"Token nope")])

    assert connected is True
    snapshot = await communicator.receive_json_from()
    assert snapshot["data"] == {"users": [{"user": world.ravi_ref, "focus_shot": None}]}
    assert bad_token == 4401
    await communicator.disconnect()


async def test_member_gets_a_snapshot_of_who_is_here_and_the_number_of_the_last_event(world, run):
    maya = await joined(world.project.pk, world.maya)
    await next_event(maya, "presence.joined")
    last = await run(sequence_current, project_id=world.project.pk)

    ravi, connected, _ = await open_socket(world.project.pk, world.ravi)
    snapshot = await ravi.receive_json_from()

    assert connected
    assert snapshot == {
        "type": "presence.snapshot", "project": world.project.pk, "actor": None,
        "data": {"users": [{"user": world.maya_ref, "focus_shot": None},
                           {"user": world.ravi_ref, "focus_shot": None}]},
        "seq": last,
    }
    assert (await next_event(maya, "presence.joined", numbered=True))["seq"] == last + 1
    await maya.disconnect()
    await ravi.disconnect()


async def test_join_and_leave_are_broadcast(world):
    maya = await joined(world.project.pk, world.maya)
    await next_event(maya, "presence.joined")

    ravi = await joined(world.project.pk, world.ravi)
    joined_message = await next_event(maya, "presence.joined")
    await ravi.disconnect()
    left_message = await next_event(maya, "presence.left")

    assert joined_message == {"type": "presence.joined", "project": world.project.pk, "actor": None,
                              "data": {"user": world.ravi_ref}}
    assert left_message == {"type": "presence.left", "project": world.project.pk, "actor": None,
                            "data": {"user": world.ravi_ref}}
    assert await PresenceConnection.objects.filter(user=world.ravi).acount() == 0
    await maya.disconnect()


async def test_a_second_tab_does_not_join_twice_and_the_last_tab_leaves(world):
    maya = await joined(world.project.pk, world.maya)
    await next_event(maya, "presence.joined")
    tab1 = await joined(world.project.pk, world.ravi)
    await next_event(maya, "presence.joined")

    tab2 = await joined(world.project.pk, world.ravi)
    assert await maya.receive_nothing(timeout=0.3)
    await tab1.disconnect()
    assert await maya.receive_nothing(timeout=0.3)
    await tab2.disconnect()

    assert (await next_event(maya, "presence.left"))["data"]["user"]["id"] == world.ravi.pk
    await maya.disconnect()


async def test_focus_is_broadcast_and_in_the_snapshot(world):
    maya = await joined(world.project.pk, world.maya)
    await next_event(maya, "presence.joined")
    ravi = await joined(world.project.pk, world.ravi)
    await next_event(maya, "presence.joined")

    await ravi.send_json_to({"type": "focus", "shot": 42})
    focus = await next_event(maya, "presence.focus")
    sam = await joined(world.project.pk, world.sam)

    assert focus == {"type": "presence.focus", "project": world.project.pk, "actor": None,
                     "data": {"user": world.ravi_ref, "shot": 42}}
    row = await PresenceConnection.objects.aget(user=world.ravi)
    assert row.focus_shot == 42
    await sam.disconnect()
    for communicator in (maya, ravi):
        await communicator.disconnect()


async def test_ping_is_answered_and_refreshes_the_heartbeat(world, run):
    ravi = await joined(world.project.pk, world.ravi)
    old = timezone.now() - timedelta(seconds=30)
    await PresenceConnection.objects.filter(user=world.ravi).aupdate(last_seen=old)

    await ravi.send_json_to({"type": "ping"})

    assert await next_event(ravi, "pong") == {"type": "pong"}
    row = await PresenceConnection.objects.aget(user=world.ravi)
    assert row.last_seen > old + timedelta(seconds=29)
    await ravi.disconnect()


async def test_a_silent_connection_expires_and_its_user_is_announced_gone(world, run, settings):
    ravi = await joined(world.project.pk, world.ravi)
    await PresenceConnection.objects.filter(user=world.ravi).aupdate(
        last_seen=timezone.now() - timedelta(seconds=settings.STUDIO_PRESENCE_TIMEOUT_S + 5)
    )

    maya = await joined(world.project.pk, world.maya)  # entering sweeps the stale row
    left = await next_event(maya, "presence.left")
    snapshot = await run(presence.presence_snapshot, project_id=world.project.pk)

    assert left["data"] == {"user": world.ravi_ref}
    assert [p.user.id for p in snapshot.users] == [world.maya.pk]
    await maya.disconnect()
    await ravi.disconnect()


@pytest.mark.parametrize("frame", ["not json", "[1, 2]", '{"type": "focus", "shot": "12"}', "x" * 5000])
async def test_a_malformed_frame_closes_only_that_connection(world, frame):
    maya = await joined(world.project.pk, world.maya)
    ravi = await joined(world.project.pk, world.ravi)

    await ravi.send_to(text_data=frame)

    assert await close_code(ravi) == 4400
    await maya.send_json_to({"type": "ping"})
    assert await next_event(maya, "pong") == {"type": "pong"}
    await maya.disconnect()


async def test_an_unknown_message_type_gets_an_error_reply(world):
    ravi = await joined(world.project.pk, world.ravi)

    await ravi.send_json_to({"type": "shout"})

    assert await next_event(ravi, "error") == {"type": "error", "detail": "Unknown message type 'shout'."}
    await ravi.disconnect()
