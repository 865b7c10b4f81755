"""Reads about projects and memberships that views share."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Membership, Project


def membership_for(*, user, project_id: int) -> Membership | None:
    """The user's membership on the project (with the project loaded), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        project_id = int(project_id)
    except (TypeError, ValueError):
        return None
    return Membership.objects.select_related("project").filter(user=user, project_id=project_id).first()


def role_of(*, user, project: Project) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, project=project).values_list("role", flat=True).first()


def _count(model_path: str, **filters) -> Subquery:
    from django.apps import apps

    model = apps.get_model(model_path)
    counted = (
        model.objects.filter(**filters).order_by().values("project").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def projects_for(*, user) -> QuerySet[Project]:
    """Projects the user is a member of, with their role and a few counts for the project list."""
    mine = Membership.objects.filter(project=OuterRef("pk"), user=user)
    return (
        Project.objects.filter(memberships__user=user)
        .annotate(
            my_role=Subquery(mine.values("role")[:1]),
            member_count=_count("projects.Membership", project=OuterRef("pk")),
            scene_count=_count("screenplay.Scene", project=OuterRef("pk")),
            shot_count=_count("shots.Shot", project=OuterRef("pk")),
            character_count=_count("cast.Character", project=OuterRef("pk")),
        )
        .order_by("-updated_at", "-id")
    )


def members_of(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("created_at", "id")
