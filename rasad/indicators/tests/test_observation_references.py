"""An observation's references (organization, indicator, reporter, approver) hold in the database.

What the declared foreign keys gave, and what must hold however the database enforces it
(docs/indicators.md, "Integrity of observations"): a row naming a missing organization,
indicator or user is refused with ``IntegrityError``, by the ORM and by the bulk merge alike;
deleting a referenced row is refused by the database (Django's ``PROTECT`` refuses first, its
``SET_NULL`` clears the observations' reporter and approver); and on PostgreSQL a delete racing
an insert or an update on another connection never leaves an observation pointing at nothing,
in whichever order their statements and commits come.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from psycopg import sql

from rasad.conftest import APP_ROLE
from rasad.core.models import Organization, User
from rasad.indicators import rollups
from rasad.indicators.actions import reporting
from rasad.indicators.models import Indicator, Observation
from rasad.indicators.testing import (
    REFERENCES,
    fresh_references,
    merge_rows,
    observation_of,
    orphan_observations,
)
from rasad.testing.audit import as_owner

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("column", REFERENCES)
def test_an_observation_naming_a_missing_row_is_refused(column: str):
    fresh = fresh_references()
    with pytest.raises(IntegrityError), transaction.atomic():
        observation_of(fresh, **{column: fresh.missing})
    assert not Observation.objects.filter(organization_id__in=[fresh.organization, fresh.missing]).exists()
    assert orphan_observations() == 0


@pytest.mark.parametrize("column", REFERENCES)
def test_changing_a_reference_to_a_missing_row_is_refused(column: str):
    fresh = fresh_references()
    observation = observation_of(fresh)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(**{column: fresh.missing})
    observation.refresh_from_db()
    assert (observation.organization_id, observation.indicator_id, observation.reported_by_id) == (
        fresh.organization,
        fresh.indicator,
        fresh.reporter,
    )
    assert observation.approved_by_id is None


# Both of the merge's paths: the multi-row VALUES insert, and (PostgreSQL) the COPY into the
# staging table and one INSERT … SELECT … ON CONFLICT.
_SIZES = (3, reporting.COPY_THRESHOLD)


@pytest.mark.parametrize("size", _SIZES)
@pytest.mark.parametrize("column", ["organization_id", "indicator_id", "reported_by_id"])
def test_the_bulk_merge_refuses_a_missing_row_when_inserting(column: str, size: int):
    fresh = fresh_references()
    rows = merge_rows(fresh, size)
    bad = list(rows[-1])
    bad[reporting._OBSERVATION_COLUMNS.index(column)] = fresh.missing
    rows[-1] = tuple(bad)  # type: ignore[assignment]
    with pytest.raises(IntegrityError), transaction.atomic():
        reporting._merge(rows, rollups.Deltas())
    assert not Observation.objects.filter(indicator_id=fresh.indicator).exists()
    assert orphan_observations() == 0


@pytest.mark.parametrize("size", _SIZES)
def test_the_bulk_merge_refuses_a_missing_reporter_of_every_row(size: int):
    """The reporter every row of a large batch shares goes to the staged merge as a parameter
    (``reporting._shared``); missing, it is refused as one in a row is."""
    fresh = fresh_references()
    with pytest.raises(IntegrityError), transaction.atomic():
        reporting._merge(merge_rows(fresh, size, reported_by_id=fresh.missing), rollups.Deltas())
    assert not Observation.objects.filter(indicator_id=fresh.indicator).exists()
    assert orphan_observations() == 0


@pytest.mark.parametrize("size", _SIZES)
def test_the_bulk_merge_refuses_a_missing_reporter_when_updating(size: int):
    """A stored value sent again by another user: ``ON CONFLICT DO UPDATE`` sets the reporter."""
    fresh = fresh_references()
    with transaction.atomic():
        reporting._merge(merge_rows(fresh, size), rollups.Deltas())
    with pytest.raises(IntegrityError), transaction.atomic():
        reporting._merge(merge_rows(fresh, size, reported_by_id=fresh.missing), rollups.Deltas())
    assert set(
        Observation.objects.filter(indicator_id=fresh.indicator).values_list("reported_by_id", flat=True)
    ) == {fresh.reporter}


def test_the_bulk_merge_writes_rows_whose_references_exist():
    fresh = fresh_references()
    with transaction.atomic():
        ids = reporting._merge(merge_rows(fresh, reporting.COPY_THRESHOLD), rollups.Deltas())
    assert len(ids) == reporting.COPY_THRESHOLD
    with transaction.atomic():
        reporting._merge(
            merge_rows(fresh, reporting.COPY_THRESHOLD, reported_by_id=fresh.approver), rollups.Deltas()
        )
    assert set(
        Observation.objects.filter(indicator_id=fresh.indicator).values_list("reported_by_id", flat=True)
    ) == {fresh.approver}


_DELETES = {
    "organization": "DELETE FROM core_organization WHERE id = %s",
    "indicator": "DELETE FROM indicators_indicator WHERE id = %s",
    "reporter": "DELETE FROM core_user WHERE id = %s",
    "approver": "DELETE FROM core_user WHERE id = %s",
}


@pytest.mark.parametrize("referenced", list(_DELETES))
def test_a_row_nothing_refers_to_is_deleted(referenced: str):
    """The fresh rows have no other referrer: the refusals below are the observations' doing."""
    fresh = fresh_references()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DELETES[referenced], [getattr(fresh, referenced)])
        assert cursor.rowcount == 1


