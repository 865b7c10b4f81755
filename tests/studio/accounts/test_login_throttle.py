"""Brute force: after too many failed logins for an account or from an address, the login form and the token
endpoint refuse even the right password, say why and for how long, and hear it again once the window has passed."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests import factories

TOKEN = "/api/v1/auth/token/"
WAIT = "Too many failed logins for this account or from this address. Try again in 15 minutes."


@pytest.fixture
def maya(db):
    return factories.make_user("maya")


def token_login(client, password, username="maya", address="10.0.0.1"):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_the_token_endpoint_refuses_the_right_password_after_ten_wrong_ones_until_the_window_passed(
        api, maya, login_clock):
    # given ten wrong passwords, all answered as wrong
    client = api(None)
    wrong = [token_login(client, f"guess {n}").status_code for n in range(10)]

    # when the right one comes next, and again once the window has passed
    refused = token_login(client, factories.PASSWORD)
    tokens_while_refused = Token.objects.count()
    login_clock.now += 15 * 60 + 1
    heard = token_login(client, factories.PASSWORD)

    # then
    assert wrong == [400] * 10
    assert refused.status_code == 429
    assert refused.json() == {"detail": WAIT}
    assert refused.headers["Retry-After"] == "900"
    assert tokens_while_refused == 0
    assert heard.status_code == 200
    assert heard.json() == {"token": Token.objects.get(user=maya).key}


def test_the_token_endpoint_throttles_an_address_trying_many_accounts(api, maya, login_clock, settings):
    # given an address that tried three accounts that do not exist
    settings.STUDIO_LOGIN_FAILURES_PER_ADDRESS = 3
    client = api(None)
    for name in ("ann", "bob", "cy"):
        assert token_login(client, "guess", username=name).status_code == 400

    # when maya logs in from there, and from elsewhere
    from_there = token_login(client, factories.PASSWORD)
    from_elsewhere = token_login(client, factories.PASSWORD, address="10.0.0.2")

    # then
    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 200


def test_right_passwords_never_use_the_allowance_up(api, maya, login_clock):
    client = api(None)

    answers = [token_login(client, factories.PASSWORD).status_code for _ in range(15)]

    assert answers == [200] * 15


def test_a_login_clears_the_accounts_failures(api, maya, login_clock):
    # given nine failures, then a login
    client = api(None)
    for n in range(9):
        token_login(client, f"guess {n}")
    assert token_login(client, factories.PASSWORD).status_code == 200

    # when nine more fail
    again = [token_login(client, f"again {n}").status_code for n in range(9)]

    # then the right one is still heard
    assert again == [400] * 9
    assert token_login(client, factories.PASSWORD).status_code == 200
