"""The door of every project page: members only (others get 404), with the capability the page needs."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required

from studio.projects import permissions
from studio.projects.access import membership_or_404, require_capability
from studio.projects.permissions import Capability


def project_page(capability: Capability = Capability.VIEW):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, project_id, *args, **kwargs):
            membership = membership_or_404(user=request.user, project_id=project_id)
            require_capability(membership, capability)
            request.membership = membership
            request.project = membership.project
            return view(request, membership.project, *args, **kwargs)

        return wrapper

    return decorator


def page_context(request, **extra) -> dict:
    """What every project page's template needs: the project, your role and what it lets you do."""
    membership = request.membership
    caps = permissions.capabilities_of(membership.role)
    return {
        "project": membership.project,
        "membership": membership,
        "can": {cap.value: cap in caps for cap in Capability},
        **extra,
    }
