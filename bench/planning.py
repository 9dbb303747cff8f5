"""Planning against execution of the queries behind the API's scoped lists and a detail.

    python -m bench.planning --scale 1 --repeats 15
    python -m bench.planning --scale 10 --repeats 7 --explain    # each statement: time, buffers, rows

Loads the world of ``bench.requests`` (a company analyst's scope over 50 sites, 2,000·scale
cases), sends each request once in-process to capture its SQL, then runs ``EXPLAIN (ANALYZE,
SUMMARY)`` of every captured query ``--repeats`` times under each ``join_collapse_limit`` and
prints the medians of planning and execution time. The limit is the one setting
``rasad.env.database_from_url`` puts on every connection; this shows what it buys.

With ``--explain``, every statement of each request is instead run under ``EXPLAIN (ANALYZE,
BUFFERS)`` with the connection's own settings, and printed with the medians of its execution
and planning time, the pages it touched (shared buffers hit and read) and the rows its plan's
top node returned, and its plan's nodes: which statement of a list grows with the data, and how.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.test import Client

from bench.requests import FILTERED_CASES, FILTERED_OBSERVATIONS, build_world
from rasad.env import JOIN_COLLAPSE_LIMIT

PATHS = (
    "/api/v1/cases/",
    "/api/v1/cases/{case}/",
    "/api/v1/observations/",
    FILTERED_CASES,
    FILTERED_OBSERVATIONS,
)
LIMITS = (8, JOIN_COLLAPSE_LIMIT, 1)  # PostgreSQL's default, Rasad's, none reordered
_TIME = re.compile(r"(Planning|Execution) Time: ([\d.]+) ms")


class _Recorder:
    """An execute wrapper that keeps each statement with its parameters."""

    def __init__(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


def explain(sql: str, params: tuple[Any, ...]) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
        found = dict(_TIME.findall("\n".join(row[0] for row in cursor.fetchall())))
    return float(found["Planning"]), float(found["Execution"])


def _nodes(plan: dict[str, Any], depth: int = 0) -> Iterator[str]:
    """A plan's nodes, one line each: type, relation or index, rows and pages."""
    name = plan["Node Type"]
    on = plan.get("Index Name") or plan.get("Relation Name")
    pages = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    yield (
        f"{'  ' * depth}{name}{f' on {on}' if on else ''}: {plan.get('Actual Rows', 0):,.0f} rows"
        f" × {plan.get('Actual Loops', 1):,}, {plan.get('Actual Total Time', 0):.2f} ms, {pages:,} pages"
    )
    for child in plan.get("Plans", ()):
        yield from _nodes(child, depth + 1)


def explain_buffers(sql: str, params: tuple[Any, ...]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        document = cursor.fetchone()[0]
    found: dict[str, Any] = (json.loads(document) if isinstance(document, str) else document)[0]
    return found


def print_explained(path: str, captured: list[tuple[str, tuple[Any, ...]]], repeats: int) -> None:
    print(f"  {path}")
    for sql, params in captured:
        runs = [explain_buffers(sql, params) for _ in range(repeats)]
        top = runs[-1]["Plan"]
        pages = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
        print(
            f"    {statistics.median(r['Execution Time'] for r in runs):7.2f} ms run, "
            f"{statistics.median(r['Planning Time'] for r in runs):5.2f} ms plan, {pages:6,} pages, "
            f"{top.get('Actual Rows', 0):6,.0f} rows  {' '.join(sql.split())[:90]}"
        )
        for line in _nodes(top):
            print(f"        {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="each statement's time, pages and plan")
    parser.add_argument("--paths", default="", help="paths instead of the benchmark's, by commas")
    args = parser.parse_args()
    world = build_world(args.scale)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.analyst_token}")
    # As autovacuum leaves the tables: statistics, and the visibility map an index-only scan reads.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"planning ×{args.scale}: {world.cases:,} cases; medians of {args.repeats} EXPLAIN ANALYZE "
        f"per query (load {os.getloadavg()[0]:.1f})"
    )
    for template in args.paths.split(",") if args.paths else PATHS:
        path = template.format(case=world.case_id, site=world.sites[1])
        client.get(path)
        # With their parameters: a statement prepared on the server (``rasad.lib.prepared``)
        # leaves no text with its values in.
        captured: list[tuple[str, tuple[Any, ...]]] = []
        with connection.execute_wrapper(_Recorder(captured)):
            assert client.get(path).status_code == 200, path
        if args.explain:
            print_explained(path, captured, args.repeats)
            continue
        # The request's heaviest statement: its main query (authentication and scope are cheap).
        timings: dict[int, tuple[float, float]] = {}
        for limit in LIMITS:
            with connection.cursor() as cursor:
                cursor.execute(f"SET join_collapse_limit = {limit}")
            per_query = [[explain(sql, params) for _ in range(args.repeats)] for sql, params in captured]
            planning = sum(statistics.median(p for p, _ in runs) for runs in per_query)
            execution = sum(statistics.median(e for _, e in runs) for runs in per_query)
            timings[limit] = (planning, execution)
        with connection.cursor() as cursor:
            cursor.execute("RESET join_collapse_limit")
        shown = "   ".join(
            f"limit {limit}: plan {plan:6.2f} ms, run {run:5.2f} ms" for limit, (plan, run) in timings.items()
        )
        print(f"  {template:28s} {len(captured)} queries   {shown}")
    if args.explain:
        return
    print(f"  (limit {JOIN_COLLAPSE_LIMIT} is what every Rasad connection uses; 8 is PostgreSQL's default)")


if __name__ == "__main__":
    main()
