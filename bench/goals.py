"""Where the goals of issues 11 and 17 stand in one run: the table ``bench/run.sh`` ends with.

    python -m bench.goals var/results.jsonl

Each benchmark that ``bench/run.sh`` runs appends its results to one file (``--save FILE``: one
JSON line each, written by ``record``, its ``bench`` naming the benchmark), emptied when the run
starts. This module reads that file and prints one Markdown row per goal: the goal and its issue,
the run's figure, its denominator (the limit measured in the same run, where the goal is a ratio)
and whether it is met, not met, or not measured in this run (its benchmark did not run, or ran
smaller than the goal asks): never a figure of an earlier run. Requests are judged at every data
size measured (1× and 10×), each size's figures the medians of its rounds (``bench.growth``).

The goals' limits are written here once; the benchmarks' own printouts read them from here.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench import growth

# Issue 11 (fast requests).
AUTHENTICATED_OVER_BARE = 0.5  # the cheapest authenticated endpoint's throughput / bare Django's
LIST_OVER_HELLO = 0.4  # item 6: a scoped 50-row list (filtered too) / hello world, 16 clients
LIST_P95_MS = 100.0  # item 6: p95 of a scoped 50-row list at 16 clients
DETAIL_OVER_HELLO = 0.5  # item 6: an object's detail / hello world
P95_GROWTH = 0.20  # item 6: p95 may grow by at most 20 % from 1× to 10× data
WRITES_OVER_HELLO = 0.25  # item 3: one-row writes at 32 clients / hello world
WRITE_P95_MS = 100.0  # item 3: p95 of one-row writes at 32 clients
LOCK_WAIT_MS = 50.0  # item 3: no lock waited for longer while writing
HTTP_OVER_COPY = 0.5  # item 4: HTTP bulk ingest / binary COPY
HTTP_OVER_BULK_CREATE = 4.0  # item 4: HTTP bulk ingest / Django's bulk_create
HISTORY_MONTHS = 189  # item 4: ingest with this much history no slower than without
REFUSAL_MS = 1000.0  # overload: every refusal a 503 with Retry-After within 1 s, nothing lost
SQLITE_P99_MS = 1000.0  # p99 of 32 concurrent one-row writes on the embedded SQLite
SQLITE_CLIENTS = 32
# Issue 17, item 7 (live operations).
EVENTS_OVER_FDATASYNC = 1.0  # single events from 32 agents / pg_test_fsync's fdatasync rate
EVENT_AGENTS = 32
EVENT_P95_MS = 50.0  # p95 of a single event's request
STREAM_CLIENTS = 5000  # server-sent event streams held open at once
STREAM_P50_MS = 200.0  # from an event's POST to a stream reading it
STREAM_P99_MS = 1000.0
STREAM_BYTES = 50_000  # memory per idle stream (50 KB)

# The endpoints' names: bench/requests.py measures and prints each under its name here, and the
# goals read them by it (written once, so a rename cannot turn a goal into "not measured").
BARE, BARE_READ = "bare Django", "bare Django, token and user read"
HELLO, ME = "hello (/healthz)", "cheapest authenticated (users/me)"
CASE_LIST, CASE_LIST_64 = "case list, 50 rows, 16 clients", "case list, 50 rows, 64 clients"
OBSERVATION_LIST = "observation list, 50 rows, 16 clients"
FILTERED_CASE_LIST = "case list, filtered, 16 clients"
FILTERED_OBSERVATION_LIST = "observation list, filtered, 16 clients"
LISTS = {
    "case list": CASE_LIST,
    "observation list": OBSERVATION_LIST,
    "filtered case list": FILTERED_CASE_LIST,
    "filtered observation list": FILTERED_OBSERVATION_LIST,
}
DETAIL, WRITES = "case detail", "one-row writes, 32 clients"
# Bare Django sending the very statements Rasad sends for a request (bench/bare.py's /replay):
# the ceiling of that request's ratio on this machine, measured at 1×.
BARE_CASE_LIST = "bare Django, the case list's statements"
BARE_DETAIL = "bare Django, the case detail's statements"
# What grows with the data (the rest reads none of it; hello is printed as the machine's drift).
GROWING = [*LISTS.values(), CASE_LIST_64, DETAIL, WRITES]

MET, NOT_MET, NOT_MEASURED, REPORTED = "met", "not met", "not measured", "reported"


def record(path: str, bench: str, **figures: Any) -> None:
    """Append one benchmark's results to ``path``: what ``main`` reads."""
    line = {"bench": bench, "finished": datetime.now(UTC).isoformat(timespec="seconds"), **figures}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


