"""Imported glTF sets, served to the members of their project only: the route, its view, and the links to it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from studio.core.files import private_file_response
from studio.core.links import Route
from studio.projects.access import member_view

from .models import LayoutAsset

ASSET = Route("projects/<id:project_id>/media/assets/<id:pk>/")


@member_view
def layout_asset_file(request, project, pk):
    """An imported glTF set, for members of its project only."""
    asset = get_object_or_404(LayoutAsset, project=project, pk=pk)
    glb = asset.file.name.endswith(".glb")
    return private_file_response(asset.file, content_type="model/gltf-binary" if glb else "model/gltf+json")


app_name = "shots"
urlpatterns = [ASSET.path(layout_asset_file, name="layout-asset")]


def asset_url(asset: LayoutAsset) -> str:
    return ASSET.url(project_id=asset.project_id, pk=asset.pk)
