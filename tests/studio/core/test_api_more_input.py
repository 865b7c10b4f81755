"""More input that was a 500: glTF sets of the wrong shape or nested too deep, NUL characters in stored text,
digits that are not ASCII, OPTIONS on any endpoint."""

from __future__ import annotations

import json
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from studio.shots.layout import empty_layout
from tests import factories

NUL = "JSON parse error - Text may not contain the NUL character (\\u0000)."


def glb_of(body: bytes) -> bytes:
    body += b" " * (-len(body) % 4)
    return struct.pack("<4sII", b"glTF", 2, 20 + len(body)) + struct.pack("<II", len(body), 0x4E4F534A) + body


def gltf(**fields) -> bytes:
    return json.dumps({"asset": {"version": "2.0"}, **fields}).encode()


def nested(depth: int) -> bytes:
    return b'{"asset": {"version": "2.0"}, "extras": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.fixture
def shot(team):
    scene = factories.make_scene(team.project, location="Lamp room")
    return factories.make_shot(scene)


@pytest.mark.parametrize(("content", "name", "message"), [
    (gltf(buffers=1), "set.gltf", "The file's buffers are not a list."),
    (gltf(images=True), "set.gltf", "The file's images are not a list."),
    (nested(100_000), "set.gltf", "The file's JSON is nested too deep (at most 256 levels)."),
    (glb_of(nested(50_000)), "set.glb", "The file's JSON is nested too deep (at most 256 levels)."),
])
def test_a_gltf_set_of_the_wrong_shape_is_a_400_and_nothing_changes(team, api, snapshot, content, name, message):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(f"/api/v1/projects/{team.project.pk}/assets/",
                           {"file": SimpleUploadedFile(name, content)}, format="multipart")

    # then
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert snapshot() == before


def layout_with(**obj) -> dict:
    layout = empty_layout()
    layout["objects"] = [{"id": "set", "type": "environment", "name": "Lamp room", "asset": "1",
                          "position": [0, 0, 0], "rotation": [0, 0, 0], "scale": 1.0, **obj}]
    return layout


def test_a_nul_character_in_a_layout_objects_name_is_a_400_and_nothing_changes(team, api, shot, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.put(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/layout/",
                          {"layout": layout_with(name="Lamp\x00room")}, format="json", HTTP_IF_MATCH='"0"')

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": NUL}
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/api/v1/projects/{project}/characters/"])
def test_a_nul_character_in_any_stored_text_is_a_400(team, api, path, snapshot):
    # given
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(path.format(project=team.project.pk), {"title": "A\x00B", "name": "A\x00B"},
                           format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": NUL}
    assert snapshot() == before


def test_an_environment_asset_id_of_digits_that_are_not_ascii_is_a_400(team, api, shot, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.put(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/layout/",
                          {"layout": layout_with(asset="²")}, format="json", HTTP_IF_MATCH='"0"')

    # then
    assert response.status_code == 400
    assert response.json() == {"layout.objects": ["Set ² was not imported into this project (import it, then use "
                                                  "its id)."]}
    assert snapshot() == before


@pytest.mark.parametrize("path", [
    "/api/v1/projects/{project}/scripts/import/",
    "/api/v1/projects/{project}/shots/{shot}/layout/",
    "/api/v1/projects/{project}/shots/",
    "/api/v1/auth/token/",
])
def test_options_says_what_an_endpoint_parses_and_renders(team, api, shot, path):
    response = api(team.viewer).options(path.format(project=team.project.pk, shot=shot.pk))

    assert response.status_code == 200
    assert set(response.json()) == {"name", "description", "renders", "parses"}


def test_options_under_a_project_is_404_for_a_stranger(team, api, shot):
    response = api(factories.make_user()).options(f"/api/v1/projects/{team.project.pk}/scripts/import/")

    assert response.status_code == 404


@pytest.mark.parametrize("ref", ["²", "-1", "99999999999999999999"])
def test_a_comparison_from_something_that_is_not_a_revision_id_is_a_400(team, api, ref):
    script = team.project.scripts.order_by("id").first()

    response = api(team.viewer).get(f"/api/v1/projects/{team.project.pk}/scripts/{script.pk}/compare/",
                                    {"from": ref})

    assert response.status_code == 400
    assert response.json() == {"from": ["Name a revision id or now."]}


@pytest.mark.parametrize("version", ["abc", "1e999", "²"])
def test_deleting_a_character_from_its_page_with_a_version_that_is_not_a_number_is_refused_as_stale(
        team, api, snapshot, version):
    # given
    character = factories.make_character(team.project, name="Elin")
    client = api(team.writer)
    before = snapshot()

    # when
    response = client.post(f"/projects/{team.project.pk}/cast/{character.pk}/delete/", {"version": version})

    # then
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{team.project.pk}/cast/{character.pk}/"
    assert snapshot() == before
