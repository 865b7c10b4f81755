"""Reads of jobs and takes that the API and the pages share (bulk: flat query counts)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from studio.cast.models import Character, ReferenceImage
from studio.shots.models import Shot

from . import files
from .models import GenerationJob, Take

RECENT_FAILURES = timedelta(days=1)  # failures older than this leave the shot page (the queue page keeps them)


def jobs_of(*, project) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(project=project).select_related("requester", "take")


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
            .values_list("id", "shot_id", "number", "kind", "smoke_test", "review"))
    thumbnail = files.THUMBNAIL.urls()
    return [{"id": pk, "shot": shot, "number": number, "kind": kind,
             "thumbnail_url": thumbnail(project_id=project.pk, pk=pk), "smoke_test": smoke_test, "review": review}
            for pk, shot, number, kind, smoke_test, review in rows]


def queue_positions() -> dict[int, int]:
    """Place in the queue of every queued job (all projects share the workers), 1 for the next one."""
    ids = GenerationJob.objects.filter(status=GenerationJob.Status.QUEUED).order_by("created_at", "id")
    return {pk: n for n, pk in enumerate(ids.values_list("id", flat=True), start=1)}


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
