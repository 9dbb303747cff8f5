"""Lean lists: a hot list endpoint's rows read with ``values()`` and written exactly as its
serializer would write them, without a model instance or DRF's per-field machinery per row.

A viewset opts in with ``lean_list = LeanList(computed={...})``; ``ScopedViewSetMixin.list`` then
reads the page as dictionaries, and ``ScopedViewSetMixin.retrieve`` reads one object's row the same
way (a detail is one row of the list, found in the same scope). The plan is derived from the
serializer's own fields on first use:

* a model field (``CharField``, ``DateTimeField``, ``ChoiceField``...) reads its ``source`` and is
  written by that field's ``to_representation`` (so dates, choices and numbers stay identical);
  the commonest ones are written without a call per value when the value already has the
  representation's type (text, whole numbers), and date-times are moved to the request's time
  zone resolved once per request rather than once per value, exactly as DRF formats them;
* a ``SlugRelatedField`` reads ``<source>__<slug_field>``, a ``PrimaryKeyRelatedField`` the key;
* the ``HyperlinkedIdentityField`` is one reversed URL per request with the key put in;
* anything else (``display``, method fields) must be given in ``computed`` as the ``values()``
  paths it needs and a function of the row.

A field the plan cannot read raises ``ImproperlyConfigured`` at the first request, so adding a
field to the serializer cannot silently drop it from the list; ``rasad/api/tests/
test_lean_lists.py`` compares every lean list with its serializer's output, row for row. The
schema is the serializer's, unchanged. Used where DRF's ``to_representation`` dominated a list's
time (cases, observations: docs/development/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.settings import api_settings

Row = dict[str, Any]
Context = dict[str, Any]
# A writer of one field: given the request's serializer context once, the function of a row.
RowWriter = Callable[[Row], Any]
WriterFactory = Callable[[Context], RowWriter]
_MARKERS = ("lean-row-key", "987654321987654321")


@dataclass(frozen=True)
class Computed:
    """A field written from a row: the ``values()`` paths it reads and the function of the row
    (and the serializer context) that gives its value."""

    paths: tuple[str, ...]
    value: Callable[[Row, dict[str, Any]], Any]


@dataclass
class _Plan:
    paths: tuple[str, ...]
    writers: list[tuple[str, WriterFactory]]


@dataclass
class LeanList:
    computed: dict[str, Computed] = field(default_factory=dict)
    _plan: _Plan | None = field(default=None, init=False, repr=False)

    def applies(self, view: Any) -> bool:
        """The lean path serves plain JSON lists; a format suffix takes the serializer's."""
        return not view.kwargs.get("format")

    def plan(self, serializer: serializers.Serializer[Any]) -> _Plan:
        if self._plan is None:
            self._plan = _build(serializer, self.computed)
        return self._plan

    def rows(self, view: Any, queryset: models.QuerySet[Any]) -> list[Row] | None:
        """The page of ``queryset`` the view's paginator picks, written as the serializer would
        (``None`` when the view has no paginator: the caller returns every row)."""
        context = view.get_serializer_context()
        plan = self.plan(view.get_serializer_class()(context=context))
        values = queryset.values(*plan.paths)
        page = view.paginate_queryset(_Counted(queryset, values))
        return self.write(plan, list(values) if page is None else page, context)

    def row(self, view: Any, queryset: models.QuerySet[Any], pk: Any) -> Row | None:
        """The object ``pk`` of ``queryset`` (the view's scoped queryset), written as the
        serializer would; ``None`` when it is not there or ``pk`` is not a key (the caller then
        answers as for any object it cannot find)."""
        context = view.get_serializer_context()
        plan = self.plan(view.get_serializer_class()(context=context))
        try:
            rows = list(queryset.filter(pk=pk).values(*plan.paths)[:1])
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            return None
        return self.write(plan, rows, context)[0] if rows else None

    def write(self, plan: _Plan, rows: Iterable[Row], context: Context) -> list[Row]:
        # Each writer is bound to the request once (its URL prefix, its time zone), then the rows
        # are written by plain calls: the per-row work is a dictionary of the fields.
        bound = [(name, make(context)) for name, make in plan.writers]
        return [{name: write(row) for name, write in bound} for row in rows]


class _Counted:
    """What the paginator reads: the count from the rows' queryset, the page from the values.
    Counting the values would keep the joins its related paths need (organization, indicator,
    unit): on 48,000 scoped observations that tripled the count's time."""

    def __init__(self, queryset: models.QuerySet[Any], values: models.QuerySet[Any]) -> None:
        self.queryset, self.values = queryset, values

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> Any:
        return self.values[index]

    def __len__(self) -> int:
        return self.count()


