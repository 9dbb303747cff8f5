"""Filters shared by the UI lists and the API: ``<fk>_id`` plus a human key, and ``q`` search."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rasad.core.audit_log import event_choices
from rasad.core.choices import OrganizationKind
from rasad.core.models import AuditEvent, Grant, Membership, Organization, User, WorkingGroup
from rasad.lib import boundary
from rasad.lib.search import matching
from rasad.web.forms import JalaliDateField, PeriodField

MAX_ID = 2**63 - 1


class FilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types
    """The base of every filterset of the UI and the API: subclassing untyped django-filter is
    excused here once, and ``q`` searches the same way in every app that declares it."""

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """``q``: the rows whose ``search_text`` holds every word of ``value`` in any spelling
        variant (what the querysets' ``search`` does)."""
        return queryset.filter(matching(value))


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):  # type: ignore[misc]
    """A whole number, bounded by ``min_value`` and ``max_value`` when given. ``NumberFilter``
    alone takes any decimal (``2.5``, ``-5e-139``) for a column the schema calls an integer, and
    answered 200 with nothing found; this answers 400 naming the filter."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(WholeNumberFilter):
    """A row id: a whole number in the database's 64-bit range (a huge one overflowed the
    database driver: a 500)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CodeFilter(django_filters.CharFilter):  # type: ignore[misc]
    """A related row by its unique code, declared as the plain filter it replaces
    (``field_name="organization__code"``: one relation, then a unique field of its model). The
    rows kept are those whose key is that row's, the key read by a scalar subquery:
    ``organization_id = (SELECT id FROM core_organization WHERE code = %s)`` rather than a join
    on the related table with its code compared. The rows are the same (the code is unique, a
    code no row has finds none); the plan is not: with the key one value when the statement
    runs, PostgreSQL reads an observation page filtered by a site in its unique key's order
    (organization, indicator, period) and stops at the page, sorting one indicator's periods at
    a time, where with the join it read and sorted every matching row of the site, a number
    that grows with the site's history (docs/development/benchmarks.md, "Session 19").

    Its query is its column compared with one value, so a lean list prepares it like a plain
    filter (``rasad.api.filters._slot_kind``, ``slot_kind``). And no plan reads its value (the
    subquery runs with the statement, after planning): a plan made once serves every code, so a
    lean list's statement filtered by it may be prepared on the server
    (``planned_without_value``, ``rasad.api.filters._plan_role``)."""

    slot_kind = "one"
    planned_without_value = True

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        relation, related, unique = self._parts(qs.model)
        key = Subquery(related._base_manager.filter(**{unique: value}).order_by().values("pk"))
        if self.distinct:
            qs = qs.distinct()
        if self.exclude:
            # Not ``<> (subquery)``: a code no row has makes the subquery null, and that would
            # exclude every row where the join's exclusion keeps them all.
            return qs.exclude(**{f"{relation}__in": key})
        return qs.filter(**{relation: key})

    def _parts(self, model: type[Model]) -> tuple[str, type[Model], str]:
        """The relation (a foreign key or one-to-one of ``model``), the model it leads to and
        that model's unique field; anything else is a mistake in the filterset's declaration."""
        relation, _, unique = str(self.field_name).partition("__")
        exact = self.lookup_expr == "exact"  # the code compared as given, as the join compared it
        field = (
            model._meta.get_field(relation) if exact and relation and unique and "__" not in unique else None
        )
        related = field.related_model if field is not None and field.concrete else None
        if (
            field is None
            or not (field.many_to_one or field.one_to_one)
            or not isinstance(related, type)
            or not getattr(related._meta.get_field(unique), "unique", False)
        ):
            raise ImproperlyConfigured(
                f"CodeFilter({self.field_name!r}): give a foreign key and a unique field of its model,"
                " compared exactly"
            )
        return relation, related, unique


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):  # type: ignore[misc]
    """An ISO 8601 moment within the accepted dates (``rasad.lib.boundary``): a moment at the
    edge of the calendar (``9999-12-31T23:59:59-14:00``) overflowed while being converted to UTC."""

    def to_python(self, value: Any) -> Any:
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise ValidationError(_("This date and time cannot be represented."), code="invalid") from None
        if moment is not None:
            boundary.check_date(moment)
        return moment


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):  # type: ignore[misc]
    field_class = BoundedIsoDateTimeField


