"""Checks for reorder requests: the client sends the complete new order of a list it has seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError

from .errors import Conflict


def check_complete_order(*, field: str, proposed: Sequence[int], current: Iterable[int], kind: str) -> None:
    """``proposed`` must be a permutation of ``current``; anything else means the client's view is stale."""
    if not isinstance(proposed, (list, tuple)) or not all(isinstance(i, int) for i in proposed):
        raise ValidationError({field: ["Send a list of ids."]})
    if len(set(proposed)) != len(proposed):
        raise ValidationError({field: ["An id appears more than once."]})
    if set(proposed) != set(current):
        raise Conflict(f"The {kind} changed while you were reordering them; reload and try again.")
