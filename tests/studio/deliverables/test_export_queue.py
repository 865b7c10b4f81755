"""Starting an export and the worker's claim on it, as the storyboard page drives them (the events' module publishes,
and a claim locks only the export's row: its scene and requester may be null)."""

from __future__ import annotations

import pytest

from studio.deliverables import services
from studio.deliverables.models import Export
from tests import factories


@pytest.mark.parametrize("with_scene", [False, True])
def test_an_export_started_is_queued_then_claimed_and_finished_with_its_events(team, with_scene, published):
    scene = factories.make_scene(team.project, location="Lamp room")
    factories.make_shot(scene)

    with published(team.project) as sent:
        export = services.export_start(actor=team.artist, project=team.project, kind="otioz",
                                       scene=scene if with_scene else None)
        claimed = services.export_claim(export_id=export.pk, worker="w1")
        services.export_progress(export_id=export.pk, step=1, total=2)
        done = services.export_finish(export_id=export.pk, status="failed", error="No renderer.")

    assert (claimed.status, claimed.version) == ("running", 2)
    assert (done.status, done.error, done.version) == ("failed", "No renderer.", 4)
    assert [e["type"] for e in sent] == ["export.queued", "export.progress", "export.progress", "export.done"]
    assert Export.objects.get(pk=export.pk).scene_id == (scene.pk if with_scene else None)
