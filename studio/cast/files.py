"""Reference images, served to the members of their project only: the route, its view, and the links to it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from studio.core.files import private_file_response
from studio.core.links import Route
from studio.projects.access import member_view

from .models import ReferenceImage

IMAGE = Route("projects/<id:project_id>/media/references/<id:pk>/")
THUMBNAIL = Route("projects/<id:project_id>/media/references/<id:pk>/thumb/")


@member_view
def reference_file(request, project, pk, thumbnail=False):
    """A reference image (or its thumbnail), for members of its project only."""
    reference = get_object_or_404(ReferenceImage, character__project=project, pk=pk)
    return private_file_response(reference.thumbnail if thumbnail else reference.image)


app_name = "cast"
urlpatterns = [
    IMAGE.path(reference_file, name="reference-image"),
    THUMBNAIL.path(reference_file, name="reference-thumbnail", kwargs={"thumbnail": True}),
]


def reference_url(reference: ReferenceImage) -> str:
    return IMAGE.url(project_id=reference.character.project_id, pk=reference.pk)


def reference_thumbnail_url(reference: ReferenceImage) -> str:
    return THUMBNAIL.url(project_id=reference.character.project_id, pk=reference.pk)
