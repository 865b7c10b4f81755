"""REST API of accounts: a token for a username and password (``POST /api/v1/auth/token/``)."""

from __future__ import annotations

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from studio.core.api import JSONParser


class TokenView(ObtainAuthToken):
    """Your API token, for your username and password (anonymous)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]
