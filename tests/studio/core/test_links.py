"""Routes build their links by formatting their one pattern: the same links ``reverse()`` gives."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from studio.cast import files as cast_files
from studio.core.links import Route
from studio.renders import files as render_files
from studio.shots import files as shot_files

ROUTES = [
    ("cast:reference-image", cast_files.IMAGE),
    ("cast:reference-thumbnail", cast_files.THUMBNAIL),
    ("shots:layout-asset", shot_files.ASSET),
    ("renders:take-media", render_files.MEDIA),
    ("renders:take-thumbnail", render_files.THUMBNAIL),
    ("renders:take-depth", render_files.DEPTH),
]


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_a_routes_links_are_the_ones_reverse_gives(name, route):
    assert route.url(project_id=7, pk=42) == reverse(name, kwargs={"project_id": 7, "pk": 42})
    assert route.urls()(project_id=7, pk=42) == reverse(name, kwargs={"project_id": 7, "pk": 42})


def test_the_paths_stay_where_they_were():
    assert [route.url(project_id=7, pk=42) for _, route in ROUTES] == [
        "/projects/7/media/references/42/", "/projects/7/media/references/42/thumb/", "/projects/7/media/assets/42/",
        "/projects/7/media/takes/42/", "/projects/7/media/takes/42/thumb/", "/projects/7/media/takes/42/depth/",
    ]


def test_links_carry_the_script_prefix_when_the_studio_is_served_under_one():
    set_script_prefix("/studio/")
    try:
        links = (render_files.THUMBNAIL.url(project_id=3, pk=9), render_files.THUMBNAIL.urls()(project_id=3, pk=9),
                 reverse("renders:take-thumbnail", kwargs={"project_id": 3, "pk": 9}))
    finally:
        set_script_prefix("/")

    assert links == ("/studio/projects/3/media/takes/9/thumb/",) * 3


@pytest.mark.parametrize("pattern", ["files/<path:name>", "files/{pk}/", "/files/<int:pk>/"])
def test_a_route_refuses_a_pattern_it_could_not_format_faithfully(pattern):
    with pytest.raises(ValueError):
        Route(pattern)
