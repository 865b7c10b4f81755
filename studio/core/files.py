"""Serving a stored file to someone the view already let in (a project member): never public media."""

from __future__ import annotations

from django.http import FileResponse, Http404


def private_file_response(file, *, content_type: str | None = None) -> FileResponse:
    """The file, cached by this browser only; 404 when the stored file is gone."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