@pytest.mark.parametrize("referenced", list(_DELETES))
def test_deleting_a_referenced_row_in_sql_is_refused(referenced: str):
    fresh = fresh_references()
    observation_of(fresh, approved_by_id=fresh.approver)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DELETES[referenced], [getattr(fresh, referenced)])
    assert Observation.objects.filter(organization_id=fresh.organization).count() == 1
    assert orphan_observations() == 0


@pytest.mark.parametrize("referenced", ["organization", "indicator", "reporter"])
def test_a_referenced_row_deleted_and_made_again_in_one_transaction_passes(referenced: str):
    """As the declared key did, the check at commit asks whether the key is there then."""
    fresh = fresh_references()
    observation_of(fresh)
    table = _DELETES[referenced].split()[2]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE saved AS SELECT * FROM {table} WHERE id = %s",  # noqa: S608
            [getattr(fresh, referenced)],
        )
        cursor.execute(_DELETES[referenced], [getattr(fresh, referenced)])
        cursor.execute(f"INSERT INTO {table} SELECT * FROM saved")  # noqa: S608
        cursor.execute("DROP TABLE saved")
    assert orphan_observations() == 0


def test_django_protects_an_organization_and_an_indicator_and_clears_a_user():
    fresh = fresh_references()
    observation = observation_of(fresh, approved_by_id=fresh.approver)
    with pytest.raises(ProtectedError):
        Organization.objects.filter(pk=fresh.organization).delete()
    with pytest.raises(ProtectedError):
        Indicator.objects.filter(pk=fresh.indicator).delete()
    User.objects.filter(pk__in=[fresh.reporter, fresh.approver]).delete()
    observation.refresh_from_db()
    assert (observation.reported_by_id, observation.approved_by_id) == (None, None)
    assert orphan_observations() == 0


# Two connections (PostgreSQL): one writes an observation that refers to a row, the other
# deletes that row; their four steps run in every order, each step let go only when the one
# before it has finished or waits on a lock.


