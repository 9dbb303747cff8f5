"""Where a scoped list or a detail spends its time: the requests of ``bench.requests`` (a company
analyst's case list, observation list and case detail, with a token) sent in process through
Django's test client (the whole middleware and view stack, no HTTP server), against the benchmark
database.

    python -m bench.profile_lists --requests 200                  # CPU, PostgreSQL CPU, statements
    python -m bench.profile_lists --requests 100 --profile var/lists.prof --top 40
    python -m bench.profile_lists --statements                    # each SQL statement of one request
    python -m bench.profile_lists --only cases-filtered,observations-filtered   # with filters

For each endpoint it prints the median CPU time of the process per request, the PostgreSQL
server's CPU per request (all its processes, from ``/proc``) and the SQL statements a request
runs. Unlike requests per second on a shared machine, these do not count waiting for a core.
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client

from bench.common import print_profile, server_cpu_seconds
from bench.requests import FILTERED_CASES, FILTERED_OBSERVATIONS, build_world


class _Timed:
    """An execute wrapper that records each statement with its wall time."""

    def __init__(self, statements: list[tuple[float, str]]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - started, sql))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--only",
        default="",
        help="some of: hello,me,cases,observations,detail,cases-filtered,observations-filtered",
    )
    parser.add_argument("--profile", default="", help="write cProfile's statistics to this file")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--statements", action="store_true", help="time each SQL statement of one request")
    args = parser.parse_args()
    world = build_world(args.scale)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.analyst_token}", HTTP_ACCEPT_LANGUAGE="fa")
    endpoints = {
        "hello": "/healthz",
        "me": "/api/v1/users/me/",
        "cases": "/api/v1/cases/",
        "observations": "/api/v1/observations/",
        "detail": f"/api/v1/cases/{world.case_id}/",
        # The commonest filters: a status (two for cases) and an organization by code.
        "cases-filtered": FILTERED_CASES,
        "observations-filtered": FILTERED_OBSERVATIONS.format(site=world.sites[1]),
    }
    if args.only:
        endpoints = {name: path for name, path in endpoints.items() if name in args.only.split(",")}
    # On the CPU clock: waiting for PostgreSQL or for a core on a shared machine is not the
    # process's cost.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    for name, path in endpoints.items():
        for _warm in range(5):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.content[:500]!r}")
        statements: list[tuple[float, str]] = []
        with connection.execute_wrapper(_Timed(statements)):
            client.get(path)
        count = len(statements)
        cpus: list[float] = []
        database_before = server_cpu_seconds()
        for _request in range(args.requests):
            cpu = time.process_time()
            if profiler is not None:
                profiler.enable()
            client.get(path)
            if profiler is not None:
                profiler.disable()
            cpus.append(time.process_time() - cpu)
        database_after = server_cpu_seconds()
        database = (
            f", PostgreSQL {(database_after - database_before) / args.requests * 1000:.1f} ms"
            if database_before is not None and database_after is not None
            else ""
        )
        print(
            f"{name:<13} {path:<32} CPU median {statistics.median(cpus) * 1000:5.1f} ms"
            f"{database}, {count} statements, {len(response.content):,} bytes"
        )
        if args.statements:
            for seconds, sql in statements:
                print(f"  {seconds * 1000:7.2f} ms  {' '.join(sql.split())[:300]}")
    if profiler is not None:
        print_profile(profiler, args.profile, args.top)


if __name__ == "__main__":
    main()
