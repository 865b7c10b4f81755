"""REST API of scripts and scenes."""

from __future__ import annotations

from dataclasses import asdict

import django_filters
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from studio.core.api import VERSION_KEY, DataSerializer, IdFilter, JSONParser, StrictInput, VersionedMixin, validated
from studio.core.ids import parse_id
from studio.projects.api import ProjectScopedViewSet, UserRefSerializer
from studio.projects.permissions import Capability

from . import selectors, services
from .compare import compare
from .events import RevisionData, SceneData
from .models import Scene, Script, ScriptRevision


class ScriptSerializer(serializers.ModelSerializer):
    scene_count = serializers.SerializerMethodField()

    class Meta:
        model = Script
        fields = ["id", "title", "fountain", "scene_count", "created_at", "updated_at"]

    def get_scene_count(self, script) -> int:
        if hasattr(script, "scene_count"):
            return script.scene_count
        return script.scenes.count()


class ScriptInputSerializer(StrictInput, serializers.ModelSerializer):
    class Meta:
        model = Script
        fields = ["title", "fountain"]
        extra_kwargs = {"fountain": {"trim_whitespace": False}}  # the screenplay is kept as written


class ScriptViewSet(ProjectScopedViewSet):
    """The project's scripts. Writers, directors and owners edit them."""

    queryset = Script.objects.none()
    serializer_class = ScriptSerializer
    capabilities = {a: Capability.EDIT_SCRIPT for a in ("create", "partial_update", "destroy")}

    def get_queryset(self):
        return selectors.scripts_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ScriptSerializer(page, many=True).data)

    @extend_schema(request=ScriptInputSerializer, responses={201: ScriptSerializer})
    def create(self, request, project_id=None):
        data = validated(ScriptInputSerializer, request.data)
        script = services.script_create(actor=request.user, project=self.project, **data)
        return Response(ScriptSerializer(script).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(ScriptSerializer(self.get_object()).data)

    @extend_schema(request=ScriptInputSerializer, responses={200: ScriptSerializer})
    def partial_update(self, request, project_id=None, pk=None):
        data = validated(ScriptInputSerializer, request.data, partial=True)
        script = services.script_update(actor=request.user, script=self.get_object(), changes=data)
        return Response(ScriptSerializer(self.get_queryset().get(pk=script.pk)).data)

    def destroy(self, request, project_id=None, pk=None):
        services.script_delete(actor=request.user, script=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SceneSerializer(DataSerializer):
    data_class = SceneData
    id = serializers.IntegerField()
    script = serializers.IntegerField()
    number = serializers.CharField()
    int_ext = serializers.ChoiceField(choices=Scene.IntExt.choices)
    location = serializers.CharField()
    time_of_day = serializers.CharField()
    heading = serializers.CharField(help_text="The heading as the script writes it: INT. LIGHTHOUSE - NIGHT.")
    synopsis = serializers.CharField()
    order = serializers.IntegerField()
    in_script = serializers.BooleanField(help_text="Parsed from the script; its heading and order follow the script.")
    omitted = serializers.BooleanField(help_text="Taken out of the script while it had shots; they are orphaned.")
    line = serializers.IntegerField(allow_null=True, help_text="Line of its heading in the script (0-based).")
    version = serializers.IntegerField(help_text="Send it back in If-Match when you write.")


class IntExtField(serializers.ChoiceField):
    """INT, EXT or INT/EXT, also as a heading spells them (``int.``, ``INT./EXT.``); "" for none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "INT, EXT, INT/EXT or blank; also as headings spell them: int., INT./EXT.")
        super().__init__(choices=Scene.IntExt.choices, allow_blank=True, required=False, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and services.normalise_int_ext(data) in self.choices:
            return services.normalise_int_ext(data)
        self.fail("invalid_choice", input=data)


class SceneInputSerializer(StrictInput, serializers.ModelSerializer):
    script = serializers.IntegerField(help_text="The script the scene belongs to (create only).")
    int_ext = IntExtField()

    class Meta:
        model = Scene
        fields = ["script", "number", "int_ext", "location", "time_of_day", "synopsis"]
        extra_kwargs = {"number": {"required": False}}
        validators = []


class SceneUpdateSerializer(StrictInput, serializers.ModelSerializer):
    also_accepted = VERSION_KEY
    int_ext = IntExtField()

    class Meta:
        model = Scene
        fields = ["number", "int_ext", "location", "time_of_day", "synopsis"]
        validators = []


class ReorderScenesSerializer(StrictInput, serializers.Serializer):
    script = serializers.IntegerField()
    scenes = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                   help_text="Every scene id of the script, in the new order.")


class SceneFilter(django_filters.FilterSet):
    script = IdFilter(field_name="script_id")

    class Meta:
        model = Scene
        fields = ["script"]


class SceneViewSet(VersionedMixin, ProjectScopedViewSet):
    """Scenes of the project's scripts, in order. Writers, directors and owners edit them."""

    queryset = Scene.objects.none()
    serializer_class = SceneSerializer
    filterset_class = SceneFilter
    version_kind = "scene"
    capabilities = {a: Capability.EDIT_SCRIPT for a in ("create", "partial_update", "destroy", "reorder")}

    def get_queryset(self):
        return selectors.scenes_of(project=self.project)

    def _script(self, script_id) -> Script:
        script = Script.objects.filter(project=self.project, pk=script_id).first()
        if script is None:
            raise serializers.ValidationError({"script": [f"Script {script_id} is not in this project."]})
        return script

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SceneSerializer(page, many=True).data)

    @extend_schema(request=SceneInputSerializer, responses={201: SceneSerializer})
    def create(self, request, project_id=None):
        data = validated(SceneInputSerializer, request.data)
        script = self._script(data.pop("script"))
        scene = services.scene_create(actor=request.user, script=script, **data)
        return self.versioned_response(SceneSerializer(scene).data, scene.version, status_code=201)

    def retrieve(self, request, project_id=None, pk=None):
        scene = self.get_object()
        return self.versioned_response(SceneSerializer(scene).data, scene.version)

    @extend_schema(request=SceneUpdateSerializer, responses={200: SceneSerializer})
    def partial_update(self, request, project_id=None, pk=None):
        scene = self.get_object()
        data = validated(SceneUpdateSerializer, request.data, partial=True)
        scene = services.scene_update(actor=request.user, scene=scene,
                                      expected_version=self.expected_version(request), changes=data)
        return self.versioned_response(SceneSerializer(scene).data, scene.version)

    def destroy(self, request, project_id=None, pk=None):
        scene = self.get_object()
        services.scene_delete(actor=request.user, scene=scene, expected_version=self.expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReorderScenesSerializer, responses={200: ReorderScenesSerializer})
    @action(detail=False, methods=["post"])
    def reorder(self, request, project_id=None):
        data = validated(ReorderScenesSerializer, request.data)
        script = self._script(data["script"])
        order = services.scenes_reorder(actor=request.user, script=script, scene_ids=data["scenes"])
        return Response({"script": script.pk, "scenes": order})


# --- Revisions, comparison, import and export ----------------------------------------------


class RevisionSerializer(DataSerializer):
    data_class = RevisionData
    id = serializers.IntegerField()
    script = serializers.IntegerField()
    name = serializers.CharField()
    color = serializers.ChoiceField(choices=ScriptRevision.Color.choices, allow_blank=True)
    created_by = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class RevisionDetailSerializer(RevisionSerializer):
    text = serializers.CharField(help_text="The script's Fountain text as the revision kept it.")

    def to_representation(self, instance):
        return {**super().to_representation(instance), "text": instance.text}


class RevisionInputSerializer(StrictInput, serializers.ModelSerializer):
    class Meta:
        model = ScriptRevision
        fields = ["name", "color"]


class ScriptImportSerializer(StrictInput, serializers.Serializer):
    file = serializers.FileField(help_text="A Fountain (.fountain) or Final Draft (.fdx) file.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="By default, the file's Title or its name.")


class RevisionViewSet(ProjectScopedViewSet):
    """Named snapshots of a script: keep one, compare, restore (as a new edit, live for everyone)."""

    queryset = ScriptRevision.objects.none()
    serializer_class = RevisionSerializer
    capabilities = {a: Capability.EDIT_SCRIPT for a in ("create", "destroy", "restore")}

    def _script(self) -> Script:
        return get_object_or_404(Script, project=self.project, pk=self.kwargs["script_id"])

    def get_queryset(self):
        return ScriptRevision.objects.filter(script__project=self.project, script_id=self.kwargs["script_id"]) \
            .select_related("created_by", "script")

    def list(self, request, project_id=None, script_id=None):
        self._script()
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    @extend_schema(request=RevisionInputSerializer, responses={201: RevisionDetailSerializer})
    def create(self, request, project_id=None, script_id=None):
        data = validated(RevisionInputSerializer, request.data)
        revision = services.revision_create(actor=request.user, script=self._script(), **data)
        return Response(RevisionDetailSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RevisionDetailSerializer)
    def retrieve(self, request, project_id=None, script_id=None, pk=None):
        return Response(RevisionDetailSerializer(self.get_object()).data)

    def destroy(self, request, project_id=None, script_id=None, pk=None):
        services.revision_delete(actor=request.user, revision=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: RevisionSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, project_id=None, script_id=None, pk=None):
        revision = services.revision_restore(actor=request.user, revision=self.get_object())
        return Response(RevisionSerializer(revision).data)


def _version_text(script: Script, ref: str | None) -> str:
    """``now`` (or nothing) → the script now; a revision id → its text."""
    if ref in (None, "", "now"):
        return services.current_text(script)
    revision_id = parse_id(str(ref))
    if revision_id is None:
        raise serializers.ValidationError({"from": ["Name a revision id or now."]})
    revision = ScriptRevision.objects.filter(script=script, pk=revision_id).first()
    if revision is None:
        raise serializers.ValidationError({"from": [f"Revision {ref} is not a revision of this script."]})
    return revision.text


def comparison_data(comparison) -> dict:
    return asdict(comparison)


class ScriptFilesViewSet(ProjectScopedViewSet):
    """A script compared between two versions, exported, or a new one imported from a file."""

    queryset = Script.objects.none()
    capabilities = {"import_file": Capability.EDIT_SCRIPT}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _script(self) -> Script:
        return get_object_or_404(Script, project=self.project, pk=self.kwargs["script_id"])

    @extend_schema(parameters=[
        OpenApiParameter("from", str, description="A revision id, or now (the default)."),
        OpenApiParameter("to", str, description="A revision id, or now (the default)."),
    ], responses={200: OpenApiTypes.OBJECT})
    def compare(self, request, project_id=None, script_id=None):
        script = self._script()
        old = _version_text(script, request.query_params.get("from"))
        new = _version_text(script, request.query_params.get("to"))
        return Response(comparison_data(compare(old, new)))

    @extend_schema(parameters=[
        OpenApiParameter("as", str, enum=["fountain", "fdx", "pdf"], description="The file format (?format= is "
                         "DRF's own, for JSON/browsable output)."),
        OpenApiParameter("scene_numbers", bool, description="PDF: print scene numbers in the margins."),
    ], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def export(self, request, project_id=None, script_id=None):
        content, media_type, filename = services.script_export(
            script=self._script(), fmt=request.query_params.get("as", "fountain"),
            scene_numbers=request.query_params.get("scene_numbers") in ("1", "true", "yes"),
        )
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(request={"multipart/form-data": ScriptImportSerializer}, responses={201: ScriptSerializer})
    def import_file(self, request, project_id=None):
        data = validated(ScriptImportSerializer, request.data)
        script = services.script_import(actor=request.user, project=self.project, upload=data["file"],
                                        title=data.get("title", ""))
        return Response(ScriptSerializer(selectors.scripts_of(project=self.project).get(pk=script.pk)).data,
                        status=status.HTTP_201_CREATED)
