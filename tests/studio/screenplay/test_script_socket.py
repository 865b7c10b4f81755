"""The script socket: the y-websocket protocol on a script's shared document, through the real ASGI stack."""

from __future__ import annotations

import asyncio
import random

import pytest
import pytest_asyncio
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pycrdt import Doc, YMessageType, YSyncMessageType, create_sync_message

from studio.asgi import application
from studio.projects import services as project_services
from studio.projects.models import Membership
from studio.screenplay import collab, rooms
from studio.screenplay import services as script_services
from studio.screenplay.models import Script, ScriptUpdate
from tests import factories
from tests.sockets import ORIGIN, close_code, disconnect_all, session_cookie
from tests.waiting import async_wait_for

from .yclient import CommunicatorTransport, YClient

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

OPENING = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"

OPENED: list[WebsocketCommunicator] = []


@pytest_asyncio.fixture(autouse=True)
async def sockets_closed(transactional_db):
    """Every socket a test opened is closed before its event loop goes (see tests.sockets.close_code)."""
    OPENED.clear()
    yield
    await disconnect_all(OPENED)
    OPENED.clear()


@pytest.fixture
def world(transactional_db, settings):
    settings.STUDIO_SCRIPT_SETTLE_S = 0.05

    class World:
        june = factories.make_user("june", display_name="June Park")
        theo = factories.make_user("theo", display_name="Theo Lindqvist")
        sam = factories.make_user("sam", display_name="Sam Ortiz")
        otto = factories.make_user("otto", display_name="Otto Outsider")

    w = World()
    w.project = factories.make_project(owner=w.theo, title="The Lighthouse")
    factories.add_member(w.project, "writer", w.june)
    factories.add_member(w.project, "viewer", w.sam)
    w.script = w.project.scripts.get()
    script_services.script_update(actor=w.theo, script=w.script, changes={"fountain": OPENING})
    return w


async def socket(script_id, user, *, origin=ORIGIN):
    headers = [(b"origin", origin)] if origin else []
    if user is not None:
        headers.append((b"cookie", await session_cookie(user)))
    communicator = WebsocketCommunicator(application, f"/ws/scripts/{script_id}", headers=headers)
    OPENED.append(communicator)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def refused_with(script_id, user) -> int | None:
    """The close code a refused socket gets: its handshake is accepted, so that the browser sees the code."""
    communicator, connected, code = await socket(script_id, user)
    assert (connected, code) == (True, None)
    code = await close_code(communicator)
    await communicator.disconnect()  # as a browser does once the server closed: the consumer ends
    return code


async def pump(client: YClient, communicator, quiet: float = 0.1) -> None:
    """Handle what arrives until the socket has been quiet for ``quiet`` seconds."""
    while not await communicator.receive_nothing(timeout=quiet):
        await client.handle(await client.transport.receive())


async def join(world, user, client: YClient | None = None):
    communicator, connected, code = await socket(world.script.pk, user)
    assert connected, code
    client = client or YClient()
    await client.connect(CommunicatorTransport(communicator))
    await round_trip(client)  # the handshake is accepted before the room is joined: wait for the server's answer
    await pump(client, communicator)
    return client, communicator


async def round_trip(client: YClient) -> None:
    """Sync step 1, and what arrives until the server's step 2 answer: the server has handled all sent before."""
    await client.transport.send(create_sync_message(client.doc))
    while True:
        frame = await client.transport.receive()
        await client.handle(frame)
        if frame[:2] == bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]):
            return


async def pump_all(*pairs, rounds: int = 3) -> None:
    for _ in range(rounds):
        for client, communicator in pairs:
            await pump(client, communicator, quiet=0.05)


def log_count(script) -> int:
    return ScriptUpdate.objects.filter(script=script).count()


# --- Getting in ---------------------------------------------------------------------------


async def test_a_writer_gets_the_document_and_edits_flow_both_ways(world, run):
    june, june_socket = await join(world, world.june)
    theo, theo_socket = await join(world, world.theo)
    logged = await run(log_count, world.script)

    await june.insert(len(OPENING.encode()), "ELIN\nNobody swims here.\n")
    await pump_all((june, june_socket), (theo, theo_socket))

    expected = OPENING + "ELIN\nNobody swims here.\n"
    assert june.value == theo.value == expected
    assert await run(log_count, world.script) == logged + 1
    assert await run(lambda: collab.doc_text(collab.load_doc(world.script.pk))) == expected
    await june_socket.disconnect()
    await theo_socket.disconnect()


