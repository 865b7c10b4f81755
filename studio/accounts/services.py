"""Writes to people's accounts: their API token."""

from __future__ import annotations

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
