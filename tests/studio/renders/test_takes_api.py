"""Takes through the API: uploads (images and clips), review, the files, and who may do what."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from PIL import Image

from generation.outputs import mp4_bytes
from studio.renders.models import Take
from tests import factories

from .conftest import takes_url


def clip_upload(frames: int = 6, size=(48, 32)) -> SimpleUploadedFile:
    images = [Image.new("RGB", size, (20 * i, 40, 200 - 20 * i)) for i in range(frames)]
    return SimpleUploadedFile("animatic.mp4", mp4_bytes(images, 12), content_type="video/mp4")


def upload(api, user, shot, file):
    return api(user).post(takes_url(shot.project), {"shot": shot.pk, "file": file}, format="multipart")


def test_an_artist_uploads_a_drawn_frame_as_the_next_take(board, api, published):
    with published(board.project) as sent:
        response = upload(api, board.artist, board.shot, factories.image_upload("sketch.png", size=(120, 50)))

    assert response.status_code == 201, response.json()
    take = Take.objects.get()
    assert response.json() == {
        "id": take.pk, "version": 1, "shot": board.shot.pk, "number": 1, "job": None, "kind": "image",
        "source": "uploaded",
        "url": f"/projects/{board.project.pk}/media/takes/{take.pk}/",
        "thumbnail_url": f"/projects/{board.project.pk}/media/takes/{take.pk}/thumb/",
        "depth_url": None, "layout_version": None, "content_type": "image/png", "width": 120, "height": 50,
        "frames": 1, "fps": None,
        "provenance": {"uploaded_as": "sketch.png"}, "made_with": None, "uploaded_as": "sketch.png",
        "smoke_test": False, "review": "pending", "reviewed_by": None, "picked": False,
        "created_by": response.json()["created_by"], "created_at": response.json()["created_at"],
    }
    assert response.json()["created_by"]["username"] == board.artist.username
    assert [e["type"] for e in sent] == ["take.created"]
    assert sent[0]["data"]["take"] == response.json()


def test_an_uploaded_clip_is_probed_for_its_size_frames_and_rate(board, api, published):
    with published(board.project):
        response = upload(api, board.director, board.shot, clip_upload(frames=6))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["content_type"], body["width"], body["height"], body["frames"], body["fps"]) == (
        "clip", "video/mp4", 48, 32, 6, 12)
    take = Take.objects.get()
    with take.thumbnail.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (48, 32)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", b"just words", "This file is not an image Previz Studio can read (PNG, JPEG or WebP)."),
    ("broken.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "This file is not a clip Previz Studio can read "
                                                               "(MP4 or WebM)."),
])
def test_a_file_that_is_neither_image_nor_clip_is_refused(board, api, snapshot, name, content, message):
    client = api(board.artist)
    before = snapshot()

    response = client.post(takes_url(board.project), {"shot": board.shot.pk,
                                                      "file": SimpleUploadedFile(name, content)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert snapshot() == before


def test_take_numbers_count_up_per_shot(board, api, published):
    other = factories.make_shot(board.scene)
    with published(board.project):
        numbers = [upload(api, board.artist, shot, factories.image_upload()).json()["number"]
                   for shot in (board.shot, board.shot, other, board.shot)]

    assert numbers == [1, 2, 1, 3]


def test_a_reviewer_approves_and_everyone_hears_it(board, api, published):
    with published(board.project):
        take_id = upload(api, board.artist, board.shot, factories.image_upload()).json()["id"]
    with published(board.project) as sent:
        response = api(board.reviewer).post(takes_url(board.project, take_id, "review"), {"decision": "approved"},
                                            format="json")

    assert response.status_code == 200
    assert (response.json()["review"], response.json()["reviewed_by"]["username"]) == ("approved",
                                                                                       board.reviewer.username)
    assert [(e["type"], e["data"]["changed"]) for e in sent] == [("take.updated", ["review"])]
    assert sent[0]["data"]["take"] == response.json()
    assert response.json()["version"] == 2


def test_the_same_decision_again_changes_nothing_and_says_nothing(board, api, published):
    with published(board.project):
        take_id = upload(api, board.artist, board.shot, factories.image_upload()).json()["id"]
        api(board.reviewer).post(takes_url(board.project, take_id, "review"), {"decision": "approved"}, format="json")
    with published(board.project) as sent:
        response = api(board.reviewer).post(takes_url(board.project, take_id, "review"), {"decision": "approved"},
                                            format="json")

    assert (response.status_code, response.json()["version"]) == (200, 2)
    assert sent == []


@pytest.mark.parametrize("role", ["writer", "artist", "viewer"])
def test_only_reviewers_directors_and_owners_review(board, api, snapshot, published, role):
    with published(board.project):
        take_id = upload(api, board.artist, board.shot, factories.image_upload()).json()["id"]
    client = api(getattr(board, role))
    before = snapshot()

    response = client.post(takes_url(board.project, take_id, "review"), {"decision": "rejected"}, format="json")

    assert response.status_code == 403
    assert snapshot() == before


def test_files_are_for_members_only(board, api, published):
    with published(board.project):
        take = upload(api, board.artist, board.shot, factories.image_upload(size=(30, 20))).json()

    member = api(board.viewer).get(take["url"])
    thumb = api(board.viewer).get(take["thumbnail_url"])
    stranger = api(factories.make_user()).get(take["url"])
    api_file = api(board.viewer).get(takes_url(board.project, take["id"], "media"))

    assert (member.status_code, member["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(b"".join(member.streaming_content))).size == (30, 20)
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/jpeg")
    assert stranger.status_code == 404
    assert api_file.status_code == 200


def test_the_take_list_filters_by_shot_and_review(board, api, published):
    other = factories.make_shot(board.scene)
    with published(board.project):
        a = upload(api, board.artist, board.shot, factories.image_upload()).json()["id"]
        b = upload(api, board.artist, other, factories.image_upload()).json()["id"]
        api(board.reviewer).post(takes_url(board.project, b, "review"), {"decision": "rejected"}, format="json")

    client = api(board.viewer)
    assert [t["id"] for t in client.get(takes_url(board.project), {"shot": board.shot.pk}).json()["results"]] == [a]
    assert [t["id"] for t in client.get(takes_url(board.project), {"review": "rejected"}).json()["results"]] == [b]


@override_settings(STUDIO_JOBS_PER_USER=100)
def test_listing_takes_and_jobs_takes_the_same_queries_for_few_and_many(board, api, published):
    client = api(board.viewer)
    paths = [takes_url(board.project), f"/api/v1/projects/{board.project.pk}/jobs/"]

    def add(n):
        for _ in range(n):
            upload(api, board.artist, board.shot, factories.image_upload())
            api(board.artist).post(f"/api/v1/projects/{board.project.pk}/jobs/", {"shot": board.shot.pk},
                                   format="json")

    def counts():
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200
            result.append((response.json()["count"], len(queries)))
        return result

    with published(board.project):
        add(1)
        few = counts()
        add(9)
        many = counts()

    assert [n for n, _ in few] == [1, 1]
    assert [n for n, _ in many] == [10, 10]
    assert [q for _, q in few] == [q for _, q in many]