class JalaliDateFilter(django_filters.Filter):  # type: ignore[misc]
    """A day in the reader's calendar (Jalali or ISO), compared with a UTC timestamp as the Tehran
    day: ``date_from`` takes the day's start, ``date_to`` includes the whole day."""

    field_class = JalaliDateField

    def __init__(self, *args: Any, end_of_day: bool = False, **kwargs: Any) -> None:
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        import datetime

        from rasad.lib.jalali import TEHRAN

        day = value + datetime.timedelta(days=1) if self.end_of_day else value
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=TEHRAN)
        lookup = "lt" if self.end_of_day else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": moment})


@extend_schema_field(OpenApiTypes.STR)
class PeriodFilter(django_filters.Filter):  # type: ignore[misc]
    """A Jalali reporting period, chosen with the period picker (or given as a key such as
    ``1403-07`` by the API), matched against a stored period key."""

    field_class = PeriodField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{self.field_name: value.key})


class OrganizationFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"))
    province_id = IdFilter(field_name="province_id", label=_("Province (id)"))
    province = django_filters.CharFilter(field_name="province__code", label=_("Province (code)"))
    parent_id = IdFilter(field_name="parent_id", label=_("Parent (id)"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent (code)"))
    within_id = IdFilter(method="filter_within", label=_("Within organization (id)"))
    is_active = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label=_("Active"))
    sector = django_filters.CharFilter(method="filter_sector", label=_("Sector tag"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "province_id", "province", "parent_id", "parent", "within_id", "is_active"]

    def filter_within(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        root = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=root) if root else queryset.none()

    def filter_sector(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.lib.persian import normalize_text

        return queryset.filter(sector_tags__icontains=normalize_text(value))


class AuditEventFilterSet(FilterSet):
    event_type = django_filters.TypedMultipleChoiceFilter(choices=event_choices, coerce=int, label=_("Event"))
    actor_id = IdFilter(field_name="actor_id", label=_("Actor (id)"))
    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="iexact", label=_("Actor (username)")
    )
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))
    object_type = django_filters.CharFilter(field_name="object_type", label=_("Object type"))
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"))
    request_id = django_filters.CharFilter(field_name="request_id", label=_("Request id"))
    created_after = IsoDateTimeFilter(field_name="created", lookup_expr="gte", label=_("From"))
    created_before = IsoDateTimeFilter(field_name="created", lookup_expr="lt", label=_("Until"))
    date_from = JalaliDateFilter(field_name="created", label=_("From date"))
    date_to = JalaliDateFilter(field_name="created", end_of_day=True, label=_("To date"))

    class Meta:
        model = AuditEvent
        fields = ["event_type", "actor_id", "organization_id", "object_type", "object_id", "request_id"]


class UserFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organization_id = IdFilter(field_name="memberships__organization_id", label=_("Organization (id)"))
    organization = django_filters.CharFilter(
        field_name="memberships__organization__code", label=_("Organization (code)")
    )
    is_active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "organization_id", "organization", "is_active"]


class MembershipFilterSet(FilterSet):
    user_id = IdFilter(field_name="user_id", label=_("User (id)"))
    user = django_filters.CharFilter(field_name="user__username", label=_("User (username)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))

    class Meta:
        model = Membership
        fields = ["user_id", "user", "organization_id", "organization"]


class GrantFilterSet(FilterSet):
    user_id = IdFilter(field_name="user_id", label=_("User (id)"))
    user = django_filters.CharFilter(field_name="user__username", label=_("User (username)"))
    role = django_filters.CharFilter(field_name="role__slug", label=_("Role (slug)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))
    working_group_id = IdFilter(field_name="working_group_id", label=_("Working group (id)"))

    class Meta:
        model = Grant
        fields = ["user_id", "user", "role", "organization_id", "organization", "working_group_id"]


class WorkingGroupFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    owner_id = IdFilter(field_name="owner_id", label=_("Owner (id)"))
    owner = django_filters.CharFilter(field_name="owner__code", label=_("Owner (code)"))
    organization_id = IdFilter(field_name="organizations", label=_("Member organization (id)"))

    class Meta:
        model = WorkingGroup
        fields = ["q", "owner_id", "owner", "organization_id"]
