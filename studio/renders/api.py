"""REST API of generation: the models on offer, a shot's assembled prompt, jobs (submit, cancel,
retry) and takes (list, upload, review, their files)."""

from __future__ import annotations

from dataclasses import asdict

import django_filters
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from generation import prompts
from generation.errors import ModelError
from generation.models import CLIP_MODES, FRAME_MODES
from studio.core.api import DataSerializer, IdFilter, JSONParser, StrictInput, validated
from studio.core.files import private_file_response
from studio.projects.api import ProjectScopedViewSet, UserRefSerializer
from studio.projects.permissions import Capability
from studio.shots.models import Shot

from . import prompt, runtime, selectors
from .events import JobData, TakeData
from .models import GenerationJob, Take
from .services import jobs, takes
from .services.jobs import JobOrder


def _shot(project, shot_id) -> Shot:
    shot = Shot.objects.filter(project=project, pk=shot_id).select_related("project", "scene").first()
    if shot is None:
        raise serializers.ValidationError({"shot": [f"Shot {shot_id} is not in this project."]})
    return shot


# --- Models and prompts --------------------------------------------------------------


class ModelSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    family = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField(), help_text="frame, clip")
    modes = serializers.ListField(child=serializers.CharField())
    smoke_test = serializers.BooleanField(help_text="Tiny random weights: its outputs are noise, for trying the flow.")
    references = serializers.BooleanField(help_text="Takes the characters' reference images (it has an IP-Adapter).")
    default_steps = serializers.IntegerField()
    default_width = serializers.IntegerField()
    default_height = serializers.IntegerField()
    size_multiple = serializers.IntegerField(help_text="Width and height must be multiples of this (Wan: 16).")


def model_rows(project) -> list[dict]:
    rows = []
    for spec in runtime.registry():
        width, height = spec.default_size(project.aspect_ratio)
        modes = sorted(spec.modes)
        rows.append({
            "name": spec.name, "label": spec.label, "family": spec.family,
            "kinds": sorted({"clip" if m.endswith("video") else "frame" for m in modes}), "modes": modes,
            "smoke_test": spec.smoke_test, "references": spec.supports_references,
            "default_steps": spec.default_steps, "default_width": width,
            "default_height": height, "size_multiple": spec.size_multiple,
        })
    return rows


class PromptTokensInput(StrictInput, serializers.Serializer):
    prompt = serializers.CharField(allow_blank=True, max_length=4000)


class PromptTokensSerializer(serializers.Serializer):
    model = serializers.CharField()
    tokens = serializers.IntegerField(help_text="The prompt's tokens, by the model's own tokenizer.")
    limit = serializers.IntegerField(help_text="How many tokens the model reads, with its long-prompt handling.")
    handling = serializers.CharField(help_text="chunks (SD), two encoders (SDXL) or none (Wan).")
    cut = serializers.CharField(help_text="The end of the prompt the model would not read; empty when it all fits.")


class GenerationModelViewSet(ProjectScopedViewSet):
    """The models this studio can generate with (STUDIO_MODELS), with their defaults for this project."""

    queryset = GenerationJob.objects.none()  # models come from settings, not the database
    serializer_class = ModelSerializer
    pagination_class = None

    @extend_schema(responses={200: ModelSerializer(many=True)})
    def list(self, request, project_id=None):
        return Response(model_rows(self.project))

    @extend_schema(request=PromptTokensInput, responses={200: PromptTokensSerializer})
    def tokens(self, request, project_id=None, name=None):
        """How much of a prompt this model reads: its tokens by the model's tokenizer, and what would be cut."""
        prompt = validated(PromptTokensInput, request.data)["prompt"]
        registry = runtime.registry()
        if name not in registry:
            raise Http404(f"No model is called {name!r}.")
        try:
            fit = prompts.fit(registry.get(name), prompt)
        except ModelError as error:  # named in settings, but its files are not on this machine
            raise Http404(f"Model {name!r} is not installed here: {error}") from error
        return Response({"model": name, **fit.to_dict()})


class PartSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="style, scene, camera, action or character:<id>")
    label = serializers.CharField()
    text = serializers.CharField()


class AssembledSerializer(serializers.Serializer):
    shot = serializers.IntegerField()
    kind = serializers.CharField()
    prompt = serializers.CharField()
    negative_prompt = serializers.CharField()
    seed = serializers.IntegerField()
    seed_source = serializers.CharField()
    parts = PartSerializer(many=True)
    references = serializers.IntegerField(help_text="How many character reference images go with the request.")


class PromptQuery(StrictInput, serializers.Serializer):
    kind = serializers.ChoiceField(choices=GenerationJob.Kind.choices, default="frame")


