"""Websocket authentication: the browser's session cookie, or ``Authorization: Token …`` for scripts."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.startswith("Token "):
            scope = dict(scope, user=await _user_for_token(auth[len("Token "):].strip()))
        return await super().__call__(scope, receive, send)


def StudioAuthMiddlewareStack(inner):  # noqa: N802 (named like Channels' own stack)
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
