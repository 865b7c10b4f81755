"""Reads of jobs and takes that the API and the pages share (bulk: flat query counts)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from studio.cast.models import Character, ReferenceImage
from studio.shots.models import Shot

from .models import GenerationJob, Take


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
