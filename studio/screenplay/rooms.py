"""Yjs rooms: one shared document per script per process (the script socket is ``consumers.ScriptConsumer``).

A room holds the script's document for the sockets of this process. An update from a client is
applied, appended to the database log, and only then relayed: to the sockets here directly, and to
the rooms of other processes through the channel layer (one message per process, not per client).
Updates are stored and relayed in batches (group commit): what arrives while one batch is being stored
goes in the next, merged into one update.

A room subscribes to that relay before it loads the document from the database, so no update can
fall between its load and its first relayed message; updates are idempotent, so one that arrives
both ways is harmless.

Rooms live in process memory but are never the truth: a room that cannot persist an update closes
itself, its clients reconnect, and the new room is rebuilt from the database (clients resend what
it lacks in their sync step 2).

Everything here runs on the event loop; database work goes through ``database_sync_to_async``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from pycrdt import Decoder, Doc, Encoder, create_awareness_message, create_update_message, merge_updates

from studio.live.layers import LAYER_ERRORS

from . import collab

log = logging.getLogger(__name__)

STOP = "yroom.stop"  # sent by a closing room to its own listener
STOP_WAIT_S = 5.0
REMOTE = "remote"  # owner of awareness client ids that belong to sockets of other processes


def room_group(script_id: int) -> str:
    return f"yroom.{script_id}"


class FrameError(Exception):
    """A client sent something that is not a valid message: its connection is closed."""


@dataclass
class RoomStats:
    updates: int = 0
    batches: int = 0
    relayed_in: int = 0
    dropped_read_only: int = 0
    compactions: int = 0


@dataclass
class Awareness:
    clock: int
    state: str  # JSON
    owner: object = field(repr=False, default=None)


def decode_awareness(payload: bytes) -> list[tuple[int, int, str]]:
    try:
        decoder = Decoder(payload)
        count = decoder.read_var_uint()
        entries = []
        for _ in range(count):
            client = decoder.read_var_uint()
            clock = decoder.read_var_uint()
            entries.append((client, clock, decoder.read_var_string()))
    except (RuntimeError, IndexError, UnicodeDecodeError) as exc:
        raise FrameError(f"malformed awareness update ({exc})") from None
    return entries


def encode_awareness(entries: list[tuple[int, int, str]]) -> bytes:
    encoder = Encoder()
    encoder.write_var_uint(len(entries))
    for client, clock, state in entries:
        encoder.write_var_uint(client)
        encoder.write_var_uint(clock)
        encoder.write_var_string(state)
    return encoder.to_bytes()


class ScriptRoom:
    def __init__(self, script_id: int):
        self.script_id = script_id
        self.doc: Doc | None = None
        self.connections: set = set()
        self.awareness: dict[int, Awareness] = {}
        self.stats = RoomStats()
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self._listener: asyncio.Task | None = None
        self._early: list[dict] = []
        self._settle: asyncio.TimerHandle | None = None
        self._since_compaction = 0
        self._background: set[asyncio.Task] = set()
        self._pending: list[tuple[bytes, int]] = []
        self._writer: asyncio.Task | None = None
        self.closed = False

    # --- life ------------------------------------------------------------------

    async def open(self) -> None:
        if self.layer is not None:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(room_group(self.script_id), self.channel)
            self._listener = asyncio.create_task(self._listen())
        state = await database_sync_to_async(collab.load_state)(self.script_id)
        self.doc = collab.new_doc(state)
        for message in self._early:
            self._apply_relayed(message)
        self._early.clear()
        await self._settle_if_behind()

    async def _settle_if_behind(self) -> None:
        """A document ahead of its script's settled text (the process that stored the edits died before settling
        them) is settled as the room opens, not at the next edit, which may never come."""
        from studio.screenplay import services

        if await database_sync_to_async(services.settled_text)(self.script_id) != collab.doc_text(self.doc):
            self._spawn(self.settle)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._writer is not None and not self._writer.done():
            await self._writer  # what clients sent is stored before the room goes
        if self._settle is not None:
            self._settle.cancel()
            await self.settle()
        if self._listener is not None:
            await self._stop_listening()
        if self._since_compaction:
            await self._compact()
        for task in list(self._background):
            await task

    # --- from this process's clients ---------------------------------------------

    def sync_reply(self, state_vector: bytes) -> bytes:
        """The updates a client lacks, given its state vector (sync step 2)."""
        try:
            return self.doc.get_update(state_vector)
        except ValueError as exc:
            raise FrameError(f"malformed state vector ({exc})") from None

    async def receive_update(self, connection, update: bytes) -> None:
        """Apply a client's update now (so a malformed one is refused at once) and queue it: the writer
        stores it, then relays it."""
        if update == collab.EMPTY_UPDATE:
            return
        try:
            self.doc.apply_update(update)
        except ValueError as exc:
            raise FrameError(f"malformed update ({exc})") from None
        self._pending.append((update, connection.user.pk))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        """Group commit: store everything waiting in one transaction, then relay it as one update.

        Under load the batches grow by themselves (what arrives while a batch is stored waits for the
        next), so the database sees one write and each client one frame per batch, not per keystroke.
        Each client gets the whole batch, its own updates included: Yjs ignores what it already has.
        """
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await database_sync_to_async(collab.append_updates)(self.script_id, batch)
            except Exception:
                log.exception("could not store updates of script %s; closing its room", self.script_id)
                await self.evict()
                return
            updates = [update for update, _ in batch]
            merged = updates[0] if len(updates) == 1 else merge_updates(*updates)
            self.stats.updates += len(updates)
            self.stats.batches += 1
            await self._to_local(create_update_message(merged))
            if self.layer is not None:
                await self.layer.group_send(room_group(self.script_id),
                                            {"type": "yroom.update", "update": merged, "origin": self.channel})
            self._edited(count=len(updates))

    async def receive_awareness(self, connection, payload: bytes) -> None:
        kept = []
        for client, clock, state in decode_awareness(payload):
            entry = self.awareness.get(client)
            if entry is not None and entry.owner is not connection:
                continue  # another connection's client id: not this one's to change
            if len(state) > settings.STUDIO_YJS_MAX_AWARENESS_BYTES:
                raise FrameError("awareness state too large")
            state = self._stamp(state, connection)
            connection.awareness_clients.add(client)
            self._remember(client, clock, state, connection)
            kept.append((client, clock, state))
        if not kept:
            return
        message = create_awareness_message(encode_awareness(kept))
        await self._to_local(message, skip=connection)
        if self.layer is not None:
            await self.layer.group_send(room_group(self.script_id),
                                        {"type": "yroom.awareness", "entries": kept, "origin": self.channel})

    def awareness_message(self) -> bytes | None:
        entries = [(client, a.clock, a.state) for client, a in self.awareness.items()]
        return create_awareness_message(encode_awareness(entries)) if entries else None

    async def forget(self, connection) -> None:
        """A connection left: its cursors go, for everyone."""
        gone = []
        for client in connection.awareness_clients:
            entry = self.awareness.pop(client, None)
            if entry is not None and entry.owner is connection:
                gone.append((client, entry.clock + 1, "null"))
        if not gone:
            return
        await self._to_local(create_awareness_message(encode_awareness(gone)), skip=connection)
        if self.layer is not None:
            await self.layer.group_send(room_group(self.script_id),
                                        {"type": "yroom.awareness", "entries": gone, "origin": self.channel})

    def _stamp(self, state: str, connection) -> str:
        """Who a cursor belongs to is the server's to say: the state's ``user`` is the logged-in user."""
        if state == "null":
            return state
        try:
            data = json.loads(state)
        except ValueError:
            raise FrameError("awareness state is not JSON") from None
        if not isinstance(data, dict):
            raise FrameError("awareness state is not an object")
        data["user"] = connection.identity
        return json.dumps(data, separators=(",", ":"))

    def _remember(self, client: int, clock: int, state: str, owner) -> None:
        if state == "null":
            self.awareness.pop(client, None)
        else:
            self.awareness[client] = Awareness(clock=clock, state=state, owner=owner)

    async def _to_local(self, message: bytes, *, skip=None) -> None:
        for connection in list(self.connections):
            if connection is not skip:
                await connection.send(bytes_data=message)

    # --- from other processes ------------------------------------------------------

    async def _stop_listening(self) -> None:
        """Leave the room's group, then end the listener with a message on its own channel, and wait for it.

        The listener is not cancelled while the layer is up: a receive on Redis cancelled mid-read could be left
        pending, and a task left pending outlives its consumer (it hung the event loop that closed after it).
        Cancelling is the way out only when the layer cannot be reached."""
        try:
            await self.layer.group_discard(room_group(self.script_id), self.channel)
            await self.layer.send(self.channel, {"type": STOP})
            await asyncio.wait_for(asyncio.shield(self._listener), timeout=STOP_WAIT_S)
        except LAYER_ERRORS:  # TimeoutError is one of them
            log.warning("the listener of script %s's room did not stop; cancelling it", self.script_id)
            self._listener.cancel()

    async def _listen(self) -> None:
        try:
            while True:
                message = await self.layer.receive(self.channel)
                if message["type"] == STOP:
                    return
                if message.get("origin") == self.channel:
                    continue
                if self.doc is None:
                    self._early.append(message)
                else:
                    await self._relay_in(message)
        except asyncio.CancelledError:
            pass

    def _apply_relayed(self, message: dict) -> None:
        if message["type"] == "yroom.update":
            self.doc.apply_update(message["update"])
        elif message["type"] == "yroom.awareness":
            for client, clock, state in message["entries"]:
                self._remember(client, clock, state, REMOTE)

    async def _relay_in(self, message: dict) -> None:
        self.stats.relayed_in += 1
        try:
            self._apply_relayed(message)
        except ValueError:
            log.exception("a relayed message for script %s could not be applied", self.script_id)
            return
        if message["type"] == "yroom.update":
            await self._to_local(create_update_message(message["update"]))
            self._edited(compact=False)
        elif message["type"] == "yroom.awareness":
            await self._to_local(create_awareness_message(encode_awareness(message["entries"])))

    # --- after edits -------------------------------------------------------------

    def _edited(self, *, count: int = 1, compact: bool = True) -> None:
        loop = asyncio.get_running_loop()
        if self._settle is not None:
            self._settle.cancel()
        self._settle = loop.call_later(settings.STUDIO_SCRIPT_SETTLE_S, self._spawn, self.settle)
        if compact:
            self._since_compaction += count
            if self._since_compaction >= settings.STUDIO_YJS_COMPACT_EVERY:
                self._spawn(self._compact)

    def _spawn(self, fn) -> None:
        task = asyncio.get_running_loop().create_task(fn())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settle(self) -> None:
        """The edits have paused: bring the script's text, scenes and characters up to date."""
        from studio.screenplay import services

        self._settle = None
        try:
            await database_sync_to_async(services.script_text_settled)(script_id=self.script_id)
        except Exception:
            log.exception("settling script %s failed", self.script_id)

    async def _compact(self) -> None:
        self._since_compaction = 0
        try:
            await database_sync_to_async(collab.compact)(self.script_id)
            self.stats.compactions += 1
        except Exception:
            log.exception("compacting script %s failed", self.script_id)

    async def evict(self) -> None:
        """Drop this room (its memory may hold what the database does not); clients reconnect to a new one."""
        _rooms().pop(self.script_id, None)
        for connection in list(self.connections):
            await connection.close(code=1011)
        self.connections.clear()
        await self.close()


