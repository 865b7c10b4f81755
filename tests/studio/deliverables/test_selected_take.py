"""What a shot shows, by one rule everywhere (``renders.selectors``): approved → picked → newest generated or
uploaded take → newest previz capture → its sketch; and picking a take ("Use in storyboard")."""

import pytest
from django.db import IntegrityError, transaction

from studio.renders import selectors
from studio.renders.models import Take
from studio.renders.services import takes as take_services

from .conftest import api_url, captured, uploaded


def approve(team, take):
    return take_services.take_review(actor=team.reviewer, take=take, decision="approved")


def pick(team, take):
    return take_services.take_pick(actor=team.artist, take=take)


def case_approved(team, shot):
    old = uploaded(shot)
    approve(team, old)
    newer = uploaded(shot)
    pick(team, newer)
    uploaded(shot)
    return old, "approved"


def case_picked(team, shot):
    uploaded(shot)
    chosen = uploaded(shot)
    pick(team, chosen)
    uploaded(shot)
    captured(shot)
    return chosen, "picked"


def case_newest(team, shot):
    uploaded(shot)
    newest = uploaded(shot)
    captured(shot)  # a newer capture does not count while an upload exists
    return newest, "newest"


def case_capture(team, shot):
    captured(shot)
    newest = captured(shot)
    return newest, "capture"


def case_nothing(team, shot):
    return None, "sketch"


CASES = [case_approved, case_picked, case_newest, case_capture, case_nothing]


@pytest.fixture
def shown(cut):
    """Each case on a shot of its own (three more shots in scene 2), with the take it must show and why."""
    from tests import factories

    shots = cut.shots + [factories.make_shot(cut.scene2) for _ in range(2)]
    cut.expected = {shot.pk: case(cut, shot) for case, shot in zip(CASES, shots, strict=True)}
    cut.board = shots
    return cut


def test_the_selector_gives_each_case_its_take_and_reason(shown):
    selected = selectors.selected_takes(project=shown.project)

    assert {shot: (take.pk, selectors.selected_reason(take)) for shot, take in selected.items()} == {
        shot: (take.pk, reason) for shot, (take, reason) in shown.expected.items() if take is not None}
    assert [selectors.selected_reason(selected.get(shot.pk)) for shot in shown.board] == [
        "approved", "picked", "newest", "capture", "sketch"]


def test_the_takes_api_shown_gives_the_same_takes(shown, api):
    response = api(shown.viewer).get(api_url(shown.project, "takes") + "?shown=true")

    assert response.status_code == 200
    assert sorted((take["shot"], take["id"]) for take in response.json()["results"]) == sorted(
        (shot, take.pk) for shot, (take, _) in shown.expected.items() if take is not None)


def test_the_storyboard_panels_say_what_they_show_and_why(shown, api):
    response = api(shown.viewer).get(api_url(shown.project, "storyboard"))

    assert response.status_code == 200
    assert [(panel["shot"], panel["selected"], panel["take"]) for panel in response.json()["panels"]] == [
        (shot.pk, shown.expected[shot.pk][1], getattr(shown.expected[shot.pk][0], "pk", None))
        for shot in shown.board]


def test_picking_a_take_says_so_once_with_the_exact_payload(cut, api, published):
    shot = cut.shots[0]
    first, second = uploaded(shot), uploaded(shot)

    with published(cut.project) as sent:
        response = api(cut.artist).post(api_url(cut.project, "takes", first.pk, "pick"), {}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["picked"], response.json()["version"]) == (True, 2)
    assert sent == [{
        "type": "take.picked", "project": cut.project.pk, "actor": sent[0]["actor"],
        "data": {"shot": shot.pk, "take": response.json(), "unpicked": None, "selected": first.pk,
                 "selected_reason": "picked"},
    }]
    assert sent[0]["actor"]["username"] == cut.artist.username
    assert list(Take.objects.filter(shot=shot).order_by("number").values_list("picked", "version")) == [
        (True, 2), (False, 1)]
    assert second.picked is False


def test_picking_another_take_unpicks_the_first(cut, api, published):
    shot = cut.shots[0]
    first, second = uploaded(shot), uploaded(shot)
    pick(cut, first)

    with published(cut.project) as sent:
        response = api(cut.director).post(api_url(cut.project, "takes", second.pk, "pick"), {}, format="json")

    assert response.status_code == 200
    assert [(e["type"], e["data"]["unpicked"], e["data"]["selected"]) for e in sent] == [
        ("take.picked", first.pk, second.pk)]
    assert list(Take.objects.filter(shot=shot).order_by("number").values_list("picked", "version")) == [
        (False, 3), (True, 2)]


def test_the_database_holds_one_picked_take_a_shot(cut):
    shot = cut.shots[0]
    first, second = uploaded(shot), uploaded(shot)
    pick(cut, first)

    with pytest.raises(IntegrityError), transaction.atomic():
        Take.objects.filter(pk=second.pk).update(picked=True)

    assert list(Take.objects.filter(shot=shot, picked=True).values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize("role", ["viewer", "reviewer", "writer"])
def test_only_those_who_edit_shots_pick(cut, api, snapshot, published, role):
    take = uploaded(cut.shots[0])
    client = api(cut.users[role])
    before = snapshot()

    with published(cut.project) as sent:
        response = client.post(api_url(cut.project, "takes", take.pk, "pick"), {}, format="json")

    assert response.status_code == 403
    assert snapshot() == before
    assert sent == []


def test_someone_outside_the_project_gets_404(cut, api, snapshot):
    from tests import factories

    take = uploaded(cut.shots[0])
    client = api(factories.make_user("stranger"))
    before = snapshot()

    response = client.post(api_url(cut.project, "takes", take.pk, "pick"), {}, format="json")

    assert response.status_code == 404
    assert snapshot() == before
