"""Incremental dashboard rollups (SECURITY.md §C.4): maintained in the write's own transaction.

Each observation adds to one row per (indicator, organization-ancestor-or-self, province of the
observation's organization, period). Writers hand over deltas; one ``INSERT … ON CONFLICT DO
UPDATE SET total = total + excluded.total`` statement per batch applies them (the same SQL runs on
PostgreSQL and SQLite). ``rebuild`` recomputes everything from raw observations; the tests and the
nightly check compare the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from rasad.core.models import Organization
from rasad.indicators.models import Observation, Rollup


@dataclass(frozen=True)
class Key:
    indicator_id: int
    organization_id: int
    province: str
    period_key: str
    year: int


class Deltas:
    """Accumulates changes of (total, count, approved total, approved count) per rollup row."""

    def __init__(self) -> None:
        self.rows: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0])

    def add(
        self,
        organization: Organization,
        province_code: str,
        indicator_id: int,
        period_key: str,
        year: int,
        *,
        total: float = 0.0,
        count: int = 0,
        approved_total: float = 0.0,
        approved_count: int = 0,
    ) -> None:
        for ancestor_id in [*organization.ancestor_ids(), organization.pk]:
            row = self.rows[Key(indicator_id, ancestor_id, province_code, period_key, year)]
            row[0] += total
            row[1] += count
            row[2] += approved_total
            row[3] += approved_count

    def apply(self) -> None:
        changed = [(key, row) for key, row in self.rows.items() if any(row)]
        if not changed:
            return
        table = Rollup._meta.db_table
        sql = (
            f"INSERT INTO {table} (indicator_id, organization_id, province, period_key, year, total, "  # noqa: S608
            "value_count, approved_total, approved_count) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (indicator_id, organization_id, province, period_key) DO UPDATE SET "
            f"total = {table}.total + excluded.total, "
            f"value_count = {table}.value_count + excluded.value_count, "
            f"approved_total = {table}.approved_total + excluded.approved_total, "
            f"approved_count = {table}.approved_count + excluded.approved_count"
        )
        params = [
            (
                key.indicator_id,
                key.organization_id,
                key.province,
                key.period_key,
                key.year,
                row[0],
                int(row[1]),
                row[2],
                int(row[3]),
            )
            for key, row in sorted(changed, key=lambda item: (item[0].indicator_id, item[0].organization_id))
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self.rows.clear()


def province_codes(organizations: Iterable[Organization]) -> dict[int, str]:
    """The province code of each organization (its own, else its nearest ancestor's)."""
    orgs = list(organizations)
    ancestor_ids = {a for o in orgs for a in o.ancestor_ids()}
    provinces = dict(
        Organization.objects.filter(pk__in=ancestor_ids | {o.pk for o in orgs}).values_list(
            "pk", "province__code"
        )
    )
    result: dict[int, str] = {}
    for org in orgs:
        code = provinces.get(org.pk) or ""
        for ancestor in reversed(org.ancestor_ids()):
            if code:
                break
            code = provinces.get(ancestor) or ""
        result[org.pk] = code
    return result


def rebuild() -> None:
    """Recompute every rollup row from raw observations (a correctness check, not the write path)."""
    Rollup.objects.all().delete()
    deltas = Deltas()
    observations = list(Observation.objects.select_related("organization"))
    organizations = {o.organization_id: o.organization for o in observations}
    codes = province_codes(organizations.values())
    for observation in observations:
        approved = observation.status == "approved"
        deltas.add(
            observation.organization,
            codes[observation.organization_id],
            observation.indicator_id,
            observation.period_key,
            observation.year,
            total=observation.value,
            count=1,
            approved_total=observation.value if approved else 0.0,
            approved_count=1 if approved else 0,
        )
    deltas.apply()


def snapshot() -> dict[tuple[int, int, str, str], tuple[float, int, float, int]]:
    """Non-empty rollup rows, rounded, for comparing incremental against rebuilt."""
    return {
        (r.indicator_id, r.organization_id, r.province, r.period_key): (
            round(r.total, 6),
            r.value_count,
            round(r.approved_total, 6),
            r.approved_count,
        )
        for r in Rollup.objects.all()
        if r.value_count or r.approved_count
    }
