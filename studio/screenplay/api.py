"""REST API of scripts and scenes."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from studio.core.api import VERSION_KEY, DataSerializer, StrictInput, VersionedMixin, validated
from studio.live.events import SceneData
from studio.projects.api import ProjectScopedViewSet
from studio.projects.permissions import Capability

from . import selectors, services
from .models import Scene, Script


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
    script = django_filters.NumberFilter(field_name="script_id")

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
