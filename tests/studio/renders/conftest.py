import pytest

from tests import factories


@pytest.fixture
def board(team):
    """``team`` plus a script, a scene and a shot with one character who has a reference image."""
    project = team.project
    factories.make_script(project)
    team.scene = factories.make_scene(project, location="Lamp room", int_ext="INT", time_of_day="NIGHT")
    team.maya = factories.make_character(project, name="Maya", appearance_prompt="yellow raincoat", seed=1234)
    team.reference = factories.make_reference(team.maya)
    team.shot = factories.make_shot(team.scene, size="MS", characters=[team.maya.pk])
    return team


def jobs_url(project, *rest) -> str:
    return "/".join([f"/api/v1/projects/{project.pk}/jobs", *map(str, rest)]) + "/"


def takes_url(project, *rest) -> str:
    return "/".join([f"/api/v1/projects/{project.pk}/takes", *map(str, rest)]) + "/"


@pytest.fixture(scope="session")
def tiny_models(django_db_blocker):
    """The tiny random-weight models the default STUDIO_MODELS names, built once (var/models, as `make run`)."""
    from django.conf import settings

    from generation import tiny

    if not tiny.is_current(settings.STUDIO_MODELS_DIR):
        tiny.build(settings.STUDIO_MODELS_DIR)
    return settings.STUDIO_MODELS_DIR
