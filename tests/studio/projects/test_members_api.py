"""REST API of members: /api/v1/projects/<id>/members/."""

from __future__ import annotations

import pytest

from studio.projects.models import Membership
from tests import factories

LAST_OWNER = "A project needs at least one owner: make someone else owner first."
ONLY_OWNERS = "Only a project's owner may invite people, change their roles, remove them."


def ref(user, name: str, initials: str) -> dict:
    """A user as the API shows them; the colour is derived from the username, the rest is written out."""
    return {"id": user.pk, "username": user.username, "name": name, "initials": initials, "color": user.color}


def member(membership: Membership, name: str, initials: str) -> dict:
    return {"id": membership.pk, "user": ref(membership.user, name, initials), "role": membership.role}


def membership_of(team, role: str) -> Membership:
    return Membership.objects.select_related("user").get(project=team.project, user=team.users[role])


def url(team, membership: Membership | None = None) -> str:
    base = f"/api/v1/projects/{team.project.pk}/members/"
    return base if membership is None else f"{base}{membership.pk}/"


# --- List -------------------------------------------------------------------


def test_list_shows_every_member_in_the_order_they_joined(api, team):
    # given the team (owner first, then one of every other role, invited in table order)
    memberships = {role: membership_of(team, role) for role in team.users}

    # when the viewer lists the members
    response = api(team.viewer).get(url(team))

    # then each is there with their user and role, in join order
    assert response.status_code == 200
    assert response.json() == {
        "count": 6, "next": None, "previous": None,
        "results": [
            member(memberships["owner"], "Olive_Owner", "OO"),
            member(memberships["director"], "Director_Member", "DM"),
            member(memberships["writer"], "Writer_Member", "WM"),
            member(memberships["artist"], "Artist_Member", "AM"),
            member(memberships["reviewer"], "Reviewer_Member", "RM"),
            member(memberships["viewer"], "Viewer_Member", "VM"),
        ],
    }
    assert [m["role"] for m in response.json()["results"]] == [
        "owner", "director", "writer", "artist", "reviewer", "viewer"
    ]


def test_member_detail(api, team):
    writer = membership_of(team, "writer")

    response = api(team.artist).get(url(team, writer))

    assert response.status_code == 200
    assert response.json() == member(writer, "Writer_Member", "WM")


def test_a_membership_of_another_project_is_not_found_here(api, team):
    # given a membership on another project
    other = factories.make_project(title="Elsewhere")
    stranger = factories.add_member(other, "viewer")
    foreign = Membership.objects.get(project=other, user=stranger)

    # when the owner of this project addresses it through this project
    client = api(team.owner)
    got = client.get(url(team, foreign))
    patched = client.patch(url(team, foreign), {"role": "director"}, format="json")
    deleted = client.delete(url(team, foreign))

    # then it does not exist here, and it is untouched
    assert (got.status_code, patched.status_code, deleted.status_code) == (404, 404, 404)
    assert Membership.objects.get(pk=foreign.pk).role == "viewer"


# --- Invite -----------------------------------------------------------------


def test_owner_invites_a_user_by_username_with_a_role(api, team):
    # given a user who is on no project
    nora = factories.make_user("nora", display_name="Nora Berg")

    # when the owner invites her as an artist
    response = api(team.owner).post(url(team), {"username": "nora", "role": "artist"}, format="json")

    # then she is a member, invited by the owner
    membership = Membership.objects.get(project=team.project, user=nora)
    assert response.status_code == 201
    assert response.json() == {"id": membership.pk, "user": ref(nora, "Nora Berg", "NB"), "role": "artist"}
    assert (membership.role, membership.invited_by) == ("artist", team.owner)
    # and she now sees the project in her list with that role
    listed = api(nora).get("/api/v1/projects/").json()["results"]
    assert [(p["id"], p["role"]) for p in listed] == [(team.project.pk, "artist")]


@pytest.mark.parametrize("typed", ["NORA", "Nora", "  nora  "])
def test_invite_finds_the_username_whatever_its_case_and_spaces(typed, api, team):
    nora = factories.make_user("nora", display_name="Nora Berg")

    response = api(team.owner).post(url(team), {"username": typed, "role": "reviewer"}, format="json")

    assert response.status_code == 201
    assert response.json()["user"] == ref(nora, "Nora Berg", "NB")
    assert Membership.objects.get(project=team.project, user=nora).role == "reviewer"


