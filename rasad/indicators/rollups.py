"""Incremental dashboard rollups (SECURITY.md §C.4), maintained without hot rows.

Each observation adds to one row per (indicator, organization-ancestor-or-self, province of the
observation's organization, period). Writers hand over deltas (``Deltas``):

* On PostgreSQL a large write (at least ``OWN_ROWS_DIRECT`` own rows: a bulk batch) adds to its
  organizations' own rows directly, with one statement in its transaction: those rows belong to
  the (organization, period) keys the writer has already locked, so no other writer waits on
  them. A smaller write hands its own rows over as deltas, with the rest (one statement fewer
  in its transaction). The deltas to the ancestors' rows go to ``RollupDelta``, in the write's
  transaction: by one binary COPY, or, when they are few (a one-row write's), in a statement the
  write sends anyway (the batch id's claim, ``APPEND_DELTAS``). The write never touches the
  shared ancestor rows, so concurrent writers under one national body do not queue on their row
  locks. Readers go through ``sums``, which adds the pending deltas to the rollup rows, so a
  dashboard is exact as soon as the write commits (the documented lag is zero; folding is
  compaction, and bounds how many deltas a reader adds). ``fold`` moves pending deltas into
  ``Rollup`` with one statement a turn; only one process folds at a time (an advisory lock),
  and it folds the deltas of every writer that committed meanwhile. It is not run after every
  write: after its commit a write folds only when its process has not folded for
  ``FOLD_INTERVAL`` seconds (``fold_due``), so that under load a process folds about once a
  second, each turn taking the deltas of hundreds of writes, instead of a statement and a commit
  (a second WAL flush) per write; the periodic job ``indicators-fold-rollups`` folds what the
  last writes of a burst left. A batch of a thousand values from a hundred sites under one
  company thus folds about a hundred delta rows (the company's), not eleven hundred.
* On SQLite writes are already serialised (one writer at a time), so deltas are applied to
  ``Rollup`` directly in the write's transaction with ``INSERT … ON CONFLICT DO UPDATE``.

``rebuild`` recomputes everything from raw observations; the tests and the nightly check compare
the two.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum

from rasad.core.models import Organization
from rasad.indicators.models import Indicator, Observation, Rollup, RollupDelta
from rasad.lib.prepared import Many, PreparedQuery

# The advisory lock that lets one process at a time fold deltas (an arbitrary constant).
FOLD_LOCK = 7_311_004_201
_COLUMNS = (
    "indicator_id, organization_id, province, period_key, year, total, value_count, approved_total, "
    "approved_count"
)


# A rollup row's key: (indicator id, organization id, province code, period key, year). A plain
# tuple rather than a dataclass: a batch of a thousand values makes two or three thousand keys,
# and tuples sort in the order the deltas are written in (no deadlocks) without a key function.
Key = tuple[int, int, str, str, int]


class Deltas:
    """Accumulates changes of (total, count, approved total, approved count) per rollup row:
    each organization's own rows (``own``) apart from its ancestors' (``rows``)."""

    def __init__(self) -> None:
        self.rows: dict[Key, list[float]] = {}
        self.own: dict[Key, list[float]] = {}
        # Each organization's ancestors, read from its path once per batch.
        self._ancestors: dict[int, tuple[int, ...]] = {}

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
        organization_id = organization.id
        ancestors = self._ancestors.get(organization_id)
        if ancestors is None:
            ancestors = self._ancestors[organization_id] = tuple(organization.ancestor_ids())
        _accumulate(
            self.own,
            (indicator_id, organization_id, province_code, period_key, year),
            total,
            count,
            approved_total,
            approved_count,
        )
        rows = self.rows
        for ancestor_id in ancestors:
            _accumulate(
                rows,
                (indicator_id, ancestor_id, province_code, period_key, year),
                total,
                count,
                approved_total,
                approved_count,
            )

    def params(self) -> list[tuple[Any, ...]]:
        """Every non-zero delta, own and ancestors' together, as rows of ``_COLUMNS`` in a fixed
        order (no deadlocks); the accumulated deltas are cleared."""
        self._own_into_rows()
        return _params(self.rows)

    def _own_into_rows(self) -> None:
        for key, row in self.own.items():
            _accumulate(self.rows, key, *row)
        self.own.clear()

    def own_rows(self) -> dict[Key, list[float]]:
        """The own rows' deltas, handed to a caller that adds them to ``Rollup`` itself in one of
        its statements (``own_rows_insert``); they are no longer this object's to apply."""
        own, self.own = self.own, {}
        return own

    def apply(self, *, hand_over: bool = False) -> str:
        """Hand the accumulated deltas to the database (see the module docstring).

        ``hand_over``: the deltas to append, if there are few (fewer than ``APPEND_MAX`` rows),
        are returned instead, as the one parameter of ``APPEND_DELTAS`` (a JSON list of rows of
        ``_COLUMNS``), for the caller to append in a statement of its own (a one-row write's
        last statement does): one round trip fewer than their own COPY. The list is empty when
        nothing is left to append."""
        handed = "[]"
        if connection.vendor != "postgresql":
            params = self.params()
            if params:
                _upsert(params)
            return handed
        if len(self.own) >= OWN_ROWS_DIRECT:
            _upsert_own(_params(self.own))
        else:
            # A small write (a form, one value) hands its own rows over as deltas too: appended
            # with the rest, instead of a statement more in its transaction.
            self._own_into_rows()
        ancestors = _params(self.rows)
        if ancestors:
            if hand_over and len(ancestors) < APPEND_MAX:
                try:
                    # One text parameter: psycopg spends more on nine arrays than on the rest of
                    # the statement's values. A value that is not finite (no JSON number) goes
                    # by COPY.
                    handed = json.dumps(ancestors, allow_nan=False)
                except ValueError:
                    _append(ancestors)
            else:
                _append(ancestors)
            transaction.on_commit(fold_due, robust=True)
        return handed


