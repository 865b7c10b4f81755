"""What the apps built on projects hang on the trunk, so the trunk never imports them.

Projects is the trunk: screenplay, cast, shots and renders hang on it. When the trunk needs something
from them (a new project's first script, the counts on the project list, the files to delete with a
project), each app registers a function here from its ``AppConfig.ready()``; the trunk calls what is
registered without knowing who registered it. Registering is explicit and typed, unlike a signal: the
functions are business steps that run inside the trunk's own transaction, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Expression

if TYPE_CHECKING:
    from .models import Project

ProjectCreated = Callable[..., None]  # (*, actor, project) -> None, in project_create's transaction
ProjectCount = Callable[[], Expression]  # -> an expression counting rows of the project in the queryset (OuterRef)
ProjectFiles = Callable[["Project"], list[str]]  # -> stored file names to delete once the project's delete commits

_created: list[ProjectCreated] = []
_counts: dict[str, ProjectCount] = {}
_files: list[ProjectFiles] = []


def on_project_created(fn: ProjectCreated) -> ProjectCreated:
    """``fn(actor=…, project=…)`` runs when a project is created, after its owner's membership."""
    if fn not in _created:
        _created.append(fn)
    return fn


def project_count(name: str, fn: ProjectCount) -> None:
    """A count the project list shows (``<name>_count`` on each project), as an expression over OuterRef("pk")."""
    _counts[name] = fn


def project_files(fn: ProjectFiles) -> ProjectFiles:
    """``fn(project)`` names the stored files of the project that must go when it is deleted."""
    if fn not in _files:
        _files.append(fn)
    return fn


def created_hooks() -> list[ProjectCreated]:
    return list(_created)


def counts() -> dict[str, ProjectCount]:
    return dict(_counts)


def files_hooks() -> list[ProjectFiles]:
    return list(_files)
