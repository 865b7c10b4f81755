"""API tokens: one per person, made and rotated by the accounts service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from studio.accounts import services
from tests import factories


def me_with(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/").status_code


def test_rotating_a_token_makes_a_new_one_and_the_old_one_stops_working(db):
    sam = factories.make_user("sam")
    first = services.token_rotate(actor=sam)

    second = services.token_rotate(actor=sam)

    assert first.key != second.key
    assert list(Token.objects.filter(user=sam).values_list("key", flat=True)) == [second.key]
    assert services.token_of(user=sam).key == second.key
    assert (me_with(first.key), me_with(second.key)) == (401, 200)


def test_nobody_logged_out_gets_a_token(db):
    with pytest.raises(PermissionDenied):
        services.token_rotate(actor=AnonymousUser())
    assert Token.objects.count() == 0