# --- the rooms of this process (of this event loop) --------------------------------

_registries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _registry():
    loop = asyncio.get_running_loop()
    if loop not in _registries:
        _registries[loop] = ({}, {})
    return _registries[loop]


def _rooms() -> dict[int, ScriptRoom]:
    return _registry()[0]


def _lock(script_id: int) -> asyncio.Lock:
    locks = _registry()[1]
    return locks.setdefault(script_id, asyncio.Lock())


def open_room(script_id: int) -> ScriptRoom | None:
    return _rooms().get(script_id)


async def join(script_id: int, connection) -> ScriptRoom:
    async with _lock(script_id):
        room = _rooms().get(script_id)
        if room is None:
            room = ScriptRoom(script_id)
            await room.open()
            _rooms()[script_id] = room
        room.connections.add(connection)
        return room


async def leave(room: ScriptRoom, connection) -> None:
    async with _lock(room.script_id):
        await room.forget(connection)
        room.connections.discard(connection)
        if not room.connections and _rooms().get(room.script_id) is room:
            del _rooms()[room.script_id]
            await room.close()


def relay_update(script_id: int, update: bytes) -> None:
    """From sync code (a service, after commit): give an update made by the server to every open room."""
    from asgiref.sync import async_to_sync

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(room_group(script_id),
                                        {"type": "yroom.update", "update": update, "origin": "server"})
    except Exception:  # the update is stored: rooms opened from now on have it, open ones get it on reconnect
        log.exception("could not relay a server update of script %s", script_id)