@dataclass
class Row:
    goal: str
    figure: str = "—"
    denominator: str = "—"
    status: str = NOT_MEASURED


def _judged(checks: Sequence[bool]) -> str:
    return MET if checks and all(checks) else NOT_MET


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def request_rows(lines: list[dict[str, Any]]) -> list[Row]:
    """Issue 11's goals over HTTP, at every size measured (medians of each size's rounds)."""
    by_scale = growth.request_rounds(lines).get("", {})
    at = {
        scale: {name: growth.medians(rounds) for name, rounds in figures.items()}
        for scale, figures in by_scale.items()
    }
    scales = sorted(at)

    def rps(scale: int, name: str) -> float:
        return at[scale].get(name, {}).get("rps", math.nan)

    def p95(scale: int, name: str) -> float:
        return at[scale].get(name, {}).get("p95", math.nan) / 1000

    def ratio_row(goal: str, parts: dict[str, str], over: str, limit: float, ceiling: str = "") -> Row:
        """``ceiling``: bare Django sending the statements of the first of ``parts`` (measured
        at 1× only), shown beside the denominator: what that ratio can reach on this machine."""
        row, checks, figures, denominators = Row(goal), [], [], []
        for scale in scales:
            ratios = {label: rps(scale, name) / rps(scale, over) for label, name in parts.items()}
            if not any(math.isfinite(r) for r in ratios.values()):
                continue
            checks += [r >= limit for r in ratios.values()]
            figures.append(
                f"{scale}×: "
                + ", ".join(
                    f"{label} {_number(rps(scale, parts[label]))} req/s = {r:.3f}"
                    for label, r in ratios.items()
                )
            )
            denominators.append(f"{over} {_number(rps(scale, over))} req/s ({scale}×)")
            if ceiling and math.isfinite(rps(scale, ceiling)):
                denominators.append(
                    f"the ceiling, {ceiling}: {_number(rps(scale, ceiling))} req/s = "
                    f"{rps(scale, ceiling) / rps(scale, over):.3f} ({scale}×)"
                )
        if figures:
            row.figure, row.denominator, row.status = (
                "; ".join(figures),
                "; ".join(denominators),
                _judged(checks),
            )
        return row

    def p95_row(goal: str, parts: dict[str, str], limit: float) -> Row:
        row, checks, figures = Row(goal), [], []
        for scale in scales:
            values = {label: p95(scale, name) for label, name in parts.items()}
            values = {label: v for label, v in values.items() if math.isfinite(v)}
            if values:
                checks += [v <= limit for v in values.values()]
                figures.append(
                    f"{scale}×: " + ", ".join(f"{label} {v:.1f} ms" for label, v in values.items())
                )
        if figures:
            row.figure, row.status = "; ".join(figures), _judged(checks)
        return row

    rows = [
        ratio_row(
            f"cheapest authenticated / bare Django ≥ {AUTHENTICATED_OVER_BARE} (11)",
            {"users/me": ME},
            BARE,
            AUTHENTICATED_OVER_BARE,
        ),
        ratio_row(
            f"scoped 50-row list / hello ≥ {LIST_OVER_HELLO} (11, item 6)",
            LISTS,
            HELLO,
            LIST_OVER_HELLO,
            BARE_CASE_LIST,
        ),
        p95_row(f"scoped list p95 ≤ {LIST_P95_MS:.0f} ms at 16 clients (11, item 6)", LISTS, LIST_P95_MS),
        ratio_row(
            f"detail / hello ≥ {DETAIL_OVER_HELLO} (11, item 6)",
            {"case detail": DETAIL},
            HELLO,
            DETAIL_OVER_HELLO,
            BARE_DETAIL,
        ),
        ratio_row(
            f"one-row writes / hello ≥ {WRITES_OVER_HELLO} (11, item 3)",
            {"writes": WRITES},
            HELLO,
            WRITES_OVER_HELLO,
        ),
        p95_row(
            f"one-row writes p95 ≤ {WRITE_P95_MS:.0f} ms at 32 clients (11, item 3)",
            {"writes": WRITES},
            WRITE_P95_MS,
        ),
    ]
    run = _last(lines, "requests-run")
    locks = Row(f"one-row writes: no lock wait over {LOCK_WAIT_MS:.0f} ms (11, item 3)")
    if run is not None and any(math.isfinite(rps(scale, WRITES)) for scale in scales):
        over = run["lock_waits_over_50ms"]
        waits = ", ".join(f"{kind}: {n}" for kind, n in over.items()) or "none"
        locks.figure = f"{waits} (longest {run['longest_lock_wait_ms']:.0f} ms)"
        locks.status = _judged([not over])
    fsync = Row("writes / fdatasync (reported; long-term ≥ 1) (11)")
    if run is not None:
        figures = [
            f"{scale}×: {rps(scale, WRITES) / run['fdatasync']:.3f}"
            for scale in scales
            if math.isfinite(rps(scale, WRITES))
        ]
        if figures:
            fsync.figure, fsync.denominator, fsync.status = (
                "; ".join(figures),
                f"fdatasync {run['fdatasync']:,.0f} ops/s",
                REPORTED,
            )
    return [*rows, locks, fsync, growth_row(lines)]


