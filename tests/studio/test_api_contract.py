"""The API documents what it returns: output serializers declare exactly the data classes' fields,
and the OpenAPI schema builds without a warning."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from studio.cast.api import CharacterSerializer, ReferenceSerializer
from studio.projects.api import MemberSerializer, UserRefSerializer
from studio.screenplay.api import SceneSerializer
from studio.shots.api import ShotSerializer
from tests import factories


@pytest.mark.parametrize(
    "serializer",
    [ShotSerializer, SceneSerializer, CharacterSerializer, ReferenceSerializer, MemberSerializer, UserRefSerializer],
    ids=lambda s: s.__name__,
)
def test_output_serializer_declares_exactly_the_fields_it_returns(serializer):
    assert set(serializer().fields) == serializer.data_fields()


def test_openapi_schema_builds_without_warnings(tmp_path, capsys):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--file", str(out), "--fail-on-warn", "--validate")

    text = out.read_text()
    assert "/api/v1/projects/{project_id}/shots/reorder/" in text
    assert "If-Match" not in capsys.readouterr().err


@pytest.mark.django_db
def test_schema_and_docs_are_served(api):
    client = api(factories.make_user())

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert schema["Content-Type"].startswith("application/vnd.oai.openapi")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()
