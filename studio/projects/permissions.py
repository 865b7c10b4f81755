"""Who may do what on a project: the one table every API view, page and websocket consults.

A member holds one role per project. A capability is a kind of action; the
table says which roles hold it. Nothing else in the code compares role names.
"""

from __future__ import annotations

import enum

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    DIRECTOR = "director", "Director"
    WRITER = "writer", "Writer"
    ARTIST = "artist", "Artist"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Capability(enum.StrEnum):
    VIEW = "view"
    EDIT_PROJECT = "edit_project"
    DELETE_PROJECT = "delete_project"
    MANAGE_MEMBERS = "manage_members"
    EDIT_SCRIPT = "edit_script"
    EDIT_CAST = "edit_cast"
    EDIT_SHOTS = "edit_shots"
    GENERATE = "generate"
    REVIEW = "review"
    EXPORT = "export"


R = Role
CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.VIEW: frozenset(Role),
    Capability.EDIT_PROJECT: frozenset({R.OWNER, R.DIRECTOR}),
    Capability.DELETE_PROJECT: frozenset({R.OWNER}),
    Capability.MANAGE_MEMBERS: frozenset({R.OWNER}),
    Capability.EDIT_SCRIPT: frozenset({R.OWNER, R.DIRECTOR, R.WRITER}),
    Capability.EDIT_CAST: frozenset({R.OWNER, R.DIRECTOR, R.WRITER, R.ARTIST}),
    Capability.EDIT_SHOTS: frozenset({R.OWNER, R.DIRECTOR, R.ARTIST}),
    Capability.GENERATE: frozenset({R.OWNER, R.DIRECTOR, R.ARTIST}),
    Capability.REVIEW: frozenset({R.OWNER, R.DIRECTOR, R.REVIEWER}),
    Capability.EXPORT: frozenset({R.OWNER, R.DIRECTOR, R.ARTIST}),
}

DESCRIPTIONS: dict[Capability, str] = {
    Capability.VIEW: "see the project, its script, cast, board and outputs",
    Capability.EDIT_PROJECT: "change the project's title, logline, format and look",
    Capability.DELETE_PROJECT: "delete the project",
    Capability.MANAGE_MEMBERS: "invite people, change their roles, remove them",
    Capability.EDIT_SCRIPT: "write the script and edit scenes",
    Capability.EDIT_CAST: "create and edit characters and their reference images",
    Capability.EDIT_SHOTS: "create, edit, reorder and delete shots, and upload takes",
    Capability.GENERATE: "generate frames and clips, and cancel or retry generation jobs",
    Capability.REVIEW: "approve shots and outputs, or send them back",
    Capability.EXPORT: "render storyboard PDFs, animatics and media bundles (anyone may download them)",
}

# Short names, for the matrix on the project overview.
LABELS: dict[Capability, str] = {
    Capability.VIEW: "See everything",
    Capability.EDIT_PROJECT: "Project settings",
    Capability.DELETE_PROJECT: "Delete the project",
    Capability.MANAGE_MEMBERS: "Invite and manage people",
    Capability.EDIT_SCRIPT: "Script and scenes",
    Capability.EDIT_CAST: "Cast",
    Capability.EDIT_SHOTS: "Shots",
    Capability.GENERATE: "Generate",
    Capability.REVIEW: "Review and approve",
    Capability.EXPORT: "Render exports",
}


def can(role: str | None, capability: Capability) -> bool:
    return role is not None and role in CAPABILITIES[capability]


def capabilities_of(role: str | None) -> frozenset[Capability]:
    return frozenset(cap for cap in Capability if can(role, cap))


def require(role: str | None, capability: Capability) -> None:
    """Raise PermissionDenied with a readable reason unless ``role`` holds ``capability``."""
    if not can(role, capability):
        names = [str(r.label).lower() for r in Role if r in CAPABILITIES[capability]]
        allowed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        raise PermissionDenied(f"Only a project's {allowed} may {DESCRIPTIONS[capability]}.")
