"""Test data, written through the services so it is always valid data a user could have made."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studio.cast import services as cast_services
from studio.projects import services as project_services
from studio.projects.models import Membership, Project
from studio.projects.permissions import Role
from studio.screenplay import services as screenplay_services
from studio.shots import services as shot_services

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                display_name=extra.pop("display_name", username.title()), **extra)
    return user


def owner_of(project: Project):
    return Membership.objects.select_related("user").filter(project=project, role=Role.OWNER).first().user


def make_project(owner=None, **fields) -> Project:
    owner = owner or make_user()
    fields.setdefault("title", f"Project {next(_seq)}")
    return project_services.project_create(actor=owner, **fields)


def add_member(project: Project, role: str, user=None):
    user = user or make_user()
    project_services.member_add(actor=owner_of(project), project=project, username=user.username, role=role)
    return user


def make_script(project: Project, **fields):
    fields.setdefault("title", f"Script {next(_seq)}")
    return screenplay_services.script_create(actor=owner_of(project), project=project, **fields)


def make_scene(project: Project, script=None, **fields):
    script = script or project.scripts.order_by("id").first()
    fields.setdefault("location", f"Location {next(_seq)}")
    return screenplay_services.scene_create(actor=owner_of(project), script=script, **fields)


def make_shot(scene, **fields):
    fields.setdefault("duration", Decimal("3"))
    return shot_services.shot_create(actor=owner_of(scene.project), scene=scene, **fields)


def make_character(project: Project, **fields):
    fields.setdefault("name", f"Character {next(_seq)}")
    return cast_services.character_create(actor=owner_of(project), project=project, **fields)


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def image_upload(name: str = "ref.png", fmt: str = "PNG", size=(64, 48), color=(200, 40, 40)) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size, color), content_type=content_type)


def make_reference(character, **fields):
    fields.setdefault("upload", image_upload())
    return cast_services.reference_add(actor=owner_of(character.project), character=character, **fields)
