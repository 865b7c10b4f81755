"""The deliverables API: the storyboard (the sequence as the storyboard page reads it), exports made by the export
worker (storyboard PDF, animatic, OTIO bundle), quick downloads made on request (the shot list as CSV or PDF, the cut
as OTIO, EDL, FCP 7 XML), and a retimed cut brought back: read it into a proposal, then apply what the director
accepts as ordinary versioned shot updates."""

from __future__ import annotations

from dataclasses import asdict

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from studio.core.api import DataSerializer, JSONParser, StrictInput, validated
from studio.core.ids import parse_id
from studio.projects.api import ProjectScopedViewSet, UserRefSerializer
from studio.projects.permissions import Capability
from studio.shots.api import ShotFilter
from studio.shots.models import Shot

from . import editorial, files, selectors, services, storyboard
from .events import ExportData
from .models import Export

SCENE = OpenApiParameter("scene", int, description="One scene only (its id); without it, the whole board.")
BOARD_FILTERS = [
    OpenApiParameter("status", str, many=True, enum=Shot.Status.values, description="Shots of these statuses."),
    OpenApiParameter("size", str, many=True, enum=Shot.Size.values, description="Shots of these sizes."),
    OpenApiParameter("character", int, description="Shots this character is in."),
    OpenApiParameter("q", str, description="Text in the number, action or dialogue, or a character's name."),
]


def board_filter(request):
    """The board's own filters (status, size, character, q) over a queryset of shots; a bad value is a 400."""

    def narrow(shots):
        params = request.query_params.copy()
        params.pop("scene", None)
        filterset = ShotFilter(params, queryset=shots)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    return narrow


class ExportSerializer(DataSerializer):
    data_class = ExportData
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Export.Kind.choices)
    kind_label = serializers.CharField()
    scene = serializers.IntegerField(allow_null=True)
    options = serializers.DictField(help_text="Every option, as the export was made with them.")
    status = serializers.ChoiceField(choices=Export.Status.choices)
    step = serializers.IntegerField()
    total_steps = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="The file, once it succeeded.")
    extra_urls = serializers.DictField(child=serializers.CharField(), help_text="Files beside it: vtt, srt.")
    bytes = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    error = serializers.CharField()
    requested_by = UserRefSerializer(allow_null=True)
    created_at = serializers.CharField()
    finished_at = serializers.CharField(allow_null=True)


class ExportInputSerializer(StrictInput, serializers.Serializer):
    kind = serializers.ChoiceField(choices=Export.Kind.choices)
    scene = serializers.IntegerField(required=False, allow_null=True)
    options = serializers.JSONField(required=False, help_text=(
        "storyboard_pdf: preset (3x2, 2x2, 1x, pairs), dialogue, action, notes, camera, duration, title_page; "
        "animatic: width, captions, subtitles, speech; otioz: none."))


