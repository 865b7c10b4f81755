"""Who is on a project now. Called by the project consumer; announces joins and leaves after commit.

A user with the project open in two tabs joins with the first and leaves with
the last. A connection whose heartbeat stops (its process died) expires after
``STUDIO_PRESENCE_TIMEOUT_S`` and its user is announced as gone.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import events
from .events import PresentUser, UserRef
from .models import PresenceConnection


def _fresh(project_id: int):
    cutoff = timezone.now() - timedelta(seconds=settings.STUDIO_PRESENCE_TIMEOUT_S)
    return PresenceConnection.objects.filter(project_id=project_id, last_seen__gte=cutoff)


def _expire(project_id: int) -> None:
    """Drop connections that stopped beating and announce users who have no live one left."""
    cutoff = timezone.now() - timedelta(seconds=settings.STUDIO_PRESENCE_TIMEOUT_S)
    stale = list(PresenceConnection.objects.filter(project_id=project_id, last_seen__lt=cutoff).select_related("user"))
    if not stale:
        return
    PresenceConnection.objects.filter(pk__in=[c.pk for c in stale]).delete()
    still_here = set(_fresh(project_id).values_list("user_id", flat=True))
    for user in {c.user_id: c.user for c in stale}.values():
        if user.pk not in still_here:
            events.publish(events.PresenceLeft(project_id=project_id, user=UserRef.of(user)))


@transaction.atomic
def presence_enter(*, project_id: int, user, channel_name: str) -> events.PresenceSnapshot:
    _expire(project_id)
    already_here = _fresh(project_id).filter(user=user).exists()
    PresenceConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={"project_id": project_id, "user": user, "last_seen": timezone.now(), "focus_shot": None},
    )
    if not already_here:
        events.publish(events.PresenceJoined(project_id=project_id, user=UserRef.of(user)))
    return presence_snapshot(project_id=project_id)


@transaction.atomic
def presence_leave(*, channel_name: str) -> None:
    connection = PresenceConnection.objects.select_related("user").filter(channel_name=channel_name).first()
    if connection is None:
        return
    connection.delete()
    if not _fresh(connection.project_id).filter(user_id=connection.user_id).exists():
        events.publish(events.PresenceLeft(project_id=connection.project_id, user=UserRef.of(connection.user)))


def presence_heartbeat(*, channel_name: str) -> None:
    PresenceConnection.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


@transaction.atomic
def presence_focus(*, channel_name: str, shot_id: int | None) -> None:
    connection = PresenceConnection.objects.select_related("user").filter(channel_name=channel_name).first()
    if connection is None or connection.focus_shot == shot_id:
        return
    connection.focus_shot = shot_id
    connection.last_seen = timezone.now()
    connection.save(update_fields=["focus_shot", "last_seen"])
    events.publish(events.PresenceFocus(project_id=connection.project_id, user=UserRef.of(connection.user),
                                        shot=shot_id))


def presence_snapshot(*, project_id: int) -> events.PresenceSnapshot:
    users: dict[int, PresentUser] = {}
    for connection in _fresh(project_id).select_related("user").order_by("connected_at", "id"):
        previous = users.get(connection.user_id)
        focus = connection.focus_shot
        if focus is None and previous is not None:
            focus = previous.focus_shot  # a user with two tabs is looking at whatever either tab shows
        users[connection.user_id] = PresentUser(user=UserRef.of(connection.user), focus_shot=focus)
    return events.PresenceSnapshot(project_id=project_id, users=list(users.values()))
