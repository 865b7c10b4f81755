"""Submitting, canceling and retrying generation jobs through the API (no worker runs here)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from studio.renders.models import GenerationJob
from tests import factories

from .conftest import jobs_url


def submit(api, user, project, **body):
    return api(user).post(jobs_url(project), body, format="json")


def test_an_artist_submits_a_frame_with_the_shots_prompt_and_it_is_queued_once(board, api, published):
    with published(board.project) as sent:
        response = submit(api, board.artist, board.project, shot=board.shot.pk)

    assert response.status_code == 201, response.json()
    body = response.json()
    job = GenerationJob.objects.get()
    assert body["id"] == job.pk
    assert (body["status"], body["kind"], body["model"], body["shot"]) == ("queued", "frame", "sd-tiny", board.shot.pk)
    assert body["seed"] == 1234  # Maya's
    assert (body["width"], body["height"]) == (160, 64)  # about 2.39:1, tiny
    assert body["request"]["prompt"] == ("Maya: yellow raincoat. interior, lamp room, night. medium shot, "
                                         "eye-level camera, 35mm lens")
    assert body["request"]["steps"] == 4
    assert body["request"]["reference_images"] == []
    assert body["requester"]["username"] == board.artist.username
    assert [e["type"] for e in sent] == ["job.queued"]
    assert sent[0]["data"]["job"]["id"] == job.pk
    assert sent[0]["data"]["requeued"] is False
    task = DBTaskResult.objects.get()
    assert (task.queue_name, task.task_path, task.args_kwargs) == (
        "generation", "studio.renders.queue.run_job", {"args": [job.pk], "kwargs": {}})


def test_what_the_person_sets_wins_over_the_assembled_defaults(board, api, published):
    with published(board.project):
        response = submit(api, board.director, board.project, shot=board.shot.pk, prompt="a gull on the rail",
                          seed=7, width=64, height=64, steps=2, use_references=True, reference_scale=0.4)

    assert response.status_code == 201, response.json()
    request = response.json()["request"]
    assert (request["prompt"], request["seed"], request["width"], request["height"], request["steps"]) == (
        "a gull on the rail", 7, 64, 64, 2)
    assert request["reference_images"] == [board.reference.image.name]
    assert request["reference_scale"] == 0.4


@pytest.mark.parametrize(("body", "errors"), [
    ({"width": 500, "height": 333}, {"width": ["Width must be a multiple of 8."],
                                     "height": ["Height must be a multiple of 8."]}),
    ({"steps": 10_000}, {"steps": ["Steps must be between 1 and 150."]}),
    ({"model": "nope"}, {"model": ["No model is called 'nope'. Models: sd-tiny, sdxl-tiny, wan-tiny."]}),
    ({"kind": "clip", "model": "sd-tiny"}, {"model": ["Model 'sd-tiny' cannot make clips."]}),
])
def test_a_bad_request_is_refused_with_the_reason_and_nothing_is_queued(board, api, snapshot, body, errors):
    client = api(board.artist)
    before = snapshot()

    response = client.post(jobs_url(board.project), {"shot": board.shot.pk, **body}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before
    assert DBTaskResult.objects.count() == 0


def test_an_upload_that_is_not_an_image_is_refused(board, api, snapshot):
    client = api(board.artist)
    before = snapshot()
    bogus = SimpleUploadedFile("init.png", b"%PDF-1.4 not an image", content_type="image/png")

    response = client.post(jobs_url(board.project), {"shot": board.shot.pk, "init_image": bogus},
                                      format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["init_image"]
    assert snapshot() == before


def test_references_need_a_character_with_a_reference(board, api):
    bare = factories.make_shot(board.scene)

    response = submit(api, board.artist, board.project, shot=bare.pk, use_references=True)

    assert response.status_code == 400
    assert response.json() == {"use_references": ["No character in this shot has a reference image."]}


def test_a_shot_of_another_project_is_refused(board, api):
    other = factories.make_project()
    factories.make_script(other)
    foreign = factories.make_shot(factories.make_scene(other))

    response = submit(api, board.artist, board.project, shot=foreign.pk)

    assert response.status_code == 400
    assert response.json() == {"shot": [f"Shot {foreign.pk} is not in this project."]}


@pytest.mark.parametrize("role", ["writer", "reviewer", "viewer"])
def test_roles_without_generate_get_403_and_nothing_changes(board, api, snapshot, role):
    client = api(getattr(board, role))
    before = snapshot()

    response = client.post(jobs_url(board.project), {"shot": board.shot.pk}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a project's owner, director or artist may generate frames and clips, "
                                         "and cancel or retry generation jobs."}
    assert snapshot() == before


def test_a_non_member_gets_404(board, api, snapshot):
    client = api(factories.make_user())
    before = snapshot()

    response = client.post(jobs_url(board.project), {"shot": board.shot.pk}, format="json")

    assert response.status_code == 404
    assert snapshot() == before


@override_settings(STUDIO_JOBS_PER_USER=2)
def test_over_the_per_user_limit_is_429_with_the_reason(board, api, published):
    with published(board.project):
        for _ in range(2):
            assert submit(api, board.artist, board.project, shot=board.shot.pk).status_code == 201

        response = submit(api, board.artist, board.project, shot=board.shot.pk)
        other = submit(api, board.director, board.project, shot=board.shot.pk)

    assert response.status_code == 429
    assert response.json() == {"detail": "You already have 2 generation jobs queued or running; the limit is 2. "
                                         "Wait for one to finish, or cancel one, then submit again."}
    assert other.status_code == 201  # the limit is per person
    assert GenerationJob.objects.count() == 3


@override_settings(STUDIO_JOBS_PER_PROJECT_PER_DAY=2)
def test_over_the_project_daily_quota_is_429_with_when_it_frees_up(board, api, published):
    with published(board.project):
        for user in (board.artist, board.director):
            assert submit(api, user, board.project, shot=board.shot.pk).status_code == 201
        GenerationJob.objects.update(created_at=timezone.now() - timedelta(hours=23))

        response = submit(api, board.owner, board.project, shot=board.shot.pk)

    assert response.status_code == 429
    assert response.json()["detail"].startswith(
        "This project has submitted 2 generation jobs in the last 24 hours, its daily limit of 2. "
        "The next one can go in about ")
    assert 3500 <= int(response["Retry-After"]) <= 3600


def test_cancel_a_queued_job_at_once_and_a_finished_one_is_409(board, api, published):
    with published(board.project):
        job_id = submit(api, board.artist, board.project, shot=board.shot.pk).json()["id"]
    with published(board.project) as sent:
        response = api(board.director).post(jobs_url(board.project, job_id, "cancel"))
        again = api(board.director).post(jobs_url(board.project, job_id, "cancel"))

    assert response.status_code == 200
    assert response.json()["status"] == "canceled"
    assert [e["type"] for e in sent] == ["job.canceled"]
    assert again.status_code == 409
    assert again.json() == {"detail": "This job has already canceled; there is nothing to cancel."}


def test_retry_a_canceled_job_as_a_new_job_with_the_same_request(board, api, published):
    with published(board.project):
        first = submit(api, board.artist, board.project, shot=board.shot.pk, seed=5).json()
        api(board.artist).post(jobs_url(board.project, first["id"], "cancel"))
        response = api(board.artist).post(jobs_url(board.project, first["id"], "retry"))

    assert response.status_code == 201
    retry = response.json()
    assert (retry["status"], retry["retry_of"], retry["request"]) == ("queued", first["id"], first["request"])
    assert DBTaskResult.objects.count() == 2


def test_a_queued_job_cannot_be_retried(board, api, published):
    with published(board.project):
        job_id = submit(api, board.artist, board.project, shot=board.shot.pk).json()["id"]

    response = api(board.artist).post(jobs_url(board.project, job_id, "retry"))

    assert response.status_code == 409
    assert response.json() == {"detail": "Only a failed or canceled job can be retried; this one is queued."}


def test_the_job_list_filters_by_status_and_shot(board, api, published):
    other_shot = factories.make_shot(board.scene)
    with published(board.project):
        a = submit(api, board.artist, board.project, shot=board.shot.pk).json()["id"]
        b = submit(api, board.artist, board.project, shot=other_shot.pk).json()["id"]
        api(board.artist).post(jobs_url(board.project, a, "cancel"))

    client = api(board.viewer)
    assert [j["id"] for j in client.get(jobs_url(board.project)).json()["results"]] == [b, a]
    assert [j["id"] for j in client.get(jobs_url(board.project), {"status": "queued"}).json()["results"]] == [b]
    assert [j["id"] for j in client.get(jobs_url(board.project), {"shot": board.shot.pk}).json()["results"]] == [a]


def test_the_prompt_endpoint_shows_each_part(board, api):
    response = api(board.writer).get(f"/api/v1/projects/{board.project.pk}/shots/{board.shot.pk}/prompt/")

    assert response.status_code == 200
    assert response.json() == {
        "shot": board.shot.pk, "kind": "frame",
        "prompt": "Maya: yellow raincoat. interior, lamp room, night. medium shot, eye-level camera, 35mm lens",
        "negative_prompt": response.json()["negative_prompt"], "seed": 1234, "seed_source": "Maya's seed",
        "parts": [
            {"source": f"character:{board.maya.pk}", "label": "Maya", "text": "Maya: yellow raincoat"},
            {"source": "scene", "label": "Scene 1", "text": "interior, lamp room, night"},
            {"source": "camera", "label": "Shot 1A", "text": "medium shot, eye-level camera, 35mm lens"},
        ],
        "references": 1,
    }


def test_the_model_list_gives_each_models_defaults_for_the_projects_aspect(board, api):
    response = api(board.viewer).get(f"/api/v1/projects/{board.project.pk}/models/")

    assert response.status_code == 200
    assert [(m["name"], m["kinds"], m["default_steps"], m["default_width"], m["default_height"], m["size_multiple"],
             m["smoke_test"]) for m in response.json()] == [
        ("sd-tiny", ["frame"], 4, 160, 64, 8, True),
        ("sdxl-tiny", ["frame"], 4, 160, 64, 8, True),
        ("wan-tiny", ["clip"], 4, 160, 64, 16, True),
    ]


def test_a_submitted_job_reads_its_typed_request(board, api, published):
    with published(board.project):
        body = submit(api, board.artist, board.project, shot=board.shot.pk, kind="clip", frames=9, fps=8).json()

    job = GenerationJob.objects.get()
    assert (body["version"], body["mode"], body["model_label"], body["shot_number"], body["scene_heading"]) == (
        1, "text-to-video", "Smoke-test Wan (tiny, random weights)", board.shot.number, "INT. LAMP ROOM - NIGHT")
    assert (body["seed"], body["width"], body["height"]) == (1234, 160, 64)
    assert body["request"] == job.generation_request.to_dict() == job.request
    assert (job.generation_request.kind, job.generation_request.frames, job.generation_request.fps) == ("clip", 9, 8)


def test_a_models_token_count_of_a_prompt_names_what_it_would_not_read(board, api, tiny_models):
    long = " ".join(["abcd"] * 60)  # 240 tokens of the tiny tokenizer (one a character)
    url = f"/api/v1/projects/{board.project.pk}/models/sdxl-tiny/tokens/"

    response = api(board.viewer).post(url, {"prompt": long}, format="json")

    assert response.status_code == 200
    assert response.json() == {"model": "sdxl-tiny", "tokens": 240, "limit": 150, "handling": "two encoders",
                               "cut": " ".join(["abcd"] * 23)}


def test_a_token_count_for_a_model_that_is_not_set_up_is_404(board, api, snapshot):
    viewer = api(board.viewer)
    before = snapshot()

    response = viewer.post(f"/api/v1/projects/{board.project.pk}/models/nope/tokens/", {"prompt": "a lighthouse"},
                           format="json")

    assert response.status_code == 404
    assert snapshot() == before


def test_a_job_too_big_for_a_cpu_worker_is_refused_before_queueing(board, api, snapshot, settings):
    settings.STUDIO_GENERATION_DEVICE = "cpu"
    artist = api(board.artist)
    before = snapshot()

    response = artist.post(jobs_url(board.project), {"shot": board.shot.pk, "width": 1024, "height": 1024,
                                                     "steps": 150}, format="json")

    assert response.status_code == 400
    assert response.json() == {"steps": [
        "Too big for a CPU worker: 1024×1024 × 150 steps is 157.3 million pixel-steps; the limit is 7.9 million. "
        "Use fewer steps, a smaller size or draft quality."]}
    assert snapshot() == before


def test_a_job_a_gpu_worker_takes_is_queued(board, api, settings):
    settings.STUDIO_GENERATION_DEVICE = "cuda"

    response = submit(api, board.artist, board.project, shot=board.shot.pk, width=1024, height=1024, steps=150)

    assert response.status_code == 201
    assert (response.json()["width"], response.json()["total_steps"]) == (1024, 150)


@pytest.mark.parametrize(("field", "error"), [("steps", "Steps must be between 1 and 150."),
                                              ("width", "Width must be between 64 and 2048.")])
def test_a_zero_is_refused_not_taken_for_the_default(board, api, snapshot, field, error):
    artist = api(board.artist)
    before = snapshot()

    response = artist.post(jobs_url(board.project), {"shot": board.shot.pk, field: 0}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [error]}
    assert snapshot() == before


def test_cancel_of_a_running_job_answers_canceling_until_its_worker_stops(board, api, published):
    from studio.renders.services import worker_protocol

    with published(board.project):
        job_id = submit(api, board.artist, board.project, shot=board.shot.pk).json()["id"]
        worker_protocol.job_claim(job_id=job_id, worker="gpu-1")
    with published(board.project) as sent:
        response = api(board.artist).post(jobs_url(board.project, job_id, "cancel"))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["stage"], response.json()["cancel_requested"]) == (
        "running", "canceling", True)
    assert [(e["type"], e["data"]["job"]["stage"]) for e in sent] == [("job.stopping", "canceling")]
    page = api(board.artist).get(f"/projects/{board.project.pk}/shots/{board.shot.pk}/?part=jobs").content.decode()
    assert '<span class="pill job-running">Canceling</span>' in page
    assert "· canceling…" in page
    with published(board.project):
        worker_protocol.job_canceled(job_id=job_id, worker="gpu-1")
    job = api(board.artist).get(jobs_url(board.project, job_id)).json()
    assert (job["status"], job["stage"]) == ("canceled", "")