def _url_template(identity: relations.HyperlinkedIdentityField, context: dict[str, Any]) -> tuple[str, str]:
    request = context.get("request")
    for marker in _MARKERS:
        try:
            url = identity.reverse(
                identity.view_name, kwargs={identity.lookup_url_kwarg: marker}, request=request
            )
        except NoReverseMatch:
            continue
        if url.count(marker) == 1:
            prefix, suffix = url.split(marker)
            return prefix, suffix
    raise ImproperlyConfigured(f"cannot build a URL template for {identity.view_name}")


def _build(serializer: serializers.Serializer[Any], computed: dict[str, Computed]) -> _Plan:
    paths: dict[str, None] = {"pk": None}
    writers: list[tuple[str, WriterFactory]] = []
    for name, declared in serializer.fields.items():
        if declared.write_only:
            continue
        if name in computed:
            paths.update(dict.fromkeys(computed[name].paths))
            writers.append((name, _computed(computed[name].value)))
            continue
        if isinstance(declared, relations.HyperlinkedIdentityField):
            if declared.lookup_field != "pk":
                raise ImproperlyConfigured(f"{name}: only URLs by primary key are planned")
            writers.append((name, _url(declared)))
            continue
        if declared.source == "*" or isinstance(
            declared,
            serializers.SerializerMethodField | serializers.BaseSerializer | relations.ManyRelatedField,
        ):
            raise ImproperlyConfigured(
                f"{type(serializer).__name__}.{name}: give it in LeanList(computed=...)"
            )
        source = str(declared.source).replace(".", "__")
        if isinstance(declared, relations.SlugRelatedField):
            path = f"{source}__{declared.slug_field}"
            writers.append((name, _plain(path)))
        elif isinstance(declared, relations.PrimaryKeyRelatedField) and declared.pk_field is None:
            path = source
            writers.append((name, _plain(path)))
        elif isinstance(declared, relations.RelatedField):
            raise ImproperlyConfigured(f"{type(serializer).__name__}.{name}: give it in computed")
        else:
            path = source
            writers.append((name, _represented(path, declared)))
        paths[path] = None
    return _Plan(tuple(paths), writers)


def _computed(value: Callable[[Row, Context], Any]) -> WriterFactory:
    def bind(context: Context) -> RowWriter:
        return lambda row: value(row, context)

    return bind


def _url(identity: relations.HyperlinkedIdentityField) -> WriterFactory:
    def bind(context: Context) -> RowWriter:
        prefix, suffix = _url_template(identity, context)
        return lambda row: f"{prefix}{row['pk']}{suffix}"

    return bind


def _plain(path: str) -> WriterFactory:
    def write(row: Row) -> Any:
        return row[path]

    return lambda context: write


# Fields whose representation of a value that already has this type is the value itself
# (``CharField`` gives ``str(value)``, ``IntegerField`` ``int(value)``, ``FloatField``
# ``float(value)``): the writer skips the call for such values and makes it for any other.
_IDENTITY_FOR = {
    serializers.CharField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.FloatField.to_representation: float,
}


def _represented(path: str, declared: serializers.Field[Any, Any, Any, Any]) -> WriterFactory:
    represent = declared.to_representation
    method = type(declared).to_representation
    if method is serializers.DateTimeField.to_representation and _iso_in_current_zone(declared):
        return _date_time(path, represent)
    kept = _IDENTITY_FOR.get(method)
    if kept is not None:

        def write_kept(row: Row) -> Any:
            value = row[path]
            return value if value is None or type(value) is kept else represent(value)

        return lambda context: write_kept

    def write(row: Row) -> Any:
        value = row[path]
        return None if value is None else represent(value)

    return lambda context: write


def _iso_in_current_zone(declared: serializers.Field[Any, Any, Any, Any]) -> bool:
    output_format = getattr(declared, "format", api_settings.DATETIME_FORMAT)
    return (
        settings.USE_TZ
        and isinstance(output_format, str)
        and output_format.lower() == ISO_8601
        and not hasattr(declared, "timezone")
        and getattr(type(declared), "enforce_timezone", None) is serializers.DateTimeField.enforce_timezone
    )


def _date_time(path: str, represent: Callable[[Any], Any]) -> WriterFactory:
    """``DateTimeField.to_representation`` for aware date-times from the database: in the
    request's current time zone (read once per request, not once per value), ISO 8601, UTC
    written as ``Z``. Anything else (a naive value, text) goes through the field itself."""

    def bind(context: Context) -> RowWriter:
        zone = timezone.get_current_timezone()

        def write(row: Row) -> Any:
            value = row[path]
            if not value:
                return None
            if type(value) is not datetime or value.tzinfo is None:
                return represent(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:  # the field's own error
                return represent(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return write

    return bind
