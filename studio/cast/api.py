"""REST API of characters and their reference images."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from studio.core.api import VERSION_KEY, DataSerializer, StrictInput, VersionedMixin, validated
from studio.projects.api import ProjectScopedViewSet
from studio.projects.permissions import Capability

from . import selectors, services
from .events import CharacterData, ReferenceData
from .models import Character, ReferenceImage


class ReferenceSerializer(DataSerializer):
    data_class = ReferenceData
    id = serializers.IntegerField()
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    caption = serializers.CharField()


class CharacterSerializer(DataSerializer):
    data_class = CharacterData
    id = serializers.IntegerField()
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    appearance_prompt = serializers.CharField()
    seed = serializers.IntegerField(help_text="Fixed seed, so the character renders alike from shot to shot.")
    color = serializers.CharField()
    voice = serializers.CharField(help_text="The animatic's scratch voice: an espeak-ng voice or piper:<name>.")
    voice_speed = serializers.IntegerField(help_text="Words per minute; 0: the voice's own.")
    references = ReferenceSerializer(many=True)
    suggested = serializers.BooleanField(help_text="Found as a cue in the script; not yet confirmed.")
    version = serializers.IntegerField(help_text="Send it back in If-Match when you write.")


class CharacterInputSerializer(StrictInput, serializers.ModelSerializer):
    also_accepted = VERSION_KEY
    aliases = serializers.ListField(child=serializers.CharField(max_length=120, allow_blank=True), required=False,
                                    max_length=40)

    class Meta:
        model = Character
        fields = ["name", "aliases", "description", "appearance_prompt", "seed", "color", "voice", "voice_speed"]
        validators = []


class ReferenceInputSerializer(StrictInput, serializers.Serializer):
    image = serializers.FileField(help_text="PNG, JPEG or WebP.")
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CharacterViewSet(VersionedMixin, ProjectScopedViewSet):
    """The project's cast. Everyone but reviewers and viewers may edit it."""

    queryset = Character.objects.none()
    serializer_class = CharacterSerializer
    version_kind = "character"
    capabilities = {a: Capability.EDIT_CAST for a in ("create", "partial_update", "destroy", "confirm", "dismiss")}

    def get_queryset(self):
        return selectors.characters_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CharacterSerializer(page, many=True).data)

    def _response(self, character: Character, *, status_code=200):
        character = self.get_queryset().get(pk=character.pk)
        return self.versioned_response(CharacterSerializer(character).data, character.version, status_code=status_code)

    @extend_schema(request=CharacterInputSerializer, responses={201: CharacterSerializer})
    def create(self, request, project_id=None):
        data = validated(CharacterInputSerializer, request.data)
        character = services.character_create(actor=request.user, project=self.project, **data)
        return self._response(character, status_code=201)

    def retrieve(self, request, project_id=None, pk=None):
        character = self.get_object()
        return self.versioned_response(CharacterSerializer(character).data, character.version)

    @extend_schema(request=CharacterInputSerializer, responses={200: CharacterSerializer})
    def partial_update(self, request, project_id=None, pk=None):
        character = self.get_object()
        data = validated(CharacterInputSerializer, request.data, partial=True)
        character = services.character_update(
            actor=request.user, character=character, expected_version=self.expected_version(request), changes=data,
        )
        return self._response(character)

    def destroy(self, request, project_id=None, pk=None):
        character = self.get_object()
        services.character_delete(actor=request.user, character=character,
                                  expected_version=self.expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: CharacterSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, project_id=None, pk=None):
        """A character suggested by a cue in the script joins the cast."""
        return self._response(services.character_confirm(actor=request.user, character=self.get_object()))

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, project_id=None, pk=None):
        """A suggested character is not one: it goes, and its cue is not suggested again."""
        services.character_dismiss(actor=request.user, character=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReferenceViewSet(ProjectScopedViewSet):
    """Reference images of a character: upload (multipart), list, delete."""

    queryset = ReferenceImage.objects.none()
    serializer_class = ReferenceSerializer
    parser_classes = [MultiPartParser, FormParser]
    capabilities = {"create": Capability.EDIT_CAST, "destroy": Capability.EDIT_CAST}

    def _character(self) -> Character:
        return get_object_or_404(Character, project=self.project, pk=self.kwargs["character_id"])

    def get_queryset(self):
        return ReferenceImage.objects.filter(
            character__project=self.project, character_id=self.kwargs["character_id"]
        ).select_related("character")

    def list(self, request, project_id=None, character_id=None):
        self._character()
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReferenceSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": ReferenceInputSerializer}, responses={201: ReferenceSerializer})
    def create(self, request, project_id=None, character_id=None):
        character = self._character()
        data = validated(ReferenceInputSerializer, request.data)
        ref = services.reference_add(actor=request.user, character=character, upload=data["image"],
                                     caption=data.get("caption", ""))
        return Response(ReferenceSerializer(ref).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, project_id=None, character_id=None, pk=None):
        return Response(ReferenceSerializer(self.get_object()).data)

    def destroy(self, request, project_id=None, character_id=None, pk=None):
        services.reference_delete(actor=request.user, reference=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
