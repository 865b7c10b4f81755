"""Frames from the 3D layout: a capture through the shot camera (colour + depth) becomes a take, and a
depth-guided job can start from it, recording the layout version."""

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from generation.outputs import mp4_frame_count
from studio.renders.models import GenerationJob, Take
from studio.renders.worker import GenerationWorker
from studio.shots import layouts
from studio.shots.layout import empty_layout
from tests import factories

from .conftest import jobs_url, takes_url


def png(size=(64, 32), gradient=True) -> SimpleUploadedFile:
    w, h = size
    values = (np.tile(np.linspace(255, 0, w, dtype=np.uint8), (h, 1)) if gradient
              else np.full((h, w), 128, dtype=np.uint8))
    out = io.BytesIO()
    Image.fromarray(values, "L").convert("RGB").save(out, "PNG")
    return SimpleUploadedFile("frame.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def blocked(board):
    layouts.layout_save(actor=board.artist, shot=board.shot, data=empty_layout(focal_mm=50), base_version=0)
    return board


def capture(api, user, team, **body):
    return api(user).post(takes_url(team.project, "capture"), {
        "shot": team.shot.pk, "image": png(), "depth": png(), "layout_version": 1, **body}, format="multipart")


def test_a_capture_becomes_a_previz_take_with_its_depth_and_layout_version(blocked, api, published):
    with published(blocked.project) as sent:
        response = capture(api, blocked.artist, blocked)

    assert response.status_code == 201, response.json()
    take = Take.objects.get()
    body = response.json()
    assert (body["source"], body["kind"], body["width"], body["height"], body["layout_version"]) == (
        "previz", "image", 64, 32, 1)
    assert body["depth_url"] == f"/projects/{blocked.project.pk}/media/takes/{take.pk}/depth/"
    assert body["provenance"] == {"layout_version": 1, "camera": empty_layout(focal_mm=50, size="MS")["camera"]}
    depth = api(blocked.viewer).get(body["depth_url"])
    assert (depth.status_code, depth["Content-Type"]) == (200, "image/png")
    assert [e["type"] for e in sent] == ["take.created"]


@pytest.mark.parametrize(("body", "errors"), [
    ({"layout_version": 7}, {"layout_version": ["This shot's layout has no version 7; save the layout, then "
                                                "capture."]}),
    ({"depth": "later"}, None),
])
def test_a_capture_of_a_version_that_does_not_exist_or_without_depth_is_refused(blocked, api, snapshot, body,
                                                                                errors):
    client = api(blocked.artist)
    before = snapshot()
    data = {"shot": blocked.shot.pk, "image": png(), "depth": png(), "layout_version": 1, **body}
    if body.get("depth") == "later":
        data["depth"] = png(size=(32, 32))
        errors = {"depth": ["The depth map is 32×32; the image is 64×32. They must match."]}

    response = client.post(takes_url(blocked.project, "capture"), data, format="multipart")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_a_viewer_cannot_capture(blocked, api, snapshot):
    client = api(blocked.viewer)
    before = snapshot()

    response = client.post(takes_url(blocked.project, "capture"), {
        "shot": blocked.shot.pk, "image": png(), "depth": png(), "layout_version": 1}, format="multipart")

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tiny_models")
def test_generate_from_the_layout_carries_the_depth_and_the_layout_version_into_the_take(board, api):
    layouts.layout_save(actor=board.artist, shot=board.shot, data=empty_layout(focal_mm=50), base_version=0)
    captured = capture(api, board.artist, board).json()
    capture_take = Take.objects.get(pk=captured["id"])

    response = api(board.artist).post(jobs_url(board.project), {
        "shot": board.shot.pk, "depth_take": captured["id"], "width": 64, "height": 64, "steps": 2}, format="json")
    assert response.status_code == 201, response.json()
    GenerationWorker(worker_id="w", batch=True, interval=0).run()

    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.layout_version, job.request["depth_image"]) == ("succeeded", 1, capture_take.depth.name)
    made = job.take
    assert (made.layout_version, made.provenance["layout_version"], made.provenance["mode"]) == (1, 1, "depth")


