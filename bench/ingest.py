"""Bulk ingest of observations into PostgreSQL: our HTTP endpoint against the limits of the same
table on the same machine.

    python -m bench.ingest --rows 100000 --batch 1000

Three ways to put the same rows into ``indicators_observation``, each into an empty table:
  1. binary COPY through psycopg 3 (the physical limit for a client);
  2. Django ``bulk_create`` in one transaction (what naive application code does);
  3. ``POST /api/v1/observations/bulk/`` over HTTP, batches of ``--batch`` rows from four client
     threads, against ``rasad serve`` with two workers (two requests in flight per worker: one
     runs Python while the other waits on PostgreSQL; docs/development/benchmarks.md, session
     18): JSON parsing, per-row validation (scope, assignment, periods, ranges, outliers, rules),
     the upsert, incremental rollups, one audit event per batch, target checks.
It prints rows/s for each and the ratios HTTP/COPY and HTTP/bulk_create, then sends one batch
again to show that a repeated batch changes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from bench import goals
from bench.common import (
    Fixture,
    build_fixture,
    children_cpu_seconds,
    copy_observations,
    months_back,
    server,
    server_cpu_seconds,
)
from rasad.indicators.models import Observation, Rollup
from rasad.lib.jalali import JalaliPeriod

Row = tuple[str, str, str, float]


def generate(fixture: Fixture, rows: int) -> list[Row]:
    per_month = len(fixture.sites) * len(fixture.indicators)
    periods = months_back(-(-rows // per_month))
    generator = random.Random(1404)
    out: list[Row] = []
    # Site by site, so that a batch touches few organizations, as a real upload from one site does.
    for site in fixture.sites:
        for period in periods:
            for indicator in fixture.indicators:
                out.append((site.code, indicator.code, period.key, round(generator.uniform(50, 5000), 3)))
    return out[:rows]


def empty_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Observation._meta.db_table}, {Rollup._meta.db_table} CASCADE")


def copy_binary(fixture: Fixture, rows: list[Row]) -> float:
    sites = {site.code: site.pk for site in fixture.sites}
    indicators = {indicator.code: indicator.pk for indicator in fixture.indicators}
    periods = {key: None for _site, _indicator, key, _value in rows}
    starts = {key: months_back(1, last=key)[0] for key in periods}
    now = datetime.now(UTC)
    table = Observation._meta.db_table
    columns = [
        "organization_id",
        "indicator_id",
        "period_key",
        "period_start",
        "year",
        "value",
        "comment",
        "status",
        "source",
        "findings",
        "created",
        "last_updated",
    ]
    records: list[tuple[Any, ...]] = [
        (
            sites[site],
            indicators[code],
            key,
            starts[key].start,
            starts[key].year,
            value,
            "",
            "draft",
            "api",
            [],  # jsonb dumps the Python value: "[]" was stored as a JSON string
            now,
            now,
        )
        for site, code, key, value in rows
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(
                [
                    "int8",
                    "int8",
                    "varchar",
                    "date",
                    "int2",
                    "float8",
                    "text",
                    "varchar",
                    "varchar",
                    "jsonb",
                    "timestamptz",
                    "timestamptz",
                ]
            )
            for record in records:
                copy.write_row(record)
    return time.perf_counter() - started


def bulk_create(fixture: Fixture, rows: list[Row]) -> float:
    sites = {site.code: site.pk for site in fixture.sites}
    indicators = {indicator.code: indicator.pk for indicator in fixture.indicators}
    periods = {key: months_back(1, last=key)[0] for key in {r[2] for r in rows}}
    objects = [
        Observation(
            organization_id=sites[site],
            indicator_id=indicators[code],
            period_key=key,
            period_start=periods[key].start,
            year=periods[key].year,
            value=value,
            source="api",
        )
        for site, code, key, value in rows
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Observation.objects.bulk_create(objects, batch_size=1000)
    return time.perf_counter() - started


def body(batch: list[Row]) -> bytes:
    """A batch as the API takes it, under a new batch id."""
    return json.dumps(
        {
            "batch_id": uuid.uuid4().hex,
            "observations": [
                {"organization": site, "indicator": code, "period": key, "value": value}
                for site, code, key, value in batch
            ],
        }
    ).encode()


def post(url: str, token: str, batch: list[Row] | bytes) -> dict[str, object]:
    data = batch if isinstance(batch, bytes) else body(batch)
    request = urllib.request.Request(  # noqa: S310 - loopback URL we started
        f"{url}/api/v1/observations/bulk/",
        data=data,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def over_http(
    fixture: Fixture, rows: list[Row], batch_size: int, clients: int, *, keep: bool = False, workers: int = 2
) -> tuple[float, dict[str, int]]:
    batches = [rows[i : i + batch_size] for i in range(0, len(rows), batch_size)]
    # Encoded before the clock starts, as COPY's records are built before its clock: the clients
    # share the machine's cores with the server and PostgreSQL.
    bodies = [body(batch) for batch in batches]
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()
    with server(workers) as url:
        # Warm every worker's imports and caches: one request reaches one worker, so a few rounds
        # of concurrent requests are sent (a worker warmed inside the timed run spends a second
        # of CPU on imports); a warm-up request refused by the admission gate (503) is no error.
        def warm() -> None:
            try:
                post(url, fixture.token, batches[0][:1])
            except urllib.error.HTTPError as error:
                if error.code != 503:
                    raise

        for _round in range(3):
            warming = [threading.Thread(target=warm) for _ in range(clients)]
            for thread in warming:
                thread.start()
            for thread in warming:
                thread.join()
        if keep:
            Observation.objects.filter(
                period_key=batches[0][0][2], organization_id=fixture.sites[0].pk
            ).delete()
        else:
            empty_table()
        queue = list(reversed(bodies))

        def client() -> None:
            while True:
                with lock:
                    if not queue or errors:
                        return
                    batch = queue.pop()
                try:
                    result = post(url, fixture.token, batch)
                except BaseException as error:
                    with lock:
                        errors.append(error)
                    return
                with lock:
                    for key in totals:
                        totals[key] += int(result[key])  # type: ignore[call-overload]

        maintenance = _maintenance()
        started = time.perf_counter()
        cpu_before = (children_cpu_seconds(), server_cpu_seconds(), time.process_time())
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        cpu_after = (children_cpu_seconds(), server_cpu_seconds(), time.process_time())
        # CPU per 1,000 rows, which waiting for a core on a shared machine does not inflate.
        totals["app_cpu_ms"] = round((cpu_after[0] - cpu_before[0]) * 1e6 / len(rows))
        totals["client_cpu_ms"] = round((cpu_after[2] - cpu_before[2]) * 1e6 / len(rows))
        if cpu_before[1] is not None and cpu_after[1] is not None:
            totals["db_cpu_ms"] = round((cpu_after[1] - cpu_before[1]) * 1e6 / len(rows))
        # How many cores the three kept busy on average: on this 2-core machine, 2 is the most.
        busy = (cpu_after[0] - cpu_before[0]) + (cpu_after[2] - cpu_before[2])
        busy += (
            (cpu_after[1] - cpu_before[1]) if cpu_before[1] is not None and cpu_after[1] is not None else 0
        )
        totals["cores_busy_pct"] = round(busy / elapsed * 100)
        # Autovacuum's passes over the two tables while the clients ran: their CPU is in
        # PostgreSQL's figure above, and a run of a few seconds holds one or none.
        totals["autovacuum"], totals["autoanalyze"] = (
            after - before for after, before in zip(_maintenance(), maintenance, strict=True)
        )
        if errors:
            raise errors[0]
        again = post(url, fixture.token, batches[0])
        totals["repeat_unchanged"] = int(again["unchanged"])  # type: ignore[call-overload]
        totals["repeat_created"] = int(again["created"]) + int(again["updated"])  # type: ignore[call-overload]
    return elapsed, totals


def _maintenance() -> tuple[int, int]:
    """How many times autovacuum has vacuumed and analysed the observation and rollup tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(autovacuum_count), 0), coalesce(sum(autoanalyze_count), 0) "
            "FROM pg_stat_user_tables WHERE relname IN (%s, %s)",
            [Observation._meta.db_table, Rollup._meta.db_table],
        )
        vacuums, analyzes = cursor.fetchone()
    return int(vacuums), int(analyzes)