def growth_row(lines: list[dict[str, Any]]) -> Row:
    row = Row(f"growth 1× → 10×: p95 grows ≤ {P95_GROWTH:.0%} (11, item 6)")
    grown = growth.growth(lines)
    judged = {name: g for name, g in grown.items() if name in GROWING}
    if not judged:
        return row

    def cell(name: str, g: growth.Growth) -> str:
        pairs = f" (pairs {', '.join(f'{p:+.0%}' for p in g.pairs)})" if len(g.pairs) > 1 else ""
        return f"{name} {g.p95[0]:.1f} → {g.p95[1]:.1f} ms {g.p95_growth:+.0%}{pairs}"

    drift = (
        f"; hello {grown[HELLO].p95_growth:+.0%}, its CPU {grown[HELLO].cpu_growth:+.0%} "
        "(the machine's drift)"
        if HELLO in grown
        else ""
    )
    first = next(iter(judged.values()))
    row.figure = "; ".join(cell(name, g) for name, g in judged.items()) + drift
    row.denominator = f"p95 at {first.low}× in the same alternated rounds"
    row.status = _judged([g.p95_growth <= P95_GROWTH for g in judged.values()])
    return row


def _last(lines: list[dict[str, Any]], bench: str, **where: Any) -> dict[str, Any] | None:
    found = [
        line
        for line in lines
        if line.get("bench") == bench and all(line.get(k) == v for k, v in where.items())
    ]
    return found[-1] if found else None


