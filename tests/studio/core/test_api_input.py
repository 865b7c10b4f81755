"""Input the API cannot use is refused with a 4xx that says why, never a 500: ids out of range (in the path, in
filters, in bodies), numbers that are not finite, JSON nested too deep or too big, on every JSON endpoint."""

from __future__ import annotations

import json

import pytest

from studio.core import concurrency
from studio.core.errors import VersionRequired
from studio.shots.models import Shot
from tests import factories

HUGE = 99999999999999999999
OUT_OF_RANGE = f"Ensure this value is less than or equal to {2**63 - 1}."
TOO_DEEP = "The JSON body is nested too deep (at most 64 levels)."


@pytest.fixture
def shot(team):
    scene = factories.make_scene(team.project, location="Lamp room")
    return factories.make_shot(scene)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- Item 6: ids out of range ------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    f"/api/v1/projects/{HUGE}/",
    f"/api/v1/projects/{HUGE}/shots/",
    "/api/v1/projects/{project}/shots/" + str(HUGE) + "/",
    "/api/v1/projects/{project}/characters/" + str(HUGE) + "/references/",
    "/api/v1/projects/{project}/shots/" + str(HUGE) + "/layout/",
    "/projects/{project}/shots/" + str(HUGE) + "/",
    "/projects/{project}/media/takes/" + str(HUGE) + "/",
])
def test_an_id_too_big_for_the_database_in_the_path_is_404(team, api, path):
    response = api(team.owner).get(path.format(project=team.project.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("query", [f"script={HUGE}", f"scene={HUGE}", f"character={HUGE}", f"scene=-{HUGE}"])
def test_an_id_too_big_in_a_filter_is_a_400_naming_it(team, api, shot, query):
    response = api(team.owner).get(f"/api/v1/projects/{team.project.pk}/shots/?{query}")

    name = query.split("=")[0]
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_fractional_id_in_a_filter_is_a_400(team, api, shot):
    response = api(team.owner).get(f"/api/v1/projects/{team.project.pk}/shots/?scene=1.5")

    assert response.status_code == 400
    assert response.json() == {"scene": ["Enter a whole number."]}


def test_an_id_too_big_in_a_body_is_a_400_naming_the_field_and_nothing_changes(team, api, shot, snapshot):
    # given
    owner = api(team.owner)
    before = snapshot()

    # when
    listed = owner.post(f"/api/v1/projects/{team.project.pk}/shots/",
                                  {"scene": shot.scene_id, "characters": [HUGE]}, format="json")
    scene = owner.post(f"/api/v1/projects/{team.project.pk}/shots/", {"scene": HUGE}, format="json")

    # then
    assert listed.status_code == 400
    assert listed.json() == {"characters": {"0": [OUT_OF_RANGE]}}
    assert scene.status_code == 400
    assert scene.json() == {"scene": [OUT_OF_RANGE]}
    assert snapshot() == before


# --- Item 7: numbers that are not finite ----------------------------------------------------------


def test_an_infinite_version_is_refused_and_nothing_changes(team, api, shot, snapshot):
    # given
    owner = api(team.owner)
    before = snapshot()

    # when
    response = owner.patch(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/",
                                     '{"description": "Blind.", "version": 1e999}', content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - Numbers must be finite (1e999 is not)."}
    assert snapshot() == before
    assert Shot.objects.get(pk=shot.pk).description == ""


@pytest.mark.parametrize("version", [float("inf"), float("nan"), 1.5, True, [1], {"v": 1}])
def test_a_version_that_is_not_a_whole_number_is_required_again(version):
    with pytest.raises(VersionRequired):
        concurrency.expected_version(kind="shot", if_match=None, data={"version": version})


# --- Item 8: JSON nested too deep or too big, refused before it is parsed -----------------------------


@pytest.mark.parametrize("path", [
    "/api/v1/projects/",
    "/api/v1/projects/{project}/shots/",
    "/api/v1/projects/{project}/scripts/import/",
    "/api/v1/projects/{project}/jobs/",
    "/api/v1/auth/token/",
])
def test_json_nested_100000_deep_is_a_400_on_every_json_endpoint(team, api, path, snapshot):
    # given
    owner = api(team.owner)
    before = snapshot()

    # when
    response = owner.post(path.format(project=team.project.pk), nested(100_000),
                                    content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP}
    assert snapshot() == before


def test_json_nested_64_deep_is_parsed(team, api):
    response = api(team.owner).post("/api/v1/projects/", nested(64), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_brackets_inside_strings_do_not_count_as_nesting(team, api):
    title = "[" * 1000 + "{" * 1000

    response = api(team.owner).post("/api/v1/projects/", json.dumps({"title": title[:200]}),
                                    content_type="application/json")

    assert response.status_code == 201
    assert response.json()["title"] == title[:200]


def test_a_json_body_over_the_size_limit_is_413_in_json_and_nothing_changes(team, api, settings, snapshot):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    owner = api(team.owner)
    before = snapshot()

    # when
    response = owner.post("/api/v1/projects/", json.dumps({"title": "x" * 2000}),
                                    content_type="application/json")

    # then
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1,000 bytes."}
    assert snapshot() == before


def test_a_form_body_over_the_size_limit_is_413_in_json_on_the_api(team, api, settings, snapshot):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    owner = api(team.owner)
    before = snapshot()

    # when
    response = owner.post(f"/api/v1/projects/{team.project.pk}/scripts/import/",
                                    {"title": "x" * 2000}, format="multipart")

    # then
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1,000 bytes."}
    assert snapshot() == before


async def asgi_post(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """A POST through Django's ASGI application, its body sent in chunks with no Content-Length (as a chunked
    request reaches Daphne's application)."""
    from asgiref.testing import ApplicationCommunicator
    from django.core.asgi import get_asgi_application

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *headers], "client": ("10.0.0.9", 5000),
             "server": ("testserver", 80)}
    app = ApplicationCommunicator(get_asgi_application(), scope)
    for i, chunk in enumerate(chunks):
        await app.send_input({"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1})
    start = await app.receive_output(10)
    body = b""
    while True:
        message = await app.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await app.wait(10)
    return start["status"], body


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_json_body_without_a_content_length_is_refused_past_the_limit_and_read_under_it(settings):
    # given a limit of 1,000 bytes and a member with a password
    from asgiref.sync import sync_to_async

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    user = await sync_to_async(factories.make_user)("chunky")
    json_type = [(b"content-type", b"application/json")]

    # when 1,500 bytes of JSON are sent in three chunks with no Content-Length
    big = json.dumps({"username": "chunky", "password": "x" * 1462}).encode()
    refused = await asgi_post("/api/v1/auth/token/", [big[:500], big[500:1000], big[1000:]], json_type)
    # and the right credentials, also chunked
    small = json.dumps({"username": "chunky", "password": factories.PASSWORD}).encode()
    answered = await asgi_post("/api/v1/auth/token/", [small[:10], small[10:]], json_type)

    # then the first is a 413 in JSON, and the second body reaches the view whole
    assert (len(big), refused) == (1500, (413, b'{"detail": "The request body is larger than 1,000 bytes."}'))
    status, body = answered
    assert status == 200
    assert set(json.loads(body)) >= {"token"}
    assert user.username == "chunky"
