"""Live's base: how an event goes to the browsers on a project, and Live's own events (presence).

Each app defines its own event types in ``<app>/events.py`` on the ``Event`` base here (and the
``*Data`` shapes of its objects, which its REST API returns too). Services build an event from the
objects they just wrote and call ``publish(event)``; it is sent to the project's group when the
transaction commits, so a browser never hears of a write that rolled back. On the wire an event is
``{"type", "project", "actor", "data", "seq"}`` where ``data`` holds the event's own fields and ``seq`` is
the project's event number (``live.sequence``: a browser that sees one skipped reads the project again);
it must survive JSON (the Redis layer serialises it), which the tests check.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .sequence import sequence_next

log = logging.getLogger(__name__)

def project_group(project_id: int) -> str:
    return f"project.{project_id}"


@dataclass(frozen=True, kw_only=True)
class UserRef:
    id: int
    username: str
    name: str
    initials: str
    color: str

    @classmethod
    def of(cls, user) -> UserRef:
        return cls(id=user.pk, username=user.username, name=user.name, initials=user.initials, color=user.color)


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# --- The base of every event ---------------------------------------------------

EVENT_TYPES: dict[str, type[Event]] = {}  # every event type of every app, filled as apps define them


@dataclass(frozen=True, kw_only=True)
class Event:
    type: ClassVar[str]
    project_id: int
    actor: UserRef | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            if cls.type in EVENT_TYPES:
                raise TypeError(f"event type {cls.type!r} is defined twice")
            EVENT_TYPES[cls.type] = cls

    def data(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in {"project_id", "actor"}}

    def message(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "project": self.project_id,
            "actor": asdict(self.actor) if self.actor else None,
            "data": self.data(),
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- Presence (Live's own events) ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PresenceJoined(Event):
    type = "presence.joined"
    user: UserRef


@dataclass(frozen=True, kw_only=True)
class PresenceLeft(Event):
    type = "presence.left"
    user: UserRef


@dataclass(frozen=True, kw_only=True)
class PresenceFocus(Event):
    """A user is now looking at a shot (or at none: ``shot`` is None)."""

    type = "presence.focus"
    user: UserRef
    shot: int | None


@dataclass(frozen=True, kw_only=True)
class PresentUser:
    user: UserRef
    focus_shot: int | None


@dataclass(frozen=True, kw_only=True)
class PresenceSnapshot(Event):
    """Sent to one connection when it opens: who is on the project now."""

    type = "presence.snapshot"
    users: list[PresentUser]


# --- Publishing -----------------------------------------------------------------


def publish(event: Event) -> None:
    """Send ``event`` to the project's group once the current transaction commits.

    The message is built now, from the objects as they were written; outside a
    transaction it is sent at once.
    """
    message = event.message()
    transaction.on_commit(lambda: send_numbered(event.project_id, message), robust=True)


def send_numbered(project_id: int, message: dict[str, Any]) -> None:
    """Number the message (after the commit, outside the write's transaction) and send it.

    A message the layer drops or fails to send still has its number: the next one the browsers get, or
    the number they are told when they reconnect, shows them the gap and they read the project again.
    """
    send_now(project_group(project_id), {**message, "seq": sequence_next(project_id=project_id)})


def send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "project.event", "event": message})
    except Exception:  # a broken layer must not break the write that already committed
        log.exception("could not publish %s to %s", message.get("type"), group)
