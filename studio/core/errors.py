"""Domain errors raised by services and turned into HTTP answers at the edges.

Services also raise Django's own ``ValidationError`` (400 with field errors),
``PermissionDenied`` (403) and ``Http404``; these cover what Django lacks.
"""

from __future__ import annotations


class StudioError(Exception):
    """Base of the studio's domain errors."""


class StaleVersion(StudioError):
    """A write named a version that is no longer current (HTTP 412)."""

    def __init__(self, *, kind: str, expected: int, current: int) -> None:
        self.kind = kind
        self.expected = expected
        self.current = current
        super().__init__(
            f"This {kind} was changed by someone else (you edited version {expected}, it is now "
            f"version {current}). Reload it and apply your change again."
        )


class VersionRequired(StudioError):
    """A write to a versioned object came without If-Match or version (HTTP 428)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(
            f"Send the {kind}'s version in an If-Match header (or a 'version' field) so a concurrent "
            f"edit is never overwritten."
        )


class Conflict(StudioError):
    """The request is valid but the current state forbids it (HTTP 409)."""


class TryLater(StudioError):
    """Nothing was done, and the same request may be sent again later: the message says why, ``retry_after_s``
    (the Retry-After header) when."""

    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class QuotaExceeded(TryLater):
    """The actor has used up a limit for now (HTTP 429); the message says which and when it frees up."""


class Busy(TryLater):
    """The studio cannot take this work right now (HTTP 503)."""
