"""Writes to people's accounts: their API token, and the count of failed logins that makes the next ones wait
(by account and by address; the cache holds it, shared between processes when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework.authtoken.models import Token


def token_of(*, user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_rotate(*, actor) -> Token:
    """A new API token for the actor; the old one (if any) stops working at once. One token per person."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("Log in to make an API token.")
    Token.objects.filter(user=actor).delete()
    return Token.objects.create(user=actor)


# --- Logins: too many failures in a while, by account and by address, and logins wait -------------------------


@dataclass(frozen=True)
class LoginLimit:
    """At most ``failures`` failed logins in ``window_s`` seconds for one account (or from one address)."""

    kind: str
    failures: int
    window_s: float


def _limits() -> dict[str, LoginLimit]:
    window = settings.STUDIO_LOGIN_WINDOW_S
    return {"account": LoginLimit("account", settings.STUDIO_LOGIN_FAILURES_PER_ACCOUNT, window),
            "address": LoginLimit("address", settings.STUDIO_LOGIN_FAILURES_PER_ADDRESS, window)}


def _now() -> float:
    return time.time()


def _key(kind: str, value: str) -> str:
    return f"login-failures:{kind}:{hashlib.sha256(value.casefold().encode()).hexdigest()}"


def _recent(kind: str, value: str, limit: LoginLimit) -> list[float]:
    since = _now() - limit.window_s
    return [t for t in cache.get(_key(kind, value), []) if t > since]


def _subjects(username: str | None, address: str | None) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in (("account", username), ("address", address)) if value]


def login_wait_s(*, username: str | None = None, address: str | None = None) -> int:
    """Seconds until a login for this account (and/or from this address) is heard again; 0: now."""
    wait = 0.0
    for kind, value in _subjects(username, address):
        limit = _limits()[kind]
        recent = _recent(kind, value, limit)
        if len(recent) >= limit.failures:
            wait = max(wait, recent[-limit.failures] + limit.window_s - _now())
    return math.ceil(wait) if wait > 0 else 0


def login_failed(*, username: str | None, address: str | None) -> None:
    """Count a failed login against the account and the address."""
    for kind, value in _subjects(username, address):
        limit = _limits()[kind]
        recent = [*_recent(kind, value, limit), _now()][-limit.failures:]
        cache.set(_key(kind, value), recent, timeout=math.ceil(limit.window_s))


def login_succeeded(*, username: str) -> None:
    """The account's failures are forgotten once its owner logs in (the address's are not)."""
    cache.delete(_key("account", username))


def login_wait_message(wait_s: int) -> str:
    minutes = math.ceil(wait_s / 60)
    when = f"{minutes} minute{'s' if minutes != 1 else ''}" if wait_s >= 60 else f"{wait_s} seconds"
    return f"Too many failed logins for this account or from this address. Try again in {when}."
