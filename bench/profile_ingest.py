"""Where a bulk-ingest batch spends its time: ``POST /api/v1/observations/bulk/`` in process
(Django's test client, the whole middleware and view stack, no HTTP server), against the benchmark
database.

    python -m bench.profile_ingest --batches 5 --batch 1000            # wall and CPU per batch
    python -m bench.profile_ingest --batches 5 --profile var/ingest.prof --top 40

Each batch holds new rows (site by site, as ``bench.ingest`` sends them), the table is emptied
first. ``--profile`` runs the batches under cProfile and prints the functions with the most
cumulative and own time; ``--history`` loads that many months of earlier values first.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time
import uuid
from typing import Any

from django.db import connection
from django.test import Client

from bench.common import build_fixture, server_cpu_seconds
from bench.ingest import Row, empty_table, generate, load_history


def _body(batch: list[Row]) -> bytes:
    return json.dumps(
        {
            "batch_id": uuid.uuid4().hex,
            "observations": [
                {"organization": site, "indicator": code, "period": key, "value": value}
                for site, code, key, value in batch
            ],
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--profile", default="", help="write cProfile's statistics to this file")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--statements", action="store_true", help="time each SQL statement of the last batch")
    args = parser.parse_args()
    fixture = build_fixture(100)
    rows = generate(fixture, args.batch * (args.batches + 1))
    batches = [rows[i : i + args.batch] for i in range(0, len(rows), args.batch)]
    empty_table()
    load_history(fixture, rows, args.history)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixture.token}", HTTP_ACCEPT_LANGUAGE="en")
    bodies = [_body(batch) for batch in batches]

    def send(body: bytes) -> None:
        response = client.post("/api/v1/observations/bulk/", body, content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code}: {response.content[:2000]!r}")

    send(bodies[0])  # warm imports and caches
    profiler = cProfile.Profile() if args.profile else None
    walls: list[float] = []
    cpus: list[float] = []
    statements: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql))

    server_before = server_cpu_seconds()
    for number, body in enumerate(bodies[1:], start=2):
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        if args.statements and number == len(bodies):
            with connection.execute_wrapper(timed):
                send(body)
        else:
            send(body)
        if profiler is not None:
            profiler.disable()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    server_after = server_cpu_seconds()
    server = (
        f", PostgreSQL CPU {(server_after - server_before) / len(walls) * 1000:.0f} ms per batch"
        if server_before is not None and server_after is not None
        else ""
    )
    print(
        f"{len(walls)} batches of {args.batch}: wall median {statistics.median(walls) * 1000:.0f} ms, "
        f"CPU median {statistics.median(cpus) * 1000:.0f} ms{server} "
        f"(walls {', '.join(f'{w * 1000:.0f}' for w in walls)})"
    )
    for seconds, sql in statements:
        print(f"  {seconds * 1000:7.2f} ms  {' '.join(sql.split())[:150]}")
    if statements:
        print(f"  {sum(s for s, _sql in statements) * 1000:7.2f} ms in {len(statements)} statements")
    if profiler is not None:
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
