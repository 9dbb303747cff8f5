"""Base serializers: explicit fields, always with id, url, display, created and last_updated."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api import fields


class RasadModelSerializer(serializers.HyperlinkedModelSerializer):  # type: ignore[type-arg]
    """Declare ``Meta.fields`` explicitly; ``display`` is the object's human name."""

    # Model fields become fields that apply the input boundary (rasad.api.fields): dates within
    # the accepted range, single-line text without line breaks, no control characters.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: fields.SingleLineCharField,
        models.TextField: fields.MultiLineCharField,
        models.DateField: fields.DateField,
        models.DateTimeField: fields.DateTimeField,
    }
    serializer_related_field = serializers.PrimaryKeyRelatedField
    id = serializers.IntegerField(read_only=True)
    display = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_display(self, obj: Any) -> str:
        return str(obj)


class ScopedSlugRelatedField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A reference by code that only resolves objects the requesting user may see, so that
    naming an out-of-scope object reads exactly like naming one that does not exist."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return queryset.visible_to(user) if user is not None else queryset.none()
