"""What the pages answer for themselves: a form-only address opened as a page gets the studio's 405 page."""

from __future__ import annotations

from django.shortcuts import render


def not_allowed_page(get_response):
    """A bare 405 (``require_POST``, the logout view) of a page, not of the API, becomes the studio's 405 page,
    with its ``Allow`` header kept."""

    def middleware(request):
        response = get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page

    return middleware
