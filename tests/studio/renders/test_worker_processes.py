"""Generation workers as real processes: one killed mid-job, and two sharing one queue on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from studio.renders.models import GenerationJob, Take
from studio.renders.worker import GenerationWorker
from tests.servers import ROOT, database_url
from tests.waiting import wait_for

from .conftest import jobs_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tiny_models")]


def start_worker(tmp_path: Path, name: str, *args: str, lease_s: float = 2.0) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "studio.settings",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "STUDIO_JOB_LEASE_S": str(lease_s), "PYTHONUNBUFFERED": "1",
           "STUDIO_PROGRESS_INTERVAL_S": "0"}
    for var in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(var, None)
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen([sys.executable, "manage.py", "generation_worker", "--worker-id", name, "--interval", "0.2",
                             *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def submit(api, user, project, **body) -> int:
    response = api(user).post(jobs_url(project), body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_job_whose_worker_is_killed_runs_again_elsewhere_and_leaves_one_take(board, api, tmp_path):
    job_id = submit(api, board.artist, board.project, shot=board.shot.pk, width=64, height=64, steps=150)
    doomed = start_worker(tmp_path, "doomed", lease_s=60)
    try:
        wait_for(lambda: GenerationJob.objects.filter(pk=job_id, status="running", step__gte=3).exists(),
                 timeout=120, what="the first worker to be a few steps in")
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    killed_at = GenerationJob.objects.get(pk=job_id)
    assert (killed_at.status, killed_at.worker, killed_at.attempts) == ("running", "doomed", 1)
    rescuer = GenerationWorker(worker_id="rescuer", batch=True, interval=0)
    assert rescuer.sweep_once() == {"requeued": [], "failed": [], "canceled": []}  # the dead worker's lease holds …

    # … until it runs out (a minute): rather than wait for that, the lease is moved into the past, as time would
    GenerationJob.objects.filter(pk=job_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    rescuer.run()  # a batch worker sweeps first: the job is put back, and it runs it

    job = GenerationJob.objects.get(pk=job_id)
    assert (job.status, job.worker, job.attempts, job.step) == ("succeeded", "rescuer", 2, 150)
    assert job.error == "Attempt 1 was lost: the worker running it (doomed) stopped responding."
    assert Take.objects.filter(job_id=job_id).count() == 1
    assert Take.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED claims need PostgreSQL")
def test_two_worker_processes_never_run_the_same_job(board, api, tmp_path, settings):
    settings.STUDIO_JOBS_PER_USER = 100
    jobs = [submit(api, board.artist, board.project, shot=board.shot.pk, width=64, height=64, steps=2, seed=n)
            for n in range(12)]
    workers = [start_worker(tmp_path, name, "--batch", lease_s=60) for name in ("left", "right")]
    try:
        for worker in workers:
            assert worker.wait(timeout=240) == 0, (tmp_path / "left.log").read_text()[-3000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    rows = list(GenerationJob.objects.filter(pk__in=jobs).values_list("status", "attempts", "worker"))
    assert [(status, attempts) for status, attempts, _ in rows] == [("succeeded", 1)] * 12
    assert {worker for _, _, worker in rows} <= {"left", "right"}
    assert sorted(Take.objects.values_list("job_id", flat=True)) == sorted(jobs)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert DBTaskResult.objects.count() == 12
