"""Every operation of the OpenAPI schema, fuzzed against a live server (schemathesis, stateless) as an owner and
as a viewer (token auth): no answer is a 5xx, and every documented answer matches the schema. The budget is fixed
(``EXAMPLES`` a operation, derandomized) so the run is the same each time and takes well under two minutes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from studio.accounts import services as account_services
from studio.projects.permissions import Role
from tests import factories
from tests.servers import Daphne

EXAMPLES = 4
OPERATIONS = 80  # 70, and issue 12: take pick, storyboard, exports (5), downloads, retime read and apply


COLLECTIONS = {"projects": "project_id", "scripts": "script_id", "shots": "shot_id", "characters": "character_id",
               "scenes": "scene_id"}


class Studio:
    """A live server on a project with something of everything, and the ids its paths should name."""

    def __init__(self, server: Daphne, token: str, ids: dict[str, int]):
        self.url = server.url
        self.headers = {"Authorization": f"Token {token}"}
        self.ids = ids


@pytest.fixture(params=[Role.OWNER, Role.VIEWER])
def role(request):
    return request.param


@pytest.fixture
def studio(role, transactional_db, tmp_path):
    owner = factories.make_user("fuzz_owner")
    project = factories.make_project(owner=owner, title="Fuzzed")
    user = owner if role == Role.OWNER else factories.add_member(project, role, factories.make_user("fuzz_viewer"))
    script = project.scripts.order_by("id").first()
    scene = factories.make_scene(project, script=script, location="Lamp room")
    shot = factories.make_shot(scene)
    character = factories.make_character(project, name="Elin")
    token = account_services.token_rotate(actor=user).key
    ids = {"project_id": project.pk, "script_id": script.pk, "scene_id": scene.pk, "shot_id": shot.pk,
           "character_id": character.pk}
    with Daphne(tmp_path) as server:
        yield Studio(server, token, ids)


def name_objects(case, ids: dict[str, int]) -> None:
    """The paths name the project and its objects (an id of nothing is only ever a 404); a project is not
    deleted under the rest of the run."""
    params = case.path_parameters or {}
    for name in params:
        if name in ids:
            params[name] = ids[name]
    collection = case.path.rstrip("/").split("/{id}")[0].rsplit("/", 1)[-1] if "{id}" in case.path else None
    if collection in COLLECTIONS and not (collection == "projects" and case.method.upper() == "DELETE"):
        params["id"] = ids[COLLECTIONS[collection]]


def fuzz(operation, studio) -> str | None:
    """Run the operation's examples; what the first failing one found, or None."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def examples(case):
        name_objects(case, studio.ids)
        case.call_and_validate(base_url=studio.url, headers=studio.headers,
                               checks=[not_a_server_error, response_schema_conformance])

    try:
        examples()
    except Exception as exc:  # a schemathesis FailureGroup, or the check's AssertionError
        return f"{operation.label}: {exc}"
    return None


def test_every_operation_answers_without_a_server_error_and_as_documented(studio):
    # given
    schema = schemathesis.openapi.from_url(f"{studio.url}/api/schema/?format=json", headers=studio.headers)
    operations = [result.ok() for result in schema.get_all_operations()]

    # when
    failures = [failure for operation in operations if (failure := fuzz(operation, studio))]

    # then
    assert failures == []
    assert len(operations) == OPERATIONS