def test_invite_of_an_unknown_username_is_refused_by_name(api, team, snapshot):
    client = api(team.owner)
    before = snapshot()

    response = client.post(url(team), {"username": "x", "role": "viewer"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["No user is called 'x'."]}
    assert snapshot() == before


def test_invite_of_a_deactivated_user_is_refused_as_unknown(api, team, snapshot):
    factories.make_user("gone", is_active=False)
    client = api(team.owner)
    before = snapshot()

    response = client.post(url(team), {"username": "gone", "role": "viewer"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["No user is called 'gone'."]}
    assert snapshot() == before


def test_invite_of_someone_already_on_the_project_is_refused(api, team, snapshot):
    client = api(team.owner)
    before = snapshot()

    response = client.post(url(team), {"username": "WRITER_member", "role": "director"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["Writer_Member is already on this project."]}
    assert snapshot() == before


@pytest.mark.parametrize(("sent", "errors"), [
    ({"username": "nora", "role": "boss"}, {"role": ['"boss" is not a valid choice.']}),
    ({"username": "nora", "role": "Owner"}, {"role": ['"Owner" is not a valid choice.']}),
    ({"username": "nora"}, {"role": ["This field is required."]}),
    ({"role": "viewer"}, {"username": ["This field is required."]}),
    ({"username": "", "role": "viewer"}, {"username": ["This field may not be blank."]}),
])
def test_invite_with_invalid_input_is_refused(sent, errors, api, team, snapshot):
    factories.make_user("nora")
    client = api(team.owner)
    before = snapshot()

    response = client.post(url(team), sent, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_a_director_cannot_invite(api, team, snapshot):
    factories.make_user("nora")
    client = api(team.director)
    before = snapshot()

    response = client.post(url(team), {"username": "nora", "role": "viewer"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": ONLY_OWNERS}
    assert snapshot() == before


# --- Role changes --------------------------------------------------------------


def test_owner_changes_a_members_role(api, team):
    writer = membership_of(team, "writer")

    response = api(team.owner).patch(url(team, writer), {"role": "director"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"id": writer.pk, "user": ref(team.writer, "Writer_Member", "WM"), "role": "director"}
    assert Membership.objects.get(pk=writer.pk).role == "director"
    # and the new role takes effect at once
    detail = api(team.writer).get(f"/api/v1/projects/{team.project.pk}/").json()
    assert (detail["role"], "edit_project" in detail["capabilities"]) == ("director", True)


def test_setting_the_same_role_again_changes_nothing(api, team, snapshot):
    viewer = membership_of(team, "viewer")
    client = api(team.owner)
    before = snapshot()

    response = client.patch(url(team, viewer), {"role": "viewer"}, format="json")

    assert response.status_code == 200
    assert response.json() == member(viewer, "Viewer_Member", "VM")
    assert snapshot() == before


def test_a_role_change_to_an_invalid_role_is_refused(api, team, snapshot):
    viewer = membership_of(team, "viewer")
    client = api(team.owner)
    before = snapshot()

    response = client.patch(url(team, viewer), {"role": "superuser"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"role": ['"superuser" is not a valid choice.']}
    assert snapshot() == before


def test_the_last_owner_cannot_be_demoted(api, team, snapshot):
    # given a project with one owner
    owner = membership_of(team, "owner")
    client = api(team.owner)
    before = snapshot()

    # when the owner tries to make himself a director
    response = client.patch(url(team, owner), {"role": "director"}, format="json")

    # then it conflicts with the rule and nothing changed
    assert response.status_code == 409
    assert response.json() == {"detail": LAST_OWNER}
    assert snapshot() == before


def test_with_two_owners_one_can_be_demoted_but_then_not_the_other(api, team):
    # given the director is promoted to owner
    director = membership_of(team, "director")
    owner = membership_of(team, "owner")
    client = api(team.owner)
    assert client.patch(url(team, director), {"role": "owner"}, format="json").status_code == 200

    # when the first owner steps down to director
    response = client.patch(url(team, owner), {"role": "director"}, format="json")

    # then he is a director and the former director the only owner
    assert response.status_code == 200
    assert response.json() == member(Membership.objects.get(pk=owner.pk), "Olive_Owner", "OO")
    assert response.json()["role"] == "director"
    assert list(Membership.objects.filter(project=team.project, role="owner").values_list("user_id", flat=True)) == [
        team.director.pk
    ]
    # and the new sole owner cannot step down in turn
    refused = api(team.director).patch(url(team, director), {"role": "viewer"}, format="json")
    assert refused.status_code == 409
    assert refused.json() == {"detail": LAST_OWNER}
    assert Membership.objects.get(pk=director.pk).role == "owner"


def test_a_non_owner_cannot_change_their_own_role(api, team, snapshot):
    viewer = membership_of(team, "viewer")
    client = api(team.viewer)
    before = snapshot()

    response = client.patch(url(team, viewer), {"role": "owner"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": ONLY_OWNERS}
    assert snapshot() == before


# --- Removal -------------------------------------------------------------------


def test_owner_removes_a_member(api, team):
    artist = membership_of(team, "artist")

    response = api(team.owner).delete(url(team, artist))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=artist.pk).exists()
    assert Membership.objects.filter(project=team.project).count() == 5
    # and the removed artist no longer sees the project at all
    assert api(team.artist).get(f"/api/v1/projects/{team.project.pk}/").status_code == 404


def test_the_last_owner_cannot_be_removed_even_by_themself(api, team, snapshot):
    owner = membership_of(team, "owner")
    client = api(team.owner)
    before = snapshot()

    response = client.delete(url(team, owner))

    assert response.status_code == 409
    assert response.json() == {"detail": LAST_OWNER}
    assert snapshot() == before


def test_one_of_two_owners_may_leave(api, team):
    director = membership_of(team, "director")
    owner = membership_of(team, "owner")
    client = api(team.owner)
    client.patch(url(team, director), {"role": "owner"}, format="json")

    response = client.delete(url(team, owner))

    assert response.status_code == 204
    assert list(Membership.objects.filter(project=team.project, role="owner").values_list("user_id", flat=True)) == [
        team.director.pk
    ]


@pytest.mark.parametrize("role", ["director", "writer", "artist", "reviewer", "viewer"])
def test_a_non_owner_may_leave(role, api, team):
    mine = membership_of(team, role)

    response = api(team.users[role]).delete(url(team, mine))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert Membership.objects.filter(project=team.project).count() == 5


@pytest.mark.parametrize("role", ["director", "writer", "artist", "reviewer", "viewer"])
def test_a_non_owner_may_not_remove_someone_else(role, api, team, snapshot):
    target = membership_of(team, "artist" if role != "artist" else "writer")
    client = api(team.users[role])
    before = snapshot()

    response = client.delete(url(team, target))

    assert response.status_code == 403
    assert response.json() == {"detail": ONLY_OWNERS}
    assert snapshot() == before


def test_removed_then_invited_again_gives_a_fresh_membership(api, team):
    # given the artist was removed
    old = membership_of(team, "artist")
    client = api(team.owner)
    assert client.delete(url(team, old)).status_code == 204

    # when the owner invites them again, as a reviewer this time
    response = client.post(url(team), {"username": "artist_member", "role": "reviewer"}, format="json")

    # then they are back with the new role, last in the list
    assert response.status_code == 201
    again = Membership.objects.get(project=team.project, user=team.artist)
    assert again.pk != old.pk
    assert response.json() == {"id": again.pk, "user": ref(team.artist, "Artist_Member", "AM"), "role": "reviewer"}
    listed = client.get(url(team)).json()["results"]
    assert [m["user"]["username"] for m in listed][-1] == "artist_member"
    assert api(team.artist).get(f"/api/v1/projects/{team.project.pk}/").json()["role"] == "reviewer"


def test_a_member_who_left_cannot_leave_again(api, team):
    viewer = membership_of(team, "viewer")
    client = api(team.viewer)
    assert client.delete(url(team, viewer)).status_code == 204

    response = client.delete(url(team, viewer))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
