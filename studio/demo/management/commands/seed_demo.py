"""``manage.py seed_demo``: create the demo project "The Lighthouse", once.

Idempotent: users are created when missing, the project only when its owner
has no project of that title. Everything is written through the services, as
a user would.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from studio.cast import services as cast
from studio.demo import lighthouse
from studio.demo.portraits import portrait
from studio.projects import services as projects
from studio.projects.models import Project
from studio.screenplay import services as screenplay
from studio.shots import services as shots


class Command(BaseCommand):
    help = 'Create the demo project "The Lighthouse" with a member of every role (safe to run again).'

    def add_arguments(self, parser):
        parser.add_argument("--quiet-login", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the studio is served, for the "
                                                                          "login line.")

    def handle(self, *args, **options):
        users = self._users()
        owner = users["maya"]
        project = Project.objects.filter(title=lighthouse.PROJECT["title"], memberships__user=owner).first()
        if project is None:
            project = self._project(users)
            self.stdout.write(self.style.SUCCESS(f"Created the demo project “{project.title}”."))
        else:
            self.stdout.write(f"The demo project “{project.title}” is already there.")
        if not options["quiet_login"]:
            self.stdout.write(
                f"\n  Log in at {options['url']} as  maya / lighthouse  (owner, and admin at /admin/)\n"
                "  Teammates, same password: " + ", ".join(f"{u} ({role})" for u, _, role in lighthouse.PEOPLE[1:])
                + "\n"
            )

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, name, _role in lighthouse.PEOPLE:
            user, created = User.objects.get_or_create(username=username, defaults={"display_name": name})
            if created:
                user.set_password(lighthouse.PASSWORD)
                if username == "maya":
                    user.is_staff = user.is_superuser = True
                user.save()
            users[username] = user
        return users

    @transaction.atomic
    def _project(self, users) -> Project:
        owner = users["maya"]
        project = projects.project_create(actor=owner, frame_rate=Decimal("24"), **lighthouse.PROJECT)
        for username, _name, role in lighthouse.PEOPLE[1:]:
            projects.member_add(actor=owner, project=project, username=username, role=role)

        cast_by_name = {}
        for spec in lighthouse.CHARACTERS:
            character = cast.character_create(actor=owner, project=project, **spec)
            cast.reference_add(actor=owner, character=character, caption="Look reference",
                               upload=portrait(color=character.color, name=character.name, seed=character.seed))
            cast_by_name[character.name] = character

        # the scenes come from the script, as they do for a writer
        script = project.scripts.get()
        screenplay.script_update(actor=owner, script=script, changes={"fountain": lighthouse.FOUNTAIN})
        scenes = list(script.scenes.order_by("order"))
        assert len(scenes) == len(lighthouse.SCENES), "the demo script and its shot list disagree"
        for scene, (_ie, _loc, _time, synopsis, shot_specs) in zip(scenes, lighthouse.SCENES, strict=True):
            scene = screenplay.scene_update(actor=owner, scene=scene, expected_version=scene.version,
                                            changes={"synopsis": synopsis})
            for size, angle, movement, lens, duration, description, dialogue, names, status in shot_specs:
                shots.shot_create(
                    actor=owner, scene=scene, size=size, angle=angle, movement=movement, lens_mm=lens,
                    duration=Decimal(str(duration)), description=description, dialogue=dialogue,
                    characters=[cast_by_name[n].pk for n in names], status=status,
                )
        return project
