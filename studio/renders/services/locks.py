"""The row locks of generation's writes, in the one order every path takes them:

    project → person (the requester, whose limits are counted) → shot → job → take

A path takes only the locks it needs, but always in this order (a job's shot is read, unlocked, before the job is
locked: a job never changes shot). Locks are ``FOR NO KEY UPDATE``: no write here changes a key, and such a lock
does not block the ``FOR KEY SHARE`` that PostgreSQL's foreign-key checks take (Django's foreign keys are checked at
commit), so inserting a job or a take never waits on a row another path holds for its own counting. Before this,
submitting (project, person, then the shot's key at commit) and finishing (shot, then the project's key at commit)
took them in opposite orders and deadlocked. SQLite locks the whole database instead, and ignores these.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from studio.projects.models import Project
from studio.shots.models import Shot

from ..models import GenerationJob


def _lock(model, pk: int) -> None:
    list(model.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk", flat=True))


def lock_in_order(*, project_id: int | None = None, person_id: int | None = None, shot_id: int | None = None) -> None:
    """Lock the project, the person and the shot named, in the house order (the job's lock comes after: `job`)."""
    for model, pk in ((Project, project_id), (get_user_model(), person_id), (Shot, shot_id)):
        if pk is not None:
            _lock(model, pk)


def job(job_id: int, **held):
    """The job row, locked last (after whatever its path locked first), with what its events show; ``held``
    filters it (``status=…, worker=…``): None when it does not match."""
    return (GenerationJob.objects.select_for_update(of=("self",), no_key=True)
            .select_related("requester", "shot__scene").filter(pk=job_id, **held).first())


def shot_of(job_id: int) -> int | None:
    """The shot of a job, read without a lock, so the shot can be locked before the job."""
    return GenerationJob.objects.filter(pk=job_id).values_list("shot_id", flat=True).first()