def _accumulate(
    rows: dict[Key, list[float]],
    key: Key,
    total: float,
    count: float,
    approved_total: float,
    approved_count: float,
) -> None:
    row = rows.get(key)
    if row is None:
        rows[key] = [total, count, approved_total, approved_count]
    else:
        row[0] += total
        row[1] += count
        row[2] += approved_total
        row[3] += approved_count


def _params(rows: dict[Key, list[float]]) -> list[tuple[Any, ...]]:
    """The non-zero deltas of ``rows`` as rows of ``_COLUMNS``, sorted; ``rows`` is cleared."""
    changed = sorted((key, row) for key, row in rows.items() if any(row))
    rows.clear()
    return [(*key, row[0], int(row[1]), row[2], int(row[3])) for key, row in changed]


def _append(params: list[tuple[Any, ...]]) -> None:
    """Append deltas with one binary COPY (a multi-row INSERT of a thousand rows spent most of
    its time building the statement)."""
    table = RollupDelta._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(_DELTA_TYPES)
        for row in params:
            copy.write_row(row)


_DELTA_TYPES = ["int8", "int8", "varchar", "varchar", "int2", "float8", "int4", "float8", "int4"]

# Deltas handed over to the caller's statement (``Deltas.apply(hand_over=True)``) when fewer than
# this many; more go by COPY, which costs less per row than an array parameter.
APPEND_MAX = 200
# A part of a ``WITH`` appending handed-over deltas: one parameter, a JSON list of rows of
# ``_COLUMNS`` (an empty list appends nothing, so the statement is the same with or without them).
# Read as ``jsonb``: each row is parsed once, where ``json``'s ``->>`` parsed a row's text again
# for each of its nine columns (199 rows: 2.0 against 3.0 ms of PostgreSQL's CPU, the same rows;
# docs/development/benchmarks.md, "Ingest", session 25).
APPEND_DELTAS = (
    f"appended_deltas AS (INSERT INTO {RollupDelta._meta.db_table} ({_COLUMNS}) SELECT "  # noqa: S608 - fixed identifiers
    + ", ".join(f"(d->>{n})::{kind}" for n, kind in enumerate(_DELTA_TYPES))
    + " FROM jsonb_array_elements(%s::jsonb) AS d)"
)