class ExportViewSet(ProjectScopedViewSet):
    """Exports: files made on the export worker with progress (``export.*`` events); members may download them,
    owners, directors and artists may start and cancel them."""

    queryset = Export.objects.none()
    serializer_class = ExportSerializer
    parser_classes = [JSONParser]
    capabilities = {"create": Capability.EXPORT, "cancel": Capability.EXPORT}

    def get_queryset(self):
        return selectors.exports_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ExportSerializer(page, many=True).data)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(ExportSerializer(self.get_object()).data)

    @extend_schema(request=ExportInputSerializer, responses={202: ExportSerializer})
    def create(self, request, project_id=None):
        data = validated(ExportInputSerializer, request.data)
        export = services.export_start(actor=request.user, project=self.project, kind=data["kind"],
                                       options=data.get("options"), scene=_scene_field(self.project, data))
        return Response(ExportSerializer(self.get_queryset().get(pk=export.pk)).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: ExportSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, project_id=None, pk=None):
        export = services.export_cancel(actor=request.user, export=self.get_object())
        return Response(ExportSerializer(self.get_queryset().get(pk=export.pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, project_id=None, pk=None):
        return files.export_file_response(self.get_object(), request.query_params.get("name") or None)


class StoryboardViewSet(ProjectScopedViewSet):
    """The storyboard: every shot in board order with its selected take, camera data, action and dialogue."""

    serializer_class = None

    @extend_schema(parameters=[SCENE, *BOARD_FILTERS], responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, project_id=None):
        sequence = selectors.sequence_of(project=self.project, narrow=board_filter(request),
                                         scene=selectors.scene_of(self.project, _scene_param(request)))
        return Response(storyboard.as_json(sequence, self.project))


DOWNLOADS = {
    "shotlist.csv": "shot list (CSV)", "shotlist.pdf": "shot list (PDF)", "cut.otio": "OpenTimelineIO",
    "cut.edl": "CMX 3600 EDL", "cut.xml": "Final Cut Pro 7 XML", "cut.fcpxml": "Final Cut Pro X XML",
}


class DownloadViewSet(ProjectScopedViewSet):
    """Quick downloads, made on request: the shot list and the cut for editorial (any member)."""

    serializer_class = None

    @extend_schema(parameters=[SCENE, *BOARD_FILTERS],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def retrieve(self, request, project_id=None, name=None):
        sequence = selectors.sequence_of(project=self.project, narrow=board_filter(request),
                                         scene=selectors.scene_of(self.project, _scene_param(request)))
        content, media_type, filename = editorial.download(sequence, name,
                                                           base_url=request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class RetimeUploadSerializer(StrictInput, serializers.Serializer):
    file = serializers.FileField(help_text="An edited cut: .otio, .edl or FCP 7 .xml.")


class RetimeChangeSerializer(StrictInput, serializers.Serializer):
    shot = serializers.IntegerField()
    duration = serializers.DecimalField(max_digits=6, decimal_places=2)
    version = serializers.IntegerField(help_text="The shot's version the proposal was made from.")


class RetimeApplySerializer(StrictInput, serializers.Serializer):
    changes = RetimeChangeSerializer(many=True, max_length=5000)
    order = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=20000,
                                  help_text="The shots in their new order (each scene's shots are reordered "
                                            "within the scene; a shot never moves to another scene).")


class RetimeViewSet(ProjectScopedViewSet):
    """A retimed cut from editorial: ``read`` proposes new durations and order (nothing changes); ``apply`` makes
    the accepted changes, each an ordinary versioned shot update (412 if a shot changed since the proposal)."""

    serializer_class = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    capabilities = {"read": Capability.EDIT_SHOTS, "apply": Capability.EDIT_SHOTS}

    @extend_schema(request={"multipart/form-data": RetimeUploadSerializer}, responses={200: OpenApiTypes.OBJECT})
    def read(self, request, project_id=None):
        data = validated(RetimeUploadSerializer, request.data)
        proposal = editorial.propose(selectors.sequence_of(project=self.project), data["file"])
        return Response(proposal)

    @extend_schema(request=RetimeApplySerializer, responses={200: OpenApiTypes.OBJECT})
    def apply(self, request, project_id=None):
        data = validated(RetimeApplySerializer, request.data)
        result = editorial.retime_apply(actor=request.user, project=self.project, changes=data["changes"],
                                        order=data.get("order"))
        return Response(asdict(result))


def _scene_field(project, data):
    """The scene a request's body names: a scene of another project (or none) is a field error, not a 404."""
    if data.get("scene") is None:
        return None
    try:
        return selectors.scene_of(project, data["scene"])
    except Http404:
        raise ValidationError({"scene": [f"Scene {data['scene']} is not in this project."]}) from None


def _scene_param(request):
    value = request.query_params.get("scene")
    if value in (None, ""):
        return None
    scene_id = parse_id(value)
    if scene_id is None:
        raise ValidationError({"scene": ["A scene is named by its id, a whole number."]})
    return scene_id
