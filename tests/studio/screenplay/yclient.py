"""A y-websocket client in Python, for tests: a pycrdt document synced over a socket, as the browser's
WebsocketProvider does (sync step 1 both ways, step 2 replies, updates, awareness)."""

from __future__ import annotations

import json

from pycrdt import (
    Decoder,
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    write_message,
)

from studio.screenplay.rooms import decode_awareness, encode_awareness


def sync_step2(update: bytes) -> bytes:
    return bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]) + write_message(update)


class YClient:
    """The document side of a client; ``transport`` is anything with ``send(bytes)`` / ``receive() -> bytes``."""

    def __init__(self, doc: Doc | None = None):
        self.doc = doc or Doc()
        self.text = self.doc.get("fountain", type=Text)
        self.awareness: dict[int, dict | None] = {}
        self.received: list[bytes] = []
        self.transport = None
        self.clock = 0

    # --- wiring ------------------------------------------------------------------

    async def connect(self, transport) -> None:
        """Start the protocol on a fresh connection: send our state, answer theirs."""
        self.transport = transport
        await transport.send(create_sync_message(self.doc))

    async def handle(self, frame: bytes) -> None:
        self.received.append(frame)
        kind = frame[0]
        if kind == YMessageType.SYNC:
            sync = frame[1]
            payload = Decoder(frame[2:]).read_message()
            if sync == YSyncMessageType.SYNC_STEP1:
                await self.transport.send(sync_step2(self.doc.get_update(payload)))
            else:
                self.doc.apply_update(payload)
        elif kind == YMessageType.AWARENESS:
            for client, _clock, state in decode_awareness(Decoder(frame[1:]).read_message()):
                self.awareness[client] = None if state == "null" else json.loads(state)

    # --- editing -------------------------------------------------------------------

    async def edit(self, change) -> bytes:
        """``change(text)`` edits the Y.Text; the update is sent (if connected) and returned."""
        before = self.doc.get_state()
        change(self.text)
        update = self.doc.get_update(before)
        if self.transport is not None:
            await self.transport.send(create_update_message(update))
        return update

    async def insert(self, index: int, value: str) -> bytes:
        return await self.edit(lambda text: text.insert(index, value))

    async def set_awareness(self, state: dict | None) -> None:
        self.clock += 1
        entry = (self.doc.client_id, self.clock, "null" if state is None else json.dumps(state))
        await self.transport.send(create_awareness_message(encode_awareness([entry])))

    @property
    def value(self) -> str:
        return str(self.text)


class CommunicatorTransport:
    """A channels WebsocketCommunicator as a transport."""

    def __init__(self, communicator):
        self.communicator = communicator

    async def send(self, data: bytes) -> None:
        await self.communicator.send_to(bytes_data=data)

    async def receive(self, timeout: float = 2) -> bytes:
        output = await self.communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            raise ConnectionError(f"closed with {output.get('code')}")
        return output["bytes"]
