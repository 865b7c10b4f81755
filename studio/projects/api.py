"""REST API of projects and members, and the base of every view under a project."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from studio.core.api import DataSerializer, StrictInput, validated
from studio.live.events import UserRef

from . import permissions, selectors, services
from .access import membership_or_404, require_capability
from .events import MemberData, ProjectData
from .models import Membership, Project
from .permissions import Capability, Role


class ProjectScopedViewSet(viewsets.GenericViewSet):
    """A view under ``/projects/<project_id>/``.

    Before any input is read it loads the caller's membership (404 for a
    non-member, whether or not the project exists) and checks the capability
    that ``capabilities`` names for the action (403 without it; VIEW by default).
    """

    capabilities: dict[str, Capability] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.membership = membership_or_404(user=request.user, project_id=kwargs["project_id"])
        self.project = self.membership.project
        require_capability(self.membership, self.capabilities.get(self.action, Capability.VIEW))


# --- Serializers ------------------------------------------------------------


class UserRefSerializer(DataSerializer):
    data_class = UserRef
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    initials = serializers.CharField()
    color = serializers.CharField()

    def to_representation(self, instance):
        return instance if isinstance(instance, dict) else super().to_representation(instance)


class ProjectSerializer(DataSerializer):
    data_class = ProjectData
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField()
    logline = serializers.CharField()
    format = serializers.ChoiceField(choices=Project.Format.choices)
    aspect_ratio = serializers.ChoiceField(choices=Project.AspectRatio.choices)
    frame_rate = serializers.FloatField()
    style_prompt = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, read_only=True, help_text="Your role on the project.")
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=[c.value for c in Capability]), read_only=True,
        help_text="What your role lets you do here.",
    )

    def to_representation(self, instance):
        role = self.context["roles"][instance.pk]
        caps = sorted(c.value for c in permissions.capabilities_of(role))
        return {**asdict(ProjectData.of(instance)), "role": role, "capabilities": caps}


class ProjectInputSerializer(StrictInput, serializers.ModelSerializer):
    frame_rate = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=False, required=False,
                                          help_text="One of 23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60.")

    class Meta:
        model = Project
        fields = ["title", "logline", "format", "aspect_ratio", "frame_rate", "style_prompt"]

    def validate_frame_rate(self, value):
        for rate in Project.FRAME_RATES:
            if value == rate:
                return rate
        rates = ", ".join(f"{r.normalize():f}" for r in Project.FRAME_RATES)
        raise serializers.ValidationError(f"Choose one of {rates} fps.")


class MemberSerializer(DataSerializer):
    data_class = MemberData
    id = serializers.IntegerField()
    user = UserRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)


class MemberCreateSerializer(StrictInput, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberUpdateSerializer(StrictInput, serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


# --- Views ----------------------------------------------------------------


class ProjectViewSet(viewsets.GenericViewSet):
    """Your projects. Anyone logged in may create one and becomes its owner."""

    queryset = Project.objects.none()  # for the schema; get_queryset is what runs
    serializer_class = ProjectSerializer
    capabilities = {"retrieve": Capability.VIEW, "partial_update": Capability.EDIT_PROJECT,
                    "destroy": Capability.DELETE_PROJECT}

    def get_queryset(self):
        return selectors.projects_for(user=self.request.user)

    def _membership(self, pk) -> Membership:
        membership = membership_or_404(user=self.request.user, project_id=pk)
        require_capability(membership, self.capabilities[self.action])
        return membership

    def _body(self, project: Project, role: str) -> dict:
        return ProjectSerializer(project, context={"roles": {project.pk: role}}).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        roles = {p.pk: p.my_role for p in page}
        return self.get_paginated_response(ProjectSerializer(page, many=True, context={"roles": roles}).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def create(self, request):
        data = validated(ProjectInputSerializer, request.data)
        project = services.project_create(actor=request.user, **data)
        return Response(self._body(project, Role.OWNER), status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        membership = self._membership(pk)
        return Response(self._body(membership.project, membership.role))

    @extend_schema(request=ProjectInputSerializer, responses={200: ProjectSerializer})
    def partial_update(self, request, pk=None):
        membership = self._membership(pk)
        data = validated(ProjectInputSerializer, request.data, partial=True)
        project = services.project_update(actor=request.user, project=membership.project, changes=data)
        return Response(self._body(project, membership.role))

    def destroy(self, request, pk=None):
        membership = self._membership(pk)
        services.project_delete(actor=request.user, project=membership.project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberViewSet(ProjectScopedViewSet):
    """The people on a project and their roles. Owners manage them; anyone may leave."""

    queryset = Membership.objects.none()
    serializer_class = MemberSerializer
    capabilities = {"create": Capability.MANAGE_MEMBERS, "partial_update": Capability.MANAGE_MEMBERS}

    def get_queryset(self):
        return selectors.members_of(project=self.project)

    def list(self, request, project_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(request=MemberCreateSerializer, responses={201: MemberSerializer})
    def create(self, request, project_id=None):
        data = validated(MemberCreateSerializer, request.data)
        membership = services.member_add(actor=request.user, project=self.project, **data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, project_id=None, pk=None):
        return Response(MemberSerializer(self.get_object()).data)

    @extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer})
    def partial_update(self, request, project_id=None, pk=None):
        membership = self.get_object()
        data = validated(MemberUpdateSerializer, request.data)
        membership = services.member_update(actor=request.user, membership=membership, role=data["role"])
        return Response(MemberSerializer(membership).data)

    def destroy(self, request, project_id=None, pk=None):
        services.member_remove(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    initials = serializers.CharField()
    color = serializers.CharField()


@extend_schema(responses=MeSerializer)
class MeView(viewsets.ViewSet):
    """The logged-in user."""

    def retrieve(self, request):
        return Response(asdict(UserRef.of(request.user)))

