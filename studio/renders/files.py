"""Take files (the image or clip, its thumbnail, a capture's depth map), served to the members of their
project only: the routes, their view, and the links to them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from studio.core.links import Route
from studio.projects.access import member_view

from .models import Take

MEDIA = Route("projects/<id:project_id>/media/takes/<id:pk>/")
THUMBNAIL = Route("projects/<id:project_id>/media/takes/<id:pk>/thumb/")
DEPTH = Route("projects/<id:project_id>/media/takes/<id:pk>/depth/")


@member_view
def take_file(request, project, pk, thumbnail=False, depth=False):
    """A take's image or clip (or its thumbnail, or a capture's depth map), for members of its project only."""
    from .api import take_file_response

    take = get_object_or_404(Take, project=project, pk=pk)
    return take_file_response(take, thumbnail=thumbnail, depth=depth)


app_name = "renders"
urlpatterns = [
    MEDIA.path(take_file, name="take-media"),
    THUMBNAIL.path(take_file, name="take-thumbnail", kwargs={"thumbnail": True}),
    DEPTH.path(take_file, name="take-depth", kwargs={"depth": True}),
]


def take_url(take: Take) -> str:
    return MEDIA.url(project_id=take.project_id, pk=take.pk)


def take_thumbnail_url(take: Take) -> str:
    return THUMBNAIL.url(project_id=take.project_id, pk=take.pk)


def take_depth_url(take: Take) -> str | None:
    """The depth map's link, for a take that has one (a previz capture)."""
    return DEPTH.url(project_id=take.project_id, pk=take.pk) if take.depth else None
