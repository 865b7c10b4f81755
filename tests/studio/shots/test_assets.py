"""Imported 3D sets: real glTF 2.0 only, within limits, for members only, and usable in layouts."""

import json
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from studio.shots import layouts
from studio.shots.layout import empty_layout
from studio.shots.models import LayoutAsset
from tests import factories


def glb(document=None, *, version=2, lie_about_length=False) -> bytes:
    body = json.dumps(document or {"asset": {"version": "2.0"}, "scenes": [{"nodes": []}]}).encode()
    body += b" " * (-len(body) % 4)
    length = 12 + 8 + len(body) + (7 if lie_about_length else 0)
    return struct.pack("<4sII", b"glTF", version, length) + struct.pack("<II", len(body), 0x4E4F534A) + body


def url(project) -> str:
    return f"/api/v1/projects/{project.pk}/assets/"


def send(api, user, project, content: bytes, name="set.glb"):
    return api(user).post(url(project), {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_an_artist_imports_a_glb_set_and_members_can_fetch_it(team, api):
    response = send(api, team.artist, team.project, glb())

    assert response.status_code == 201, response.json()
    asset = LayoutAsset.objects.get()
    assert response.json() == {"id": asset.pk, "name": "set.glb", "url": f"/projects/{team.project.pk}/media/assets/"
                               f"{asset.pk}/", "bytes": len(glb()), "created_at": response.json()["created_at"]}
    fetched = api(team.viewer).get(response.json()["url"])
    assert (fetched.status_code, fetched["Content-Type"]) == (200, "model/gltf-binary")
    assert b"".join(fetched.streaming_content) == glb()
    assert api(factories.make_user()).get(response.json()["url"]).status_code == 404


def test_a_self_contained_gltf_is_accepted(team, api):
    document = {"asset": {"version": "2.0"}, "buffers": [{"uri": "data:application/octet-stream;base64,AAAA",
                                                          "byteLength": 3}]}

    response = send(api, team.director, team.project, json.dumps(document).encode(), name="room.gltf")

    assert response.status_code == 201


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"PK\x03\x04 a zip", "set.glb", "This is neither a .glb nor a .gltf file."),
    (glb(version=1), "set.glb", "Only glTF 2.0 is supported (this GLB is version 1)."),
    (glb(lie_about_length=True), "set.glb", None),
    (json.dumps({"asset": {"version": "2.0"}, "buffers": [{"uri": "scene.bin"}]}).encode(), "set.gltf",
     "The file refers to another file (scene.bin); export it as .glb or with embedded data."),
    (json.dumps({"nodes": []}).encode(), "set.gltf", "This is not a glTF file: it has no 'asset' description."),
])
def test_a_file_that_is_not_a_usable_gltf_set_is_refused(team, api, snapshot, content, name, message):
    client = api(team.artist)
    before = snapshot()

    response = client.post(url(team.project), {"file": SimpleUploadedFile(name, content)}, format="multipart")

    assert response.status_code == 400
    expected = message or (f"This GLB file says it is {len(content) + 7:,} bytes but is {len(content):,}: it is "
                           "damaged or cut short.")
    assert response.json() == {"file": [expected]}
    assert snapshot() == before


@override_settings(STUDIO_MAX_ASSET_BYTES=100)
def test_a_set_over_the_size_limit_is_refused(team, api):
    content = glb({"asset": {"version": "2.0"}, "pad": "x" * 200})
    response = send(api, team.artist, team.project, content)

    assert response.status_code == 400
    assert response.json() == {"file": [f"The file is {len(content):,} bytes; the limit is 100 bytes "
                                        f"({100 / 2**20:g} MiB)."]}


@pytest.mark.parametrize("role", ["writer", "reviewer", "viewer"])
def test_only_shot_editors_import_sets(team, api, role):
    assert send(api, getattr(team, role), team.project, glb()).status_code == 403


def test_a_layout_places_an_imported_set_and_refuses_one_from_elsewhere(team, api):
    factories.make_script(team.project)
    shot = factories.make_shot(factories.make_scene(team.project))
    mine = send(api, team.artist, team.project, glb()).json()["id"]
    other_project = factories.make_project(owner=team.owner)
    theirs = send(api, team.owner, other_project, glb()).json()["id"]

    def with_set(asset_id):
        layout = empty_layout()
        layout["objects"] = [{"id": "set", "type": "environment", "name": "Lamp room", "asset": str(asset_id),
                              "position": [0, 0, 0], "rotation": [0, 0, 0], "scale": 1.0}]
        return layout

    saved, _, _ = layouts.layout_save(actor=team.artist, shot=shot, data=with_set(mine), base_version=0)
    refused = api(team.artist).put(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/layout/",
                                   {"layout": with_set(theirs)}, format="json", HTTP_IF_MATCH='"1"')

    assert saved.version == 1
    assert refused.status_code == 400
    assert refused.json() == {"layout.objects": [f"Set {theirs} was not imported into this project (import it, "
                                                 "then use its id)."]}