async def test_anonymous_non_member_missing_script_and_foreign_origin_are_refused(world):
    assert await refused_with(world.script.pk, None) == 4401
    assert await refused_with(world.script.pk, world.otto) == 4404
    assert await refused_with(987654, world.june) == 4404
    assert (await socket(world.script.pk, world.june, origin=b"https://evil.example"))[1] is False


# --- Convergence ----------------------------------------------------------------------------


async def random_edit(client: YClient, rng: random.Random) -> None:
    value = client.value
    size = len(value.encode())
    if value and rng.random() < 0.35:
        # delete a whole character range (in bytes, on character boundaries)
        start = rng.randrange(len(value))
        end = min(len(value), start + rng.randint(1, 6))
        offsets = [len(value[:i].encode()) for i in (start, end)]
        await client.edit(lambda text: text.__delitem__(slice(offsets[0], offsets[1])))
    else:
        cut = rng.randint(0, len(value))
        await client.insert(len(value[:cut].encode()) if size else 0, rng.choice(["a", "é", " — ", "\n", "ELIN", "😀"]))


async def test_three_clients_editing_at_once_some_offline_converge_to_what_the_server_stored(world, run):
    rng = random.Random(20261122)
    a = await join(world, world.june)
    b = await join(world, world.theo)
    c = await join(world, world.june)
    clients = [a, b, c]

    for step in range(60):
        client, communicator = rng.choice(clients)
        await random_edit(client, rng)
        if step % 7 == 0:
            await pump_all(*clients, rounds=1)
        if step == 20:  # c drops off the network and keeps typing
            await c[1].disconnect()
            clients = [a, b]
            offline = c[0]
            for _ in range(8):
                await random_edit(offline, rng)
        if step == 45:  # and comes back: its sync step 2 carries the offline edits
            clients.append(await join(world, world.june, client=offline))

    await pump_all(*clients, rounds=4)
    values = {client.value for client, _ in clients}
    assert len(values) == 1, values
    for _, communicator in clients:
        await communicator.disconnect()
    assert rooms.open_room(world.script.pk) is None  # the room closed with its last client

    fresh, fresh_socket = await join(world, world.theo)  # a new room, rebuilt from the database
    assert fresh.value == values.pop()
    assert await run(lambda: collab.doc_text(collab.load_doc(world.script.pk))) == fresh.value
    await fresh_socket.disconnect()


# --- Read-only, size, rate, malformed --------------------------------------------------------


async def test_a_viewers_edits_are_dropped_counted_and_never_relayed(world, run):
    june, june_socket = await join(world, world.june)
    sam, sam_socket = await join(world, world.sam)
    logged = await run(log_count, world.script)

    await sam.insert(0, "VIEWER WAS HERE ")
    await pump(june, june_socket, quiet=0.3)

    assert june.value == OPENING
    assert await run(log_count, world.script) == logged
    assert rooms.open_room(world.script.pk).stats.dropped_read_only == 1
    # the viewer still receives the writers' edits
    await june.insert(0, "FADE IN:\n\n")
    await pump(sam, sam_socket)
    assert sam.value.startswith("VIEWER WAS HERE FADE IN:") or sam.value.startswith("FADE IN:\n\nVIEWER WAS HERE ")
    assert june.value == "FADE IN:\n\n" + OPENING
    for communicator in (june_socket, sam_socket):
        await communicator.disconnect()


async def test_an_oversized_frame_closes_only_that_connection(world, settings):
    settings.STUDIO_YJS_MAX_MESSAGE_BYTES = 1000
    june, june_socket = await join(world, world.june)
    theo, theo_socket = await join(world, world.theo)

    await theo.insert(0, "x" * 2000)

    assert await close_code(theo_socket) == 4413
    await june.insert(0, "still here ")
    await pump(june, june_socket)
    assert june.value == "still here " + OPENING
    await june_socket.disconnect()


