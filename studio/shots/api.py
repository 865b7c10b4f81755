"""REST API of shots: list with filters, create, edit, move, reorder, delete."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from studio.core.api import VERSION_KEY, DataSerializer, IdFilter, StrictInput, VersionedMixin, validated
from studio.projects.api import ProjectScopedViewSet
from studio.projects.permissions import Capability
from studio.screenplay.models import Scene

from . import assets, files, layouts, selectors, services
from .events import ShotData
from .models import LayoutAsset, Shot, ShotLayout


class ShotSerializer(DataSerializer):
    data_class = ShotData
    id = serializers.IntegerField()
    scene = serializers.IntegerField()
    number = serializers.CharField()
    order = serializers.IntegerField(help_text="Position within the scene, from 0.")
    size = serializers.ChoiceField(choices=Shot.Size.choices)
    angle = serializers.ChoiceField(choices=Shot.Angle.choices)
    movement = serializers.ChoiceField(choices=Shot.Movement.choices)
    lens_mm = serializers.IntegerField()
    duration = serializers.FloatField(help_text="Seconds.")
    description = serializers.CharField()
    dialogue = serializers.CharField()
    characters = serializers.ListField(child=serializers.IntegerField())
    status = serializers.ChoiceField(choices=Shot.Status.choices)
    version = serializers.IntegerField(help_text="Send it back in If-Match when you write.")


class _ShotFields(StrictInput, serializers.ModelSerializer):
    characters = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=200)
    scene = serializers.IntegerField()

    class Meta:
        model = Shot
        fields = ["scene", "number", "size", "angle", "movement", "lens_mm", "duration", "description", "dialogue",
                  "characters", "status"]
        extra_kwargs = {"number": {"required": False}}
        validators = []


class ShotCreateSerializer(_ShotFields):
    position = serializers.IntegerField(required=False, min_value=0,
                                        help_text="Where in the scene to insert it (0 = first); the end by default.")

    class Meta(_ShotFields.Meta):
        fields = [*_ShotFields.Meta.fields, "position"]


class ShotUpdateSerializer(_ShotFields):
    also_accepted = VERSION_KEY
    scene = serializers.IntegerField(required=False, help_text="Move the shot to the end of this scene.")


class ReorderShotsSerializer(StrictInput, serializers.Serializer):
    scene = serializers.IntegerField()
    shots = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, max_length=2000,
        help_text="Every shot of the scene in the new order; shots of other scenes listed here move into it.",
    )


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """Ids, comma separated."""


class ShotFilter(django_filters.FilterSet):
    scene = IdFilter(field_name="scene_id")
    scenes = NumberInFilter(field_name="scene_id", help_text="Shots of these scenes: ids, comma "
                                         "separated (the board fetches a page of scenes, then their shots).")
    script = IdFilter(field_name="scene__script_id")
    status = django_filters.MultipleChoiceFilter(choices=Shot.Status.choices)
    size = django_filters.MultipleChoiceFilter(choices=Shot.Size.choices)
    character = IdFilter(field_name="characters", help_text="Shots this character is in.")
    q = django_filters.CharFilter(method="search", help_text="Text in the number, description or dialogue, or in "
                                                             "the name of a character in the shot.")

    class Meta:
        model = Shot
        fields = ["scene", "script", "status", "size", "character"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        with_character = Shot.objects.filter(characters__name__icontains=value).values("pk")
        return queryset.filter(Q(number__iexact=value) | Q(description__icontains=value) | Q(dialogue__icontains=value)
                               | Q(pk__in=with_character))


class ShotViewSet(VersionedMixin, ProjectScopedViewSet):
    """The shots of the project, scene by scene. Artists, directors and owners edit them; reviewers approve."""

    queryset = Shot.objects.none()
    serializer_class = ShotSerializer
    filterset_class = ShotFilter
    version_kind = "shot"
    capabilities = {"create": Capability.EDIT_SHOTS, "destroy": Capability.EDIT_SHOTS,
                    "reorder": Capability.EDIT_SHOTS}

    def get_queryset(self):
        return selectors.shots_of(project=self.project)

    def _scene(self, scene_id) -> Scene:
        scene = Scene.objects.filter(project=self.project, pk=scene_id).select_related("project").first()
        if scene is None:
            raise serializers.ValidationError({"scene": [f"Scene {scene_id} is not in this project."]})
        return scene

    def _response(self, shot: Shot, *, status_code=200, headers=None):
        shot = self.get_queryset().get(pk=shot.pk)
        return self.versioned_response(ShotSerializer(shot).data, shot.version, status_code=status_code,
                                       headers=headers)

    def list(self, request, project_id=None):
        shots = self.filter_queryset(selectors.shots_in_order(project=self.project))
        page = self.paginate_queryset(selectors.shot_rows(shots))  # rows, not instances: ShotData.from_row
        return self.get_paginated_response(selectors.shot_data(page))

    @extend_schema(request=ShotCreateSerializer, responses={201: ShotSerializer})
    def create(self, request, project_id=None):
        data = validated(ShotCreateSerializer, request.data)
        scene = self._scene(data.pop("scene"))
        shot = services.shot_create(actor=request.user, scene=scene, **data)
        return self._response(shot, status_code=201)

    def retrieve(self, request, project_id=None, pk=None):
        shot = self.get_object()
        return self.versioned_response(ShotSerializer(shot).data, shot.version)

    @extend_schema(request=ShotUpdateSerializer, responses={200: ShotSerializer})
    def partial_update(self, request, project_id=None, pk=None):
        shot = self.get_object()
        data = validated(ShotUpdateSerializer, request.data, partial=True)
        shot = services.shot_update(actor=request.user, shot=shot, expected_version=self.expected_version(request),
                                    changes=data)
        return self._response(shot)

    def destroy(self, request, project_id=None, pk=None):
        shot = self.get_object()
        services.shot_delete(actor=request.user, shot=shot, expected_version=self.expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReorderShotsSerializer, responses={200: ReorderShotsSerializer})
    @action(detail=False, methods=["post"])
    def reorder(self, request, project_id=None):
        data = validated(ReorderShotsSerializer, request.data)
        scene = self._scene(data["scene"])
        order = services.shots_reorder(actor=request.user, scene=scene, shot_ids=data["shots"])
        return Response({"scene": scene.pk, "shots": order})


# --- Layout -------------------------------------------------------------------------


class LayoutSerializer(serializers.Serializer):
    shot = serializers.IntegerField()
    version = serializers.IntegerField(help_text="0 for a shot never blocked. Send it back in If-Match when you save.")
    layout = serializers.DictField(help_text="The layout document (schema in studio/shots/layout.py).")
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField(allow_null=True)


class LayoutSavedSerializer(LayoutSerializer):
    changed = serializers.ListField(child=serializers.CharField(), help_text="Objects (and camera/stage) changed.")
    merged = serializers.BooleanField(help_text="Merged with a save someone made since your version.")


class LayoutInput(StrictInput, serializers.Serializer):
    layout = serializers.JSONField()


class ShotLayoutViewSet(VersionedMixin, ProjectScopedViewSet):
    """A shot's 3D layout: everyone reads it; artists, directors and owners save it (If-Match: the version
    it was made from). A save from an older version is merged object by object, or refused with 409
    naming the objects both changed."""

    serializer_class = LayoutSerializer
    version_kind = "layout"
    capabilities = {"update": Capability.EDIT_SHOTS}

    def _shot(self, shot_id) -> Shot:
        shot = Shot.objects.filter(project=self.project, pk=shot_id).select_related("project").first()
        if shot is None:
            raise Http404("No such shot.")
        return shot

    def _body(self, shot: Shot) -> dict:
        row = ShotLayout.objects.filter(shot=shot).select_related("updated_by").first()
        data, version = layouts.layout_of(shot)
        return {"shot": shot.pk, "version": version, "layout": data,
                "updated_by": row.updated_by.username if row and row.updated_by else None,
                "updated_at": row.updated_at.isoformat().replace("+00:00", "Z") if row else None}

    def retrieve(self, request, project_id=None, shot_id=None):
        body = self._body(self._shot(shot_id))
        return self.versioned_response(body, body["version"])

    @extend_schema(request=LayoutInput, responses={200: LayoutSavedSerializer})
    def update(self, request, project_id=None, shot_id=None):
        shot = self._shot(shot_id)
        data = validated(LayoutInput, request.data)
        _, changed, merged = layouts.layout_save(actor=request.user, shot=shot, data=data["layout"],
                                                 base_version=self.expected_version(request))
        shot.refresh_from_db(fields=["lens_mm", "size"])  # the save may have changed them: the layout reads them
        body = self._body(shot)
        return self.versioned_response({**body, "changed": changed, "merged": merged}, body["version"])


# --- Imported sets ---------------------------------------------------------------------


class LayoutAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="The file (members only); an environment object's asset is the id.")
    bytes = serializers.IntegerField()
    created_at = serializers.CharField()

    def to_representation(self, asset):
        return {"id": asset.pk, "name": asset.name, "url": files.asset_url(asset), "bytes": asset.bytes,
                "created_at": asset.created_at.isoformat().replace("+00:00", "Z")}


class LayoutAssetInput(StrictInput, serializers.Serializer):
    file = serializers.FileField(help_text="A glTF 2.0 set: .glb, or .gltf with embedded data.")
    name = serializers.CharField(required=False, max_length=200)


class LayoutAssetViewSet(ProjectScopedViewSet):
    """3D sets imported into the project (glTF 2.0), to place in layouts as environments."""

    queryset = LayoutAsset.objects.none()
    serializer_class = LayoutAssetSerializer
    parser_classes = [MultiPartParser, FormParser]
    capabilities = {"create": Capability.EDIT_SHOTS}

    def get_queryset(self):
        return LayoutAsset.objects.filter(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LayoutAssetSerializer(page, many=True).data)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(LayoutAssetSerializer(self.get_object()).data)

    @extend_schema(request={"multipart/form-data": LayoutAssetInput}, responses={201: LayoutAssetSerializer})
    def create(self, request, project_id=None):
        data = validated(LayoutAssetInput, request.data)
        asset = assets.asset_upload(actor=request.user, project=self.project, upload=data["file"],
                                    name=data.get("name", ""))
        return Response(LayoutAssetSerializer(asset).data, status=status.HTTP_201_CREATED)
