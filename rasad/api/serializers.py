"""Base serializers (explicit fields, always with id, url, display, created and last_updated)
and the fields every app's serializers share: references resolved in the reader's scope, an
organization by its code, a person by their username."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api import fields
from rasad.core.models import Organization


class RasadModelSerializer(serializers.HyperlinkedModelSerializer[Any]):
    """Declare ``Meta.fields`` explicitly; ``display`` is the object's human name."""

    # Model fields become fields that apply the input boundary (rasad.api.fields): dates within
    # the accepted range, single-line text without line breaks, no control characters, numbers
    # sent as text read in any digits as the forms read them.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: fields.SingleLineCharField,
        models.TextField: fields.MultiLineCharField,
        models.DateField: fields.DateField,
        models.DateTimeField: fields.DateTimeField,
        models.FloatField: fields.FloatField,
        models.DecimalField: fields.DecimalField,
        models.IntegerField: fields.IntegerField,
        models.BigIntegerField: fields.IntegerField,
        models.SmallIntegerField: fields.IntegerField,
        models.PositiveIntegerField: fields.IntegerField,
        models.PositiveSmallIntegerField: fields.IntegerField,
        models.PositiveBigIntegerField: fields.IntegerField,
    }
    serializer_related_field = serializers.PrimaryKeyRelatedField
    id = serializers.IntegerField(read_only=True)
    display = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_display(self, obj: Any) -> str:
        return str(obj)

    def submitted(self, name: str, instance: models.Model | None, default: Any) -> Any:
        """The validated value of ``name``; when the body left it out, the value ``instance``
        holds (an update), or ``default`` (a create): what a ``to_values()`` passes to the action."""
        data = self.validated_data
        if name in data:
            return data[name]
        return getattr(instance, name) if instance else default

    def submitted_many(self, name: str, instance: models.Model | None) -> list[Any]:
        """``submitted`` for a many-to-many field: the objects named, else those ``instance``
        holds, else none."""
        data = self.validated_data
        if name in data:
            return list(data[name])
        return list(getattr(instance, name).all()) if instance else []


class _ScopedRelatedFieldMixin:
    """Resolve only objects the requesting user may see, so that naming an out-of-scope object
    reads exactly like naming one that does not exist."""

    context: dict[str, Any]

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()  # type: ignore[misc]
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return queryset.visible_to(user) if user is not None else queryset.none()


class ScopedSlugRelatedField(_ScopedRelatedFieldMixin, serializers.SlugRelatedField[Any]):
    """A reference by code that only resolves objects the requesting user may see."""


class ScopedPrimaryKeyRelatedField(_ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField[Any]):
    """A reference by id that only resolves objects the requesting user may see."""


def organization_field(**kwargs: Any) -> ScopedSlugRelatedField:
    """An organization named by its code, among those the requesting user may see."""
    return ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all(), **kwargs)


def read_only_slug(slug_field: str, **kwargs: Any) -> serializers.SlugRelatedField[Any]:
    """A related object, read only, named by its ``slug_field`` (a code, a reference): one, or
    ``many=True``; ``allow_null=True`` when there may be none."""
    return serializers.SlugRelatedField(slug_field=slug_field, read_only=True, **kwargs)


def person_field(*, allow_null: bool = False) -> serializers.SlugRelatedField[Any]:
    """A person, read only, named by their username (``allow_null``: there may be none)."""
    return read_only_slug("username", allow_null=allow_null)