class ShotPromptViewSet(ProjectScopedViewSet):
    """The prompt, seed and references a shot would be generated with now, part by part."""

    serializer_class = AssembledSerializer

    @extend_schema(parameters=[PromptQuery])
    def retrieve(self, request, project_id=None, shot_id=None):
        kind = validated(PromptQuery, request.query_params.dict())["kind"]
        shot = selectors.shot_for_generation(project=self.project, shot_id=shot_id)
        assembled = prompt.assemble(shot, kind=kind)
        return Response({
            "shot": shot.pk, "kind": kind, "prompt": assembled.prompt, "negative_prompt": assembled.negative_prompt,
            "seed": assembled.seed, "seed_source": assembled.seed_source,
            "parts": [asdict(p) for p in assembled.parts], "references": len(assembled.references),
        })


# --- Jobs ---------------------------------------------------------------------------


class JobSerializer(DataSerializer):
    data_class = JobData
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Grows with every write of the job.")
    shot = serializers.IntegerField()
    shot_number = serializers.CharField()
    scene_heading = serializers.CharField()
    kind = serializers.ChoiceField(choices=GenerationJob.Kind.choices)
    mode = serializers.ChoiceField(choices=[(m, m) for m in (*FRAME_MODES, *CLIP_MODES)])
    mode_label = serializers.CharField(help_text="The mode in words, with what it starts from (depth-guided image to "
                                                 "image).")
    status = serializers.ChoiceField(choices=GenerationJob.Status.choices)
    model = serializers.CharField()
    model_label = serializers.CharField()
    prompt = serializers.CharField()
    seed = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    step = serializers.IntegerField()
    total_steps = serializers.IntegerField()
    progress = serializers.FloatField(help_text="0 to 1.")
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    worker = serializers.CharField(help_text="The worker that holds it now.")
    cancel_requested = serializers.BooleanField()
    stage = serializers.ChoiceField(choices=[("", "none"), ("loading", "loading"), ("canceling", "canceling")],
                                    help_text="A running job's stage: loading its model, or canceling (asked to "
                                              "stop, not stopped yet).")
    requester = UserRefSerializer(allow_null=True)
    retry_of = serializers.IntegerField(allow_null=True)
    take = serializers.IntegerField(allow_null=True, help_text="The take it made, once it succeeded.")
    created_at = serializers.CharField()
    started_at = serializers.CharField(allow_null=True)
    finished_at = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        take = getattr(instance, "take", None) if instance.status == GenerationJob.Status.SUCCEEDED else None
        return asdict(JobData.of(instance, take_id=take.pk if take else None))


class JobDetailSerializer(JobSerializer):
    request = serializers.DictField(help_text="The full generation request.")

    def to_representation(self, instance):
        return {**super().to_representation(instance), "request": instance.generation_request.to_dict()}


class JobCreateSerializer(StrictInput, serializers.Serializer):
    shot = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=GenerationJob.Kind.choices, default="frame")
    prompt = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                   help_text="Leave out to use the shot's assembled prompt.")
    negative_prompt = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**32 - 1,
                                    help_text="Leave out for the lead character's seed.")
    model = serializers.CharField(required=False, max_length=120)
    width = serializers.IntegerField(required=False)
    height = serializers.IntegerField(required=False)
    steps = serializers.IntegerField(required=False)
    guidance = serializers.FloatField(required=False)
    quality = serializers.ChoiceField(choices=[("standard", "Standard"), ("draft", "Draft")], default="standard")
    init_take = serializers.IntegerField(required=False, help_text="Image-to-image from this take.")
    depth_take = serializers.IntegerField(required=False,
                                          help_text="Depth-guided from this previz capture's depth map (its layout "
                                                    "version is recorded).")
    init_image = serializers.ImageField(required=False, help_text="Image-to-image from this upload.")
    strength = serializers.FloatField(required=False)
    depth_image = serializers.ImageField(required=False, help_text="Depth map (near = white) for the depth ControlNet.")
    depth_scale = serializers.FloatField(required=False)
    use_references = serializers.BooleanField(default=False,
                                              help_text="Send the characters' reference images (IP-Adapter).")
    reference_scale = serializers.FloatField(required=False)
    frames = serializers.IntegerField(required=False)
    fps = serializers.IntegerField(required=False)
    first_frame_take = serializers.IntegerField(required=False, help_text="Image-to-video from this take.")
    first_frame = serializers.ImageField(required=False)


class JobFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=GenerationJob.Status.choices)
    shot = IdFilter(field_name="shot_id")
    kind = django_filters.ChoiceFilter(choices=GenerationJob.Kind.choices)
    requester = IdFilter(field_name="requester_id")

    class Meta:
        model = GenerationJob
        fields = ["status", "shot", "kind", "requester"]


class JobViewSet(ProjectScopedViewSet):
    """Generation jobs of the project, newest first. Artists, directors and owners submit, cancel and retry."""

    queryset = GenerationJob.objects.none()
    serializer_class = JobSerializer
    filterset_class = JobFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    capabilities = {"create": Capability.GENERATE, "cancel": Capability.GENERATE, "retry": Capability.GENERATE}

    def get_queryset(self):
        return selectors.jobs_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(JobSerializer(page, many=True).data)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(JobDetailSerializer(self.get_object()).data)

    def _detail(self, job, status_code=200):
        return Response(JobDetailSerializer(self.get_queryset().get(pk=job.pk)).data, status=status_code)

    @extend_schema(request={"application/json": JobCreateSerializer, "multipart/form-data": JobCreateSerializer},
                   responses={201: JobDetailSerializer})
    def create(self, request, project_id=None):
        data = validated(JobCreateSerializer, request.data)
        shot = _shot(self.project, data.pop("shot"))
        job = jobs.job_submit(actor=request.user, shot=shot, order=JobOrder(**data))
        return self._detail(job, 201)

    @extend_schema(request=None, responses={200: JobDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, project_id=None, pk=None):
        job = jobs.job_cancel(actor=request.user, job=self.get_object())
        return self._detail(job)

    @extend_schema(request=None, responses={201: JobDetailSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, project_id=None, pk=None):
        job = jobs.job_retry(actor=request.user, job=self.get_object())
        return self._detail(job, 201)


# --- Takes --------------------------------------------------------------------------


class MadeWithSerializer(serializers.Serializer):
    model = serializers.CharField()
    model_label = serializers.CharField()
    mode = serializers.CharField()
    mode_label = serializers.CharField(help_text="The mode in words, with what it started from.")
    seed = serializers.IntegerField()
    steps = serializers.IntegerField()
    guidance = serializers.FloatField()
    quality = serializers.CharField()
    prompt = serializers.CharField()
    references = serializers.IntegerField()
    strength = serializers.FloatField(allow_null=True, help_text="When it started from an image only.")
    seconds = serializers.FloatField(allow_null=True)


class TakeSerializer(DataSerializer):
    data_class = TakeData
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Grows with every write of the take (a review).")
    shot = serializers.IntegerField()
    number = serializers.IntegerField(help_text="v1, v2, … within the shot.")
    job = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=Take.Kind.choices)
    source = serializers.ChoiceField(choices=Take.Source.choices)
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    depth_url = serializers.CharField(allow_null=True, help_text="A previz capture's depth map (near = white).")
    layout_version = serializers.IntegerField(allow_null=True, help_text="The 3D layout version it was made from.")
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    frames = serializers.IntegerField()
    fps = serializers.IntegerField(allow_null=True)
    provenance = serializers.DictField()
    made_with = MadeWithSerializer(allow_null=True, help_text="What a generated take was made with.")
    uploaded_as = serializers.CharField(help_text="An uploaded take's file name.")
    smoke_test = serializers.BooleanField()
    review = serializers.ChoiceField(choices=Take.Review.choices)
    reviewed_by = UserRefSerializer(allow_null=True)
    picked = serializers.BooleanField(help_text="Chosen for the storyboard and the cut (one per shot).")
    created_by = UserRefSerializer(allow_null=True)
    created_at = serializers.CharField()


class TakeUploadSerializer(StrictInput, serializers.Serializer):
    shot = serializers.IntegerField()
    file = serializers.FileField(help_text="PNG, JPEG or WebP image, or an MP4/WebM clip.")


class TakeCaptureSerializer(StrictInput, serializers.Serializer):
    shot = serializers.IntegerField()
    image = serializers.FileField(help_text="The colour render through the shot camera (PNG).")
    depth = serializers.FileField(help_text="Its depth map, near = white (PNG, same size).")
    layout_version = serializers.IntegerField(min_value=1, help_text="The saved layout version it shows.")


class TakeAnimaticSerializer(StrictInput, serializers.Serializer):
    shot = serializers.IntegerField()
    frames = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                   help_text="The frames of the camera move, in order (PNG or JPEG, all one size).")
    fps = serializers.IntegerField(default=24)
    layout_version = serializers.IntegerField(min_value=1)


class TakeReviewSerializer(StrictInput, serializers.Serializer):
    decision = serializers.ChoiceField(choices=Take.Review.choices)