_UPSERT_TAIL = (
    " ON CONFLICT (indicator_id, organization_id, province, period_key) DO UPDATE SET "
    "total = {t}.total + excluded.total, value_count = {t}.value_count + excluded.value_count, "
    "approved_total = {t}.approved_total + excluded.approved_total, "
    "approved_count = {t}.approved_count + excluded.approved_count"
)


def _upsert(params: list[tuple[Any, ...]]) -> None:
    table = Rollup._meta.db_table
    sql = (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
        + _UPSERT_TAIL.format(t=table)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# A write with at least this many own rows adds them to ``Rollup`` itself (``_upsert_own``);
# a smaller one leaves them to the fold with its ancestors' deltas.
OWN_ROWS_DIRECT = 200
# The own rows of a large batch go through a temporary table (binary COPY, then one INSERT …
# SELECT): passing them as arrays cost the client more than the server, since Django's cursor
# binds parameters on the client side and renders every element as text.
_OWN_STAGE = "rasad_rollup_stage"


def _upsert_own(params: list[tuple[Any, ...]]) -> None:
    """Add the write's own rows to ``Rollup`` in its transaction, in one ``INSERT … ON CONFLICT``.

    These rows are not hot: an organization's own row of an indicator and period takes, from
    writers, the one observation of that key, which the write has already written (and so
    locked) in this transaction; a batch holds the (organization, period) advisory lock as well
    (``rasad.indicators.actions.reporting``). Only a fold may add to one of them too (when the
    organization is an ancestor of another that reports), in a short transaction; both lock rows
    in the order of the same ``ORDER BY``, so neither can wait for the other in a cycle."""
    table = Rollup._meta.db_table
    with connection.cursor() as cursor:
        # Created on every large batch, not once per connection: a rolled-back transaction takes
        # the temporary table with it (as the observations' staging table, reporting._merge).
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_OWN_STAGE} (indicator_id bigint, organization_id bigint, "
            "province varchar(4), period_key varchar(8), year smallint, total float8, value_count int, "
            "approved_total float8, approved_count int) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(f"COPY {_OWN_STAGE} ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_DELTA_TYPES)
            for row in params:
                copy.write_row(row)
        # Emptied as it is read: a second batch in the same transaction must not add these again.
        cursor.execute(
            f"WITH staged AS (DELETE FROM {_OWN_STAGE} RETURNING {_COLUMNS}) "  # noqa: S608
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM staged "
            "ORDER BY indicator_id, organization_id, province, period_key" + _UPSERT_TAIL.format(t=table)
        )


def own_rows_insert(source: str) -> str:
    """An ``INSERT`` adding own rows to ``Rollup`` from ``source`` (a table or a query's name
    with the columns of ``_COLUMNS``), as ``_upsert_own`` adds them: in the fold's order, rows
    without a change left out. Reporting's merge of a large batch runs it in the statement that
    writes the observations (their staging table holds each row's own delta)."""
    table = Rollup._meta.db_table
    return (
        f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM {source} "  # noqa: S608
        "WHERE total <> 0 OR value_count <> 0 "
        "ORDER BY indicator_id, organization_id, province, period_key" + _UPSERT_TAIL.format(t=table)
    )


# A process folds after a write's commit at most once in this many seconds (``fold_due``).
FOLD_INTERVAL = 1.0
# When this process may fold next, on the monotonic clock; shared by its threads. Two threads
# that read it at the same moment may both fold: the second then finds the lock taken, or
# nothing to move.
_next_fold = 0.0
_next_fold_lock = threading.Lock()


