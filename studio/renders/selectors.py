"""Reads of jobs and takes that the API and the pages share (bulk: flat query counts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from studio.cast.models import Character, ReferenceImage
from studio.shots.models import Shot

from .models import GenerationJob, Take

RECENT_FAILURES = timedelta(days=1)  # failures older than this leave the shot page (the queue page keeps them)


def jobs_of(*, project) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(project=project).select_related(
        "requester", "shot__scene", "take__created_by", "take__reviewed_by")


def active_jobs_of(*, project) -> QuerySet[GenerationJob]:
    return jobs_of(project=project).filter(status__in=GenerationJob.ACTIVE)


def takes_of(*, project) -> QuerySet[Take]:
    return Take.objects.filter(project=project).select_related("created_by", "reviewed_by")


def shot_for_generation(*, project, shot_id) -> Shot:
    """A shot with what prompt assembly reads: scene, project, characters in order and their references."""
    characters = Prefetch(
        "characters",
        queryset=Character.objects.order_by("name", "id").prefetch_related(
            Prefetch("references", queryset=ReferenceImage.objects.order_by("id"))),
    )
    shot = (Shot.objects.filter(project=project, pk=shot_id).select_related("scene", "project")
            .prefetch_related(characters).first())
    if shot is None:
        raise Http404("No such shot.")
    return shot


def latest_takes(project) -> list[dict]:
    """The newest take of every shot that has one, in one query: what the shot cards show."""
    newest = Take.objects.filter(shot=OuterRef("shot")).order_by("-number").values("number")[:1]
    rows = (Take.objects.filter(project=project, number=Subquery(newest))
            .only("id", "project_id", "shot_id", "number", "kind", "smoke_test", "review"))
    return [{"id": t.pk, "shot": t.shot_id, "number": t.number, "kind": t.kind, "thumbnail_url": t.thumbnail_url,
             "smoke_test": t.smoke_test, "review": t.review} for t in rows]


def queue_positions(job_ids: Iterable[int]) -> dict[int, int]:
    """Place in the studio's queue (all projects share the workers; 1 is the next one) of each of ``job_ids``
    that is queued, in one query: for each, the queued jobs ahead of it (by created_at, then id) are counted on
    the index over (status, created_at, id). Only the jobs asked about are read, never the whole queue.

    Places are as of this read. A page keeps them in step with its own project's events (a job of the
    project joins with its place in ``job.queued``; one that starts at place p takes every job before it
    out of the queue too, so the project's jobs behind it move up by p; one canceled while queued moves
    those behind it up by one). Jobs of other projects that start or are canceled do not reach the page,
    so between its own project's events a place it shows may be higher than the truth (never lower, but for
    a job put back by the sweep, which keeps its place); a resync or a reload reads them here again."""
    ids = list(job_ids)
    return {pk: ahead + 1 for pk, ahead in positions_query(ids)} if ids else {}


def positions_query(ids: list[int]) -> QuerySet:
    """(id, how many queued jobs are ahead of it) for each of ``ids`` that is queued."""
    queued = GenerationJob.Status.QUEUED
    before = Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
    ahead = (GenerationJob.objects.filter(before, status=queued).order_by()
             .values("status").annotate(n=Count("*")).values("n"))
    return (GenerationJob.objects.filter(pk__in=ids, status=queued).order_by()
            .annotate(ahead=Coalesce(Subquery(ahead), 0)).values_list("id", "ahead"))


def queue_position(job: GenerationJob) -> int | None:
    return queue_positions([job.pk]).get(job.pk)


def queued_count() -> int:
    """How many jobs the studio's queue holds (every project), counted on the same index."""
    return GenerationJob.objects.filter(status=GenerationJob.Status.QUEUED).count()


def retried() -> Exists:
    return Exists(GenerationJob.objects.filter(retry_of=OuterRef("pk")))


def shot_jobs(project, shot) -> list[GenerationJob]:
    """The shot's queued and running jobs, and its failures of the last day that were not retried."""
    return list(
        jobs_of(project=project).filter(shot=shot).annotate(retried=retried())
        .filter(Q(status__in=GenerationJob.ACTIVE)
                | Q(status=GenerationJob.Status.FAILED, retried=False,
                    finished_at__gte=timezone.now() - RECENT_FAILURES))
        .order_by("created_at", "id")
    )