def ingest_rows(lines: list[dict[str, Any]]) -> list[Row]:
    plain, history = _last(lines, "ingest", history=0), _last(lines, "ingest", history=HISTORY_MONTHS)
    ratios = Row(
        f"HTTP ingest / binary COPY ≥ {HTTP_OVER_COPY}, / bulk_create ≥ {HTTP_OVER_BULK_CREATE:.0f} "
        "(11, item 4)"
    )
    if plain is not None:
        over_copy, over_bulk = plain["http"] / plain["copy"], plain["http"] / plain["bulk_create"]
        ratios.figure = (
            f"HTTP {plain['http']:,.0f} rows/s = {over_copy:.3f} of COPY, {over_bulk:.2f} of bulk_create"
        )
        ratios.denominator = (
            f"COPY {plain['copy']:,.0f} rows/s, bulk_create {plain['bulk_create']:,.0f} rows/s "
            f"({plain['rows']:,} rows)"
        )
        ratios.status = _judged([over_copy >= HTTP_OVER_COPY, over_bulk >= HTTP_OVER_BULK_CREATE])
    slower = Row(f"ingest with {HISTORY_MONTHS} months of history no slower than without (11, item 4)")
    if plain is not None and history is not None:
        slower.figure = (
            f"{history['http']:,.0f} rows/s ({history['http'] / plain['http'] - 1:+.1%}); CPU per 1,000 rows "
            f"{history['server_cpu_ms']:.0f} + {history['database_cpu_ms']:.0f} ms"
        )
        slower.denominator = (
            f"without: {plain['http']:,.0f} rows/s; "
            f"{plain['server_cpu_ms']:.0f} + {plain['database_cpu_ms']:.0f} ms"
        )
        slower.status = _judged([history["http"] >= plain["http"]])
    return [ratios, slower]


def overload_row(lines: list[dict[str, Any]]) -> Row:
    row = Row(
        f"overload: 503 with Retry-After within {REFUSAL_MS / 1000:.0f} s, nothing acknowledged lost (11)"
    )
    found = _last(lines, "overload")
    if found is not None:
        others = {status: n for status, n in found["statuses"].items() if status not in {"200", "503"}}
        row.figure = (
            f"{found['offered']:,} writes offered: {found['acknowledged']:,} acknowledged, "
            f"{found['stored']:,} stored, {found['lost']} lost; 503 p50 {found['refused_p50_ms']:.0f} ms, "
            f"max {found['refused_max_ms']:.0f} ms; "
            f"Retry-After on all: {found['retry_after_on_all']}"
            + (f"; other answers {others}" if others else "")
        )
        row.denominator = f"5 × the measured write capacity, {found['rate']:,.0f}/s"
        row.status = _judged(
            [
                found["lost"] == 0,
                found["refused_max_ms"] <= REFUSAL_MS,
                found["retry_after_on_all"],
                not others,
            ]
        )
    return row


def _at_size(
    row: Row, found: dict[str, Any] | None, size: str, asked: int, ran: int, judge: Callable[[], Row]
) -> Row:
    """``judge``'s row when the benchmark ran at the size the goal names; otherwise its figure
    kept beside "not measured" (the goal is about ``asked`` of what ran as ``ran``)."""
    if found is None:
        return row
    judged = judge()
    if ran != asked:
        judged.figure = f"{ran:,} {size} (the goal: {asked:,}): {judged.figure}"
        judged.status = NOT_MEASURED
    return judged


def sqlite_row(lines: list[dict[str, Any]]) -> Row:
    row = Row(
        f"SQLite: p99 of {SQLITE_CLIENTS} concurrent one-row writes ≤ {SQLITE_P99_MS / 1000:.0f} s (11)"
    )
    found = _last(lines, "sqlite")

    def judge() -> Row:
        assert found is not None
        return Row(
            row.goal,
            f"p99 {found['p99_ms']:.0f} ms ({found['rps']:,.0f} writes/s)",
            status=_judged([found["p99_ms"] <= SQLITE_P99_MS]),
        )

    return _at_size(row, found, "writers", SQLITE_CLIENTS, found["clients"] if found else 0, judge)


