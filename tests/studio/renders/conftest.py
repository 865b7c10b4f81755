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