class TakePickSerializer(StrictInput, serializers.Serializer):
    picked = serializers.BooleanField(default=True)


class TakeFilter(django_filters.FilterSet):
    shot = IdFilter(field_name="shot_id")
    kind = django_filters.ChoiceFilter(choices=Take.Kind.choices)
    review = django_filters.MultipleChoiceFilter(choices=Take.Review.choices)
    source = django_filters.ChoiceFilter(choices=Take.Source.choices)
    shown = django_filters.BooleanFilter(method="filter_shown",
                                         help_text="Only the take each shot shows: its approved one, or its newest.")

    class Meta:
        model = Take
        fields = ["shot", "kind", "review", "source", "shown"]

    def filter_shown(self, queryset, name, value):
        return selectors.shown_takes(queryset) if value else queryset


class TakeViewSet(ProjectScopedViewSet):
    """Takes: every version of every shot's frames and clips, generated or uploaded."""

    queryset = Take.objects.none()
    serializer_class = TakeSerializer
    filterset_class = TakeFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    capabilities = {"create": Capability.EDIT_SHOTS, "capture": Capability.EDIT_SHOTS,
                    "animatic": Capability.EDIT_SHOTS, "review": Capability.REVIEW, "pick": Capability.EDIT_SHOTS}

    def get_queryset(self):
        return selectors.takes_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TakeSerializer(page, many=True).data)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(TakeSerializer(self.get_object()).data)

    @extend_schema(request={"multipart/form-data": TakeUploadSerializer}, responses={201: TakeSerializer})
    def create(self, request, project_id=None):
        data = validated(TakeUploadSerializer, request.data)
        take = takes.take_upload(actor=request.user, shot=_shot(self.project, data["shot"]), upload=data["file"])
        return Response(TakeSerializer(self.get_queryset().get(pk=take.pk)).data, status=201)

    @extend_schema(request={"multipart/form-data": TakeCaptureSerializer}, responses={201: TakeSerializer})
    @action(detail=False, methods=["post"])
    def capture(self, request, project_id=None):
        data = validated(TakeCaptureSerializer, request.data)
        take = takes.take_capture(actor=request.user, shot=_shot(self.project, data["shot"]), image=data["image"],
                                     depth=data["depth"], layout_version=data["layout_version"])
        return Response(TakeSerializer(self.get_queryset().get(pk=take.pk)).data, status=201)

    @extend_schema(request={"multipart/form-data": TakeAnimaticSerializer}, responses={201: TakeSerializer})
    @action(detail=False, methods=["post"])
    def animatic(self, request, project_id=None):
        data = validated(TakeAnimaticSerializer, request.data)
        take = takes.take_animatic(actor=request.user, shot=_shot(self.project, data["shot"]),
                                      frames=data["frames"], fps=data["fps"], layout_version=data["layout_version"])
        return Response(TakeSerializer(self.get_queryset().get(pk=take.pk)).data, status=201)

    @extend_schema(responses={(200, "image/png"): bytes})
    @action(detail=True, methods=["get"])
    def depth(self, request, project_id=None, pk=None):
        return take_file_response(self.get_object(), thumbnail=False, depth=True)

    @extend_schema(request=TakeReviewSerializer, responses={200: TakeSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, project_id=None, pk=None):
        data = validated(TakeReviewSerializer, request.data)
        take = takes.take_review(actor=request.user, take=self.get_object(), decision=data["decision"])
        return Response(TakeSerializer(self.get_queryset().get(pk=take.pk)).data)

    @extend_schema(request=TakePickSerializer, responses={200: TakeSerializer})
    @action(detail=True, methods=["post"])
    def pick(self, request, project_id=None, pk=None):
        """Use this take in the storyboard and the cut (``picked: false`` takes the pick back); an approved take
        of the shot still comes first."""
        data = validated(TakePickSerializer, request.data)
        take = takes.take_pick(actor=request.user, take=self.get_object(), picked=data["picked"])
        return Response(TakeSerializer(self.get_queryset().get(pk=take.pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def media(self, request, project_id=None, pk=None):
        return take_file_response(self.get_object(), thumbnail=False)

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, project_id=None, pk=None):
        return take_file_response(self.get_object(), thumbnail=True)


def take_file_response(take: Take, *, thumbnail: bool, depth: bool = False) -> FileResponse:
    if depth and not take.depth:
        raise Http404("This take has no depth map.")
    file = take.depth if depth else take.thumbnail if thumbnail else take.media
    content_type = "image/png" if depth else "image/jpeg" if thumbnail else take.content_type
    return private_file_response(file, content_type=content_type)
