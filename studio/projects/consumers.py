"""``/ws/projects/<id>/``: the project's live events and presence, for its members.

Thin by design: it admits members, relays the project's events (sent by ``live.events.publish``), and
reports presence. Everything it writes goes through ``live.presence``; every ORM call goes through
``database_sync_to_async``.

Close codes: 4401 not logged in, 4404 not a member (or no such project),
4403 removed from the project while connected, 4400 a malformed frame.
"""

from __future__ import annotations

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from studio.live import presence
from studio.live.events import project_group

from . import selectors

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4096


class ProjectConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        self.project_id = self.scope["url_route"]["kwargs"]["project_id"]
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        membership = await database_sync_to_async(selectors.membership_for)(
            user=self.user, project_id=self.project_id
        )
        if membership is None:
            await self.close(code=4404)
            return
        self.group = project_group(self.project_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        snapshot = await database_sync_to_async(presence.presence_enter)(
            project_id=self.project_id, user=self.user, channel_name=self.channel_name
        )
        await self.send_json(snapshot.message())

    async def disconnect(self, code):
        if self.group is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await database_sync_to_async(presence.presence_leave)(channel_name=self.channel_name)
        self.group = None

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
