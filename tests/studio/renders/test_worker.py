"""Jobs through the real queue (django-tasks-db) and the real worker, on the tiny models (CPU).

These run with real transactions (the worker renews its lease from a second thread, which must see
committed rows), so each test's data is created in the test and torn down after it.
"""

import io
import threading

import numpy as np
import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from PIL import Image

from generation.outputs import mp4_frame_count, read_png_request
from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services import worker_protocol
from studio.renders.worker import GenerationWorker
from tests import factories

from .conftest import jobs_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tiny_models")]


def submit(api, user, project, **body) -> dict:
    response = api(user).post(jobs_url(project), body, format="multipart" if _has_file(body) else "json")
    assert response.status_code == 201, response.json()
    return response.json()


def _has_file(body) -> bool:
    return any(hasattr(v, "read") for v in body.values())


def run_queue() -> GenerationWorker:
    worker = GenerationWorker(worker_id="test-worker", batch=True, interval=0)
    worker.run()
    return worker


def pixels(take: Take) -> np.ndarray:
    with take.media.open("rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB"))


def small(**body):
    return {"width": 64, "height": 64, "steps": 2, **body}


def test_text_to_image_end_to_end_leaves_one_take_with_the_request_in_its_png(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]

    run_queue()

    job = GenerationJob.objects.get(pk=job_id)
    assert (job.status, job.attempts, job.worker, job.step, job.total_steps) == ("succeeded", 1, "test-worker", 2, 2)
    take = Take.objects.get()
    assert (take.job_id, take.shot_id, take.number, take.kind, take.source) == (job.pk, board.shot.pk, 1, "image",
                                                                                 "generated")
    assert (take.width, take.height, take.frames, take.content_type, take.smoke_test) == (64, 64, 1, "image/png", True)
    with take.media.open("rb") as handle:
        png = handle.read()
    stored = read_png_request(png)
    assert stored["request"] == job.request
    assert stored["model"]["name"] == "sd-tiny"
    assert Image.open(io.BytesIO(png)).size == (64, 64)
    assert take.provenance["request"] == job.request
    assert (take.provenance["seed"], take.provenance["mode"], take.provenance["model"]) == (1234, "text-to-image",
                                                                                          "sd-tiny")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_image_to_image_from_an_earlier_take(board, api):
    submit(api, board.artist, board.project, shot=board.shot.pk, **small())
    run_queue()
    first = Take.objects.get()

    job_id = submit(api, board.artist, board.project, shot=board.shot.pk,
                    **small(init_take=first.pk, strength=0.7))["id"]
    run_queue()

    take = Take.objects.get(job_id=job_id)
    assert take.number == 2
    assert take.provenance["mode"] == "image-to-image"
    assert take.provenance["request"]["init_image"] == first.media.name


def test_depth_controlnet_from_an_uploaded_depth_map(board, api):
    depth = factories.image_upload("depth.png", size=(64, 64), color=(128, 128, 128))

    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small(depth_image=depth))["id"]
    run_queue()

    job = GenerationJob.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    assert job.request["depth_image"].startswith(f"inputs/{board.project.pk}/")
    assert job.take.provenance["mode"] == "depth"


def test_ip_adapter_with_the_characters_reference(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small(use_references=True))["id"]
    run_queue()

    job = GenerationJob.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    assert job.take.provenance["request"]["reference_images"] == [board.reference.image.name]


def test_wan_image_to_video_makes_an_mp4_with_the_asked_frames(board, api):
    submit(api, board.artist, board.project, shot=board.shot.pk, **small())
    run_queue()
    still = Take.objects.get()

    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, kind="clip", model="wan-tiny", width=32,
                    height=32, frames=9, fps=8, steps=2, first_frame_take=still.pk)["id"]
    run_queue()

    job = GenerationJob.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    clip = job.take
    assert (clip.kind, clip.content_type, clip.frames, clip.fps, clip.width, clip.height) == (
        "clip", "video/mp4", 9, 8, 32, 32)
    with clip.media.open("rb") as handle:
        assert mp4_frame_count(handle.read()) == 9
    assert clip.provenance["mode"] == "image-to-video"


