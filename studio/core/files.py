"""Stored files: serving one to someone the view already let in (a project member), never as public media;
deleting files once the transaction that dropped their rows commits."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
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


def delete_files_on_commit(names: list[str]) -> None:
    """Delete the stored files once the current transaction commits (a rollback keeps them)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_files(names), robust=True)


def delete_files(names: list[str]) -> None:
    """Delete stored files now (files written for a row that was never saved)."""
    for name in names:
        default_storage.delete(name)
