"""The cut for editorial: quick downloads (OTIO, EDL, FCP 7 XML) whose media are the studio's take links, and a
retimed cut brought back: a proposal first (nothing changes), then the accepted changes applied as versioned shot
updates, all or nothing."""

import re
from decimal import Decimal

import opentimelineio as otio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from studio.shots.models import Shot
from tests import factories

from .conftest import api_url, uploaded


def download(api, user, project, name, query=""):
    return api(user).get(f"/api/v1/projects/{project.pk}/downloads/{name}{query}")


@pytest.fixture
def edit(cut):
    """The cut's first two shots have an uploaded take each; the third is its sketch."""
    cut.takes = [uploaded(cut.shots[0]), uploaded(cut.shots[1])]
    return cut


def take_link(team, take) -> str:
    return f"http://testserver/projects/{team.project.pk}/media/takes/{take.pk}/"


def test_cut_otio_names_the_clips_in_board_order_and_links_the_takes(edit, api, settings):
    response = download(api, edit.viewer, edit.project, "cut.otio")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="team-project.otio"'
    timeline = otio.adapters.read_from_string(response.content.decode(), adapter_name="otio_json")
    clips = list(timeline.find_clips())
    assert [clip.name for clip in clips] == ["1A", "1B", "2A"]
    assert [getattr(clip.media_reference, "target_url", None) for clip in clips] == [
        take_link(edit, edit.takes[0]), take_link(edit, edit.takes[1]), None]
    assert [clip.source_range.duration.value for clip in clips] == [48, 36, 96]
    assert str(settings.MEDIA_ROOT) not in response.content.decode()


def test_cut_edl_lists_the_clips_in_order_with_the_take_links(edit, api, settings):
    response = download(api, edit.viewer, edit.project, "cut.edl")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="team-project.edl"'
    text = response.content.decode()
    assert re.findall(r"\* FROM CLIP NAME:\s*(\S+)", text) == ["1A", "1B", "2A"]
    assert re.findall(r"\* FROM CLIP:\s*(\S+)", text) == [take_link(edit, edit.takes[0]),
                                                          take_link(edit, edit.takes[1])]
    assert str(settings.MEDIA_ROOT) not in text


def test_cut_xml_is_fcp7_with_the_clips_in_order(edit, api, settings):
    response = download(api, edit.viewer, edit.project, "cut.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="team-project.xml"'
    timeline = otio.adapters.read_from_string(response.content.decode(), adapter_name="fcp_xml")
    assert [clip.name for clip in timeline.find_clips()] == ["1A", "1B", "2A"]
    assert take_link(edit, edit.takes[0]) in response.content.decode()
    assert str(settings.MEDIA_ROOT) not in response.content.decode()


def test_a_scene_query_downloads_that_scene_only(edit, api):
    response = download(api, edit.viewer, edit.project, "cut.otio", f"?scene={edit.scene.pk}")

    timeline = otio.adapters.read_from_string(response.content.decode(), adapter_name="otio_json")
    assert [clip.name for clip in timeline.find_clips()] == ["1A", "1B"]


def test_an_unknown_download_is_refused(edit, api):
    response = download(api, edit.viewer, edit.project, "cut.mov")

    assert response.status_code == 400
    assert response.json() == {"name": [
        "Choose one of: shotlist.csv, shotlist.pdf, cut.otio, cut.edl, cut.xml."]}


def test_downloads_are_for_members_only(edit, api):
    assert download(api, factories.make_user("stranger"), edit.project, "cut.otio").status_code == 404


# --- retime -------------------------------------------------------------------


def director(api, team):
    """The director's client, logged in once (a login writes the user's last_login)."""
    if not hasattr(team, "director_client"):
        team.director_client = api(team.director)
    return team.director_client


def exported(api, team) -> otio.schema.Timeline:
    response = director(api, team).get(f"/api/v1/projects/{team.project.pk}/downloads/cut.otio")
    return otio.adapters.read_from_string(response.content.decode(), adapter_name="otio_json")


def retimed(timeline, **frames) -> bytes:
    """The timeline with the named clips ("1B": 60) lasting that many frames."""
    for clip in timeline.find_clips():
        if clip.name in frames:
            rate = clip.source_range.duration.rate
            clip.source_range = otio.opentime.TimeRange(clip.source_range.start_time,
                                                        otio.opentime.RationalTime(frames[clip.name], rate))
    return otio.adapters.write_to_string(timeline, adapter_name="otio_json").encode()


def propose(api, team, content: bytes, name="cut.otio"):
    return director(api, team).post(api_url(team.project, "editorial", "retime"),
                                   {"file": SimpleUploadedFile(name, content)}, format="multipart")


def match(shot, index, by="id") -> dict:
    return {"shot_id": shot.pk, "number": shot.number, "clip_index": index, "clip_name": shot.number, "by": by}


def test_a_retimed_cut_is_read_into_the_exact_proposal_and_nothing_changes(edit, api, snapshot):
    one_a, one_b, two_a = edit.shots
    content = retimed(exported(api, edit), **{"1B": 60, "2A": 48})
    before = snapshot()

    response = propose(api, edit, content)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "changes": [
            {"shot_id": one_b.pk, "number": "1B", "old_frames": 36, "new_frames": 60, "old_duration_s": "1.50",
             "new_duration_s": "2.50", "old_index": 1, "new_index": 1, "version": 1},
            {"shot_id": two_a.pk, "number": "2A", "old_frames": 96, "new_frames": 48, "old_duration_s": "4.00",
             "new_duration_s": "2.00", "old_index": 2, "new_index": 2, "version": 1},
        ],
        "order": [one_a.pk, one_b.pk, two_a.pk],
        "matched": [match(one_a, 0), match(one_b, 1), match(two_a, 2)],
        "unmatched": [], "repeated": [], "missing": [], "rate_mismatch": "", "notes": [],
    }
    assert snapshot() == before


