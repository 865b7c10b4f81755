"""Writes to projects and memberships. Each checks permission, runs in a transaction and publishes after commit."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from studio.core.errors import Conflict
from studio.core.files import delete_files_on_commit
from studio.core.services import apply_changes, validate
from studio.live.events import UserRef

from . import events, hooks
from .access import authorize
from .events import MemberData, ProjectData
from .models import Membership, Project
from .permissions import Capability, Role


class ProjectChanges(TypedDict, total=False):
    title: str
    logline: str
    format: str
    aspect_ratio: str
    frame_rate: Decimal
    style_prompt: str


PROJECT_FIELDS = ("title", "logline", "format", "aspect_ratio", "frame_rate", "style_prompt")


@transaction.atomic
def project_create(*, actor, title: str, logline: str = "", format: str = Project.Format.SHORT,
                   aspect_ratio: str = Project.AspectRatio.SCOPE, frame_rate: Decimal = Decimal("24"),
                   style_prompt: str = "") -> Project:
    """Create a project with the actor as its owner; the apps built on projects add what a new project
    starts with (``hooks.on_project_created``: the screenplay gives it an empty script to write in)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Log in to create a project.")
    project = Project(
        title=title.strip() if isinstance(title, str) else title, logline=logline, format=format,
        aspect_ratio=aspect_ratio, frame_rate=frame_rate, style_prompt=style_prompt, created_by=actor,
    )
    validate(project, exclude=["created_by"])
    project.save()
    Membership.objects.create(project=project, user=actor, role=Role.OWNER, invited_by=None)
    for hook in hooks.created_hooks():
        hook(actor=actor, project=project)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, changes: ProjectChanges) -> Project:
    authorize(actor=actor, project=project, capability=Capability.EDIT_PROJECT)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if "title" in changes and isinstance(changes["title"], str):
        changes = {**changes, "title": changes["title"].strip()}
    changed = apply_changes(project, changes, allowed=PROJECT_FIELDS)
    if changed:
        validate(project, exclude=["created_by"])
        project.save()
        events.publish(events.ProjectUpdated(
            project_id=project.pk, actor=UserRef.of(actor), project=ProjectData.of(project), changed=changed,
        ))
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete the project with everything in it, its stored files included (once the delete commits: each
    app names its files through ``hooks.project_files``)."""
    authorize(actor=actor, project=project, capability=Capability.DELETE_PROJECT)
    event = events.ProjectDeleted(project_id=project.pk, actor=UserRef.of(actor), id=project.pk, title=project.title)
    files = [name for hook in hooks.files_hooks() for name in hook(project)]
    project.delete()
    delete_files_on_commit(files)
    events.publish(event)


def _owner_count(project: Project) -> int:
    return Membership.objects.filter(project=project, role=Role.OWNER).count()


def _valid_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": [f"'{role}' is not a role. Choose one of: {', '.join(Role.values)}."]})
    return role


@transaction.atomic
def member_add(*, actor, project: Project, username: str, role: str) -> Membership:
    """Invite an existing user to the project with a role."""
    authorize(actor=actor, project=project, capability=Capability.MANAGE_MEMBERS)
    _valid_role(role)
    User = get_user_model()
    user = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": [f"No user is called '{username}'."]})
    if Membership.objects.filter(project=project, user=user).exists():
        raise ValidationError({"username": [f"{user.name} is already on this project."]})
    membership = Membership.objects.create(project=project, user=user, role=role, invited_by=actor)
    events.publish(events.MemberAdded(project_id=project.pk, actor=UserRef.of(actor), member=MemberData.of(membership)))
    return membership


@transaction.atomic
def member_update(*, actor, membership: Membership, role: str) -> Membership:
    authorize(actor=actor, project=membership.project, capability=Capability.MANAGE_MEMBERS)
    _valid_role(role)
    membership = Membership.objects.select_for_update().select_related("user", "project").get(pk=membership.pk)
    previous = membership.role
    if previous == role:
        return membership
    if previous == Role.OWNER and _owner_count(membership.project) == 1:
        raise Conflict("A project needs at least one owner: make someone else owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    events.publish(events.MemberUpdated(
        project_id=membership.project_id, actor=UserRef.of(actor), member=MemberData.of(membership),
        previous_role=previous,
    ))
    return membership


@transaction.atomic
def member_remove(*, actor, membership: Membership) -> None:
    """Remove a member; owners may remove anyone, anyone may leave. The last owner cannot go."""
    leaving = membership.user_id == actor.pk
    if not leaving:
        authorize(actor=actor, project=membership.project, capability=Capability.MANAGE_MEMBERS)
    membership = Membership.objects.select_for_update().select_related("user", "project").get(pk=membership.pk)
    if membership.role == Role.OWNER and _owner_count(membership.project) == 1:
        raise Conflict("A project needs at least one owner: make someone else owner first.")
    event = events.MemberRemoved(project_id=membership.project_id, actor=UserRef.of(actor),
                                 member=MemberData.of(membership))
    membership.delete()
    events.publish(event)
