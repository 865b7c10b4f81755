"""The cast through the REST API: /api/v1/projects/<id>/characters/…

Who may call which endpoint is pinned by tests/studio/test_permission_matrix.py; these tests are about
what the endpoints do: the exact answers, validation, versions, and what a refused request leaves alone.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from studio.cast import services
from studio.cast.models import CHARACTER_COLORS, MAX_SEED, Character, ReferenceImage
from tests import factories

VERSION_REQUIRED = (
    "Send the character's version in an If-Match header (or a 'version' field) so a concurrent edit is never "
    "overwritten."
)
NOT_FOUND = {"detail": "Not found."}


def characters_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/characters/"


def character_url(character) -> str:
    return f"/api/v1/projects/{character.project_id}/characters/{character.pk}/"


def stale(expected: int, current: int) -> dict:
    return {
        "detail": f"This character was changed by someone else (you edited version {expected}, it is now version "
                  f"{current}). Reload it and apply your change again.",
        "current_version": current,
    }


# --- Create -----------------------------------------------------------------


def test_create_answers_201_with_the_character_and_its_etag(api, team):
    # given a writer of the project
    client = api(team.writer)

    # when they create a character with every field
    response = client.post(characters_url(team.project), {
        "name": "Elin Vik", "aliases": ["THE KEEPER"], "description": "Keeper of the light.",
        "appearance_prompt": "woman in her sixties, grey braid", "seed": 1234, "color": "#123abc",
    }, format="json")

    # then the answer is the character, at version 1, with that version as its ETag
    character = Character.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": character.pk, "name": "Elin Vik", "aliases": ["THE KEEPER"], "description": "Keeper of the light.",
        "appearance_prompt": "woman in her sixties, grey braid", "seed": 1234, "color": "#123abc",
        "references": [], "voice": "", "voice_speed": 0, "suggested": False, "version": 1,
    }
    assert response["ETag"] == '"1"'
    assert (character.project, character.name, character.aliases, character.seed, character.color,
            character.version) == (team.project, "Elin Vik", ["THE KEEPER"], 1234, "#123abc", 1)


def test_create_with_only_a_name_fills_in_the_defaults(api, team):
    # given the first character of a project
    # when only a name is sent
    response = api(team.owner).post(characters_url(team.project), {"name": "Elin"}, format="json")

    # then the colour is the first of the palette and the seed a random one in range
    character = Character.objects.get()
    body = response.json()
    assert response.status_code == 201
    assert body == {
        "id": character.pk, "name": "Elin", "aliases": [], "description": "", "appearance_prompt": "",
        "seed": character.seed, "color": "#e4572e", "references": [], "voice": "", "voice_speed": 0, "suggested": False,
        "version": 1,
    }
    assert CHARACTER_COLORS[0] == "#e4572e"
    assert 0 <= body["seed"] <= 2**32 - 1


def test_random_seeds_differ_from_character_to_character(api, team):
    # given a client
    client = api(team.owner)

    # when three characters are created without a seed
    seeds = [client.post(characters_url(team.project), {"name": name}, format="json").json()["seed"]
             for name in ("Ada", "Bo", "Cy")]

    # then each got its own seed, all in 0..2**32-1
    assert len(set(seeds)) == 3
    assert all(0 <= seed <= MAX_SEED for seed in seeds)
    assert sorted(Character.objects.values_list("seed", flat=True)) == sorted(seeds)


@pytest.mark.parametrize("seed", [0, 2**32 - 1])
def test_a_seed_at_either_end_of_the_range_is_kept(api, team, seed):
    # when
    response = api(team.owner).post(characters_url(team.project), {"name": "Elin", "seed": seed}, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["seed"] == seed
    assert Character.objects.get().seed == seed


def test_default_colours_walk_the_palette_skipping_colours_in_use(api, team):
    # given a character that took the palette's second colour
    client = api(team.owner)
    client.post(characters_url(team.project), {"name": "Ada", "color": "#29a19c"}, format="json")

    # when three more are created without a colour
    colors = [client.post(characters_url(team.project), {"name": name}, format="json").json()["color"]
              for name in ("Bo", "Cy", "Di")]

    # then they get the first, third and fourth colours
    assert colors == ["#e4572e", "#f3a712", "#4f86f7"]


def test_default_colour_comes_round_again_once_the_palette_is_used_up(api, team):
    # given eight characters, one of each palette colour
    for i in range(8):
        factories.make_character(team.project, name=f"Extra {i}")
    assert sorted(Character.objects.values_list("color", flat=True)) == sorted(CHARACTER_COLORS)

    # when a ninth and a tenth are created
    client = api(team.owner)
    ninth = client.post(characters_url(team.project), {"name": "Ninth"}, format="json").json()
    tenth = client.post(characters_url(team.project), {"name": "Tenth"}, format="json").json()

    # then the palette starts over
    assert (ninth["color"], tenth["color"]) == ("#e4572e", "#29a19c")


def test_a_colour_freed_by_a_deleted_character_is_given_out_again(api, team):
    # given three characters, the second of which is deleted
    client = api(team.owner)
    for name in ("Ada", "Bo", "Cy"):
        client.post(characters_url(team.project), {"name": name}, format="json")
    bo = Character.objects.get(name="Bo")
    assert bo.color == "#29a19c"
    assert client.delete(character_url(bo), HTTP_IF_MATCH='"1"').status_code == 204

    # when another is created
    response = client.post(characters_url(team.project), {"name": "Di"}, format="json")

    # then it gets the freed colour
    assert response.json()["color"] == "#29a19c"


def test_aliases_are_stripped_and_blanks_and_duplicates_dropped(api, team):
    # when aliases come with spaces, blanks, repeats in any case and the character's own name
    response = api(team.owner).post(characters_url(team.project), {
        "name": "Elin",
        "aliases": ["  The Keeper ", "", "   ", "the keeper", "ELIN", "elin ", "Mrs. Vik", "THE KEEPER"],
    }, format="json")

    # then each other name is kept once, as first written
    assert response.status_code == 201
    assert response.json()["aliases"] == ["The Keeper", "Mrs. Vik"]
    assert Character.objects.get().aliases == ["The Keeper", "Mrs. Vik"]


def test_the_name_is_stripped(api, team):
    # when
    response = api(team.owner).post(characters_url(team.project), {"name": "  Elin Vik  "}, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["name"] == "Elin Vik"
    assert Character.objects.get().name == "Elin Vik"


TAKES = ("Unknown field. This endpoint takes: name, aliases, description, appearance_prompt, seed, color, voice, "
         "voice_speed.",)


def test_unknown_fields_are_refused_and_nothing_is_created(api, team, snapshot):
    # given
    client = api(team.owner)
    before = snapshot()

    # when the body carries fields a character does not have, or may not set
    response = client.post(characters_url(team.project), {
        "name": "Elin", "seed": 7, "mood": "stormy", "id": 999, "project": 12345,
    }, format="json")

    # then each is named as unknown, and nothing is written
    assert response.status_code == 400
    assert response.json() == {"id": list(TAKES), "mood": list(TAKES), "project": list(TAKES)}
    assert snapshot() == before


def test_the_same_name_may_be_used_in_another_project(api, team):
    # given a character called Elin in another project
    factories.make_character(factories.make_project(), name="Elin")

    # when
    response = api(team.owner).post(characters_url(team.project), {"name": "elin"}, format="json")

    # then
    assert response.status_code == 201
    assert Character.objects.filter(project=team.project).get().name == "elin"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param({}, {"name": ["This field is required."]}, id="no name"),
        pytest.param({"name": ""}, {"name": ["This field may not be blank."]}, id="empty name"),
        pytest.param({"name": "   "}, {"name": ["This field may not be blank."]}, id="blank name"),
        pytest.param({"name": "x" * 121}, {"name": ["Ensure this field has no more than 120 characters."]},
                     id="name too long"),
        pytest.param({"name": "Elin", "seed": 2**32},
                     {"seed": ["Ensure this value is less than or equal to 4294967295."]}, id="seed too big"),
        pytest.param({"name": "Elin", "seed": -1}, {"seed": ["Ensure this value is greater than or equal to 0."]},
                     id="negative seed"),
        pytest.param({"name": "Elin", "seed": "lucky"}, {"seed": ["A valid biginteger is required."]},
                     id="seed not a number"),
        pytest.param({"name": "Elin", "color": "red"}, {"color": ["Use a colour like #e4572e."]}, id="colour name"),
        pytest.param({"name": "Elin", "color": "#12345g"}, {"color": ["Use a colour like #e4572e."]},
                     id="colour not hex"),
        pytest.param({"name": "Elin", "color": "#fff"}, {"color": ["Use a colour like #e4572e."]},
                     id="short colour"),
        pytest.param({"name": "Elin", "description": "x" * 4001},
                     {"description": ["Ensure this field has no more than 4000 characters."]}, id="long description"),
        pytest.param({"name": "Elin", "appearance_prompt": "x" * 2001},
                     {"appearance_prompt": ["Ensure this field has no more than 2000 characters."]},
                     id="long prompt"),
        pytest.param({"name": "Elin", "aliases": "The Keeper"},
                     {"aliases": ['Expected a list of items but got type "str".']}, id="aliases not a list"),
        pytest.param({"name": "Elin", "aliases": ["ok", "x" * 121]},
                     {"aliases": {"1": ["Ensure this field has no more than 120 characters."]}}, id="alias too long"),
        pytest.param({"name": "Elin", "aliases": [f"Alias {i}" for i in range(21)]},
                     {"aliases": ["A character can have at most 20 aliases."]}, id="too many aliases"),
        pytest.param({"name": "Elin", "aliases": [f"Alias {i}" for i in range(41)]},
                     {"aliases": ["Ensure this field has no more than 40 elements."]}, id="far too many aliases"),
    ],
)
def test_create_refuses_invalid_input_with_field_errors(api, team, snapshot, body, errors):
    # given the project as it is
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(characters_url(team.project), body, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_twenty_aliases_are_allowed_once_repeats_are_dropped(api, team):
    # when 20 distinct aliases come with repeats of themselves and the name
    aliases = [f"Alias {i}" for i in range(20)] + ["alias 0", "ELIN", ""]
    response = api(team.owner).post(characters_url(team.project), {"name": "Elin", "aliases": aliases},
                                    format="json")

    # then
    assert response.status_code == 201
    assert response.json()["aliases"] == [f"Alias {i}" for i in range(20)]


def test_a_name_of_exactly_120_characters_is_accepted(api, team):
    response = api(team.owner).post(characters_url(team.project), {"name": "x" * 120}, format="json")
    assert response.status_code == 201
    assert Character.objects.get().name == "x" * 120


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param({"name": "ELIN VIK"}, {"name": ["Elin Vik already goes by 'ELIN VIK'."]}, id="name = name"),
        pytest.param({"name": "the keeper"}, {"name": ["Elin Vik already goes by 'the keeper'."]},
                     id="name = alias"),
        pytest.param({"name": "Bo", "aliases": ["Ok", "elin vik"]},
                     {"aliases": ["Elin Vik already goes by 'elin vik'."]}, id="alias = name"),
        pytest.param({"name": "Bo", "aliases": ["THE KEEPER"]},
                     {"aliases": ["Elin Vik already goes by 'THE KEEPER'."]}, id="alias = alias"),
    ],
)
def test_create_refuses_a_name_or_alias_another_character_answers_to(api, team, snapshot, body, errors):
    # given Elin Vik, also known as The Keeper
    factories.make_character(team.project, name="Elin Vik", aliases=["The Keeper"])
    client = api(team.owner)
    before = snapshot()

    # when a new character would answer to one of her names, in any case
    response = client.post(characters_url(team.project), body, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


# --- Read -------------------------------------------------------------------


def test_list_is_ordered_by_name_in_a_pagination_envelope(api, team):
    # given three characters created out of order, one with a reference image, and one in another project
    cy = factories.make_character(team.project, name="Cy", seed=3)
    ada = factories.make_character(team.project, name="Ada", seed=1, aliases=["A"])
    bo = factories.make_character(team.project, name="Bo", seed=2)
    ref = factories.make_reference(bo, caption="Profile")
    factories.make_character(factories.make_project(), name="Aaron")

    # when a viewer lists them
    response = api(team.viewer).get(characters_url(team.project))

    # then
    assert response.status_code == 200
    assert response.json() == {"count": 3, "next": None, "previous": None, "results": [
        {"id": ada.pk, "name": "Ada", "aliases": ["A"], "description": "", "appearance_prompt": "", "seed": 1,
         "color": "#29a19c", "references": [], "voice": "", "voice_speed": 0, "suggested": False, "version": 1},
        {"id": bo.pk, "name": "Bo", "aliases": [], "description": "", "appearance_prompt": "", "seed": 2,
         "color": "#f3a712", "voice": "", "voice_speed": 0, "suggested": False, "version": 1, "references": [
             {"id": ref.pk, "url": f"/projects/{team.project.pk}/media/references/{ref.pk}/",
              "thumbnail_url": f"/projects/{team.project.pk}/media/references/{ref.pk}/thumb/",
              "width": 64, "height": 48, "caption": "Profile"},
         ]},
        {"id": cy.pk, "name": "Cy", "aliases": [], "description": "", "appearance_prompt": "", "seed": 3,
         "color": "#e4572e", "references": [], "voice": "", "voice_speed": 0, "suggested": False, "version": 1},
    ]}


def test_list_pages_with_page_size(api, team):
    # given three characters
    for name in ("Cy", "Ada", "Bo"):
        factories.make_character(team.project, name=name)
    client = api(team.viewer)
    url = characters_url(team.project)

    # when they are read two at a time
    first = client.get(url, {"page_size": 2}).json()
    second = client.get(url, {"page_size": 2, "page": 2}).json()

    # then
    assert (first["count"], first["previous"], [c["name"] for c in first["results"]]) == (3, None, ["Ada", "Bo"])
    assert first["next"] == f"http://testserver{url}?page=2&page_size=2"
    assert (second["count"], second["next"], [c["name"] for c in second["results"]]) == (3, None, ["Cy"])
    assert second["previous"] == f"http://testserver{url}?page_size=2"


def test_list_of_an_empty_cast(api, team):
    response = api(team.viewer).get(characters_url(team.project))
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_reads_a_fixed_number_of_queries_however_big_the_cast(api, team, django_assert_num_queries):
    # given a cast of five, each with two reference images
    for i in range(5):
        character = factories.make_character(team.project, name=f"Character {i}")
        factories.make_reference(character)
        factories.make_reference(character)
    client = api(team.viewer)

    # then listing them takes session, user, membership, count, characters and references: six queries
    with django_assert_num_queries(6):
        response = client.get(characters_url(team.project))
    assert response.json()["count"] == 5
    assert sum(len(c["references"]) for c in response.json()["results"]) == 10


def test_retrieve_answers_the_character_with_its_etag(api, team):
    # given a character edited once, so at version 2
    character = factories.make_character(team.project, name="Elin", seed=5, description="Keeper.")
    api(team.owner).patch(character_url(character), {"description": "Keeper of the light."}, format="json",
                          HTTP_IF_MATCH='"1"')

    # when a viewer reads it
    response = api(team.viewer).get(character_url(character))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": character.pk, "name": "Elin", "aliases": [], "description": "Keeper of the light.",
        "appearance_prompt": "", "seed": 5, "color": "#e4572e", "references": [], "voice": "", "voice_speed": 0,
        "suggested": False, "version": 2,
    }
    assert response["ETag"] == '"2"'


def test_a_character_of_another_project_is_not_found_through_this_one(api, team, snapshot):
    # given a character of another project, whose owner is also on this one
    other = factories.make_character(factories.make_project(owner=team.owner), name="Stranger")
    client = api(team.owner)
    before = snapshot()

    # when it is read, edited or deleted through this project's URL
    url = f"{characters_url(team.project)}{other.pk}/"
    answers = [
        client.get(url),
        client.patch(url, {"name": "Mine now"}, format="json", HTTP_IF_MATCH='"1"'),
        client.delete(url, HTTP_IF_MATCH='"1"'),
    ]

    # then each answer is 404 and nothing changed
    assert [(r.status_code, r.json()) for r in answers] == [(404, NOT_FOUND)] * 3
    assert snapshot() == before


def test_an_unknown_character_is_not_found(api, team):
    response = api(team.viewer).get(f"{characters_url(team.project)}999999/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- Update -----------------------------------------------------------------


def test_patch_with_if_match_changes_the_fields_sent_and_bumps_the_version(api, team):
    # given a character at version 1
    character = factories.make_character(team.project, name="Elin", seed=5, aliases=["The Keeper"])

    # when an artist changes two fields, naming version 1
    response = api(team.artist).patch(character_url(character), {
        "appearance_prompt": "grey braid, oilskin coat", "color": "#000000",
    }, format="json", HTTP_IF_MATCH='"1"')

    # then the answer is the character at version 2, and only those fields changed
    assert response.status_code == 200
    assert response.json() == {
        "id": character.pk, "name": "Elin", "aliases": ["The Keeper"], "description": "",
        "appearance_prompt": "grey braid, oilskin coat", "seed": 5, "color": "#000000", "references": [],
        "voice": "", "voice_speed": 0, "suggested": False, "version": 2,
    }
    assert response["ETag"] == '"2"'
    character.refresh_from_db()
    assert (character.appearance_prompt, character.color, character.name, character.version) == (
        "grey braid, oilskin coat", "#000000", "Elin", 2)


def test_successive_patches_each_name_the_version_they_read(api, team):
    # given a character
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)

    # when it is patched three times, each time with the ETag of the previous answer
    etag = client.get(character_url(character))["ETag"]
    for n in range(3):
        response = client.patch(character_url(character), {"seed": n}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        etag = response["ETag"]

    # then
    assert etag == '"4"'
    character.refresh_from_db()
    assert (character.seed, character.version) == (2, 4)


def test_patch_that_changes_nothing_keeps_the_version(api, team):
    # given a character at version 1
    character = factories.make_character(team.project, name="Elin", seed=5)

    # when the same values are sent again
    response = api(team.owner).patch(character_url(character), {"name": "Elin", "seed": 5}, format="json",
                                     HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response["ETag"] == '"1"'
    character.refresh_from_db()
    assert character.version == 1


def test_a_misspelt_field_in_a_patch_is_refused(api, team, snapshot):
    # given a character
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)
    before = snapshot()

    # when the body holds a misspelt field beside a good one
    response = client.patch(character_url(character), {"colour": "#000000", "description": "Keeper"},
                            format="json", HTTP_IF_MATCH='"1"')

    # then the whole write is refused, naming the unknown field
    assert response.status_code == 400
    assert response.json() == {"colour": list(TAKES)}
    assert snapshot() == before


def test_patch_without_a_version_is_refused_with_428(api, team, snapshot):
    # given a character
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)
    before = snapshot()

    # when it is patched with neither If-Match nor a version field
    response = client.patch(character_url(character), {"name": "Ada"}, format="json")

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before


@pytest.mark.parametrize("if_match", ["latest", '"one"', "", "W/"])
def test_patch_with_an_unreadable_if_match_is_refused_with_428(api, team, snapshot, if_match):
    # given a character
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.patch(character_url(character), {"name": "Ada"}, format="json", HTTP_IF_MATCH=if_match)

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before


def test_patch_with_a_stale_if_match_is_refused_with_412_and_the_current_version(api, team, snapshot):
    # given a character someone else already edited to version 2
    character = factories.make_character(team.project, name="Elin")
    assert api(team.writer).patch(character_url(character), {"description": "Keeper."}, format="json",
                                  HTTP_IF_MATCH='"1"').status_code == 200
    client = api(team.artist)
    before = snapshot()

    # when an artist sends a change made to version 1
    response = client.patch(character_url(character), {"description": "Lighthouse keeper."}, format="json",
                            HTTP_IF_MATCH='"1"')

    # then it is refused, told the current version, and the other edit stands
    assert response.status_code == 412
    assert response.json() == stale(expected=1, current=2)
    assert response["ETag"] == '"2"'
    assert snapshot() == before
    assert Character.objects.get().description == "Keeper."


def test_a_version_in_the_body_serves_instead_of_if_match(api, team, snapshot):
    # given a character at version 1
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)

    # when it is patched with "version": 1 in the body
    response = client.patch(character_url(character), {"name": "Ada", "version": 1}, format="json")

    # then it is accepted
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Ada", 2)

    # and a stale version in the body is refused like a stale If-Match
    before = snapshot()
    response = client.patch(character_url(character), {"name": "Bo", "version": 1}, format="json")
    assert (response.status_code, response.json()) == (412, stale(expected=1, current=2))
    assert snapshot() == before


def test_if_match_wins_over_a_version_in_the_body(api, team):
    # given a character at version 1
    character = factories.make_character(team.project, name="Elin")

    # when If-Match says 1 and the body says 7
    response = api(team.owner).patch(character_url(character), {"name": "Ada", "version": 7}, format="json",
                                     HTTP_IF_MATCH='"1"')

    # then the header is the one that counts
    assert response.status_code == 200
    assert response.json()["version"] == 2


@pytest.mark.parametrize("if_match", ["*", 'W/"3"', '"3"', "3"])
def test_if_match_star_or_the_current_version_in_any_spelling_is_accepted(api, team, if_match):
    # given a character at version 3
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)
    for seed in (1, 2):
        client.patch(character_url(character), {"seed": seed}, format="json", HTTP_IF_MATCH="*")
    assert Character.objects.get().version == 3

    # when
    response = client.patch(character_url(character), {"name": "Ada"}, format="json", HTTP_IF_MATCH=if_match)

    # then
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"], response["ETag"]) == ("Ada", 4, '"4"')


def test_patch_aliases_are_cleaned_against_the_name(api, team):
    # given Elin
    character = factories.make_character(team.project, name="Elin")

    # when her aliases are replaced with a messy list
    response = api(team.owner).patch(character_url(character), {"aliases": [" Lin ", "lin", "", "eLIN", "Vik"]},
                                     format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 200
    assert response.json()["aliases"] == ["Lin", "Vik"]


def test_renaming_a_character_to_one_of_its_aliases_drops_that_alias(api, team):
    # given Elin, also known as The Keeper and Vik
    character = factories.make_character(team.project, name="Elin", aliases=["The Keeper", "Vik"])

    # when she is renamed to one of her aliases, in another case
    response = api(team.owner).patch(character_url(character), {"name": "the keeper"}, format="json",
                                     HTTP_IF_MATCH='"1"')

    # then the alias is not kept beside the name that now says the same
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["aliases"]) == ("the keeper", ["Vik"])
    character.refresh_from_db()
    assert (character.name, character.aliases, character.names) == ("the keeper", ["Vik"], ["the keeper", "Vik"])


def test_a_character_may_change_the_case_of_its_own_name(api, team):
    # given Elin
    character = factories.make_character(team.project, name="Elin")

    # when
    response = api(team.owner).patch(character_url(character), {"name": "ELIN"}, format="json", HTTP_IF_MATCH='"1"')

    # then her own old name does not count as taken
    assert response.status_code == 200
    assert response.json()["name"] == "ELIN"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param({"name": "elin vik"}, {"name": ["Elin Vik already goes by 'elin vik'."]}, id="name = name"),
        pytest.param({"name": "THE KEEPER"}, {"name": ["Elin Vik already goes by 'THE KEEPER'."]}, id="name = alias"),
        pytest.param({"aliases": ["Bobby", "ELIN VIK"]}, {"aliases": ["Elin Vik already goes by 'ELIN VIK'."]},
                     id="alias = name"),
        pytest.param({"aliases": ["the keeper"]}, {"aliases": ["Elin Vik already goes by 'the keeper'."]},
                     id="alias = alias"),
        pytest.param({"name": ""}, {"name": ["This field may not be blank."]}, id="blank name"),
        pytest.param({"name": "y" * 121}, {"name": ["Ensure this field has no more than 120 characters."]},
                     id="name too long"),
        pytest.param({"seed": 2**32}, {"seed": ["Ensure this value is less than or equal to 4294967295."]},
                     id="seed too big"),
        pytest.param({"seed": -5}, {"seed": ["Ensure this value is greater than or equal to 0."]},
                     id="negative seed"),
        pytest.param({"color": "blue"}, {"color": ["Use a colour like #e4572e."]}, id="bad colour"),
        pytest.param({"aliases": None}, {"aliases": ["This field may not be null."]}, id="null aliases"),
    ],
)
def test_patch_refuses_invalid_changes_and_changes_nothing(api, team, snapshot, body, errors):
    # given Elin Vik (The Keeper) and Bo
    factories.make_character(team.project, name="Elin Vik", aliases=["The Keeper"])
    bo = factories.make_character(team.project, name="Bo")
    client = api(team.owner)
    before = snapshot()

    # when Bo is patched with the current version
    response = client.patch(character_url(bo), body, format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


# --- Delete -----------------------------------------------------------------


def test_delete_removes_the_character_from_the_project_and_its_shots(api, team, django_capture_on_commit_callbacks,
                                                                     media_files):
    # given Elin, with two reference images, in a shot beside Bo; and Bo with a reference of his own
    elin = factories.make_character(team.project, name="Elin")
    bo = factories.make_character(team.project, name="Bo")
    elin_refs = [factories.make_reference(elin), factories.make_reference(elin)]
    bo_ref = factories.make_reference(bo)
    scene = factories.make_scene(team.project)
    shot = factories.make_shot(scene, characters=[elin.pk, bo.pk])
    elin_files = sorted(name for ref in elin_refs for name in (ref.image.name, ref.thumbnail.name))
    bo_files = sorted([bo_ref.image.name, bo_ref.thumbnail.name])
    assert media_files() == sorted(elin_files + bo_files)

    # when a writer deletes Elin, naming her version
    with django_capture_on_commit_callbacks(execute=True):
        response = api(team.writer).delete(character_url(elin), HTTP_IF_MATCH='"1"')

    # then she is gone, with her references and their files; the shot remains, with Bo only
    assert response.status_code == 204
    assert response.content == b""
    assert list(Character.objects.values_list("name", flat=True)) == ["Bo"]
    assert list(ReferenceImage.objects.values_list("pk", flat=True)) == [bo_ref.pk]
    assert list(shot.characters.values_list("pk", flat=True)) == [bo.pk]
    assert media_files() == bo_files


def test_delete_takes_the_version_from_the_body_too(api, team):
    # given a character
    character = factories.make_character(team.project, name="Elin")

    # when the version comes in the body of the DELETE
    response = api(team.owner).delete(character_url(character), {"version": 1}, format="json")

    # then
    assert response.status_code == 204
    assert not Character.objects.exists()


def test_delete_without_a_version_is_refused_with_428(api, team, snapshot, media_files,
                                                      django_capture_on_commit_callbacks):
    # given a character with a reference image
    character = factories.make_character(team.project, name="Elin")
    factories.make_reference(character)
    client = api(team.owner)
    before, files = snapshot(), media_files()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(character_url(character))

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before
    assert media_files() == files


def test_delete_with_a_stale_version_is_refused_with_412(api, team, snapshot, media_files,
                                                          django_capture_on_commit_callbacks):
    # given a character edited to version 2, with a reference image
    character = factories.make_character(team.project, name="Elin")
    factories.make_reference(character)
    api(team.owner).patch(character_url(character), {"seed": 3}, format="json", HTTP_IF_MATCH='"1"')
    client = api(team.director)
    before, files = snapshot(), media_files()

    # when someone deletes it having read version 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(character_url(character), HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 412
    assert response.json() == stale(expected=1, current=2)
    assert response["ETag"] == '"2"'
    assert snapshot() == before
    assert media_files() == files


def test_a_deleted_character_is_gone_from_the_api(api, team):
    # given a deleted character
    character = factories.make_character(team.project, name="Elin")
    client = api(team.owner)
    client.delete(character_url(character), HTTP_IF_MATCH="*")

    # when it is read again
    response = client.get(character_url(character))

    # then
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client.get(characters_url(team.project)).json()["count"] == 0


# --- The services directly ------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param({"seed": -1}, {"seed": ["Ensure this value is greater than or equal to 0."]}, id="negative seed"),
        pytest.param({"seed": MAX_SEED + 1}, {"seed": ["Ensure this value is less than or equal to 4294967295."]},
                     id="seed too big"),
        pytest.param({"aliases": "The Keeper"}, {"aliases": ["Send aliases as a list of names."]},
                     id="aliases not a list"),
        pytest.param({"aliases": ["ok", 3]}, {"aliases": ["Send aliases as a list of names."]},
                     id="alias not a string"),
        pytest.param({"aliases": ["ok", "x" * 121]},
                     {"aliases": ["'xxxxxxxxxxxxxxxxxxxx…' is longer than 120 characters."]}, id="alias too long"),
        pytest.param({"name": "   "}, {"name": ["This field cannot be blank."]}, id="blank name"),
        pytest.param({"color": "#GGGGGG"}, {"color": ["Use a colour like #e4572e."]}, id="bad colour"),
    ],
)
def test_character_create_service_refuses_invalid_fields_by_field(team, snapshot, fields, errors):
    # given
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as caught:
        services.character_create(actor=team.owner, project=team.project, **{"name": "Elin", **fields})

    # then
    assert caught.value.message_dict == errors
    assert snapshot() == before


def test_character_update_service_with_a_new_name_only_reports_the_name_as_changed(team):
    # given Elin, also known as Vik
    character = factories.make_character(team.project, name="Elin", aliases=["Vik"])

    # when she is renamed (aliases untouched)
    updated = services.character_update(actor=team.owner, character=character, expected_version=1,
                                        changes={"name": " Elin Vik "})

    # then her aliases stay as they were and the version moves once
    character.refresh_from_db()
    assert (updated.name, updated.aliases, updated.version) == ("Elin Vik", ["Vik"], 2)
    assert (character.name, character.aliases, character.version) == ("Elin Vik", ["Vik"], 2)


def test_character_update_service_refuses_fields_it_does_not_own(team, snapshot):
    # given
    character = factories.make_character(team.project, name="Elin")
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as caught:
        services.character_update(actor=team.owner, character=character, expected_version=1,
                                  changes={"version": 9, "project_id": 1})

    # then
    assert caught.value.message_dict == {"project_id": ["This field cannot be changed here."],
                                         "version": ["This field cannot be changed here."]}
    assert snapshot() == before
