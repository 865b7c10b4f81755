"""Export files, served to the members of their project only (a viewer may download what others rendered)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from studio.core.links import Route
from studio.projects.access import member_view

from .models import Export

FILE = Route("projects/<id:project_id>/media/exports/<id:pk>/")
EXTRA = Route("projects/<id:project_id>/media/exports/<id:pk>/<slug:name>/")


def download_name(export: Export, name: str | None = None) -> str:
    stored = export.extra_files.get(name) if name else export.file.name
    return PurePosixPath(stored).name


def export_file_response(export: Export, name: str | None = None) -> FileResponse:
    if export.status != Export.Status.SUCCEEDED or not export.file:
        raise Http404("This export has no file yet.")
    stored = export.file.name if name is None else export.extra_files.get(name)
    if not stored:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    if stored.endswith(".vtt"):
        content_type = "text/vtt; charset=utf-8"
    elif stored.endswith(".srt"):
        content_type = "application/x-subrip; charset=utf-8"
    return FileResponse(default_storage.open(stored, "rb"), as_attachment=True, filename=download_name(export, name),
                        content_type=content_type)


@member_view
def export_file(request, project, pk, name=None):
    return export_file_response(get_object_or_404(Export, project=project, pk=pk), name)


app_name = "deliverables"
urlpatterns = [
    FILE.path(export_file, name="export-file"),
    EXTRA.path(export_file, name="export-extra"),
]


def export_url(export: Export) -> str | None:
    return FILE.url(project_id=export.project_id, pk=export.pk) if export.file else None


def extra_urls(export: Export) -> dict[str, str]:
    return {name: EXTRA.url(project_id=export.project_id, pk=export.pk, name=name) for name in export.extra_files}


def project_export_files(project) -> list[str]:
    """The stored files of a project being deleted (``projects.hooks.project_files``)."""
    names = []
    for file, extra in Export.objects.filter(project=project).values_list("file", "extra_files"):
        names += [file] if file else []
        names += list((extra or {}).values())
    return sorted(set(names))
