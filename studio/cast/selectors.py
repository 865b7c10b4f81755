"""Reads of the cast that views share."""

from __future__ import annotations

from django.db.models import QuerySet

from studio.projects.models import Project

from .models import Character


def characters_of(*, project: Project) -> QuerySet[Character]:
    return Character.objects.filter(project=project).prefetch_related("references").order_by("name", "id")