@pytest.mark.parametrize("frame", [
    pytest.param(b"\x00\x02\x05abc", id="update that is not a Yjs update"),
    pytest.param(b"\x00\x00\x03\xff\xff\xff", id="state vector that is not one"),
    pytest.param(b"\x00\x07\x00", id="unknown sync message"),
    pytest.param(b"\x09\x01\x00", id="unknown message type"),
    pytest.param(b"\x00\x02\x7f", id="length prefix longer than the frame"),
    pytest.param(b"\x01\x05\x01\x01\x01\x01x", id="awareness that is not JSON"),
    pytest.param(b"\x00", id="too short"),
])
async def test_a_malformed_frame_closes_that_connection_and_harms_nobody_else(world, run, frame):
    june, june_socket = await join(world, world.june)
    _theo, theo_socket = await join(world, world.theo)
    logged = await run(log_count, world.script)

    await theo_socket.send_to(bytes_data=frame)

    assert await close_code(theo_socket) == 4400
    assert await run(log_count, world.script) == logged
    await june.insert(0, "ok ")
    await pump(june, june_socket)
    assert june.value == "ok " + OPENING
    await june_socket.disconnect()


async def test_a_text_frame_is_refused(world):
    _, june_socket = await join(world, world.june)

    await june_socket.send_to(text_data="hello")

    assert await close_code(june_socket) == 4400


async def test_too_many_messages_close_the_connection(world, settings):
    settings.STUDIO_YJS_RATE_PER_S = 1
    settings.STUDIO_YJS_BURST = 5
    theo, theo_socket = await join(world, world.theo)  # the handshake used one token

    for i in range(5):
        await theo.insert(0, str(i))

    assert await close_code(theo_socket) == 4429


# --- Awareness --------------------------------------------------------------------------------


async def test_cursors_carry_the_logged_in_user_and_vanish_when_they_leave(world):
    june, june_socket = await join(world, world.june)
    theo, theo_socket = await join(world, world.theo)

    await theo.set_awareness({"user": {"name": "Mallory"}, "cursor": {"anchor": 1, "head": 4}})
    await pump(june, june_socket)
    theo_state = june.awareness[theo.doc.client_id]
    await theo_socket.disconnect()
    await pump(june, june_socket)

    assert theo_state == {
        "user": {"id": world.theo.pk, "name": "Theo Lindqvist", "color": "#ff7f50", "colorLight": "#ff7f5033"},
        "cursor": {"anchor": 1, "head": 4},
    }
    assert june.awareness[theo.doc.client_id] is None
    await june_socket.disconnect()


async def test_a_client_cannot_move_another_clients_cursor(world):
    june, june_socket = await join(world, world.june)
    theo, theo_socket = await join(world, world.theo)
    await theo.set_awareness({"cursor": 1})
    await pump(june, june_socket)

    impostor = YClient(Doc(client_id=theo.doc.client_id))
    impostor.transport = CommunicatorTransport(june_socket)
    impostor.clock = 50
    await impostor.set_awareness({"cursor": 999})
    await pump(theo, theo_socket)

    assert june.awareness[theo.doc.client_id]["cursor"] == 1
    assert theo.doc.client_id not in theo.awareness or theo.awareness[theo.doc.client_id] is None
    for communicator in (june_socket, theo_socket):
        await communicator.disconnect()


async def test_a_newcomer_is_told_who_is_already_there(world):
    june, june_socket = await join(world, world.june)
    await june.set_awareness({"cursor": 3})
    await round_trip(june)  # the server has taken her cursor in

    theo, theo_socket = await join(world, world.theo)

    assert theo.awareness[june.doc.client_id] == {
        "user": {"id": world.june.pk, "name": "June Park", "color": "#2bb673", "colorLight": "#2bb67333"},
        "cursor": 3,
    }
    for communicator in (june_socket, theo_socket):
        await communicator.disconnect()


class StubbornLayer:
    """The channel layer, whose receive goes on after its first cancellation: a receive on Redis cancelled
    mid-read was seen in that state (a task "cancelling", waiting on a new read), and it outlived its test."""

    def __init__(self, layer):
        self.layer = layer

    def __getattr__(self, name):
        return getattr(self.layer, name)

    async def receive(self, channel):
        try:
            return await self.layer.receive(channel)
        except asyncio.CancelledError:
            return await self.layer.receive(channel)


