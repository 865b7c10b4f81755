"""Request guards that run before any view: a JSON body is refused while it is still bytes when it is bigger than
DATA_UPLOAD_MAX_MEMORY_SIZE (413) or nested deeper than the parser can follow (400), on every endpoint: the API,
the anonymous token endpoint and plain Django views alike. The answer is JSON, as the client spoke JSON."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from . import jsonbody

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def too_big_message() -> str:
    return f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class JSONBodyGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS and is_json(request.content_type or ""):
            try:
                body = _bounded_body(request)
            except RequestDataTooBig:
                return JsonResponse({"detail": too_big_message()}, status=413)
            if jsonbody.too_deep(body):
                return JsonResponse({"detail": jsonbody.depth_message()}, status=400)
        return self.get_response(request)


def _bounded_body(request) -> bytes:
    """The body, or RequestDataTooBig past the limit. Django checks the limit against Content-Length only, so a
    body sent without one (chunked) is read here up to one byte past the limit and no further."""
    if request.META.get("CONTENT_LENGTH"):
        return request.body  # Django refuses it past DATA_UPLOAD_MAX_MEMORY_SIZE, unread
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = request.read(limit + 1) if limit is not None else request.read()
    if limit is not None and len(data) > limit:
        raise RequestDataTooBig(too_big_message())
    # What was read stays the body for the parsers that come later, as Django does once it has read one.
    # DRF reads a body only where Content-Length says there is one: now it is known, say it.
    request._body = data
    request._stream = io.BytesIO(data)
    request.META["CONTENT_LENGTH"] = str(len(data))
    return data
