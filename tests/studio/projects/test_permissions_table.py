"""studio/projects/permissions.py: the one table of who may do what, and the reasons it gives."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from studio.projects import permissions
from studio.projects.permissions import CAPABILITIES, DESCRIPTIONS, Capability, Role, can, capabilities_of, require

# What each role may do, written out by hand: a change to the table must change this test.
EXPECTED = {
    "owner": {"view", "edit_project", "delete_project", "manage_members", "edit_script", "edit_cast", "edit_shots",
              "generate", "review", "export"},
    "director": {"view", "edit_project", "edit_script", "edit_cast", "edit_shots", "generate", "review", "export"},
    "writer": {"view", "edit_script", "edit_cast"},
    "artist": {"view", "edit_cast", "edit_shots", "generate", "export"},
    "reviewer": {"view", "review"},
    "viewer": {"view"},
}


def test_roles_are_the_six_in_this_order_with_their_labels():
    # given the Role choices
    # when they are listed
    choices = list(Role.choices)

    # then they are exactly these, most powerful first
    assert choices == [
        ("owner", "Owner"), ("director", "Director"), ("writer", "Writer"), ("artist", "Artist"),
        ("reviewer", "Reviewer"), ("viewer", "Viewer"),
    ]


def test_capabilities_are_the_ten_kinds_of_action():
    assert [c.value for c in Capability] == [
        "view", "edit_project", "delete_project", "manage_members", "edit_script", "edit_cast", "edit_shots",
        "generate", "review", "export",
    ]


def test_the_table_holds_exactly_these_roles_per_capability():
    # given the table
    # when it is read as capability → role values
    table = {cap.value: {role.value for role in roles} for cap, roles in CAPABILITIES.items()}

    # then it is, to the letter
    assert table == {
        "view": {"owner", "director", "writer", "artist", "reviewer", "viewer"},
        "edit_project": {"owner", "director"},
        "delete_project": {"owner"},
        "manage_members": {"owner"},
        "edit_script": {"owner", "director", "writer"},
        "edit_cast": {"owner", "director", "writer", "artist"},
        "edit_shots": {"owner", "director", "artist"},
        "generate": {"owner", "director", "artist"},
        "review": {"owner", "director", "reviewer"},
        "export": {"owner", "director", "artist"},
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_capabilities_of_each_role(role):
    # given a role
    # when its capabilities are asked for
    caps = capabilities_of(role)

    # then they are exactly the expected ones, as Capability members
    assert {c.value for c in caps} == EXPECTED[role]
    assert all(isinstance(c, Capability) for c in caps)
    assert isinstance(caps, frozenset)


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("capability", list(Capability), ids=str)
def test_can_agrees_with_the_expected_table(role, capability):
    assert can(role, capability) is (capability.value in EXPECTED[role])


@pytest.mark.parametrize("role", [None, "", "admin", "OWNER", "Owner"])
def test_no_role_or_an_unknown_role_can_do_nothing(role):
    # given something that is not one of the roles (no membership, or a typo)
    # then it holds no capability, not even view
    assert capabilities_of(role) == frozenset()
    assert [cap for cap in Capability if can(role, cap)] == []


def test_role_enum_members_and_plain_strings_answer_alike():
    assert can(Role.DIRECTOR, Capability.EDIT_PROJECT) is True
    assert can("director", Capability.EDIT_PROJECT) is True
    assert can(Role.WRITER, Capability.EDIT_SHOTS) is False
    assert capabilities_of(Role.ARTIST) == capabilities_of("artist")


ALLOWED = [(role, Capability(cap)) for role, caps in EXPECTED.items() for cap in sorted(caps)]


@pytest.mark.parametrize(("role", "capability"), ALLOWED, ids=[f"{r}-{c}" for r, c in ALLOWED])
def test_require_passes_silently_when_the_role_holds_the_capability(role, capability):
    assert require(role, capability) is None


# The reason given for each capability, in full: who may, and what it is.
MESSAGES = {
    Capability.VIEW: "Only a project's owner, director, writer, artist, reviewer or viewer may see the project, "
                     "its script, cast, board and outputs.",
    Capability.EDIT_PROJECT: "Only a project's owner or director may change the project's title, logline, format "
                             "and look.",
    Capability.DELETE_PROJECT: "Only a project's owner may delete the project.",
    Capability.MANAGE_MEMBERS: "Only a project's owner may invite people, change their roles, remove them.",
    Capability.EDIT_SCRIPT: "Only a project's owner, director or writer may write the script and edit scenes.",
    Capability.EDIT_CAST: "Only a project's owner, director, writer or artist may create and edit characters and "
                          "their reference images.",
    Capability.EDIT_SHOTS: "Only a project's owner, director or artist may create, edit, reorder and delete shots, "
                           "and upload takes.",
    Capability.GENERATE: "Only a project's owner, director or artist may generate frames and clips, and cancel or "
                         "retry generation jobs.",
    Capability.REVIEW: "Only a project's owner, director or reviewer may approve shots and outputs, or send them back.",
    Capability.EXPORT: "Only a project's owner, director or artist may render storyboard PDFs, animatics and media "
                       "bundles (anyone may download them).",
}


@pytest.mark.parametrize("capability", list(Capability), ids=str)
def test_require_refuses_with_a_readable_reason(capability):
    # given a role that lacks the capability (no role at all lacks every one)
    # when it is required
    with pytest.raises(PermissionDenied) as refused:
        require(None, capability)

    # then the reason names the roles that may, in table order, and what the action is
    assert str(refused.value) == MESSAGES[capability]


def test_require_refuses_a_viewer_editing_the_project_with_the_same_reason_as_anyone():
    with pytest.raises(PermissionDenied) as refused:
        require("viewer", Capability.EDIT_PROJECT)

    assert str(refused.value) == MESSAGES[Capability.EDIT_PROJECT]


@pytest.mark.parametrize(("role", "capability"), [
    ("director", Capability.DELETE_PROJECT), ("director", Capability.MANAGE_MEMBERS),
    ("writer", Capability.EDIT_SHOTS), ("artist", Capability.EDIT_SCRIPT), ("reviewer", Capability.EDIT_CAST),
    ("viewer", Capability.REVIEW), ("writer", Capability.REVIEW), ("artist", Capability.EDIT_PROJECT),
])
def test_require_refuses_every_role_outside_the_table(role, capability):
    with pytest.raises(PermissionDenied) as refused:
        require(role, capability)

    assert str(refused.value) == MESSAGES[capability]


def test_every_capability_has_a_description():
    assert set(DESCRIPTIONS) == set(Capability)
    assert set(CAPABILITIES) == set(Capability)
    assert permissions.R is Role
