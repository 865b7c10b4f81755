"""Reads of shots that views share. One query for the shots and one for their characters, however many."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from studio.cast.models import Character
from studio.projects.models import Project

from .models import LayoutAsset, Shot


def shots_of(*, project: Project) -> QuerySet[Shot]:
    return (
        Shot.objects.filter(project=project)
        .prefetch_related(Prefetch("characters", queryset=Character.objects.only("id")))
        .order_by("scene__script__created_at", "scene__script_id", "scene__order", "order", "id")
    )


def assets_of(*, project: Project) -> QuerySet[LayoutAsset]:
    """The 3D sets imported into ``project``, newest first."""
    return LayoutAsset.objects.filter(project=project).order_by("-created_at", "-id")
