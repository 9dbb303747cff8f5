"""The rollup table's key: (indicator, organization, province, period), no ``id``
(indicators migration 0015, written by hand for each engine), and that migration's two
directions keep every row."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from rasad.indicators import rollups
from rasad.indicators.choices import Category, Dimension, Direction
from rasad.indicators.models import Indicator, Rollup, Unit
from rasad.indicators.testing import record
from rasad.testing.audit import as_owner
from rasad.testing.cast import Cast

_MIGRATION = importlib.import_module("rasad.indicators.migrations.0015_rollup_composite_primary_key")
_KEY = ["indicator_id", "organization_id", "province", "period_key"]
_KEY_ORDER = {column: place for place, column in enumerate(_KEY)}


class _Editor:
    """What the migration's functions use of a schema editor: its connection and ``execute``
    (SQLite's own editor refuses to open inside the test's transaction)."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _rows() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indicator_id, organization_id, province, period_key, year, total, value_count, "
            "approved_total, approved_count FROM indicators_rollup ORDER BY 1, 2, 3, 4"
        )
        return [tuple(row) for row in cursor.fetchall()]


def _primary_key() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Rollup._meta.db_table)
    (columns,) = [c["columns"] for c in constraints.values() if c["primary_key"]]
    # SQLite's introspection names a key's columns in the table's order, PostgreSQL in the key's
    # (the order of its index: reads go by its (indicator, organization) prefix).
    return (
        list(columns)
        if connection.vendor == "postgresql"
        else sorted(columns, key=lambda column: _KEY_ORDER.get(column, -1))
    )


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, Rollup._meta.db_table)]


def test_a_rollup_row_is_keyed_by_its_indicator_organization_province_and_period(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 120.0, user=assigned.ali)
    rollups.fold()
    assert _primary_key() == _KEY
    assert "id" not in _columns()
    row = Rollup.objects.get(organization=assigned.isfahan_post, period_key="1402-01")
    assert row.pk == (row.indicator_id, row.organization_id, row.province, row.period_key)
    assert Rollup.objects.get(pk=row.pk).total == 120.0
    # The key refuses a second row of the same indicator, organization, province and period.
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollup.objects.create(
            indicator_id=row.indicator_id,
            organization_id=row.organization_id,
            province=row.province,
            period_key=row.period_key,
            year=row.year,
        )


def test_the_migration_keeps_every_rollup_row_both_ways(assigned: Cast):
    for month in range(1, 4):
        record(assigned.isfahan_post, "ELEC_CONS", f"1402-{month:02d}", 100.0 + month, user=assigned.ali)
        record(assigned.kerman_post, "ELEC_CONS", f"1402-{month:02d}", 50.0 + month, user=assigned.bahram)
    rollups.fold()
    before = _rows()
    assert len(before) > 6  # the sites' own rows and their ancestors'

    # The migration's rights: the owner's (the PostgreSQL suite runs as the application's role).
    with as_owner():
        _MIGRATION.to_id(None, _Editor())
    assert "id" in _columns()
    assert _primary_key() == ["id"]
    assert _rows() == before

    with as_owner():
        _MIGRATION.to_composite_key(None, _Editor())
    assert "id" not in _columns()
    assert _primary_key() == _KEY
    assert _rows() == before
    # The upserts find the key after the table was made again.
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 111.0, user=assigned.ali)
    rollups.fold()
    assert len(_rows()) == len(before)
    own = Rollup.objects.get(organization=assigned.isfahan_post, period_key="1402-01")
    assert own.total == 111.0
    kept = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == kept


def test_deleting_an_indicator_deletes_its_rollup_rows(assigned: Cast):
    """Django's collector deletes the rows of a model keyed by several columns, as it did by id."""
    unit, _made = Unit.objects.get_or_create(
        code="KEY_U", defaults={"name": "key", "dimension": Dimension.ENERGY}
    )
    indicator = Indicator.objects.create(
        code="KEY_IND", name="key", unit=unit, direction=Direction.LOWER, category=Category.ENERGY
    )
    for organization in (assigned.isfahan_post, assigned.national):
        Rollup.objects.create(
            indicator=indicator,
            organization=organization,
            province="",
            period_key="1402-01",
            year=1402,
            total=1.0,
        )
    kept = Rollup.objects.exclude(indicator=indicator).count()
    indicator.delete()
    assert not Rollup.objects.filter(indicator_id=indicator.id).exists()
    assert Rollup.objects.count() == kept
