"""``manage.py seed_demo``: the demo project "The Lighthouse", its team, cast, scenes and shots, made once."""

from __future__ import annotations

import io
import os
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from studio.cast.models import Character, ReferenceImage
from studio.projects.models import Membership, Project
from studio.screenplay.models import Scene, Script
from studio.shots.models import Shot

LOGINS = (
    "\n  Log in at http://127.0.0.1:8000/ as  maya / lighthouse  (owner, and admin at /admin/)\n"
    "  Teammates, same password: theo (director), june (writer), ravi (artist), lena (reviewer), sam (viewer)\n"
)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def media_files() -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)


def test_seed_creates_the_project_and_prints_the_logins(db):
    # given an empty database
    # when the demo is seeded
    output = seed()

    # then it says so and prints how to log in
    assert output == "Created the demo project “The Lighthouse”.\n" + LOGINS
    assert list(Project.objects.values_list("title", "format", "aspect_ratio", "frame_rate")) == [
        ("The Lighthouse", "short", "2.39", Decimal("24.000"))
    ]


def test_seed_creates_the_six_people_with_their_roles(db):
    seed()

    project = Project.objects.get()
    assert list(Membership.objects.filter(project=project).values_list("user__username", "user__display_name",
                                                                       "role")) == [
        ("maya", "Maya Okafor", "owner"),
        ("theo", "Theo Lindqvist", "director"),
        ("june", "June Park", "writer"),
        ("ravi", "Ravi Menon", "artist"),
        ("lena", "Lena Fischer", "reviewer"),
        ("sam", "Sam Ortiz", "viewer"),
    ]
    assert project.created_by.username == "maya"
    users = get_user_model().objects.order_by("id")
    assert [(u.username, u.is_superuser, u.is_staff) for u in users] == [
        ("maya", True, True), ("theo", False, False), ("june", False, False), ("ravi", False, False),
        ("lena", False, False), ("sam", False, False),
    ]
    assert all(u.check_password("lighthouse") for u in users)


def test_seed_creates_three_characters_with_one_reference_each(db, tmp_path):
    seed()

    characters = Character.objects.order_by("name")
    assert [(c.name, c.aliases, c.seed) for c in characters] == [
        ("Elin", ["THE KEEPER"], 1207), ("The Stranger", ["STRANGER"], 777), ("Tomas", [], 48213),
    ]
    refs = ReferenceImage.objects.order_by("character__name")
    assert [(r.character.name, r.caption, r.width, r.height) for r in refs] == [
        ("Elin", "Look reference", 512, 640), ("The Stranger", "Look reference", 512, 640),
        ("Tomas", "Look reference", 512, 640),
    ]
    # and the images, an image and a thumbnail for each, are in this test's own media folder
    assert str(settings.MEDIA_ROOT) == str(tmp_path / "media")
    assert media_files() == sorted([r.image.name for r in refs] + [r.thumbnail.name for r in refs])
    assert all(default_storage.exists(name) for r in refs for name in (r.image.name, r.thumbnail.name))


def test_seed_creates_four_scenes_and_ten_shots_numbered_per_scene(db):
    seed()

    script = Script.objects.get()
    assert script.title == "The Lighthouse"
    assert script.fountain.startswith("Title: The Lighthouse\n")
    scenes = Scene.objects.order_by("order")
    assert [(s.number, s.heading) for s in scenes] == [
        ("1", "EXT. SKARV ROCK - NIGHT"), ("2", "INT. LAMP ROOM - NIGHT"), ("3", "EXT. SKARV ROCK, SHORE - DAWN"),
        ("4", "INT. KITCHEN - DAY"),
    ]
    shots = Shot.objects.order_by("scene__order", "order")
    assert {s.number: [sh.number for sh in shots if sh.scene_id == s.pk] for s in scenes} == {
        "1": ["1A", "1B"], "2": ["2A", "2B", "2C", "2D"], "3": ["3A", "3B"], "4": ["4A", "4B"],
    }
    assert [(s.number, s.size, s.status, sorted(c.name for c in s.characters.all())) for s in shots] == [
        ("1A", "ELS", "approved", []),
        ("1B", "LS", "in_review", []),
        ("2A", "MS", "ready", ["Elin"]),
        ("2B", "CU", "ready", ["Elin"]),
        ("2C", "ECU", "draft", []),
        ("2D", "MCU", "draft", ["Elin"]),
        ("3A", "LS", "draft", ["Elin", "The Stranger"]),
        ("3B", "CU", "draft", ["The Stranger"]),
        ("4A", "MLS", "draft", ["Tomas"]),
        ("4B", "MS", "draft", ["The Stranger", "Tomas"]),
    ]
    assert sum(s.duration for s in shots) == Decimal("43.00")


def test_seeding_twice_changes_nothing_and_says_the_project_is_there(db, snapshot):
    # given the demo was seeded once
    seed()
    before = snapshot()
    files = media_files()

    # when it is seeded again
    output = seed()

    # then not a row nor a file changed, and it says why
    assert output == "The demo project “The Lighthouse” is already there.\n" + LOGINS
    assert snapshot() == before
    assert media_files() == files


def test_quiet_login_prints_no_logins(db):
    assert seed("--quiet-login") == "Created the demo project “The Lighthouse”.\n"
    assert seed("--quiet-login") == "The demo project “The Lighthouse” is already there.\n"


def test_seed_keeps_a_user_that_already_exists(db):
    # given someone already made the user sam, with his own password
    sam = get_user_model().objects.create_user(username="sam", password="his own", display_name="Samuel")

    # when the demo is seeded
    seed()

    # then sam keeps his password and name, and is the demo's viewer
    sam.refresh_from_db()
    assert (sam.display_name, sam.check_password("his own")) == ("Samuel", True)
    assert Membership.objects.get(user=sam).role == "viewer"


def test_every_demo_user_can_log_in_and_open_the_board_with_their_role(db):
    # given the seeded demo
    seed()
    project = Project.objects.get()
    roles = {}

    # when each demo user logs in with the demo password and opens the board
    for username in ("maya", "theo", "june", "ravi", "lena", "sam"):
        client = Client()
        logged_in = client.post("/login/", {"username": username, "password": "lighthouse"})
        board = client.get(f"/projects/{project.pk}/board/")
        roles[username] = (logged_in.status_code, board.status_code, board.context["membership"].role)

    # then each gets in and sees the board as their role
    assert roles == {
        "maya": (302, 200, "owner"), "theo": (302, 200, "director"), "june": (302, 200, "writer"),
        "ravi": (302, 200, "artist"), "lena": (302, 200, "reviewer"), "sam": (302, 200, "viewer"),
    }