def fold_due() -> int:
    """After a write's commit: one turn of ``fold`` if this process has not folded for
    ``FOLD_INTERVAL`` seconds, else nothing; returns how many deltas were folded.

    One turn, not a loop until nothing is pending: what other writers commit meanwhile is folded
    by the next turn due (or by the periodic job), and readers add it in the meantime. A write
    thus sends no statement after its commit unless a fold is due: at a few writes a second every
    write folds (each finds the interval passed), at hundreds a second one in hundreds does."""
    global _next_fold
    now = time.monotonic()
    # Not due (most writes): decided before the lock and the connection's proxy, an ``asgiref``
    # local that was 1 % of a one-row write's Python (docs/development/benchmarks.md, session 23).
    if now < _next_fold or connection.vendor != "postgresql":
        return 0
    with _next_fold_lock:
        if now < _next_fold:
            return 0
        _next_fold = now + FOLD_INTERVAL
    return fold(turns=1)


def fold(turns: int | None = None) -> int:
    """Move pending deltas into ``Rollup`` (PostgreSQL); returns how many deltas were folded.

    Up to ``turns`` turns (unbounded: until nothing is pending), each one statement in its own
    transaction: the fold lock (a transaction lock, released at its end), the deltas moved only
    if the lock was had, and whether it was. If another process is folding, it returns at once.
    Between turns, a check for deltas committed meanwhile. Called by the tests, ``snapshot`` and
    the periodic job; a write's commit calls ``fold_due``."""
    if connection.vendor != "postgresql":
        return 0
    folded: int = 0
    turn = 0
    with connection.cursor() as cursor:
        while True:
            # One statement per turn: a second one at once would mostly find nothing, after
            # reading past the rows the first deleted; the check below finds what came since.
            cursor.execute(_FOLD, [FOLD_LOCK])
            held, moved = cursor.fetchone()
            turn += 1
            if not held:
                return folded
            folded += int(moved)
            if turns is not None and turn >= turns:
                return folded
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {RollupDelta._meta.db_table})")  # noqa: S608
            if not cursor.fetchone()[0]:
                return folded


# A turn of the fold. PostgreSQL runs every data-modifying part of a WITH once, whether or not
# the last SELECT reads it; the DELETE's condition, an uncorrelated subquery, is evaluated before
# any row.
_FOLD = (
    "WITH fold_lock AS (SELECT pg_try_advisory_xact_lock(%s) AS held), "  # noqa: S608 - fixed identifiers
    f"moved AS (DELETE FROM {RollupDelta._meta.db_table} WHERE (SELECT held FROM fold_lock) "
    f"RETURNING {_COLUMNS}), "
    f"added AS (INSERT INTO {Rollup._meta.db_table} ({_COLUMNS}) "
    "SELECT indicator_id, organization_id, province, period_key, MAX(year), SUM(total), "
    "SUM(value_count), SUM(approved_total), SUM(approved_count) FROM moved "
    "GROUP BY indicator_id, organization_id, province, period_key "
    "ORDER BY indicator_id, organization_id, province, period_key"
    + _UPSERT_TAIL.format(t=Rollup._meta.db_table)
    + ") SELECT (SELECT held FROM fold_lock), (SELECT count(*) FROM moved)"
)


