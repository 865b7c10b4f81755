"""Embedded mode (a laptop: no Redis): the web process runs the generation worker as a thread, and its
events reach the browsers through the in-memory channel layer of that same process."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from websockets.sync.client import connect

from studio.renders.models import GenerationJob, Take
from tests.servers import Daphne
from tests.sockets import cookie_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tiny_models")]


def post_json(url: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_a_job_runs_inside_the_web_process_and_its_events_reach_the_project_socket(board, tmp_path):
    token = Token.objects.create(user=board.artist).key
    env = {"STUDIO_EMBEDDED_WORKER": "1", "STUDIO_PROGRESS_INTERVAL_S": "0", "REDIS_URL": ""}
    with Daphne(tmp_path, env=env) as server, connect(
        f"{server.ws_url}/ws/projects/{board.project.pk}/",
        additional_headers={"Cookie": cookie_for(board.director)}, origin=server.url,
    ) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "presence.snapshot"
        job = post_json(f"{server.url}/api/v1/projects/{board.project.pk}/jobs/", token,
                        {"shot": board.shot.pk, "width": 64, "height": 64, "steps": 3})

        seen = []
        deadline = time.monotonic() + 120
        while "job.succeeded" not in seen and time.monotonic() < deadline:
            event = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if event["type"].startswith(("job.", "take.")):
                seen.append(event["type"])

    # a fresh web process: its worker loads the model first
    assert seen == ["job.queued", "job.started", "job.loading", "job.progress", "job.progress", "job.progress",
                    "take.created", "job.succeeded"]
    done = GenerationJob.objects.get(pk=job["id"])
    assert done.status == "succeeded"
    assert done.worker.split(":")[1] == str(server.process.pid)  # the web process itself ran it
    take = Take.objects.get(job=done)
    assert (Path(tmp_path) / "media" / take.media.name).stat().st_size > 0
