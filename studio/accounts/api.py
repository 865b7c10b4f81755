"""REST API of accounts: a token for a username and password (``POST /api/v1/auth/token/``), which waits after
too many failed logins for the account or from the address (429 with Retry-After)."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from studio.core.api import JSONParser

from . import services


def _username(request) -> str | None:
    username = request.data.get("username") if hasattr(request.data, "get") else None
    return username if isinstance(username, str) else None


class _LoginThrottle(BaseThrottle):
    """Refuses a login while the account (or the address) has too many recent failures; failures are counted
    by the view, so right passwords never use the allowance up."""

    def allow_request(self, request, view):
        self.wait_s = services.login_wait_s(**self.subject(request))
        return self.wait_s == 0

    def wait(self):
        return self.wait_s


class AccountLoginThrottle(_LoginThrottle):
    def subject(self, request) -> dict:
        return {"username": _username(request)}


class AddressLoginThrottle(_LoginThrottle):
    def subject(self, request) -> dict:
        return {"address": self.get_ident(request)}


class TokenView(ObtainAuthToken):
    """Your API token, for your username and password (anonymous)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]
    throttle_classes = [AddressLoginThrottle, AccountLoginThrottle]

    def throttled(self, request, wait):
        refused = Throttled(detail=services.login_wait_message(int(wait)))
        refused.wait = int(wait)  # Retry-After, without DRF's own sentence after ours
        raise refused

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            services.login_failed(username=_username(request), address=AddressLoginThrottle().get_ident(request))
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        services.login_succeeded(username=user.get_username())
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
