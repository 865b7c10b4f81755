"""Optimistic concurrency: versions, ETags and If-Match.

Versioned objects (shots, scenes, characters) carry an integer ``version``
that every successful write bumps. Reads send it as an ETag; writes must send
it back in ``If-Match`` (or as a ``version`` field). ``If-Match: *`` is an
explicit "overwrite whatever is there".
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .errors import StaleVersion, VersionRequired
from .ids import MAX_ID

ANY_VERSION = None


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str) -> int | None:
    """``"3"`` or ``W/"3"`` → 3; ``*`` → ANY_VERSION. Raises ValueError on anything else."""
    value = header.strip()
    if value == "*":
        return ANY_VERSION
    if value.startswith("W/"):
        value = value[2:]
    return whole_version(value.strip('"'))


def whole_version(value: Any) -> int:
    """A version as sent: a whole number (``3`` or ``"3"``, at most 19 digits); raises ValueError on anything else
    (``1e999``, ``1.5``, ``true``, ``"²"``)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    raise ValueError(value)


def expected_version(*, kind: str, if_match: str | None, data: Any) -> int | None:
    """The version a write expects, from If-Match or the body; raises VersionRequired when absent."""
    if if_match:
        try:
            return parse_if_match(if_match)
        except ValueError:
            raise VersionRequired(kind) from None
    version = data.get("version") if hasattr(data, "get") else None
    if version is None or version == "":
        raise VersionRequired(kind)
    try:
        return whole_version(version)
    except ValueError:
        raise VersionRequired(kind) from None


def check_version(*, kind: str, expected: int | None, current: int) -> None:
    if expected is not ANY_VERSION and expected != current:
        raise StaleVersion(kind=kind, expected=expected, current=current)


def lock_current(queryset, *, pk: int, kind: str, expected: int | None):
    """Lock the row for the rest of the transaction and check it is still at the expected version.

    A row deleted since the caller read it is a 404, as if the caller had come a moment later.
    """
    try:
        obj = queryset.select_for_update().get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.") from None
    check_version(kind=kind, expected=expected, current=obj.version)
    return obj
