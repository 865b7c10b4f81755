"""The script socket across real server processes: two Daphnes on one Redis, and a Daphne killed mid-session."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
import websockets
from pycrdt import YMessageType, YSyncMessageType

from studio.screenplay import collab
from studio.screenplay import services as script_services
from studio.screenplay.models import Script
from tests import factories
from tests.servers import Daphne
from tests.sockets import cookie_for

from .yclient import YClient

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

OPENING = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"


@pytest.fixture
def world(transactional_db):
    class World:
        june = factories.make_user("june", display_name="June Park")
        theo = factories.make_user("theo", display_name="Theo Lindqvist")

    w = World()
    w.project = factories.make_project(owner=w.theo, title="The Lighthouse")
    factories.add_member(w.project, "writer", w.june)
    w.script = w.project.scripts.get()
    script_services.script_update(actor=w.theo, script=w.script, changes={"fountain": OPENING})
    w.cookies = {w.june.pk: cookie_for(w.june), w.theo.pk: cookie_for(w.theo)}
    return w


class WsTransport:
    def __init__(self, ws):
        self.ws = ws

    async def send(self, data: bytes) -> None:
        await self.ws.send(data)

    async def receive(self, timeout: float = 2) -> bytes:
        return await asyncio.wait_for(self.ws.recv(), timeout)


async def join(server: Daphne, world, user, client: YClient | None = None):
    ws = await websockets.connect(
        f"{server.ws_url}/ws/scripts/{world.script.pk}",
        additional_headers={"Cookie": world.cookies[user.pk]}, origin=server.url,
    )
    client = client or YClient()
    await client.connect(WsTransport(ws))
    await until_synced(client)
    await pump(client)
    return client, ws


async def until_synced(client: YClient, timeout: float = 10) -> None:
    """Handle frames until the server's sync step 2 (its document) has arrived. A quiet spell is no proof: an
    edit typed into a client still empty is concurrent with the whole script, and may land after it."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await client.transport.receive(timeout=max(deadline - time.monotonic(), 0.01))
        await client.handle(frame)
        if frame[:2] == bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]):
            return


async def pump(client: YClient, quiet: float = 0.2) -> None:
    while True:
        try:
            frame = await client.transport.receive(timeout=quiet)
        except TimeoutError:
            return
        await client.handle(frame)


async def wait_for_text(client: YClient, expected: str, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while client.value != expected and time.monotonic() < deadline:
        await pump(client, quiet=0.1)
    assert client.value == expected


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="two processes share live edits through Redis; "
                                                           "set REDIS_URL")
async def test_an_edit_through_one_process_reaches_a_client_of_another(world, tmp_path):
    prefix = {"CHANNELS_PREFIX": f"t2p-{os.getpid()}-{world.script.pk}"}
    with Daphne(tmp_path, env=prefix) as one, Daphne(tmp_path, env=prefix) as two:
        june, june_ws = await join(one, world, world.june)
        theo, theo_ws = await join(two, world, world.theo)

        await june.insert(0, "FADE IN:\n\n")
        await wait_for_text(theo, "FADE IN:\n\n" + OPENING)
        await theo.insert(len(theo.value.encode()), "ELIN\nNobody swims here.\n")
        await wait_for_text(june, "FADE IN:\n\n" + OPENING + "ELIN\nNobody swims here.\n")

        await june_ws.close()
        await theo_ws.close()


async def test_an_edit_relayed_before_it_settles_is_there_after_the_server_is_killed_and_restarted(world, tmp_path,
                                                                                                 run):
    with Daphne(tmp_path, env={"STUDIO_SCRIPT_SETTLE_S": "600"}) as server:  # killed before its edits settle
        june, _ = await join(server, world, world.june)
        theo, _ = await join(server, world, world.theo)

        await june.insert(0, "FADE IN:\n\n")
        await wait_for_text(theo, "FADE IN:\n\n" + OPENING)  # relayed, so already stored
        assert await run(lambda: Script.objects.get(pk=world.script.pk).fountain) == OPENING  # and not settled
        server.kill()

        server.start()
        fresh, fresh_ws = await join(server, world, world.theo)
        assert fresh.value == "FADE IN:\n\n" + OPENING
        await fresh_ws.close()
    assert await run(lambda: collab.doc_text(collab.load_doc(world.script.pk))) == (
        "FADE IN:\n\n" + OPENING)


async def test_edits_a_killed_server_never_settled_are_settled_when_it_starts_again(world, tmp_path, run):
    from studio.screenplay.models import Scene
    from tests.waiting import async_wait_for

    # given a server killed after storing an edit (a new scene) and before settling it
    with Daphne(tmp_path, env={"STUDIO_SCRIPT_SETTLE_S": "600"}) as server:
        june, _ = await join(server, world, world.june)
        theo, _ = await join(server, world, world.theo)
        await june.insert(len(OPENING.encode()), "\nEXT. SHORE - DAWN\n\nWaves.\n")
        await wait_for_text(theo, OPENING + "\nEXT. SHORE - DAWN\n\nWaves.\n")  # relayed, so stored
        server.kill()
        assert await run(lambda: Script.objects.get(pk=world.script.pk).fountain) == OPENING

        # when it starts again, and nobody opens the script
        server.start()

        # then it settles the edit on its own: the text, and the scenes of the board
        def settled():
            return Script.objects.get(pk=world.script.pk).fountain == OPENING + "\nEXT. SHORE - DAWN\n\nWaves.\n"

        await async_wait_for(lambda: run(settled), timeout=30, what="the restarted server to settle the edit")
        assert await run(lambda: list(Scene.objects.filter(script=world.script).order_by("order")
                                      .values_list("location", flat=True))) == ["LAMP ROOM", "SHORE"]
