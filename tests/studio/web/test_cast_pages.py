"""The cast pages: the list with its new-character form, a character's page, reference images."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from studio.cast import services as cast_services
from studio.cast.models import Character, ReferenceImage
from tests import factories

STALE = ("This character was changed by someone else (you edited version 1, it is now version 2). "
         "Reload it and apply your change again.")


def cast_url(team) -> str:
    return f"/projects/{team.project.pk}/cast/"


def detail_url(team, character) -> str:
    return f"/projects/{team.project.pk}/cast/{character.pk}/"


@pytest.fixture
def elin(team):
    return factories.make_character(team.project, name="Elin", aliases=["THE KEEPER"], seed=1207,
                                    description="Keeper of the light.")


# --- List ----------------------------------------------------------------------------


def test_cast_list_shows_every_character_by_name(browser, html, team, elin):
    factories.make_character(team.project, name="Tomas", seed=48213)
    factories.make_reference(elin)

    response = browser(team.viewer).get(cast_url(team))

    assert response.status_code == 200
    cards = html(response).find_all("a", cls="character-card")
    assert [(c.attrs["data-character"], c.attrs["href"]) for c in cards] == [
        ("Elin", detail_url(team, elin)),
        ("Tomas", detail_url(team, Character.objects.get(name="Tomas"))),
    ]
    assert [c.one("div", cls="desc").text for c in cards] == ["Keeper of the light.", "No description yet."]
    assert [c.one("div", cls="meta").text for c in cards] == ["seed 1207", "seed 48213"]
    assert [a.text for a in cards[0].find_all("div", cls="aliases")] == ["THE KEEPER"]
    ref = elin.references.get()
    assert cards[0].one("div", cls="portrait").attrs["style"] == (
        f"background-image:url('/projects/{team.project.pk}/media/references/{ref.pk}/thumb/')")


@pytest.mark.parametrize(("role", "can_edit"), [
    ("owner", True), ("director", True), ("writer", True), ("artist", True), ("reviewer", False), ("viewer", False),
])
def test_the_new_character_form_is_there_only_for_those_who_edit_the_cast(role, can_edit, browser, html, team):
    page = html(browser(team.users[role]).get(cast_url(team)))

    forms = page.find_all("form", id="new-character")
    assert len(forms) == (1 if can_edit else 0)
    if can_edit:
        assert forms[0].has("hidden")
    assert page.one("div", cls="empty").text == (
        "No characters yet. Add the first one: a name, how they look, and a reference image or two." if can_edit
        else "No characters yet."
    )


def test_a_writer_creates_a_character_through_the_page(browser, toasts, team):
    client = browser(team.writer)

    response = client.post(cast_url(team), {
        "new-name": "  Tomas ", "new-aliases": "Tom, , TOMMY ,tom", "new-description": "Runs the boat.",
        "new-appearance_prompt": "red beard", "new-seed": "42", "new-color": "#29a19c",
    })

    tomas = Character.objects.get(project=team.project)
    assert response.status_code == 302
    assert response.headers["Location"] == detail_url(team, tomas)
    assert (tomas.name, tomas.aliases, tomas.description, tomas.appearance_prompt, tomas.seed, tomas.color,
            tomas.version) == ("Tomas", ["Tom", "TOMMY"], "Runs the boat.", "red beard", 42, "#29a19c", 1)
    assert toasts(client.get(response.headers["Location"])) == [("success", "Tomas joined the cast.")]


def test_the_new_character_form_offers_a_colour_no_one_in_the_cast_wears(browser, html, team):
    # given Elin already wears the palette's first colour
    factories.make_character(team.project, name="Elin")

    # when a writer opens the cast page
    page = html(browser(team.writer).get(cast_url(team)))

    # then the form's colour is the next one of the palette
    assert page.one("input", name="new-color").attrs["value"] == "#29a19c"


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_a_reviewer_or_viewer_cannot_create_a_character(role, browser, html, team, snapshot):
    client = browser(team.users[role])
    before = snapshot()

    response = client.post(cast_url(team), {"new-name": "Intruder", "new-seed": "1", "new-color": "#29a19c"})

    assert response.status_code == 403
    assert html(response).one("p", cls="muted").text == (
        "Only a project's owner, director, writer or artist may create and edit characters and their reference images."
    )
    assert snapshot() == before


def test_a_character_without_a_name_is_shown_again_open_with_400(browser, html, team, snapshot):
    client = browser(team.writer)
    before = snapshot()

    response = client.post(cast_url(team), {"new-name": "  ", "new-description": "Nameless", "new-seed": "3"})

    assert response.status_code == 400
    form = html(response).one("form", id="new-character")
    assert not form.has("hidden")
    assert form.one("ul", cls="errorlist").text == "This field is required."
    assert form.values()["new-description"] == "Nameless"
    assert snapshot() == before


def test_a_name_already_taken_is_refused_under_the_name(browser, html, team, elin, snapshot):
    client = browser(team.writer)
    before = snapshot()

    response = client.post(cast_url(team), {"new-name": "the keeper", "new-seed": "3"})

    assert response.status_code == 400
    form = html(response).one("form", id="new-character")
    assert form.one("ul", cls="errorlist", id="id_new-name_error").text == "Elin already goes by 'the keeper'."
    assert snapshot() == before


# --- Detail and edit --------------------------------------------------------------------


def test_character_page_shows_the_form_filled_in(browser, html, team, elin):
    response = browser(team.artist).get(detail_url(team, elin))

    assert response.status_code == 200
    page = html(response)
    form = page.one("form", cls="stack", method="post", novalidate=True)
    values = form.values()
    del values["csrfmiddlewaretoken"]
    assert values == {"name": "Elin", "aliases": "THE KEEPER", "description": "Keeper of the light.",
                      "appearance_prompt": "", "seed": "1207", "initial-seed": "1207", "color": "#e4572e",
                      "voice": "", "voice_speed": "", "version": "1"}
    assert not form.one("fieldset").has("disabled")


def test_character_page_is_read_only_for_a_reviewer(browser, html, team, elin):
    page = html(browser(team.reviewer).get(detail_url(team, elin)))

    assert page.one("fieldset").has("disabled")
    assert page.find_all("button", type="submit") == [page.one("form", action="/logout/").one("button")]
    assert page.find_all("form", cls="upload") == []


def test_editing_a_character_through_the_page_saves_and_bumps_the_version(browser, toasts, team, elin):
    client = browser(team.artist)

    response = client.post(detail_url(team, elin), {
        "name": "Elin", "aliases": "THE KEEPER, Mrs. Vik", "description": "Proud.", "appearance_prompt": "grey braid",
        "seed": "1207", "color": "#e4572e", "version": "1",
    })

    assert response.status_code == 302
    assert response.headers["Location"] == detail_url(team, elin)
    elin.refresh_from_db()
    assert (elin.aliases, elin.description, elin.appearance_prompt, elin.version) == (
        ["THE KEEPER", "Mrs. Vik"], "Proud.", "grey braid", 2)
    assert toasts(client.get(detail_url(team, elin))) == [("success", "Elin saved.")]


def test_a_stale_edit_is_409_keeps_the_input_and_can_then_be_saved(browser, html, team, elin, snapshot):
    # given the writer opened the page at version 1
    client = browser(team.writer)
    form = html(client.get(detail_url(team, elin))).one("form", cls="stack", method="post", novalidate=True)
    # and meanwhile the director changed the character (now version 2)
    browser(team.director).post(detail_url(team, elin), {**form.values(), "appearance_prompt": "oilskin coat"})
    assert Character.objects.get(pk=elin.pk).version == 2
    before = snapshot()

    # when the writer saves her change from the stale page
    mine = {**form.values(), "description": "Lonely, proud.", "aliases": "THE KEEPER, Auntie"}
    response = client.post(detail_url(team, elin), mine)

    # then she is told why, nothing was written, and her input is still in the form, now at version 2
    assert response.status_code == 409
    page = html(response)
    conflict = page.one("div", cls="conflict", role="alert")
    assert conflict.one("b").text == STALE
    assert conflict.text.removeprefix(STALE) == ("Your changes are still in the form below; the page now holds their "
                                                 "version number, so saving again applies yours on top.")
    again = page.one("form", cls="stack", method="post", novalidate=True)
    assert {k: again.values()[k] for k in ("description", "aliases", "appearance_prompt", "version")} == {
        "description": "Lonely, proud.", "aliases": "THE KEEPER, Auntie", "appearance_prompt": "", "version": "2",
    }
    assert snapshot() == before

    # when she saves again
    saved = client.post(detail_url(team, elin), again.values())

    # then her version wins
    assert saved.status_code == 302
    elin.refresh_from_db()
    assert (elin.description, elin.aliases, elin.appearance_prompt, elin.version) == (
        "Lonely, proud.", ["THE KEEPER", "Auntie"], "", 3)


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_a_reviewer_or_viewer_cannot_edit_a_character(role, browser, team, elin, snapshot):
    client = browser(team.users[role])
    before = snapshot()

    response = client.post(detail_url(team, elin), {"name": "Changed", "version": "1"})

    assert response.status_code == 403
    assert snapshot() == before


def test_an_invalid_edit_is_400_and_changes_nothing(browser, html, team, elin, snapshot):
    client = browser(team.owner)
    before = snapshot()

    response = client.post(detail_url(team, elin), {"name": "Elin", "color": "red", "version": "1"})

    assert response.status_code == 400
    assert html(response).one("ul", cls="errorlist", id="id_color_error").text == "Use a colour like #e4572e."
    assert snapshot() == before


def test_a_character_of_another_project_is_404_here(browser, team, snapshot):
    other = factories.make_project(title="Other")
    foreign = factories.make_character(other, name="Foreign")
    client = browser(team.owner)
    before = snapshot()

    got = client.get(detail_url(team, foreign))
    posted = client.post(detail_url(team, foreign), {"name": "Mine", "version": "1"})

    assert (got.status_code, posted.status_code) == (404, 404)
    assert snapshot() == before


# --- Delete ---------------------------------------------------------------------------


def test_removing_a_character_through_the_page(browser, toasts, team, elin):
    client = browser(team.artist)

    response = client.post(f"{detail_url(team, elin)}delete/", {"version": "1"}, follow=True)

    assert response.redirect_chain == [(cast_url(team), 302)]
    assert toasts(response) == [("success", "Elin was removed from the cast.")]
    assert not Character.objects.filter(pk=elin.pk).exists()


def test_removing_a_character_from_a_stale_page_says_so_and_changes_nothing(browser, toasts, team, elin, snapshot):
    # given the director edited Elin (version 2) after the artist opened her page at version 1
    cast_services.character_update(actor=team.director, character=elin, expected_version=1,
                                   changes={"description": "Changed meanwhile."})
    client = browser(team.artist)
    before = snapshot()

    response = client.post(f"{detail_url(team, elin)}delete/", {"version": "1"}, follow=True)

    assert response.redirect_chain == [(detail_url(team, elin), 302)]
    assert toasts(response) == [("error", STALE)]
    assert snapshot() == before


# --- Reference images ----------------------------------------------------------------------


def test_uploading_a_reference_through_the_page(browser, html, toasts, team, elin):
    client = browser(team.artist)

    response = client.post(f"{detail_url(team, elin)}references/",
                           {"image": factories.image_upload("look.png"), "caption": " Look "}, follow=True)

    assert response.redirect_chain == [(detail_url(team, elin), 302)]
    assert toasts(response) == [("success", "Reference added.")]
    ref = ReferenceImage.objects.get(character=elin)
    assert (ref.caption, ref.width, ref.height, ref.uploaded_by) == ("Look", 64, 48, team.artist)
    assert [default_storage.exists(ref.image.name), default_storage.exists(ref.thumbnail.name)] == [True, True]
    figure = html(response).one("figure", cls="ref")
    assert figure.one("a").attrs["href"] == f"/projects/{team.project.pk}/media/references/{ref.pk}/"
    img = figure.one("img")
    assert (img.attrs["src"], img.attrs["alt"], img.attrs["width"], img.attrs["height"]) == (
        f"/projects/{team.project.pk}/media/references/{ref.pk}/thumb/", "Look", "64", "48")
    assert figure.one("figcaption").text == "Look"


def test_the_uploaded_image_is_served_to_members(browser, team, elin):
    client = browser(team.artist)
    client.post(f"{detail_url(team, elin)}references/", {"image": factories.image_upload()})
    ref = ReferenceImage.objects.get(character=elin)

    response = browser(team.viewer).get(f"/projects/{team.project.pk}/media/references/{ref.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert response.headers["Cache-Control"] == "private, max-age=86400, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: SimpleUploadedFile("notes.png", b"just some text", content_type="image/png"),
     "This file is not an image Previz Studio can read (PNG, JPEG or WebP)."),
    (lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"), "Choose an image to upload."),
    (lambda: None, "Choose an image to upload."),
], ids=["not an image", "empty file", "no file"])
def test_an_invalid_upload_shows_why_and_changes_nothing(upload, message, browser, toasts, team, elin, snapshot):
    client = browser(team.artist)
    before = snapshot()
    data = {"caption": "Broken"}
    if (file := upload()) is not None:
        data["image"] = file

    response = client.post(f"{detail_url(team, elin)}references/", data, follow=True)

    assert response.redirect_chain == [(detail_url(team, elin), 302)]
    assert toasts(response) == [("error", message)]
    assert snapshot() == before
    assert not default_storage.exists("references")


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_a_reviewer_or_viewer_cannot_upload_a_reference(role, browser, team, elin, snapshot):
    client = browser(team.users[role])
    before = snapshot()

    response = client.post(f"{detail_url(team, elin)}references/", {"image": factories.image_upload()})

    assert response.status_code == 403
    assert snapshot() == before


def test_removing_a_reference_through_the_page(browser, toasts, team, elin, django_capture_on_commit_callbacks):
    ref = factories.make_reference(elin)
    files = [ref.image.name, ref.thumbnail.name]
    client = browser(team.writer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{detail_url(team, elin)}references/{ref.pk}/delete/", follow=True)

    assert response.redirect_chain == [(detail_url(team, elin), 302)]
    assert toasts(response) == [("success", "Reference removed.")]
    assert not ReferenceImage.objects.filter(pk=ref.pk).exists()
    assert [name for name in files if default_storage.exists(name)] == []
