"""What every part of the REST API shares: errors, pagination, versions, data-class output."""

from __future__ import annotations

import codecs
from dataclasses import asdict, fields

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.metadata import SimpleMetadata
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from . import concurrency, jsonbody
from .errors import Busy, Conflict, QuotaExceeded, StaleVersion, TryLater, VersionRequired
from .ids import MAX_ID, MIN_INTEGER
from .middleware import too_big_message

TRY_LATER_STATUS = {QuotaExceeded: status.HTTP_429_TOO_MANY_REQUESTS, Busy: status.HTTP_503_SERVICE_UNAVAILABLE}


def try_later_status(exc: TryLater) -> int:
    return next(code for kind, code in TRY_LATER_STATUS.items() if isinstance(exc, kind))


def exception_handler(exc, context):
    """DRF's handler, plus the studio's domain errors and Django's ValidationError as field errors.

    A 404 says only "Not found.": it must not tell a stranger what kind of thing is, or is not, there.
    """
    if isinstance(exc, DjangoValidationError):
        detail = serializers.as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = ValidationError(detail=detail)
    if isinstance(exc, Http404):
        exc = NotFound()
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": str(exc), "current_version": exc.current},
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": concurrency.etag(exc.current)},
        )
    if isinstance(exc, VersionRequired):
        return Response({"detail": str(exc)}, status=status.HTTP_428_PRECONDITION_REQUIRED)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc), **getattr(exc, "extra", {})}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):  # a form body past DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"detail": too_big_message()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TryLater):
        headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
        return Response({"detail": str(exc)}, status=try_later_status(exc), headers=headers)
    return drf_exception_handler(exc, context)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser through ``core.jsonbody``: too deep, non-finite numbers and NUL characters are a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return jsonbody.loads(codecs.getreader(encoding)(stream).read())
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class Metadata(SimpleMetadata):
    """OPTIONS says what a view renders and parses, not its serializers' fields: building those needs a
    serializer class and an object to check, which not every view has (and was a 500)."""

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request, view):
        return {}


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.NumberFilter):
    """A filter on an id: a whole number in the database's range, or a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def bound_integers(field) -> None:
    """Give an integer field (or a list of them) without limits the range the database stores, so a number
    beyond it is a field error rather than a query the database refuses."""
    if isinstance(field, serializers.ListField):
        bound_integers(field.child)
    if not isinstance(field, serializers.IntegerField):
        return
    if field.max_value is None:
        field.max_value = MAX_ID
        message = field.error_messages["max_value"].format(max_value=MAX_ID)
        field.validators.append(MaxValueValidator(MAX_ID, message=message))
    if field.min_value is None:
        field.min_value = MIN_INTEGER
        message = field.error_messages["min_value"].format(min_value=MIN_INTEGER)
        field.validators.append(MinValueValidator(MIN_INTEGER, message=message))


class StudioPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class StrictInput:
    """Mixin for input serializers: a field the endpoint does not know is an error, never silently dropped,
    and a whole number beyond the database's range is a field error (``bound_integers``).

    ``also_accepted`` names keys read elsewhere (``version`` instead of If-Match).
    """

    also_accepted: frozenset[str] = frozenset()

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            bound_integers(field)
        return fields

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            known = set(self.fields) | set(self.also_accepted)
            unknown = sorted(set(data.keys()) - known)
            if unknown:
                fields = ", ".join(name for name, f in self.fields.items() if not f.read_only)
                raise ValidationError({name: [f"Unknown field. This endpoint takes: {fields}."] for name in unknown})
        return super().to_internal_value(data)


VERSION_KEY = frozenset({"version"})


class DataSerializer(serializers.Serializer):
    """Output serializer whose representation is a ``live.events`` data class.

    The declared fields document the shape for OpenAPI; the representation
    itself comes from the data class, so the API and the live events can never
    disagree about what a shot (or scene, or character) looks like.
    """

    data_class: type

    def to_representation(self, instance):
        return asdict(self.data_class.of(instance))

    @classmethod
    def data_fields(cls) -> set[str]:
        return {f.name for f in fields(cls.data_class)}


class VersionedMixin:
    """ETags out, If-Match in, for views of versioned objects (``version_kind`` names them in errors)."""

    version_kind: str = "object"

    def expected_version(self, request) -> int | None:
        return concurrency.expected_version(
            kind=self.version_kind, if_match=request.headers.get("If-Match"), data=request.data
        )

    def versioned_response(self, body: dict, version: int, *, status_code: int = 200, headers=None) -> Response:
        return Response(body, status=status_code, headers={"ETag": concurrency.etag(version), **(headers or {})})


def validated(serializer_class, data, *, partial: bool = False, context=None) -> dict:
    serializer = serializer_class(data=data, partial=partial, context=context or {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