def _connect(*, as_application: bool = True) -> psycopg.Connection[Any]:
    """A connection of the test database's owner, switched to the application's role as the
    suite's own connections are (rasad/conftest.py), unless ``as_application`` is false: the
    monitor stays the owner, who may see the other sessions' waits in ``pg_stat_activity``."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    db = psycopg.connect(**params)
    if APP_ROLE and as_application:
        db.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(APP_ROLE)))
        db.commit()
    return db


@dataclass
class _Party:
    """One connection, its steps run one at a time on its own thread."""

    name: str
    db: psycopg.Connection[Any]
    pid: int
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))
    error: BaseException | None = None
    committed: bool = False

    def run(self, step: Callable[[psycopg.Connection[Any]], object]) -> Future[None]:
        def guarded() -> None:
            if self.error is not None:
                return
            try:
                step(self.db)
            except psycopg.Error as error:
                self.error = error
                self.db.rollback()

        return self.pool.submit(guarded)


def _waits_on_a_lock(monitor: psycopg.Connection[Any], pid: int) -> bool:
    row = monitor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row is not None and row[0] == "Lock"


def _settle(monitor: psycopg.Connection[Any], party: _Party, future: Future[None]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if future.done() or _waits_on_a_lock(monitor, party.pid):
            return
        time.sleep(0.01)
    raise AssertionError(f"{party.name}'s step neither finished nor waited on a lock")


@pytest.fixture
def parties() -> Iterator[tuple[_Party, _Party, psycopg.Connection[Any]]]:
    opened = [_connect(), _connect(), _connect(as_application=False)]
    monitor = opened[2]
    monitor.autocommit = True
    writer, deleter = (
        _Party(name, db, int(db.execute("SELECT pg_backend_pid()").fetchone()[0]))  # type: ignore[index]
        for name, db in zip(("writer", "deleter"), opened[:2], strict=True)
    )
    for db in opened[:2]:
        db.commit()
    try:
        yield writer, deleter, monitor
    finally:
        for party in (writer, deleter):
            party.pool.shutdown(wait=False, cancel_futures=True)
        for db in opened:
            db.close()


def _insert(values: dict[str, Any]) -> Callable[[psycopg.Connection[Any]], None]:
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))

    def step(db: psycopg.Connection[Any]) -> None:
        db.execute(f"INSERT INTO indicators_observation ({columns}) VALUES ({marks})", list(values.values()))  # noqa: S608

    return step


# The orders of (write, delete, the writer's commit, the deleter's commit) that keep each
# connection's own steps in order.
_ORDERS = [
    order
    for order in itertools.permutations(("write", "delete", "commit writer", "commit deleter"))
    if order.index("write") < order.index("commit writer")
    and order.index("delete") < order.index("commit deleter")
]


@pytest.mark.postgres
@pytest.mark.parametrize("order", _ORDERS, ids="/".join)
@pytest.mark.parametrize("referenced", list(_DELETES))
def test_a_delete_racing_a_write_leaves_no_orphan(
    referenced: str, order: tuple[str, ...], parties: tuple[_Party, _Party, psycopg.Connection[Any]]
):
    fresh = fresh_references()
    writer, deleter, monitor = parties
    now = timezone.now()
    write: Callable[[psycopg.Connection[Any]], None]
    if referenced == "approver":
        # An approval: the write is an update that sets the approver of a stored value.
        stored = observation_of(fresh)

        def approve(db: psycopg.Connection[Any]) -> None:
            db.execute(
                "UPDATE indicators_observation SET approved_by_id = %s, status = 'approved' WHERE id = %s",
                [fresh.approver, stored.pk],
            )

        write = approve
    else:
        write = _insert(
            {
                "organization_id": fresh.organization,
                "indicator_id": fresh.indicator,
                "reported_by_id": fresh.reporter,
                "period_key": "1402-02",
                "period_start": date(2023, 4, 21),
                "year": 1402,
                "value": 2.0,
                "comment": "",
                "status": "draft",
                "source": "api",
                "findings": "[]",
                "created": now,
                "last_updated": now,
            }
        )

    def delete(db: psycopg.Connection[Any]) -> None:
        db.execute(_DELETES[referenced], [getattr(fresh, referenced)])

    def commit(party: _Party) -> Callable[[psycopg.Connection[Any]], None]:
        def step(db: psycopg.Connection[Any]) -> None:
            db.commit()
            party.committed = True

        return step

    steps = {
        "write": (writer, write),
        "delete": (deleter, delete),
        "commit writer": (writer, commit(writer)),
        "commit deleter": (deleter, commit(deleter)),
    }
    futures = []
    for name in order:
        party, step = steps[name]
        future = party.run(step)
        futures.append(future)
        _settle(monitor, party, future)
    for future in futures:
        future.result(timeout=20)
    assert not (writer.committed and deleter.committed)
    failed = writer if deleter.committed else deleter
    assert isinstance(failed.error, psycopg.errors.ForeignKeyViolation), failed.error
    assert orphan_observations() == 0


@pytest.mark.postgres
def test_truncating_a_referenced_table_leaves_no_orphan():
    """``TRUNCATE … CASCADE`` of the organizations (the owner's right), rolled back afterwards."""
    fresh = fresh_references()
    observation_of(fresh)
    with as_owner(), transaction.atomic():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("TRUNCATE core_organization CASCADE")
        except IntegrityError:
            pass
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM indicators_observation o "
                "WHERE NOT EXISTS (SELECT 1 FROM core_organization x WHERE x.id = o.organization_id)"
            )
            assert cursor.fetchone()[0] == 0
        transaction.set_rollback(True)


@pytest.mark.postgres
def test_the_lock_wait_helper_sees_a_waiting_connection(
    parties: tuple[_Party, _Party, psycopg.Connection[Any]],
):
    """``_settle`` tells a step waiting on a lock from one still running (else the race tests
    above would only ever run their steps one after the other)."""
    fresh = fresh_references()
    writer, deleter, monitor = parties
    writer.run(
        lambda db: db.execute(
            "SELECT 1 FROM core_organization WHERE id = %s FOR UPDATE", [fresh.organization]
        )
    ).result()
    waiting = deleter.run(
        lambda db: db.execute("DELETE FROM core_organization WHERE id = %s", [fresh.organization])
    )
    _settle(monitor, deleter, waiting)
    assert not waiting.done()
    assert _waits_on_a_lock(monitor, deleter.pid)
    writer.run(lambda db: db.rollback()).result()
    waiting.result(timeout=20)
    assert deleter.error is None


def test_sqlite_keeps_the_declared_foreign_keys_and_postgresql_has_the_triggers():
    """Django's state has no database constraint for the four references (migration 0010). SQLite
    keeps the ones its table was made with: a later migration that rebuilds the table there
    would drop them, and this test says so. PostgreSQL has the triggers in their place."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_list(indicators_observation)")
            declared = {(row[3], row[2]) for row in cursor.fetchall()}
            assert declared == {
                ("organization_id", "core_organization"),
                ("indicator_id", "indicators_indicator"),
                ("reported_by_id", "core_user"),
                ("approved_by_id", "core_user"),
            }
            return
        cursor.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conrelid = 'indicators_observation'::regclass AND contype = 'f'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgdeferrable FROM pg_trigger "
            "WHERE tgname LIKE 'observation_references%%' ORDER BY 1, 2"
        )
        assert cursor.fetchall() == [
            ("core_organization", "observation_references", True),
            ("core_organization", "observation_references_truncated", False),
            ("core_user", "observation_references", True),
            ("core_user", "observation_references_truncated", False),
            ("indicators_indicator", "observation_references", True),
            ("indicators_indicator", "observation_references_truncated", False),
            ("indicators_observation", "observation_references_inserted", False),
            ("indicators_observation", "observation_references_updated", False),
        ]