def sums(
    group_by: tuple[str, ...],
    fields: dict[str, str],
    *,
    exclude: dict[str, Any] | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Rollup figures grouped by ``group_by`` (columns of ``Rollup``), with ``fields`` mapping an
    output name to the summed column; pending deltas are added, so the answer is exact.

    Filters and groups name plain columns (``organization_id``, ``indicator_id``, ``period_key``,
    ``province``, ``year``), which both tables share; ``indicator__code`` may be grouped on.

    On PostgreSQL the rows and the deltas are read by one statement (a ``UNION ALL`` of the two
    grouped reads), so in one snapshot at any isolation level, inside a caller's transaction or
    not: a fold committing between two reads would move deltas into rows already read, and the
    figure would miss them."""
    aggregates = {name: Sum(column) for name, column in fields.items()}
    names = (*group_by, *fields)
    excluded = exclude or {}
    rows = Rollup.objects.filter(**filters).exclude(**excluded).values(*group_by).annotate(**aggregates)
    if connection.vendor != "postgresql":
        return list(rows)
    pending = RollupDelta.objects.filter(**filters).exclude(**excluded)
    if "indicator__code" in group_by:
        # A delta's indicator is a plain id: its code is read in the same statement.
        code = Subquery(Indicator.objects.filter(pk=OuterRef("indicator_id")).values("code")[:1])
        pending = pending.annotate(_indicator_code=code)
    delta_group = tuple("_indicator_code" if g == "indicator__code" else g for g in group_by)
    pending_rows = pending.values(*delta_group).annotate(**aggregates).values_list(*delta_group, *fields)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for values in rows.values_list(*names).union(pending_rows, all=True):
        key = values[: len(group_by)]
        current = out.get(key)
        if current is None:
            out[key] = dict(zip(names, values, strict=True))
        else:
            for name, value in zip(fields, values[len(group_by) :], strict=True):
                current[name] = (current[name] or 0) + (value or 0)
    return list(out.values())


# Each organization's own province code (None without one); compiled once per process.
_PROVINCE_CODES = PreparedQuery(
    lambda ids: Organization.objects.filter(pk__in=ids).order_by().values_list("pk", "province__code"),
    ids=Many(-7_311_001),
)


def province_codes(organizations: Iterable[Organization]) -> dict[int, str]:
    """The province code of each organization (its own, else its nearest ancestor's)."""
    result: dict[int, str] = {}
    orgs = []
    for org in organizations:
        if Organization.province.is_cached(org) and org.province is not None:  # select_related: no query
            result[org.pk] = org.province.code
        else:
            orgs.append(org)
    if not orgs:
        return result
    lineage = {a for o in orgs for a in o.ancestor_ids()} | {o.pk for o in orgs}
    provinces = {pk: code or "" for pk, code in _PROVINCE_CODES.rows(ids=lineage)}
    for org in orgs:
        code = provinces.get(org.pk) or ""
        for ancestor in reversed(org.ancestor_ids()):
            if code:
                break
            code = provinces.get(ancestor) or ""
        result[org.pk] = code
    return result


def rebuild() -> int:
    """Recompute every rollup row from raw observations (a correctness check and a repair, not
    the write path); returns how many observations were read. One transaction: readers see the
    old rows until the new ones commit. Observations stream in chunks, with progress reported
    (``rasad rollups rebuild`` draws a bar); the sums held in memory are one row per rollup row."""
    from rasad.lib.progress import track

    with transaction.atomic():
        RollupDelta.objects.all().delete()
        Rollup.objects.all().delete()
        deltas = Deltas()
        organizations = Organization.objects.in_bulk(
            set(Observation.objects.order_by().values_list("organization_id", flat=True).distinct())
        )
        codes = province_codes(organizations.values())
        rows = Observation.objects.order_by("pk").values_list(
            "organization_id", "indicator_id", "period_key", "year", "value", "status"
        )
        read = 0
        for organization_id, indicator_id, period_key, year, value, status in track(
            rows.iterator(chunk_size=5000), total=rows.count(), note="observations", every=1000
        ):
            approved = status == "approved"
            deltas.add(
                organizations[organization_id],
                codes[organization_id],
                indicator_id,
                period_key,
                year,
                total=value,
                count=1,
                approved_total=value if approved else 0.0,
                approved_count=1 if approved else 0,
            )
            read += 1
        params = deltas.params()
        if params:
            _upsert(params)
    return read


def snapshot() -> dict[tuple[int, int, str, str], tuple[float, int, float, int]]:
    """Non-empty rollup rows, rounded, for comparing incremental against rebuilt."""
    fold()
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


def pending() -> int:
    """How many deltas wait to be folded (for the dashboards' health check and the benchmark)."""
    return RollupDelta.objects.count()
