"""The login form waits after too many failed logins, says why, and hears the right password once the window passed."""

from __future__ import annotations

import pytest

from tests import factories
from tests.studio.accounts.test_login_throttle import WAIT


@pytest.fixture
def maya(db):
    return factories.make_user("maya")


def form_login(client, password, address="10.0.0.1"):
    return client.post("/login/", {"username": "maya", "password": password}, REMOTE_ADDR=address)


def test_the_login_form_refuses_the_right_password_after_ten_wrong_ones_and_says_why(browser, html, maya, login_clock):
    # given ten wrong passwords in the form
    client = browser(None)
    wrong = [form_login(client, f"guess {n}").status_code for n in range(10)]

    # when the right one comes next, and again once the window has passed
    refused = form_login(client, factories.PASSWORD)
    logged_in_while_refused = "_auth_user_id" in client.session
    login_clock.now += 15 * 60 + 1
    heard = form_login(client, factories.PASSWORD)

    # then
    assert wrong == [200] * 10
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert html(refused).one("div", cls="conflict", role="alert").text == WAIT
    assert logged_in_while_refused is False
    assert heard.status_code == 302
    assert client.session["_auth_user_id"] == str(maya.pk)
