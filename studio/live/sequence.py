"""Per-project event numbers: every event sent to a project's group carries the next one (``seq``).

A browser that sees a number skipped (an event dropped by a full or broken channel layer) or that
reconnects reads the project again, so nothing is missed for long. Numbers are taken after the write
committed, in a transaction of their own that touches only the counter row: the counter never holds a
lock inside another write's transaction. An event numbered ``n`` was committed before ``n`` was taken,
so a read made after seeing ``n`` includes it and every event before it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import ProjectSequence


def sequence_next(*, project_id: int) -> int:
    """Take the project's next event number."""
    with transaction.atomic():
        if not ProjectSequence.objects.filter(project_id=project_id).update(last=F("last") + 1):
            ProjectSequence.objects.get_or_create(project_id=project_id)
            ProjectSequence.objects.filter(project_id=project_id).update(last=F("last") + 1)
        return ProjectSequence.objects.values_list("last", flat=True).get(project_id=project_id)


def sequence_current(*, project_id: int) -> int:
    """The number of the project's last event (0 before its first)."""
    return ProjectSequence.objects.filter(project_id=project_id).values_list("last", flat=True).first() or 0