def test_the_same_request_and_seed_twice_gives_identical_pixels(board, api):
    for _ in range(2):
        submit(api, board.artist, board.project, shot=board.shot.pk, **small(seed=42))
    submit(api, board.artist, board.project, shot=board.shot.pk, **small(seed=43))
    run_queue()

    first, second, other = Take.objects.order_by("number")
    assert np.array_equal(pixels(first), pixels(second))
    assert not np.array_equal(pixels(first), pixels(other))


@override_settings(STUDIO_PROGRESS_INTERVAL_S=0)
def test_progress_events_arrive_in_order_with_their_exact_shape(board, api, published):
    from studio.renders import runtime

    runtime.engine().warm("sd-tiny")  # a warm worker: no job.loading (see the cold worker's test)
    with published(board.project) as sent:
        job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small(steps=4))["id"]
        run_queue()

    types = [e["type"] for e in sent]
    assert types == ["job.queued", "job.started", "job.progress", "job.progress", "job.progress", "job.progress",
                     "take.created", "job.succeeded"]
    progress = [e["data"] for e in sent if e["type"] == "job.progress"]
    assert [(p["id"], p["version"], p["shot"], p["step"], p["total"]) for p in progress] == [
        (job_id, 2 + step, board.shot.pk, step, 4) for step in (1, 2, 3, 4)]  # queued 1, running 2, each step one
    assert [sorted(p) for p in progress] == [["id", "preview", "shot", "step", "total", "version"]] * 4
    assert [p["preview"] is not None for p in progress] == [False, False, False, True]  # every 4th step
    assert progress[3]["preview"].startswith("data:image/jpeg;base64,")
    take = Take.objects.get()
    assert sent[6]["data"]["take"]["id"] == take.pk
    assert (sent[7]["data"]["job"]["status"], sent[7]["data"]["job"]["take"],
            sent[7]["data"]["job"]["progress"], sent[7]["data"]["job"]["version"]) == ("succeeded", take.pk, 1.0, 7)


def test_cancel_while_running_leaves_no_take_and_the_worker_takes_the_next_job(board, api):
    slow = submit(api, board.artist, board.project, shot=board.shot.pk, **small(steps=40))["id"]
    after = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    canceled = threading.Event()
    worker = GenerationWorker(worker_id="test-worker", batch=True, interval=0)
    original = worker_protocol.job_progress

    def progress_then_cancel(**kwargs):
        held = original(**kwargs)
        if kwargs["job_id"] == slow and kwargs["step"] == 2 and not canceled.is_set():
            canceled.set()  # as if a director pressed Cancel while step 2 was reported
            job_services.job_cancel(actor=board.director, job=GenerationJob.objects.get(pk=slow))
        return held

    with override_settings(STUDIO_PROGRESS_INTERVAL_S=0, STUDIO_CANCEL_CHECK_S=0):
        worker_protocol.job_progress = progress_then_cancel
        try:
            worker.run()
        finally:
            worker_protocol.job_progress = original

    stopped = GenerationJob.objects.get(pk=slow)
    assert (stopped.status, stopped.cancel_requested) == ("canceled", True)
    assert 2 <= stopped.step < 40
    assert not Take.objects.filter(job_id=slow).exists()
    assert GenerationJob.objects.get(pk=after).status == "succeeded"
    assert Take.objects.count() == 1


