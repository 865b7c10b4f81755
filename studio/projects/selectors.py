"""Reads about projects and memberships that views share."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from . import hooks
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


def count_of(queryset: QuerySet, project_field: str = "project") -> Coalesce:
    """How many rows of ``queryset`` belong to the project of the outer query (0 when none): what the apps
    register as ``hooks.project_count``."""
    counted = (queryset.filter(**{project_field: OuterRef("pk")}).order_by().values(project_field)
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def projects_for(*, user) -> QuerySet[Project]:
    """Projects the user is a member of, with their role and counts for the project list: its members, and
    what the apps built on projects count (``hooks.project_count``: scenes, shots, characters)."""
    mine = Membership.objects.filter(project=OuterRef("pk"), user=user)
    counts = {f"{name}_count": fn() for name, fn in hooks.counts().items()}
    return (
        Project.objects.filter(memberships__user=user)
        .annotate(my_role=Subquery(mine.values("role")[:1]), member_count=count_of(Membership.objects.all()),
                  **counts)
        .order_by("-updated_at", "-id")
    )


def members_of(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("created_at", "id")
