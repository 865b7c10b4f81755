"""The project pages: the list, a new project, the overview with its settings, deletion and the team."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.projects.models import Membership, Project
from studio.screenplay.models import Script
from tests import factories

LAST_OWNER = "A project needs at least one owner: make someone else owner first."
ONLY_OWNERS = "Only a project's owner may invite people, change their roles, remove them."


def overview(team) -> str:
    return f"/projects/{team.project.pk}/"


def settings_data(**changes) -> dict:
    data = {"title": "Team Project", "logline": "", "format": "short", "aspect_ratio": "2.39",
            "frame_rate": "24.000", "style_prompt": ""}
    return {**data, **changes}


def membership_of(team, role: str) -> Membership:
    return Membership.objects.get(project=team.project, user=team.users[role])


# --- Project list ------------------------------------------------------------------


def test_project_list_shows_only_my_projects_each_with_my_role(browser, html, db):
    # given June owns one project, directs another and is not on a third
    june = factories.make_user("june")
    mine = factories.make_project(owner=june, title="Mine", frame_rate=Decimal("30"))
    directed = factories.make_project(title="Directed", logline="A storm.", format="feature")
    factories.add_member(directed, "director", june)
    factories.make_shot(factories.make_scene(directed))
    factories.make_project(title="Not mine")

    # when she opens her projects
    response = browser(june).get("/")

    # then she sees her two, most recently changed first, with her role on each
    assert response.status_code == 200
    cards = html(response).find_all("a", cls="project-card")
    assert [card.attrs["data-project"] for card in cards] == [str(directed.pk), str(mine.pk)]
    assert [card.one("h3").text for card in cards] == ["Directed", "Mine"]
    assert [card.attrs["href"] for card in cards] == [f"/projects/{directed.pk}/board/", f"/projects/{mine.pk}/board/"]
    assert [(p.attrs["class"], p.text) for card in cards for p in card.find_all("span", cls="pill")
            if "plain" not in p.classes()] == [("pill role-director", "Director"), ("pill role-owner", "Owner")]
    # and what each is, in numbers
    assert [card.one("div", cls="logline").text for card in cards] == ["A storm.", "No logline yet."]
    assert [card.one("span", cls="ratio").text for card in cards] == ["2.39:1 · 24 fps", "2.39:1 · 30 fps"]
    assert [card.one("span", cls="format").text for card in cards] == ["Feature film", "Short film"]
    assert [[span.text for span in card.one("div", cls="meta").find_all("span")] for card in cards] == [
        ["1 scene", "1 shot", "0 characters", "2 people"], ["0 scenes", "0 shots", "0 characters", "1 person"],
    ]


def test_project_list_without_projects_offers_to_start_one(browser, html, db):
    page = html(browser(factories.make_user()).get("/"))

    assert page.find_all("a", cls="project-card") == []
    assert page.one("a", cls="new-card").attrs["href"] == "/projects/new/"


def test_project_list_takes_the_same_queries_however_many_projects(browser, db, django_assert_num_queries):
    june = factories.make_user("june")
    factories.make_project(owner=june)
    client = browser(june)
    with django_assert_num_queries(3) as one:  # session, user, projects with their counts
        client.get("/")

    for _ in range(4):
        factories.add_member(factories.make_project(), "artist", june)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/")
    assert response.content.decode().count('class="project-card"') == 5


# --- New project ---------------------------------------------------------------------


def test_new_project_page_starts_at_24_fps_scope_short(browser, html, db):
    response = browser(factories.make_user()).get("/projects/new/")

    assert response.status_code == 200
    form = html(response).one("form", cls="card stack")
    values = form.values()
    del values["csrfmiddlewaretoken"]
    assert values == {"title": "", "logline": "", "format": "short", "aspect_ratio": "2.39",
                      "frame_rate": "24.000", "style_prompt": ""}


def test_new_project_page_creates_the_project_and_opens_it(browser, toasts, db):
    # given a logged-in user
    ravi = factories.make_user("ravi")
    client = browser(ravi)

    # when he fills in the form
    response = client.post("/projects/new/", {
        "title": "  Harbour  ", "logline": "Boats.", "format": "episode", "aspect_ratio": "1.78",
        "frame_rate": "23.976", "style_prompt": "Noir",
    })

    # then the project exists with him as owner and its script, and he lands on its overview
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.pk}/"
    assert (project.title, project.logline, project.format, project.aspect_ratio, project.frame_rate,
            project.style_prompt) == ("Harbour", "Boats.", "episode", "1.78", Decimal("23.976"), "Noir")
    assert list(Membership.objects.values_list("user_id", "role")) == [(ravi.pk, "owner")]
    assert list(Script.objects.values_list("project_id", "title")) == [(project.pk, "Harbour")]
    assert toasts(client.get(response.headers["Location"])) == [("success", "Harbour is ready. Invite your team.")]


@pytest.mark.parametrize(("data", "errors"), [
    ({"title": ""}, {"title": "This field is required.", "format": "This field is required.",
                     "aspect_ratio": "This field is required.", "frame_rate": "This field is required."}),
    (settings_data(title="   "), {"title": "This field is required."}),
    (settings_data(frame_rate="23"), {"frame_rate": "Select a valid choice. 23 is not one of the available choices."}),
    (settings_data(format="opera"),
     {"format": "Select a valid choice. opera is not one of the available choices."}),
])
def test_new_project_with_errors_is_shown_again_with_400_and_creates_nothing(data, errors, browser, html, db,
                                                                              snapshot):
    client = browser(factories.make_user())
    before = snapshot()

    response = client.post("/projects/new/", data)

    assert response.status_code == 400
    page = html(response)
    assert {ul.attrs["id"].removeprefix("id_").removesuffix("_error"): ul.text
            for ul in page.find_all("ul", cls="errorlist")} == errors
    assert snapshot() == before


# --- Overview --------------------------------------------------------------------


def test_overview_shows_the_project_and_its_team_in_join_order(browser, html, team):
    scene = factories.make_scene(team.project)
    factories.make_shot(scene, duration=Decimal("4"))
    factories.make_shot(scene, duration=Decimal("2.25"), status="approved")

    response = browser(team.writer).get(overview(team))

    assert response.status_code == 200
    page = html(response)
    assert page.one("h1").text == "Team Project"
    assert page.one("div", cls="eyebrow").text == "Short film · 2.39:1 · 24 fps"
    assert [(s.one("div", cls="k").text, s.one("div", cls="n").text) for s in page.find_all("div", cls="stat")] == [
        ("Scenes", "1"), ("Shots", "2"), ("Approved", "1"), ("Characters", "0"), ("Running time", "6s"),
    ]
    rows = page.find_all("div", cls="member-row")
    assert [row.attrs["data-member"] for row in rows] == [
        "olive_owner", "director_member", "writer_member", "artist_member", "reviewer_member", "viewer_member",
    ]
    assert [row.one("span", cls="pill").text for row in rows] == [
        "Owner", "Director", "Writer", "Artist", "Reviewer", "Viewer",
    ]
    assert rows[2].one("div", cls="name").text == "Writer_Member (you)"
    assert rows[0].one("div", cls="name").text == "Olive_Owner"
    you = [p for p in page.find_all("span", cls="pill") if p.text.startswith("You: ")]
    assert [p.text for p in you] == ["You: Writer"]


def test_owner_sees_the_invite_form_and_a_role_select_per_member(browser, html, team):
    response = browser(team.owner).get(overview(team))

    page = html(response)
    invite = page.one("form", action=f"/projects/{team.project.pk}/members/")
    assert invite.values() == {"csrfmiddlewaretoken": invite.one("input", type="hidden").attrs["value"],
                               "username": "", "role": "artist"}
    selects = page.find_all("select", name="role")
    assert len(selects) == 7  # one per member and the invite's
    viewer_form = page.one("form", action=f"/projects/{team.project.pk}/members/{membership_of(team, 'viewer').pk}/")
    assert viewer_form.values()["role"] == "viewer"
    assert viewer_form.one("button", name="action").attrs["value"] == "remove"
    # and the danger zone to delete the project
    assert page.one("form", action=f"/projects/{team.project.pk}/delete/").one("input", name="confirm_title")


@pytest.mark.parametrize("role", ["director", "writer", "artist", "reviewer", "viewer"])
def test_non_owners_see_no_invite_form_no_role_selects_and_no_delete(role, browser, html, team):
    response = browser(team.users[role]).get(overview(team))

    assert response.status_code == 200
    page = html(response)
    assert page.find_all("form", action=f"/projects/{team.project.pk}/members/") == []
    assert page.find_all("form", action=f"/projects/{team.project.pk}/delete/") == []
    assert page.find_all("select", name="role") == []
    # only their own row offers to leave
    mine = f"/projects/{team.project.pk}/members/{membership_of(team, role).pk}/"
    leave_forms = [f for f in page.find_all("form") if f.attrs.get("action", "").startswith(
        f"/projects/{team.project.pk}/members/")]
    assert [f.attrs["action"] for f in leave_forms] == [mine]
    assert leave_forms[0].one("button").text == "Leave"


@pytest.mark.parametrize(("role", "editable"), [
    ("owner", True), ("director", True), ("writer", False), ("artist", False), ("reviewer", False),
    ("viewer", False),
])
def test_settings_form_is_disabled_for_those_who_cannot_edit_the_project(role, editable, browser, html, team):
    page = html(browser(team.users[role]).get(overview(team)))

    form = page.one("form", action=f"/projects/{team.project.pk}/settings/")
    assert form.one("fieldset").has("disabled") is not editable
    assert [b.text for b in form.find_all("button", type="submit")] == (["Save settings"] if editable else [])
    notes = [s.text for s in page.find_all("span", cls="faint small") if s.text.startswith("Owners")]
    assert notes == ([] if editable else ["Owners and directors change these."])


@pytest.mark.parametrize(("rate", "value", "label"), [
    ("24", "24.000", "24 fps"), ("23.976", "23.976", "23.976 fps"), ("25", "25.000", "25 fps"),
    ("29.97", "29.970", "29.97 fps"), ("30", "30.000", "30 fps"), ("60", "60.000", "60 fps"),
])
def test_frame_rate_select_has_the_projects_rate_selected(rate, value, label, browser, html, db):
    # given a project at a frame rate (24 once showed as 23.976, 30 as 3E+1)
    owner = factories.make_user()
    project = factories.make_project(owner=owner, title="Rates", frame_rate=Decimal(rate))

    # when its overview is opened
    page = html(browser(owner).get(f"/projects/{project.pk}/"))

    # then that rate, and only it, is selected, with a readable label
    select = page.one("select", name="frame_rate")
    selected = [o for o in select.find_all("option") if o.has("selected")]
    assert [(o.attrs["value"], o.text) for o in selected] == [(value, label)]
    assert page.one("div", cls="eyebrow").text == f"Short film · 2.39:1 · {label}"


def test_frame_rate_options_are_every_standard_rate(browser, html, team):
    select = html(browser(team.owner).get(overview(team))).one("select", name="frame_rate")

    assert [(o.attrs["value"], o.text) for o in select.find_all("option")] == [
        ("23.976", "23.976 fps"), ("24.000", "24 fps"), ("25.000", "25 fps"), ("29.970", "29.97 fps"),
        ("30.000", "30 fps"), ("48.000", "48 fps"), ("50.000", "50 fps"), ("59.940", "59.94 fps"),
        ("60.000", "60 fps"),
    ]


# --- Settings ----------------------------------------------------------------------


def test_saving_the_overview_form_unchanged_changes_nothing(browser, html, team, snapshot):
    # given the settings form as the page renders it
    client = browser(team.owner)
    form = html(client.get(overview(team))).one("form", action=f"/projects/{team.project.pk}/settings/")
    before = snapshot()

    # when it is sent back as is
    response = client.post(form.attrs["action"], form.values())

    # then it is saved (a redirect) and nothing changed: the rate round-trips exactly
    assert response.status_code == 302
    assert snapshot() == before


def test_director_saves_the_settings(browser, toasts, team):
    client = browser(team.director)

    response = client.post(f"/projects/{team.project.pk}/settings/", settings_data(
        title=" Renamed ", logline="New logline", format="feature", aspect_ratio="1.85", frame_rate="25.000",
        style_prompt="Pastel",
    ))

    assert response.status_code == 302
    assert response.headers["Location"] == overview(team)
    project = Project.objects.get(pk=team.project.pk)
    assert (project.title, project.logline, project.format, project.aspect_ratio, project.frame_rate,
            project.style_prompt) == ("Renamed", "New logline", "feature", "1.85", Decimal("25.000"), "Pastel")
    assert toasts(client.get(overview(team))) == [("success", "Project settings saved.")]


@pytest.mark.parametrize("role", ["writer", "artist", "reviewer", "viewer"])
def test_settings_post_by_someone_who_cannot_edit_is_403_and_changes_nothing(role, browser, html, team, snapshot):
    client = browser(team.users[role])
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/settings/", settings_data(title="Hijacked"))

    assert response.status_code == 403
    page = html(response)
    assert page.one("h1").text == "Your role can't do that"
    assert page.one("p", cls="muted").text == (
        "Only a project's owner or director may change the project's title, logline, format and look."
    )
    assert snapshot() == before


def test_invalid_settings_are_shown_again_with_400_and_change_nothing(browser, html, team, snapshot):
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/settings/", settings_data(title="", logline="Kept"))

    assert response.status_code == 400
    page = html(response)
    form = page.one("form", action=f"/projects/{team.project.pk}/settings/")
    assert form.one("ul", cls="errorlist").text == "This field is required."
    assert form.values()["logline"] == "Kept"  # what was typed is still there
    assert page.one("h1").text == "Team Project"  # the page itself shows the saved title
    assert snapshot() == before


# --- Delete ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "team project", "Team", "Team Project!"])
def test_delete_without_the_exact_title_deletes_nothing(typed, browser, toasts, team, snapshot):
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/delete/", {"confirm_title": typed}, follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("error", "Type the project's title exactly to delete it.")]
    assert snapshot() == before


def test_delete_with_the_exact_title_deletes_the_project(browser, toasts, team):
    factories.make_shot(factories.make_scene(team.project))
    client = browser(team.owner)

    response = client.post(f"/projects/{team.project.pk}/delete/", {"confirm_title": " Team Project "}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert toasts(response) == [("success", "Team Project was deleted.")]
    assert not Project.objects.filter(pk=team.project.pk).exists()
    assert Membership.objects.count() == 0


def test_delete_by_a_director_is_403_and_changes_nothing(browser, team, snapshot):
    client = browser(team.director)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/delete/", {"confirm_title": "Team Project"})

    assert response.status_code == 403
    assert snapshot() == before


# --- Team, through the page forms -------------------------------------------------------


def test_owner_invites_through_the_page(browser, toasts, team):
    nora = factories.make_user("nora", display_name="Nora Berg")
    client = browser(team.owner)

    response = client.post(f"/projects/{team.project.pk}/members/", {"username": "NORA", "role": "artist"},
                           follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("success", "Nora Berg joined as artist.")]
    membership = Membership.objects.get(project=team.project, user=nora)
    assert (membership.role, membership.invited_by) == ("artist", team.owner)


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "ghost", "role": "viewer"}, "No user is called 'ghost'."),
    ({"username": "viewer_member", "role": "viewer"}, "Viewer_Member is already on this project."),
    ({"username": "", "role": "viewer"}, "Give a username and a role to invite someone."),
    ({"username": "nora", "role": "boss"}, "Give a username and a role to invite someone."),
])
def test_a_refused_invitation_says_why_and_changes_nothing(data, message, browser, toasts, team, snapshot):
    factories.make_user("nora")
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/", data, follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("error", message)]
    assert snapshot() == before


def test_owner_changes_a_role_through_the_page(browser, toasts, team):
    writer = membership_of(team, "writer")
    client = browser(team.owner)

    response = client.post(f"/projects/{team.project.pk}/members/{writer.pk}/", {"role": "director"}, follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("success", "Writer_Member is now director.")]
    assert Membership.objects.get(pk=writer.pk).role == "director"


def test_an_invalid_role_through_the_page_changes_nothing(browser, toasts, team, snapshot):
    writer = membership_of(team, "writer")
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/{writer.pk}/", {"role": "tyrant"}, follow=True)

    assert toasts(response) == [("error", "Choose a role.")]
    assert snapshot() == before


def test_owner_removes_a_member_through_the_page(browser, toasts, team):
    artist = membership_of(team, "artist")
    client = browser(team.owner)

    response = client.post(f"/projects/{team.project.pk}/members/{artist.pk}/", {"action": "remove"}, follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("success", "Artist_Member was removed from the project.")]
    assert not Membership.objects.filter(pk=artist.pk).exists()
    page = response.content.decode()
    assert 'data-member="artist_member"' not in page


@pytest.mark.parametrize("data", [{"role": "director"}, {"action": "remove"}], ids=["demote", "remove"])
def test_the_last_owner_is_protected_on_the_page_too(data, browser, toasts, team, snapshot):
    owner = membership_of(team, "owner")
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/{owner.pk}/", data, follow=True)

    assert response.redirect_chain == [(overview(team), 302)]
    assert toasts(response) == [("error", LAST_OWNER)]
    assert snapshot() == before


@pytest.mark.parametrize(("target", "data"), [
    ("writer", {"role": "director"}),
    ("writer", {"action": "remove"}),
    ("viewer", {"role": "owner"}),
    ("owner", {"role": "viewer"}),
], ids=["promote other", "remove other", "promote self", "demote owner"])
def test_a_viewer_cannot_change_the_team_through_the_page(target, data, browser, html, team, snapshot):
    membership = membership_of(team, target)
    client = browser(team.viewer)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/{membership.pk}/", data)

    assert response.status_code == 403
    assert html(response).one("p", cls="muted").text == ONLY_OWNERS
    assert snapshot() == before


def test_a_viewer_cannot_invite_through_the_page(browser, team, snapshot):
    factories.make_user("nora")
    client = browser(team.viewer)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/", {"username": "nora", "role": "owner"})

    assert response.status_code == 403
    assert snapshot() == before


def test_a_viewer_leaves_through_the_page(browser, toasts, team):
    viewer = membership_of(team, "viewer")
    client = browser(team.viewer)

    response = client.post(f"/projects/{team.project.pk}/members/{viewer.pk}/", {"action": "remove"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert toasts(response) == [("success", "You left Team Project.")]
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert client.get(overview(team)).status_code == 404


def test_a_member_of_another_project_cannot_be_changed_from_this_one(browser, team, snapshot):
    other = factories.make_project(title="Other")
    stranger = factories.add_member(other, "viewer")
    foreign = Membership.objects.get(project=other, user=stranger)
    client = browser(team.owner)
    before = snapshot()

    response = client.post(f"/projects/{team.project.pk}/members/{foreign.pk}/", {"action": "remove"})

    assert response.status_code == 404
    assert snapshot() == before


def test_the_overview_counts_one_person_as_one_person(browser, html, db):
    # given a project of one
    owner = factories.make_user("solo")
    project = factories.make_project(owner=owner, title="Solo")

    # when its overview is opened
    page = html(browser(owner).get(f"/projects/{project.pk}/"))

    # then the team says 1 person
    assert page.one("h2", id="team-title").parent.one("span", cls="faint").text == "1 person"