def load_history(fixture: Fixture, rows: list[Row], months: int) -> int:
    """``months`` of earlier values per site and indicator, before the first ingested period, by
    COPY: the batch's outlier check must then read only its window, not the whole history."""
    if not months:
        return 0
    first = min(JalaliPeriod.parse(key) for _s, _c, key, _v in rows)
    periods = months_back(months, last=first.previous().key)
    generator = random.Random(189)
    count = copy_observations(
        (site.pk, indicator.pk, period, round(generator.uniform(50, 5000), 3))
        for site in fixture.sites
        for period in periods
        for indicator in fixture.indicators
    )
    table = Observation._meta.db_table
    # Vacuumed and analysed before the clock starts, as a record of years is: otherwise the
    # autovacuum that 151,200 fresh rows call for runs while the clients do (its CPU counted in
    # PostgreSQL's per 1,000 rows), and the batches' reads set the history's hint bits.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {table}")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--history", type=int, default=0, help="months of earlier history per site before the HTTP run"
    )
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="rasad serve's worker processes")
    parser.add_argument("--save", default="", help="append the run's figures to this file (bench.goals)")
    args = parser.parse_args()
    fixture = build_fixture(args.sites)
    rows = generate(fixture, args.rows)
    print(f"ingest: {len(rows)} rows, {len(fixture.sites)} sites × {len(fixture.indicators)} indicators")
    empty_table()
    copy_seconds = copy_binary(fixture, rows)
    empty_table()
    bulk_seconds = bulk_create(fixture, rows)
    empty_table()
    history = load_history(fixture, rows, args.history)
    if history:
        print(f"  history: {history:,} earlier observations ({args.history} months per site and indicator)")
    http_seconds, totals = over_http(
        fixture, rows, args.batch, args.clients, keep=bool(history), workers=args.workers
    )
    count = len(rows)
    copy_rate, bulk_rate, http_rate = count / copy_seconds, count / bulk_seconds, count / http_seconds
    print(f"  binary COPY          {copy_rate:>10,.0f} rows/s  ({copy_seconds:.2f} s)")
    print(f"  Django bulk_create   {bulk_rate:>10,.0f} rows/s  ({bulk_seconds:.2f} s)")
    print(
        f"  HTTP bulk endpoint   {http_rate:>10,.0f} rows/s  ({http_seconds:.2f} s; batches of {args.batch}, "
        f"{args.clients} clients, {args.workers} workers; created {totals['created']}, "
        f"updated {totals['updated']})"
    )
    print(
        f"  HTTP CPU per 1,000 rows: server {totals['app_cpu_ms']} ms, PostgreSQL "
        f"{totals.get('db_cpu_ms', '?')} ms (both counted from /proc while the clients ran), "
        f"clients {totals['client_cpu_ms']} ms; cores busy {totals['cores_busy_pct'] / 100:.2f} "
        f"of {os.cpu_count()}; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  autovacuum while the clients ran: {totals['autovacuum']} vacuums, "
        f"{totals['autoanalyze']} analyses of the observation and rollup tables"
    )
    print(f"  ratio HTTP / COPY         {http_rate / copy_rate:.3f}   (goal ≥ {goals.HTTP_OVER_COPY:.2f})")
    print(
        f"  ratio HTTP / bulk_create  {http_rate / bulk_rate:.3f}   (goal ≥ {goals.HTTP_OVER_BULK_CREATE:g})"
    )
    print(
        f"  repeated batch: {totals['repeat_unchanged']} unchanged, {totals['repeat_created']} written "
        "(idempotent when 0 written)"
    )
    if args.save:
        goals.record(
            args.save,
            "ingest",
            rows=count,
            history=args.history,
            copy=copy_rate,
            bulk_create=bulk_rate,
            http=http_rate,
            server_cpu_ms=totals["app_cpu_ms"],
            database_cpu_ms=totals.get("db_cpu_ms", float("nan")),
            load=os.getloadavg()[0],
        )


if __name__ == "__main__":
    main()