def live_rows(lines: list[dict[str, Any]]) -> list[Row]:
    events = _last(lines, "live-ingest")
    rate = Row(
        f"single events from {EVENT_AGENTS} agents / fdatasync ≥ {EVENTS_OVER_FDATASYNC:.0%} (17, item 7)"
    )
    p95 = Row(f"single events p95 ≤ {EVENT_P95_MS:.0f} ms (17, item 7)")
    agents = events["agents"] if events else 0

    def judge_rate() -> Row:
        assert events is not None
        share = events["rate"] / events["fdatasync"]
        ceiling = bare_ceiling(lines, events["fdatasync"])
        return Row(
            rate.goal,
            f"{events['rate']:,.0f} events/s = {share:.0%}; "
            f"{events['server_cpu_ms']:.1f} + {events['database_cpu_ms']:.1f} ms CPU an event",
            f"fdatasync {events['fdatasync']:,.0f} ops/s" + (f"; {ceiling}" if ceiling else ""),
            _judged([share >= EVENTS_OVER_FDATASYNC]),
        )

    def judge_p95() -> Row:
        assert events is not None
        return Row(
            p95.goal,
            f"p50 {events['p50_ms']:.0f}, p95 {events['p95_ms']:.0f} ms",
            status=_judged([events["p95_ms"] <= EVENT_P95_MS]),
        )

    rows = [
        _at_size(rate, events, "agents", EVENT_AGENTS, agents, judge_rate),
        _at_size(p95, events, "agents", EVENT_AGENTS, agents, judge_p95),
    ]
    for nodes, where in ((1, "one node"), (2, "two nodes through Redis")):
        found = _last(lines, "live-stream", nodes=nodes)
        row = Row(
            f"{STREAM_CLIENTS:,} SSE clients, {where}: p50 ≤ {STREAM_P50_MS:.0f} ms, "
            f"p99 ≤ {STREAM_P99_MS / 1000:.0f} s, "
            f"≤ {STREAM_BYTES / 1000:.0f} KB per idle client (17, item 7)"
        )

        def judge(found: dict[str, Any] | None = found, row: Row = row) -> Row:
            assert found is not None
            return Row(
                row.goal,
                f"p50 {found['p50_ms']:.0f}, p99 {found['p99_ms']:.0f} ms; "
                f"{found['bytes_per_client'] / 1000:.1f} KB a client",
                f"bare fan-out: p50 {found['floor_p50_ms']:.0f}, p99 {found['floor_p99_ms']:.0f} ms",
                _judged(
                    [
                        found["p50_ms"] <= STREAM_P50_MS,
                        found["p99_ms"] <= STREAM_P99_MS,
                        found["bytes_per_client"] <= STREAM_BYTES,
                    ]
                ),
            )

        rows.append(_at_size(row, found, "clients", STREAM_CLIENTS, found["clients"] if found else 0, judge))
    return rows


def bare_ceiling(lines: list[dict[str, Any]], fdatasync: float) -> str:
    """What any request through Django can reach against ``fdatasync`` on this machine, when the
    run measured it: bare Django answering "ok" (no middleware, no database) at 1×, its median.
    A single event is one request, so this is the most single events over HTTP could reach."""
    rounds = growth.request_rounds(lines).get("", {}).get(1, {}).get(BARE)
    if not rounds:
        return ""
    bare = growth.medians(rounds)["rps"]
    return f"the ceiling, {BARE} (no database): {bare:,.0f} req/s = {bare / fdatasync:.0%} of it"


def rows(lines: list[dict[str, Any]]) -> list[Row]:
    """Every goal of issues 11 and 17, in the order of benchmarks.md's "Where the goals stand"."""
    requests = request_rows(lines)
    return [
        *requests[:-1],
        *ingest_rows(lines),
        overload_row(lines),
        sqlite_row(lines),
        *live_rows(lines),
        requests[-1],
    ]


def table(found: list[Row]) -> str:
    head = "| goal (issue) | figure | denominator | status |\n|---|---|---|---|\n"
    return head + "\n".join(f"| {r.goal} | {r.figure} | {r.denominator} | {r.status} |" for r in found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="results appended by the benchmarks' --save")
    args = parser.parse_args()
    print(table(rows(growth.read(args.files))))


if __name__ == "__main__":
    main()
