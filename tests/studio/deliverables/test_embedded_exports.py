"""Embedded mode (`make run`: no Redis): the web process runs the export worker as a thread; an export started
through the API is rendered there, its events reach the project socket, and its file is served to members."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from rest_framework.authtoken.models import Token
from websockets.sync.client import connect

from studio.deliverables.models import Export
from tests.servers import Daphne
from tests.sockets import cookie_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_storyboard_pdf_is_rendered_inside_the_web_process(cut, tmp_path):
    token = Token.objects.create(user=cut.owner).key
    env = {"STUDIO_EMBEDDED_EXPORT_WORKER": "1", "REDIS_URL": ""}
    with Daphne(tmp_path, env=env) as server, connect(
        f"{server.ws_url}/ws/projects/{cut.project.pk}/",
        additional_headers={"Cookie": cookie_for(cut.viewer)}, origin=server.url,
    ) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "presence.snapshot"
        request = urllib.request.Request(
            f"{server.url}/api/v1/projects/{cut.project.pk}/exports/", method="POST",
            data=json.dumps({"kind": "storyboard_pdf", "options": {"preset": "2x2"}}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 202
            export_id = json.loads(response.read())["id"]

        seen, done = [], None
        deadline = time.monotonic() + 60
        while done is None and time.monotonic() < deadline:
            event = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if event["type"].startswith("export."):
                seen.append((event["type"], event["data"].get("status")))
                done = event["data"]["export"] if event["type"] == "export.done" else None

        viewer = urllib.request.Request(f"{server.url}{done['url']}", headers={"Cookie": cookie_for(cut.viewer)})
        with urllib.request.urlopen(viewer, timeout=30) as response:
            pdf = response.read()

    # queued by the request, claimed by the web process's own export thread, then done
    assert seen[0] == ("export.queued", None)
    assert seen[1] == ("export.progress", "running")
    assert seen[-1] == ("export.done", None)
    assert done["status"] == "succeeded"
    export = Export.objects.get(pk=export_id)
    assert export.worker.split(":")[1] == str(server.process.pid)
    assert pdf[:5] == b"%PDF-"
    assert len(pdf) == export.bytes