def test_depth_take_must_be_a_capture(board, api):
    plain = factories.make_shot(board.scene)
    upload = api(board.artist).post(takes_url(board.project), {"shot": plain.pk, "file": factories.image_upload()},
                                    format="multipart").json()

    response = api(board.artist).post(jobs_url(board.project), {"shot": board.shot.pk, "depth_take": upload["id"]},
                                      format="json")

    assert response.status_code == 400
    assert response.json() == {"depth_take": [f"Take {upload['id']} is not a previz capture with a depth map in this "
                                              "project."]}


def frames(n: int, size=(64, 36)) -> list:
    out = []
    for i in range(n):
        data = io.BytesIO()
        Image.new("RGB", size, (i * 20 % 255, 80, 160)).save(data, "PNG")
        out.append(SimpleUploadedFile(f"f{i:03}.png", data.getvalue(), content_type="image/png"))
    return out


def test_the_camera_move_rendered_frame_by_frame_becomes_an_mp4_take(blocked, api, published):
    with published(blocked.project) as sent:
        response = api(blocked.artist).post(takes_url(blocked.project, "animatic"), {
            "shot": blocked.shot.pk, "frames": frames(12), "fps": 12, "layout_version": 1}, format="multipart")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["source"], body["content_type"], body["frames"], body["fps"], body["width"],
            body["height"], body["layout_version"]) == ("clip", "previz", "video/mp4", 12, 12, 64, 36, 1)
    take = Take.objects.get()
    with take.media.open("rb") as handle:
        assert mp4_frame_count(handle.read()) == 12
    assert [e["type"] for e in sent] == ["take.created"]


def test_animatic_frames_of_different_sizes_are_refused(blocked, api, snapshot):
    client = api(blocked.artist)
    before = snapshot()

    response = client.post(takes_url(blocked.project, "animatic"), {
        "shot": blocked.shot.pk, "frames": [*frames(2), *frames(1, size=(32, 32))], "fps": 12,
        "layout_version": 1}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"frames": ["Frame 3 is 32×32; the first is 64×36. They must match."]}
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tiny_models")
def test_generate_from_the_layout_may_start_from_the_colour_render_too(board, api):
    # given a capture of the layout
    layouts.layout_save(actor=board.artist, shot=board.shot, data=empty_layout(focal_mm=50), base_version=0)
    captured = capture(api, board.artist, board).json()
    capture_take = Take.objects.get(pk=captured["id"])

    # when a depth-guided job starts from its colour render as well (depth ControlNet over image-to-image)
    response = api(board.artist).post(jobs_url(board.project), {
        "shot": board.shot.pk, "depth_take": captured["id"], "init_take": captured["id"], "strength": 0.6,
        "width": 64, "height": 64, "steps": 2}, format="json")
    assert response.status_code == 201, response.json()
    GenerationWorker(worker_id="w", batch=True, interval=0).run()

    # then the take was made from both, and says so
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.request["depth_image"], job.request["init_image"], job.request["strength"]) == (
        "succeeded", capture_take.depth.name, capture_take.media.name, 0.6)
    assert (job.take.layout_version, job.take.provenance["mode"]) == (1, "depth")
    assert response.json()["mode_label"] == "Depth-guided, image to image"
    take = api(board.viewer).get(f"/api/v1/projects/{board.project.pk}/takes/{job.take.pk}/").json()
    assert (take["made_with"]["mode"], take["made_with"]["mode_label"], take["made_with"]["strength"]) == (
        "depth", "Depth-guided, image to image", 0.6)
    page = api(board.viewer).get(f"/projects/{board.project.pk}/shots/{board.shot.pk}/?part=takes").content.decode()
    assert "<dd>Depth-guided, image to image · strength 0.6</dd>" in page
