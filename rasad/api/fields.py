"""Serializer fields that apply the input boundary's rules (``rasad.lib.boundary``) at validation
time, so that a bad value is reported with every other bad field of the request, named by the
API's field name. ``RasadModelSerializer`` maps model fields onto them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rasad.lib import boundary, persian


def _as_drf(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.messages)


class DateField(serializers.DateField):
    """An ISO date within the accepted range (Jalali 1200/01/01 to 1500/12/29)."""

    def to_internal_value(self, value: Any) -> date:
        result: date = super().to_internal_value(value)
        try:
            boundary.check_date(result)
        except DjangoValidationError as error:
            raise _as_drf(error) from None
        return result


class DateTimeField(serializers.DateTimeField):
    """An ISO date and time whose day lies within the accepted range; a time zone offset at the
    edge of the calendar (``9999-12-31T23:59-14:00``) is refused, not overflowed."""

    def to_internal_value(self, value: Any) -> datetime:
        try:
            result: datetime = super().to_internal_value(value)
        except OverflowError:
            raise serializers.ValidationError(_("This date and time cannot be represented.")) from None
        try:
            boundary.check_date(result)
        except DjangoValidationError as error:
            raise _as_drf(error) from None
        return result


class SingleLineCharField(serializers.CharField):
    """Text on one line (a title, a name, a code): no tab, line break or control character."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            boundary.check_single_line(text)
        except DjangoValidationError as error:
            raise _as_drf(error) from None
        return text


class MultiLineCharField(serializers.CharField):
    """Text that may run over lines (a description, a comment): no control character but tab
    and line breaks."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            boundary.check_text(text)
        except DjangoValidationError as error:
            raise _as_drf(error) from None
        return text


class _TypedInAnyDigits:
    """A number sent as text is read as a form reads it (``rasad.web.forms``' number fields):
    Persian, Arabic-Indic or Latin digits, «٫» or "." before the decimals; DRF's own field takes
    the rest (NaN and Infinity refused, bounds, places, its messages)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = persian.to_latin_digits(data.strip(), separators=True)
        return super().to_internal_value(data)  # type: ignore[misc]


class FloatField(_TypedInAnyDigits, serializers.FloatField):
    default_error_messages = {"overflow": _("This number is too large to be stored.")}


class DecimalField(_TypedInAnyDigits, serializers.DecimalField):
    pass


class IntegerField(_TypedInAnyDigits, serializers.IntegerField):
    pass