def test_a_worker_that_lost_its_lease_cannot_store_a_take(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    assert worker_protocol.job_claim(job_id=job_id, worker="stalled") is not None
    GenerationJob.objects.filter(pk=job_id).update(lease_expires_at="2000-01-01T00:00:00Z")

    swept = worker_protocol.jobs_sweep()
    run_queue()  # the job goes to a live worker

    assert swept == {"requeued": [job_id], "failed": [], "canceled": []}
    made = worker_protocol.Made(kind="image", content=b"x", extension="png", content_type="image/png", thumbnail=b"x",
                         width=1, height=1, frames=1, fps=None, provenance={}, smoke_test=True)
    assert worker_protocol.job_succeed(job_id=job_id, worker="stalled", made=made) is None
    job = GenerationJob.objects.get(pk=job_id)
    assert (job.status, job.attempts, job.worker) == ("succeeded", 2, "test-worker")
    assert Take.objects.filter(job_id=job_id).count() == 1


def test_a_job_whose_workers_keep_dying_fails_with_the_reason(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    for attempt in range(1, 4):
        assert worker_protocol.job_claim(job_id=job_id, worker=f"doomed-{attempt}") is not None
        GenerationJob.objects.filter(pk=job_id).update(lease_expires_at="2000-01-01T00:00:00Z")
        worker_protocol.jobs_sweep()

    job = GenerationJob.objects.get(pk=job_id)
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.error == "The worker running it (doomed-3) stopped responding, 3 times out of 3; giving up."
    assert not Take.objects.exists()


def test_a_job_that_cannot_run_fails_with_the_engines_reason(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    GenerationJob.objects.filter(pk=job_id).update(request={**GenerationJob.objects.get(pk=job_id).request,
                                                            "model": "gone"})

    run_queue()

    job = GenerationJob.objects.get(pk=job_id)
    assert job.status == "failed"
    assert "gone" in job.error
    assert not Take.objects.exists()


def test_the_worker_survives_a_task_row_deleted_under_it_and_runs_the_next_job(board, api):
    first = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    second = submit(api, board.artist, board.project, shot=board.shot.pk, **small(seed=9))["id"]
    original = worker_protocol.job_progress

    def progress_and_drop_the_task_row(**kwargs):
        if kwargs["job_id"] == first:
            DBTaskResult.objects.filter(args_kwargs__args=[first]).delete()  # e.g. someone pruned the task table
        return original(**kwargs)

    worker_protocol.job_progress = progress_and_drop_the_task_row
    try:
        run_queue()
    finally:
        worker_protocol.job_progress = original

    assert list(GenerationJob.objects.order_by("id").values_list("id", "status")) == [
        (first, "succeeded"), (second, "succeeded")]
    assert Take.objects.count() == 2


def test_a_cold_worker_says_it_is_loading_the_model_before_the_first_step(board, api, published):
    from generation.engine import Engine
    from studio.renders import runtime

    with published(board.project) as sent:
        job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
        GenerationWorker(worker_id="cold", batch=True, interval=0,
                         engine=Engine(runtime.registry(), open_image=runtime.open_image)).run()

    types = [m["type"] for m in sent]
    assert types[:3] == ["job.queued", "job.started", "job.loading"]
    loading = sent[2]["data"]["job"]
    assert (loading["id"], loading["status"], loading["stage"], loading["step"], loading["model"],
            loading["model_label"]) == (job_id, "running", "loading", 0, "sd-tiny",
                                        "Smoke-test SD (tiny, random weights)")
    assert types[3:] == ["job.progress", "job.progress", "take.created", "job.succeeded"]
    assert sent[-1]["data"]["job"]["stage"] == ""
    assert GenerationJob.objects.get(pk=job_id).loading is False


def test_the_sweep_closes_the_task_row_a_killed_worker_left_running(board, api, settings):
    # given a worker that claimed a job's task row and the job, then died (its lease ran out a while ago)
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    dead = DBTaskResult.objects.get()
    dead.claim("doomed")
    assert worker_protocol.job_claim(job_id=job_id, worker="doomed") is not None
    long_ago = "2000-01-01T00:00:00Z"
    GenerationJob.objects.filter(pk=job_id).update(lease_expires_at=long_ago)
    DBTaskResult.objects.filter(pk=dead.pk).update(started_at=long_ago)

    # when a live worker sweeps, then runs the queue
    run_queue()

    # then the dead worker's row is closed, saying why, and the job ran again on a task of its own
    dead.refresh_from_db()
    assert (dead.status, dead.exception_class_path, dead.traceback) == (
        "FAILED", "studio.renders.worker.WorkerLost", worker_protocol.LOST_TASK)
    assert GenerationJob.objects.get(pk=job_id).status == "succeeded"
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]


def test_the_sweep_leaves_the_task_row_of_a_worker_that_still_holds_its_job(board, api):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, **small())["id"]
    live = DBTaskResult.objects.get()
    live.claim("alive")
    assert worker_protocol.job_claim(job_id=job_id, worker="alive") is not None
    DBTaskResult.objects.filter(pk=live.pk).update(started_at="2000-01-01T00:00:00Z")  # a long job, lease renewed

    assert worker_protocol.tasks_sweep() == []

    live.refresh_from_db()
    assert live.status == "RUNNING"
