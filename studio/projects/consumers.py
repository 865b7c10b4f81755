"""``/ws/projects/<id>/``: the project's live events and presence, for its members.

Thin by design: it admits members, relays the project's events (sent by ``live.events.publish``), and
reports presence. Everything it writes goes through ``live.presence``; every ORM call goes through
``database_sync_to_async``.

The handshake is always accepted, so that a refusal reaches the browser as a close code (a handshake
refused with 403 would tell it nothing). Close codes: 4401 not logged in, 4404 not a member (or no such
project), 4403 removed from the project while connected, 4400 a malformed frame, 1013 the channel layer
is unreachable (try again later: the browser reconnects and reads the project again).

The first message is the presence snapshot, with ``seq``, the number of the project's last event: every
event after it carries the next number (``live.sequence``), so a client sees what it missed.
"""

from __future__ import annotations

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from studio.live import presence
from studio.live.events import project_group
from studio.live.layers import LAYER_ERRORS
from studio.live.sequence import sequence_current

from . import selectors

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4096


class ProjectConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS:  # on connecting, or while connected: a clean close, and the browser comes back
            log.warning("closing a project socket: the channel layer is unreachable", exc_info=True)
            await self.disconnect(1013)
            await self.close(code=1013)

    async def connect(self):
        self.project_id = self.scope["url_route"]["kwargs"]["project_id"]
        self.user = self.scope.get("user")
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            return await self.close(code=4401)
        membership = await database_sync_to_async(selectors.membership_for)(
            user=self.user, project_id=self.project_id
        )
        if membership is None:
            return await self.close(code=4404)
        self.group = project_group(self.project_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        seq = await database_sync_to_async(sequence_current)(project_id=self.project_id)
        snapshot = await database_sync_to_async(presence.presence_enter)(
            project_id=self.project_id, user=self.user, channel_name=self.channel_name
        )
        await self.send_json({**snapshot.message(), "seq": seq})

    async def disconnect(self, code):
        """Leave presence first (it needs only the database), then the group (which needs the layer)."""
        if self.group is None:
            return
        group, self.group = self.group, None
        await database_sync_to_async(presence.presence_leave)(channel_name=self.channel_name)
        try:
            await self.channel_layer.group_discard(group, self.channel_name)
        except LAYER_ERRORS:  # the layer forgets the channel itself when its group expires
            log.warning("could not leave %s: the channel layer is unreachable", group)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            return await self._refuse("frame too large or not text")
        try:
            message = json.loads(text_data)
        except ValueError:
            return await self._refuse("frame is not JSON")
        if not isinstance(message, dict):
            return await self._refuse("frame is not an object")
        kind = message.get("type")
        if kind == "ping":
            await database_sync_to_async(presence.presence_heartbeat)(channel_name=self.channel_name)
            await self.send_json({"type": "pong"})
        elif kind == "focus":
            shot = message.get("shot")
            if shot is not None and not isinstance(shot, int):
                return await self._refuse("focus.shot must be an id or null")
            await database_sync_to_async(presence.presence_focus)(channel_name=self.channel_name, shot_id=shot)
        else:
            await self.send_json({"type": "error", "detail": f"Unknown message type {kind!r}."})

    async def _refuse(self, reason: str):
        log.info("closing project socket of %s on project %s: %s", self.user, self.project_id, reason)
        await self.close(code=4400)

    async def project_event(self, message):
        """An event from the project's group: pass it on, and hang up on someone removed from the project."""
        event = message["event"]
        await self.send_json(event)
        kind = event["type"]
        if kind == "project.deleted" or (
            kind == "member.removed" and event["data"]["member"]["user"]["id"] == self.user.pk
        ):
            await self.disconnect(4403)
            await self.close(code=4403)
