"""The storyboard: every shot in board order with what it shows, its camera, action, dialogue (with speakers) and
where it starts in the cut, in frames at the project's rate; read in the same number of queries for any board."""

from decimal import Decimal

import pytest

from studio.projects import services as project_services
from tests import factories

from .conftest import api_url, uploaded


def panel(shot, **fields) -> dict:
    return {
        "shot": shot.pk, "version": 1, "scene": shot.scene_id, "angle": "Eye level", "movement": "Static",
        "notes": "", "status": "draft", "action": "", "lines": [], "speech_s": 0.0, "dialogue_too_long": False,
        "characters": [], "selected": "sketch",
        "take": None, "take_number": None, "kind": None, "url": None, "thumbnail_url": None, **fields,
    }


def test_the_storyboard_of_two_scenes_and_three_shots(cut, api):
    take = uploaded(cut.shots[1])
    p = cut.project.pk

    response = api(cut.viewer).get(api_url(cut.project, "storyboard"))

    assert response.status_code == 200
    one_a, one_b, two_a = cut.shots
    assert response.json() == {
        "project": p, "title": "Team Project", "scene": None, "aspect": 2.39, "fps": {"num": 24, "den": 1},
        "frames": 180, "seconds": 7.5, "panels": [
            panel(one_a, number="1A", scene_number=1, scene_heading="INT. LAMP ROOM - NIGHT", size="MS",
                  size_label="Medium shot", lens_mm=35, camera="MS · eye level · static · 35 mm", duration="2.00",
                  frames=48, start=0, timecode="00:00:00:00", action="Elin climbs the stairs.",
                  lines=[{"speaker": "ELIN", "text": "Nobody swims here."},
                         {"speaker": "ELIN", "text": "Not at night."}], characters=["Elin"],
                  # six words at 175 a minute and a 0.2 s pause: 2.26 s, longer than the 2 s shot
                  speech_s=2.26, dialogue_too_long=True),
            panel(one_b, number="1B", scene_number=1, scene_heading="INT. LAMP ROOM - NIGHT", size="CU",
                  size_label="Close-up", lens_mm=85, camera="CU · eye level · static · 85 mm", duration="1.50",
                  frames=36, start=48, timecode="00:00:02:00", selected="newest", take=take.pk, take_number=1,
                  kind="image", url=f"/projects/{p}/media/takes/{take.pk}/",
                  thumbnail_url=f"/projects/{p}/media/takes/{take.pk}/thumb/"),
            panel(two_a, number="2A", scene_number=2, scene_heading="EXT. JETTY - DAY", size="LS",
                  size_label="Long shot", lens_mm=35, camera="LS · eye level · static · 35 mm", duration="4.00",
                  frames=96, start=84, timecode="00:00:03:12"),
        ],
    }


def test_one_scene_only_keeps_its_place_in_the_script(cut, api):
    response = api(cut.viewer).get(api_url(cut.project, "storyboard") + f"?scene={cut.scene2.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["scene"], body["frames"]) == (cut.scene2.pk, 96)
    assert [(p["number"], p["scene_number"], p["start"], p["timecode"]) for p in body["panels"]] == [
        ("2A", 2, 0, "00:00:00:00")]


def test_frames_at_23_976_are_counted_at_the_exact_rate(cut, api):
    project_services.project_update(actor=cut.owner, project=cut.project, changes={"frame_rate": Decimal("23.976")})
    factories.make_shot(cut.scene2, duration=Decimal("30"))
    factories.make_shot(cut.scene2, duration=Decimal("1"))

    response = api(cut.viewer).get(api_url(cut.project, "storyboard"))

    body = response.json()
    # 2 s, 1.5 s, 4 s, 30 s, 1 s at 24000/1001 fps, each rounded: 47.95 → 48, 35.96 → 36, 95.90 → 96,
    # 719.28 → 719, 23.98 → 24; timecode counts 24 frames a second
    assert (body["fps"], body["frames"], body["seconds"]) == ({"num": 24000, "den": 1001}, 923, 38.497)
    assert [(p["frames"], p["start"], p["timecode"]) for p in body["panels"]] == [
        (48, 0, "00:00:00:00"), (36, 48, "00:00:02:00"), (96, 84, "00:00:03:12"), (719, 180, "00:00:07:12"),
        (24, 899, "00:00:37:11")]


def test_who_is_not_a_member_gets_404(cut, api):
    response = api(factories.make_user("stranger")).get(api_url(cut.project, "storyboard"))

    assert response.status_code == 404


def test_a_scene_that_is_not_a_number_is_refused(cut, api):
    response = api(cut.viewer).get(api_url(cut.project, "storyboard") + "?scene=first")

    assert response.status_code == 400
    assert response.json() == {"scene": ["A scene is named by its id, a whole number."]}


def board_of(team, shots: int):
    project = team.project
    scenes = [factories.make_scene(project, location=f"Room {n}") for n in range(3)]
    elin = factories.make_character(project, name="Elin", aliases=["EL"])
    made = [factories.make_shot(scenes[n % 3], dialogue="ELIN: Hello.\nEL: Again.", characters=[elin.pk])
            for n in range(shots)]
    for shot in made[::2]:
        uploaded(shot)
    return made


@pytest.mark.parametrize("shots", [3, 30])
def test_the_storyboard_takes_the_same_queries_for_3_and_30_shots(team, api, django_assert_num_queries, shots):
    board_of(team, shots)
    client = api(team.viewer)
    url = api_url(team.project, "storyboard")
    client.get(url)  # the session and the user are read once; what follows counts the storyboard

    # the session, the user, the project and role, the shots, their characters, the scenes' places, the
    # selected takes, the cast, the script's last revision
    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.json()["panels"]) == shots