def test_a_clip_that_matches_no_shot_is_reported(edit, api):
    timeline = exported(api, edit)
    rate = 24
    timeline.video_tracks()[0].append(otio.schema.Clip(
        name="Pickup", media_reference=otio.schema.MissingReference(),
        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                             otio.opentime.RationalTime(24, rate))))

    response = propose(api, edit, otio.adapters.write_to_string(timeline, adapter_name="otio_json").encode())

    assert response.status_code == 200
    assert (response.json()["changes"], response.json()["unmatched"]) == ([], [{
        "index": 3, "name": "Pickup", "frames": 24, "duration_s": "1.00", "start_frame": 180,
        "reason": "no shot has this name, id or take", "shot_id": None}])


def test_a_garbage_file_is_refused_with_the_reason(edit, api):
    response = propose(api, edit, b"\x00\x01 this is no edit", name="cut.mov")

    assert response.status_code == 400
    assert response.json() == {"file": ["cut.mov: an edit is an .otio, .otioz, .edl or FCP 7 .xml file."]}


def test_a_viewer_cannot_read_a_retime(edit, api, snapshot):
    content = retimed(exported(api, edit), **{"1B": 60})
    client = api(edit.viewer)
    before = snapshot()

    response = client.post(api_url(edit.project, "editorial", "retime"),
                           {"file": SimpleUploadedFile("cut.otio", content)}, format="multipart")

    assert response.status_code == 403
    assert snapshot() == before


def apply(api, team, body):
    return director(api, team).post(api_url(team.project, "editorial", "retime", "apply"), body, format="json")


def durations(team) -> list[tuple]:
    return list(Shot.objects.filter(project=team.project).order_by("scene__order", "order")
                .values_list("number", "duration", "version", "order"))


def test_applying_changes_exactly_those_shots_once_each(edit, api, published):
    _, one_b, two_a = edit.shots
    proposal = propose(api, edit, retimed(exported(api, edit), **{"1B": 60, "2A": 48})).json()
    changes = [{"shot": c["shot_id"], "duration": c["new_duration_s"], "version": c["version"]}
               for c in proposal["changes"]]

    with published(edit.project) as sent:
        response = apply(api, edit, {"changes": changes})

    assert response.status_code == 200, response.json()
    assert response.json() == {"updated": [one_b.pk, two_a.pk], "reordered_scenes": []}
    assert durations(edit) == [("1A", Decimal("2.00"), 1, 0), ("1B", Decimal("2.50"), 2, 1),
                               ("2A", Decimal("2.00"), 2, 0)]
    assert [(e["type"], e["data"]["shot"]["id"], e["data"]["shot"]["duration"]) for e in sent] == [
        ("shot.updated", one_b.pk, 2.5), ("shot.updated", two_a.pk, 2.0)]


def test_a_stale_version_refuses_the_whole_apply(edit, api, snapshot, published):
    _, one_b, two_a = edit.shots
    factories.shot_services.shot_update(actor=edit.owner, shot=two_a, expected_version=1,
                                        changes={"description": "Changed meanwhile"})
    director(api, edit)
    before = snapshot()

    with published(edit.project) as sent:
        response = apply(api, edit, {"changes": [{"shot": one_b.pk, "duration": "2.50", "version": 1},
                                                 {"shot": two_a.pk, "duration": "2.00", "version": 1}]})

    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert snapshot() == before
    assert sent == []


def test_order_reorders_shots_within_their_scenes_only(edit, api, published):
    one_a, one_b, two_a = edit.shots

    with published(edit.project) as sent:
        response = apply(api, edit, {"changes": [], "order": [two_a.pk, one_b.pk, one_a.pk]})

    assert response.status_code == 200
    assert response.json() == {"updated": [], "reordered_scenes": [edit.scene.pk]}
    assert [(s.number, s.scene_id, s.order) for s in Shot.objects.order_by("scene__order", "order")] == [
        ("1B", edit.scene.pk, 0), ("1A", edit.scene.pk, 1), ("2A", edit.scene2.pk, 0)]
    assert [e["type"] for e in sent] == ["shots.reordered"]