async def test_a_room_that_closes_leaves_no_task_of_its_own_running(world, monkeypatch):
    monkeypatch.setattr(rooms, "get_channel_layer", lambda: StubbornLayer(get_channel_layer()))
    _june, june_socket = await join(world, world.june)
    room = rooms.open_room(world.script.pk)
    listener = room._listener
    assert not listener.done()

    await june_socket.disconnect()

    assert rooms.open_room(world.script.pk) is None
    assert room.closed
    # The listener was asked to stop, not cancelled: it has ended by the time the room is closed, and nothing
    # else of the room's is pending.
    assert listener.done()
    assert not listener.cancelled()
    assert room._background == set()


# --- The server's own edits, settling, compaction ----------------------------------------------


async def test_a_text_written_through_the_api_reaches_open_editors_live(world, run):
    june, june_socket = await join(world, world.june)
    new_text = OPENING.replace("trims the wick", "lights the lamp") + "\nEXT. SHORE - DAWN\n"

    await run(script_services.script_update, actor=world.theo, script=world.script, changes={"fountain": new_text})
    await pump(june, june_socket)

    assert june.value == new_text
    await june_socket.disconnect()


async def test_when_edits_settle_the_scripts_text_is_brought_up_to_date(world, run):
    june, june_socket = await join(world, world.june)

    await june.insert(0, "Title: The Lighthouse\n\n")

    def settled():
        return Script.objects.get(pk=world.script.pk).fountain != OPENING

    await async_wait_for(lambda: run(settled), timeout=10, what="the edit to settle into the script's text")
    script = await run(Script.objects.get, pk=world.script.pk)
    assert script.fountain == "Title: The Lighthouse\n\n" + OPENING
    await june_socket.disconnect()


async def test_the_log_is_compacted_into_the_snapshot_and_nothing_is_lost(world, run, settings):
    settings.STUDIO_YJS_COMPACT_EVERY = 3
    june, june_socket = await join(world, world.june)

    for word in ("one ", "two ", "three "):
        await june.insert(0, word)
    await pump(june, june_socket, quiet=0.3)

    assert await run(log_count, world.script) == 0
    assert rooms.open_room(world.script.pk).stats.compactions == 1
    await june.insert(0, "four ")
    await june_socket.disconnect()
    assert await run(lambda: collab.doc_text(collab.load_doc(world.script.pk))) == "four three two one " + OPENING


async def test_an_update_stored_while_a_room_loads_is_not_lost(world, run, monkeypatch):
    """A room subscribes to the relay before it reads the database (y-crdt #632): an update that lands
    between the two reaches it through the relay."""
    real_load = collab.load_state

    def load_then_someone_edits(script_id):
        state = real_load(script_id)  # the room has read the database …
        script = Script.objects.get(pk=script_id)
        script_services.script_update(actor=world.theo, script=script,
                                      changes={"fountain": "LATE EDIT\n" + OPENING})  # … and then this lands
        return state

    monkeypatch.setattr(collab, "load_state", load_then_someone_edits)
    june, june_socket = await join(world, world.june)
    while june.value != "LATE EDIT\n" + OPENING:  # it comes through the relay (or the test times out on receive)
        await june.handle(await june.transport.receive(timeout=10))

    assert june.value == "LATE EDIT\n" + OPENING
    await june_socket.disconnect()


# --- Roles changing while connected ------------------------------------------------------------


async def test_a_writer_made_viewer_while_typing_is_read_only_from_then_on(world, run):
    june, june_socket = await join(world, world.june)
    theo, theo_socket = await join(world, world.theo)
    membership = await run(Membership.objects.get, project=world.project, user=world.june)

    await run(project_services.member_update, actor=world.theo, membership=membership, role="viewer")
    room = rooms.open_room(world.script.pk)
    junes = next(c for c in room.connections if c.user.pk == world.june.pk)
    await async_wait_for(lambda: not junes.can_write, timeout=5, what="June's socket to hear she is a viewer")
    await june.insert(0, "too late ")
    await async_wait_for(lambda: room.stats.dropped_read_only == 1, timeout=5, what="June's edit to be dropped")
    await pump(theo, theo_socket)

    assert theo.value == OPENING
    assert room.stats.updates == 0
    for communicator in (june_socket, theo_socket):
        await communicator.disconnect()


