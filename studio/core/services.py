"""Small helpers the apps' services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def apply_changes(instance: models.Model, changes: Mapping[str, Any], *, allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields that differ; return the names of those that changed, in a stable order."""
    allowed = tuple(allowed)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    changed = []
    for name in allowed:
        if name in changes and getattr(instance, name) != changes[name]:
            setattr(instance, name, changes[name])
            changed.append(name)
    return changed


def validate(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Model validation (field rules, choices, lengths, constraints) as one ValidationError by field."""
    instance.full_clean(exclude=list(exclude))
