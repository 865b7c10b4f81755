"""Access checks shared by services, pages, the API and websockets.

``authorize`` is what services call before a write: it reads the actor's role
and consults the permission table. ``membership_or_404`` is the door of every
page and endpoint under a project: a non-member learns nothing, not even that
the project exists.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from . import permissions, selectors
from .models import Membership, Project
from .permissions import Capability


def authorize(*, actor, project: Project, capability: Capability) -> str:
    """Return the actor's role on the project, or raise PermissionDenied (Http404 for non-members)."""
    role = selectors.role_of(user=actor, project=project)
    if role is None:
        raise Http404("No such project.")
    permissions.require(role, capability)
    return role


def membership_or_404(*, user, project_id) -> Membership:
    membership = selectors.membership_for(user=user, project_id=project_id)
    if membership is None:
        raise Http404("No such project.")
    return membership


def require_capability(membership: Membership, capability: Capability) -> None:
    """Raise PermissionDenied (HTTP 403) with the reason unless the member's role holds ``capability``."""
    permissions.require(membership.role, capability)


def member_view(view):
    """The door of a view under ``projects/<project_id>/`` that every member may use (the files an app
    serves to its members): log in first, then a non-member gets 404. The view is called with the project."""

    @login_required
    @wraps(view)
    def wrapper(request, project_id, *args, **kwargs):
        membership = membership_or_404(user=request.user, project_id=project_id)
        request.membership = membership
        return view(request, membership.project, *args, **kwargs)

    return wrapper
