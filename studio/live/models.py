"""Presence: who has a project open right now, one row per open websocket.

Rows live in the database, not in a process, so every Daphne process sees the
same people; a row whose heartbeat stopped (its process died) expires. Live sits under the apps
(they publish through it), so it names the project model by its label rather than importing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PresenceConnection(models.Model):
    channel_name = models.CharField(max_length=255, unique=True)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    focus_shot = models.BigIntegerField(null=True, blank=True, help_text="The shot this connection is looking at.")
    connected_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["project", "user"]), models.Index(fields=["last_seen"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.project}"


class ProjectSequence(models.Model):
    """The number of the last event sent to a project's browsers (``live.sequence``).

    A plain id, not a foreign key: the last events of a project (``project.deleted``) are numbered after
    its row is gone. A client that sees a number skipped knows it missed an event and reads again.
    """

    project_id = models.BigIntegerField(primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"project {self.project_id}: event {self.last}"
