"""The lookups of a reported batch, compiled to SQL once per process.

Each batch of the bulk API looks up its organizations and indicators by code, the rules of its
indicators and the provinces of its organizations. Compiled by the ORM on every batch, with a
``select_related``, these four statements cost about a fifth of a batch's Python time
(docs/development/benchmarks.md, "Ingest", session 15), more than running them. Here each is
compiled once (``rasad.lib.prepared.PreparedQuery``: the SQL is Django's own, on SQLite and
PostgreSQL alike), and a batch's set of codes or ids goes in as one parameter, a JSON array, so
the statement's text is the same whatever the number of values (``among``). Rows come back
as model instances, built as the ORM builds them (``Model.from_db``), with their related row
where the ORM's ``select_related`` would have read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Lookup, Q

from rasad.core.models import Organization, Province
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.models import Assignment, Indicator, IndicatorRule, Observation, Target, Unit
from rasad.lib.prepared import PreparedQuery

_M = TypeVar("_M", bound=models.Model)
# A slot's sentinel (rasad.lib.prepared): a value no real JSON array of codes or ids can be.
_SLOT = "\x00values"


class _Among(Lookup[Any]):
    """``field`` among the values of a JSON array given as one parameter (a filter expression;
    never registered as a lookup). On PostgreSQL the values become an array, ``field =
    ANY(ARRAY(…))``, which an index scan takes as its condition; ``field IN (SELECT …)`` was
    planned as a hash join over a sequential scan of the observations (a batch's statements then
    read a site's whole history). SQLite reads the array with ``json_each``, whose values keep
    their JSON type (numbers as numbers)."""

    lookup_name = "among"
    prepare_rhs = False

    def __init__(self, field: str, slot: str, sql_type: str) -> None:
        self.sql_type = sql_type
        super().__init__(F(field), slot)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # Nothing is interpolated but ``sql_type``, one of this module's constants.
            values = f"ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)::{self.sql_type})"
            return f"{lhs} = ANY({values})", (*lhs_params, self.rhs)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, self.rhs)  # noqa: S608


def among(field: str, slot: str, sql_type: str) -> _Among:
    """A filter: ``field`` (of PostgreSQL type ``sql_type``) among the values of the JSON array
    in ``slot``, one parameter whatever the number of values."""
    return _Among(field, slot, sql_type)


def _fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _related(prefix: str, model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f"{prefix}__{field.attname}" for field in model._meta.concrete_fields)


_ORGANIZATION = _fields(Organization)
_PROVINCE = _fields(Province)
_INDICATOR = _fields(Indicator)
_UNIT = _fields(Unit)
_RULE = _fields(IndicatorRule)

_ORGANIZATIONS_BY_CODE = PreparedQuery(
    lambda codes: (
        Organization.objects.filter(among("code", codes, "text"))
        .order_by()
        .values_list(*_ORGANIZATION, *_related("province", Province))
    ),
    codes=_SLOT,
)
_INDICATORS_BY_CODE = PreparedQuery(
    lambda codes: (
        Indicator.objects.filter(among("code", codes, "text"))
        .order_by()
        .values_list(*_INDICATOR, *_related("unit", Unit))
    ),
    codes=_SLOT,
)
_RULES = PreparedQuery(
    lambda ids: (
        IndicatorRule.objects.filter(Q(among("left_id", ids, "bigint")) | Q(among("right_id", ids, "bigint")))
        .order_by("pk")
        .values_list(*_RULE, "left__code", "right__code")
    ),
    ids=_SLOT,
)
_PROVINCE_CODES = PreparedQuery(
    lambda ids: (
        Organization.objects.filter(among("pk", ids, "bigint")).order_by().values_list("pk", "province__code")
    ),
    ids=_SLOT,
)


# The parts of the two statements that read what a batch's check and its write need
# (``rasad.indicators.actions.reporting``: ``_read_facts`` and ``_read_stored``), joined there with
# UNION ALL: each part's SQL as Django compiles it, with the batch's values in its slots.
APPROVED_PERIODS = PreparedQuery(
    lambda organizations, periods: (
        Observation.objects.filter(
            among("organization_id", organizations, "bigint"),
            among("period_key", periods, "text"),
            status=ObservationStatus.APPROVED,
        )
        .order_by()
        .values_list("organization_id", "period_key")
    ),
    organizations="\x00organizations",
    periods="\x00periods",
)
ASSIGNMENTS = PreparedQuery(
    lambda organizations, ancestors: (
        Assignment.objects.filter(
            Q(among("organization_id", organizations, "bigint"))
            | Q(among("organization_id", ancestors, "bigint"), include_descendants=True)
        )
        .order_by()
        .values_list("organization_id", "indicator_id", "include_descendants")
    ),
    organizations="\x00organizations",
    ancestors="\x00ancestors",
)
STORED_VALUES = PreparedQuery(
    lambda organizations, indicators, first, last: (
        Observation.objects.filter(
            among("organization_id", organizations, "bigint"),
            among("indicator_id", indicators, "bigint"),
            period_key__gte=first,
            period_key__lte=last,
        )
        .order_by()
        .values_list("id", "organization_id", "indicator_id", "period_key", "value", "comment", "status")
    ),
    organizations="\x00organizations",
    indicators="\x00indicators",
    first="\x00first",
    last="\x00last",
)
TARGETS = PreparedQuery(
    lambda organizations, years: (
        Target.objects.filter(among("organization_id", organizations, "bigint"), among("year", years, "int"))
        .order_by()
        .values_list("id")
    ),
    organizations="\x00organizations",
    years="\x00years",
)


def part(query: PreparedQuery, **values: Any) -> tuple[str, list[Any]]:
    """``query``'s SQL and parameters with ``values`` in its slots (a set of codes or ids as a
    JSON array), to be part of a larger statement."""
    compiled = query.compiled()
    params = list(compiled.params)
    for index, name in compiled.slots:
        value = values[name]
        params[index] = _array(value) if isinstance(value, set | frozenset | list | tuple) else value
    return compiled.sql, params


def _array(values: Iterable[Any]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)


def _instance(model: type[_M], names: tuple[str, ...], row: list[Any]) -> _M:
    return model.from_db(DEFAULT_DB_ALIAS, names, row)


def organizations_by_code(codes: Iterable[str]) -> list[Organization]:
    """The organizations with these codes, each with its province (as ``select_related``)."""
    size = len(_ORGANIZATION)
    found = []
    for row in _ORGANIZATIONS_BY_CODE.rows(codes=_array(codes)):
        organization = _instance(Organization, _ORGANIZATION, row[:size])
        province = None if row[size] is None else _instance(Province, _PROVINCE, row[size:])
        Organization.province.field.set_cached_value(organization, province)
        found.append(organization)
    return found


def indicators_by_code(codes: Iterable[str]) -> list[Indicator]:
    """The indicators with these codes, each with its unit (as ``select_related``)."""
    size = len(_INDICATOR)
    found = []
    for row in _INDICATORS_BY_CODE.rows(codes=_array(codes)):
        indicator = _instance(Indicator, _INDICATOR, row[:size])
        Indicator.unit.field.set_cached_value(indicator, _instance(Unit, _UNIT, row[size:]))
        found.append(indicator)
    return found


def rules_of(indicator_ids: Iterable[int]) -> list[IndicatorRule]:
    """The rules with either side among these indicators; each side's code is loaded (what a
    rule's check and its finding read), its other fields on first use."""
    size = len(_RULE)
    found = []
    for row in _RULES.rows(ids=_array(indicator_ids)):
        rule = _instance(IndicatorRule, _RULE, row[:size])
        left_code, right_code = row[size:]
        sides = (("left", rule.left_id, left_code), ("right", rule.right_id, right_code))
        for name, pk, code in sides:
            side = _instance(Indicator, ("id", "code"), [pk, code])
            IndicatorRule._meta.get_field(name).set_cached_value(rule, side)  # type: ignore[union-attr]
        found.append(rule)
    return found


def province_codes_by_id(organization_ids: Iterable[int]) -> dict[int, str]:
    """{organization id: its own province's code, or "" without one}."""
    return {pk: code or "" for pk, code in _PROVINCE_CODES.rows(ids=_array(organization_ids))}