async def test_a_member_removed_while_connected_is_disconnected(world, run):
    _june, june_socket = await join(world, world.june)
    membership = await run(Membership.objects.get, project=world.project, user=world.june)

    await run(project_services.member_remove, actor=world.theo, membership=membership)

    assert await close_code(june_socket) == 4403


# --- Scenes from the live text ----------------------------------------------------------------


def scene_rows(script):
    from studio.screenplay.models import Scene

    return [(s.pk, s.location, s.omitted, list(s.shots.values_list("number", flat=True)))
            for s in Scene.objects.filter(script=script).order_by("order")]


async def test_deleting_a_heading_in_the_editor_and_undoing_it_keeps_the_scene_and_its_shots(world, run):
    # given a scene of the live script with a shot
    from studio.screenplay.models import Scene

    shore = "\nEXT. SHORE - DAWN\n\nWaves.\n"
    await run(script_services.script_update, actor=world.theo, script=world.script,
              changes={"fountain": OPENING + shore})
    lamp = await run(Scene.objects.get, script=world.script, location="LAMP ROOM")
    await run(factories.make_shot, lamp)
    before = await run(scene_rows, world.script)
    june, june_socket = await join(world, world.june)
    heading = b"INT. LAMP ROOM - NIGHT\n\n"

    # when a writer deletes its heading, the edit settles, and they undo it
    await june.edit(lambda text: text.__delitem__(slice(0, len(heading))))
    await async_wait_for(lambda: run(lambda: Scene.objects.filter(pk=lamp.pk, omitted=True).exists()), timeout=10,
                         what="the deleted heading to settle")
    await june.insert(0, heading.decode())
    await async_wait_for(lambda: run(lambda: Scene.objects.filter(pk=lamp.pk, omitted=False).exists()), timeout=10,
                         what="the undo to settle")

    # then the scene is back in its place with its row and shot, and the text is as it was
    assert await run(scene_rows, world.script) == before
    assert before[0] == (lamp.pk, "LAMP ROOM", False, ["1A"])
    assert await run(lambda: Script.objects.get(pk=world.script.pk).fountain) == OPENING + shore
    await june_socket.disconnect()


async def test_pasting_120_scenes_in_the_editor_is_one_scenes_event(world, run):
    # given a writer in the script and a teammate on the project socket
    from tests.sockets import drain, joined, next_event

    june, june_socket = await join(world, world.june)
    theo = await joined(world.project.pk, world.theo)
    pasted = "".join(f"\nINT. ROOM {n} - DAY\n\nAction {n}.\n" for n in range(2, 122))

    # when the writer pastes 120 scenes at once
    await june.insert(len(OPENING.encode()), pasted)

    # then the teammate gets one scenes.synced with the 120 new scenes and the script's order, and no other
    # scene event
    message = await next_event(theo, "scenes.synced", timeout=20)
    rest = [m["type"] for m in await drain(theo) if not m["type"].startswith("presence.")]
    data = message["data"]
    assert (len(data["created"]), data["changed"], data["orphaned"], data["removed"]) == (120, [], [], [])
    assert [s["location"] for s in data["created"]][:2] == ["ROOM 2", "ROOM 3"]
    assert len(data["order"]) == 121
    assert rest == ["script.updated"]
    await theo.disconnect()
    await june_socket.disconnect()


async def test_a_room_opening_on_edits_never_settled_settles_them(world, run):
    # given an edit in the script's log that its process died before settling (no room is open)
    from studio.screenplay.models import Scene

    edited = OPENING + "\nEXT. SHORE - DAWN\n\nWaves.\n"

    def crash_after_storing():
        collab.append_update(world.script.pk, collab.replace_text(collab.load_doc(world.script.pk), edited),
                             author_id=world.june.pk)

    await run(crash_after_storing)

    # when a member opens the script, and types nothing
    theo, theo_socket = await join(world, world.theo)

    # then the room settles it: the script's text and scenes catch up with the document
    def settled():
        return Script.objects.get(pk=world.script.pk).fountain == edited

    await async_wait_for(lambda: run(settled), timeout=10, what="the room to settle the pending edit")
    assert theo.value == edited
    assert await run(lambda: list(Scene.objects.filter(script=world.script).order_by("order")
                                  .values_list("location", flat=True))) == ["LAMP ROOM", "SHORE"]
    await theo_socket.disconnect()
