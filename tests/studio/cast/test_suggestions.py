"""Characters suggested by the script's cues: confirmed into the cast, or dismissed for good."""

from __future__ import annotations

import pytest
from django.test import Client

from studio.cast.models import Character, DismissedCue
from studio.screenplay import services as script_services
from tests import factories


@pytest.fixture
def tomas(team):
    script_services.script_update(actor=team.owner, script=team.project.scripts.get(),
                                  changes={"fountain": "INT. BOAT - DAY\n\nTOMAS (O.S.)\nAhoy.\n"})
    return Character.objects.get(project=team.project, suggested=True)


def url(team, character, what):
    return f"/api/v1/projects/{team.project.pk}/characters/{character.pk}/{what}/"


def test_a_cue_suggests_a_character_named_as_written(tomas):
    assert (tomas.name, tomas.suggested, tomas.version) == ("Tomas", True, 1)


def test_a_cue_of_several_words_is_title_cased_with_its_small_words_kept_low(team):
    # when the script has cues of several words
    script_services.script_update(actor=team.owner, script=team.project.scripts.get(), changes={
        "fountain": "INT. BOAT - DAY\n\nWOMAN IN GREY\nAhoy.\n\nTHE MAN OF THE SEA\nAye.\n\nO'BRIEN\nNo.\n"})

    # then they are suggested with their small words in lower case
    assert sorted(Character.objects.filter(project=team.project, suggested=True).values_list("name", flat=True)) == [
        "O'Brien", "The Man of the Sea", "Woman in Grey"]


def test_confirming_a_suggestion_makes_it_one_of_the_cast(team, api, tomas):
    response = api(team.writer).post(url(team, tomas, "confirm"))

    assert response.status_code == 200
    assert (response.json()["suggested"], response.json()["version"]) == (False, 2)
    tomas.refresh_from_db()
    assert tomas.suggested is False


def test_editing_a_suggestion_confirms_it(team, api, tomas):
    response = api(team.artist).patch(f"/api/v1/projects/{team.project.pk}/characters/{tomas.pk}/",
                                      {"appearance_prompt": "red beard"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    assert (response.json()["suggested"], response.json()["appearance_prompt"]) == (False, "red beard")


def test_dismissing_a_suggestion_removes_it_and_its_cue_is_not_suggested_again(team, api, tomas):
    response = api(team.writer).post(url(team, tomas, "dismiss"))
    script_services.script_update(actor=team.owner, script=team.project.scripts.get(),
                                  changes={"fountain": "INT. BOAT - DAY\n\nTOMAS\nAhoy again.\n"})

    assert response.status_code == 204
    assert not Character.objects.filter(project=team.project).exists()
    assert list(DismissedCue.objects.filter(project=team.project).values_list("name", flat=True)) == ["TOMAS"]


def test_a_character_of_the_cast_cannot_be_dismissed(team, api, snapshot):
    elin = factories.make_character(team.project, name="Elin")
    client = api(team.writer)
    before = snapshot()

    response = client.post(url(team, elin, "dismiss"))

    assert response.status_code == 409
    assert response.json() == {"detail": "Elin is in the cast; remove them from the cast instead."}
    assert snapshot() == before


def test_the_cast_page_lists_suggestions_apart_with_their_two_answers(team, tomas):
    client = Client()
    client.force_login(team.writer)

    page = client.get(f"/projects/{team.project.pk}/cast/").content.decode()
    confirmed = client.post(f"/projects/{team.project.pk}/cast/{tomas.pk}/suggestion/", {"action": "confirm"})

    assert 'data-suggested="Tomas"' in page
    assert 'name="action" value="confirm"' in page
    assert 'name="action" value="dismiss"' in page
    assert confirmed.status_code == 302
    assert Character.objects.get(pk=tomas.pk).suggested is False


def test_a_reviewer_sees_suggestions_but_cannot_answer_them(team, tomas, snapshot):
    client = Client()
    client.force_login(team.reviewer)
    before = snapshot()

    page = client.get(f"/projects/{team.project.pk}/cast/").content.decode()
    refused = client.post(f"/projects/{team.project.pk}/cast/{tomas.pk}/suggestion/", {"action": "dismiss"})

    assert 'data-suggested="Tomas"' in page
    assert 'value="dismiss"' not in page
    assert refused.status_code == 403
    assert snapshot() == before
