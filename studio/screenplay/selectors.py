"""Reads of scripts and scenes that views share."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from studio.projects.models import Project

from .models import Scene, Script


def scripts_of(*, project: Project) -> QuerySet[Script]:
    return Script.objects.filter(project=project).annotate(scene_count=Count("scenes")).order_by("created_at", "id")


def scenes_of(*, project: Project) -> QuerySet[Scene]:
    return Scene.objects.filter(project=project).order_by("script__created_at", "script_id", "order", "id")


def script_access(*, user, script_id) -> tuple[int, str] | None:
    """(project id, the user's role) for a script the user may open, or None."""
    from studio.projects.models import Membership

    try:
        script_id = int(script_id)
    except (TypeError, ValueError):
        return None
    row = (
        Membership.objects.filter(user=user, project__scripts__pk=script_id)
        .values_list("project_id", "role").first()
    )
    return (row[0], row[1]) if row else None
