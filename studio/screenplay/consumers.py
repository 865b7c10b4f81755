"""``/ws/scripts/<id>``: the y-websocket protocol over a script's shared document (see ``rooms``).

Close codes: 4401 not logged in, 4404 not a member (or no such script), 4403 removed from the project,
4400 a malformed frame, 4413 a frame over the size limit, 4429 too many messages, 1013 the channel layer is
unreachable. The handshake is accepted first, so that a refusal reaches the browser as its close code.
"""

from __future__ import annotations

import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from pycrdt import Decoder, YMessageType, YSyncMessageType, create_sync_message, write_message

from studio.live.events import project_group
from studio.live.layers import ClosesWhenLayerIsDown, group_leave
from studio.projects import permissions
from studio.projects.permissions import Capability

from . import collab, rooms, selectors

log = logging.getLogger(__name__)

QUERY_AWARENESS = 3  # y-protocols message types beyond pycrdt's SYNC and AWARENESS
AUTH = 2


def create_sync_step2_message(update: bytes) -> bytes:
    return bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]) + write_message(update)


class TokenBucket:
    """At most ``rate`` messages a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class ScriptConsumer(ClosesWhenLayerIsDown, AsyncWebsocketConsumer):
    """``/ws/scripts/<id>``: the y-websocket protocol over a script's shared document.

    The stock ``WebsocketProvider(serverUrl, room)`` client works unchanged. Members get the document;
    those who may not edit the script (reviewers, viewers) get it read-only: their updates are dropped
    and counted, never applied. Close codes: 4401 not logged in, 4404 not a member (or no such script),
    4403 removed from the project, 4400 a malformed frame, 4413 a frame over the size limit, 4429 too
    many messages.
    """

    room = None
    project_group: str | None = None

    async def connect(self):
        self.script_id = self.scope["url_route"]["kwargs"]["script_id"]
        self.user = self.scope.get("user")
        self.awareness_clients: set[int] = set()
        self.dropped = 0
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            return await self.close(code=4401)
        found = await database_sync_to_async(selectors.script_access)(user=self.user,
                                                                            script_id=self.script_id)
        if found is None:
            return await self.close(code=4404)
        self.project_id, role = found
        self.can_write = permissions.can(role, Capability.EDIT_SCRIPT)
        self.identity = {"id": self.user.pk, "name": self.user.name, "color": self.user.color,
                         "colorLight": self.user.color + "33"}
        self.bucket = TokenBucket(settings.STUDIO_YJS_RATE_PER_S, settings.STUDIO_YJS_BURST)
        self.project_group = project_group(self.project_id)
        await self.channel_layer.group_add(self.project_group, self.channel_name)
        self.room = await rooms.join(self.script_id, self)
        await self.send(bytes_data=create_sync_message(self.room.doc))
        awareness = self.room.awareness_message()
        if awareness is not None:
            await self.send(bytes_data=awareness)

    async def disconnect(self, code):
        if self.project_group is not None:
            group, self.project_group = self.project_group, None
            await group_leave(self.channel_layer, group, self.channel_name)
        if self.room is not None:
            room, self.room = self.room, None
            await rooms.leave(room, self)
            if self.dropped:
                log.info("dropped %s update(s) from read-only %s on script %s", self.dropped, self.user,
                         self.script_id)

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return
        if bytes_data is None:
            return await self._refuse(4400, "text frame; the protocol is binary")
        if len(bytes_data) > settings.STUDIO_YJS_MAX_MESSAGE_BYTES:
            return await self._refuse(4413, f"frame of {len(bytes_data)} bytes is over the limit")
        if not self.bucket.take():
            return await self._refuse(4429, "too many messages")
        try:
            await self._handle(bytes_data)
        except rooms.FrameError as exc:
            await self._refuse(4400, str(exc))

    async def _handle(self, frame: bytes) -> None:
        if len(frame) < 2:
            raise rooms.FrameError("frame too short")
        kind = frame[0]
        if kind == YMessageType.SYNC:
            sync, payload = frame[1], self._payload(frame[2:])
            if sync == YSyncMessageType.SYNC_STEP1:
                await self.send(bytes_data=create_sync_step2_message(self.room.sync_reply(payload)))
            elif sync in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
                if payload == collab.EMPTY_UPDATE:  # a handshake reply with nothing in it
                    return
                if not self.can_write:
                    self.dropped += 1
                    self.room.stats.dropped_read_only += 1
                    return
                await self.room.receive_update(self, payload)
            else:
                raise rooms.FrameError(f"unknown sync message {sync}")
        elif kind == YMessageType.AWARENESS:
            await self.room.receive_awareness(self, self._payload(frame[1:]))
        elif kind == QUERY_AWARENESS:
            awareness = self.room.awareness_message()
            if awareness is not None:
                await self.send(bytes_data=awareness)
        elif kind == AUTH:
            return
        else:
            raise rooms.FrameError(f"unknown message type {kind}")

    @staticmethod
    def _payload(data: bytes) -> bytes:
        try:
            payload = Decoder(data).read_message()
        except (RuntimeError, IndexError) as exc:
            raise rooms.FrameError(f"bad length prefix ({exc})") from None
        if payload is None:
            raise rooms.FrameError("missing payload")
        return payload

    async def _refuse(self, code: int, reason: str) -> None:
        log.info("closing script socket of %s on script %s: %s", self.user, self.script_id, reason)
        await self.close(code=code, reason=reason[:120])

    async def project_event(self, message):
        """Project events this socket cares about: losing access, or a new role."""
        event = message["event"]
        kind = event["type"]
        about_me = kind.startswith("member.") and event["data"]["member"]["user"]["id"] == self.user.pk
        if kind == "project.deleted" or (about_me and kind == "member.removed"):
            await self.close(code=4403)
        elif about_me and kind == "member.updated":
            self.can_write = permissions.can(event["data"]["member"]["role"], Capability.EDIT_SCRIPT)
