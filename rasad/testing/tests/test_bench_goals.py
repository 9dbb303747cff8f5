"""What ``bench/run.sh`` computes from the benchmarks' saved results: each size's medians of its
rounds, growth from alternated rounds (``bench.growth``) and every goal met, not met or not
measured (``bench.goals``). The benchmarks themselves are commands, not tests: these check only
the arithmetic and the verdicts, on results written by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import goals, growth


def _figures(rps: float, p95_ms: float, cpu_ms: float = 1.0) -> dict[str, float]:
    return {
        "rps": rps,
        "p50": p95_ms * 500,
        "p95": p95_ms * 1000,  # wrk's microseconds
        "p99": p95_ms * 1200,
        "cpu_ms": cpu_ms,
        "database_cpu_ms": 0.5,
        "load": 3.0,
    }


def _round(scale: int, number: int, results: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {"bench": "requests", "scale": scale, "label": "", "round": number, "results": results}


def _status(rows: list[goals.Row], start: str) -> goals.Row:
    (row,) = [row for row in rows if row.goal.startswith(start)]
    return row


def test_growth_is_of_each_size_s_median_and_shown_within_each_alternated_pair() -> None:
    lines = [
        _round(1, 0, {goals.DETAIL: _figures(900, 30.0, cpu_ms=1.5)}),
        _round(10, 0, {goals.DETAIL: _figures(880, 33.0, cpu_ms=1.5)}),
        _round(1, 1, {goals.DETAIL: _figures(910, 34.0, cpu_ms=1.5)}),
        _round(10, 1, {goals.DETAIL: _figures(870, 35.7, cpu_ms=2.5)}),
        {"bench": "sqlite", "clients": 32, "rps": 140, "p99_ms": 320},  # another benchmark's line
    ]

    at_one = growth.medians(growth.request_rounds(lines)[""][1][goals.DETAIL])
    (detail,) = growth.growth(lines).values()

    assert at_one["p95"] == 32_000 and at_one["rps"] == 905
    assert (detail.low, detail.high) == (1, 10)
    assert detail.p95 == pytest.approx((32.0, 34.35))
    assert detail.p95_growth == pytest.approx(34.35 / 32.0 - 1)
    assert detail.pairs == pytest.approx([33.0 / 30.0 - 1, 35.7 / 34.0 - 1])
    assert detail.cpu_growth == pytest.approx(2.5 / 2.0 - 1)


def test_a_ratio_met_at_one_size_only_is_not_met_and_each_size_is_shown() -> None:
    hello = _figures(4000, 10.0)
    lines = [
        _round(
            1, 0, {goals.HELLO: hello, goals.DETAIL: _figures(2400, 20.0), goals.WRITES: _figures(1200, 90.0)}
        ),
        _round(
            10,
            0,
            {goals.HELLO: hello, goals.DETAIL: _figures(1600, 20.0), goals.WRITES: _figures(1200, 99.0)},
        ),
    ]

    rows = goals.request_rows(lines)

    detail = _status(rows, "detail / hello")
    assert detail.status == goals.NOT_MET
    assert "1×: case detail 2,400 req/s = 0.600" in detail.figure
    assert "10×: case detail 1,600 req/s = 0.400" in detail.figure
    assert "hello (/healthz) 4,000 req/s (10×)" in detail.denominator
    assert _status(rows, "one-row writes / hello").status == goals.MET
    assert _status(rows, "one-row writes p95").status == goals.MET
    growth_row = _status(rows, "growth 1× → 10×")
    assert growth_row.status == goals.MET  # detail +0 %, writes +10 %
    assert "one-row writes, 32 clients 90.0 → 99.0 ms +10%" in growth_row.figure


def test_every_goal_of_a_benchmark_that_did_not_run_reads_not_measured(tmp_path: Path) -> None:
    path = str(tmp_path / "results.jsonl")
    goals.record(path, "sqlite", clients=32, rps=142.0, p99_ms=320.0, not_2xx=0, load=2.0)

    rows = goals.rows(growth.read([path]))

    assert _status(rows, "SQLite").status == goals.MET
    assert _status(rows, "SQLite").figure == "p99 320 ms (142 writes/s)"
    assert len(rows) == 17  # the rows of benchmarks.md's "Where the goals stand"
    others = [row for row in rows if not row.goal.startswith("SQLite")]
    assert {(row.status, row.figure) for row in others} == {(goals.NOT_MEASURED, "—")}


def test_a_benchmark_run_smaller_than_its_goal_asks_is_not_measured_but_shows_its_figure() -> None:
    stream = {"p50_ms": 80.0, "p99_ms": 130.0, "bytes_per_client": 46_000.0}
    floor = {"floor_p50_ms": 30.0, "floor_p99_ms": 60.0}
    lines = [
        {"bench": "live-stream", "nodes": 1, "clients": 500, **stream, **floor},
        {"bench": "live-stream", "nodes": 2, "clients": 5000, **stream, **floor, "p99_ms": 1200.0},
    ]

    one, two = goals.live_rows(lines)[2:]

    assert one.status == goals.NOT_MEASURED
    assert one.figure.startswith("500 clients (the goal: 5,000): p50 80, p99 130 ms")
    assert two.status == goals.NOT_MET  # p99 over 1 s


def test_overload_is_met_only_with_nothing_lost_and_every_refusal_a_quick_503() -> None:
    outcome = {
        "offered": 1526,
        "rate": 1002.0,
        "statuses": {"200": 1233, "503": 293},
        "acknowledged": 1233,
        "stored": 1233,
        "lost": 0,
        "refused_p50_ms": 29.0,
        "refused_max_ms": 628.0,
        "retry_after_on_all": True,
    }

    assert goals.overload_row([{"bench": "overload", **outcome}]).status == goals.MET
    for change in (
        {"lost": 1, "stored": 1232},
        {"refused_max_ms": 1100.0},
        {"statuses": {"200": 1233, "0": 1}},
    ):
        assert goals.overload_row([{"bench": "overload", **outcome, **change}]).status == goals.NOT_MET


def test_ingest_with_history_slower_than_without_is_not_met() -> None:
    plain = {"bench": "ingest", "rows": 20000, "history": 0, "copy": 100_000.0, "bulk_create": 11_000.0}
    lines = [
        {**plain, "http": 25_589.0, "server_cpu_ms": 31, "database_cpu_ms": 37},
        {**plain, "history": 189, "http": 23_851.0, "server_cpu_ms": 33, "database_cpu_ms": 40},
    ]

    ratios, history = goals.ingest_rows(lines)

    assert ratios.status == goals.NOT_MET  # 0.256 of COPY
    assert "0.256 of COPY, 2.33 of bulk_create" in ratios.figure
    assert history.status == goals.NOT_MET
    assert history.figure.startswith("23,851 rows/s (-6.8%)")


def test_single_events_against_fdatasync_show_the_bare_server_s_ceiling_when_it_was_measured() -> None:
    events = {
        "bench": "live-ingest",
        "agents": 32,
        "rate": 900.0,
        "fdatasync": 12_000.0,
        "server_cpu_ms": 1.5,
        "database_cpu_ms": 0.2,
        "p50_ms": 30.0,
        "p95_ms": 45.0,
    }
    bare = [_round(1, n, {goals.BARE: _figures(rps, 5.0)}) for n, rps in enumerate((9000, 10_000, 11_000))]

    alone = goals.live_rows([events])[0]
    beside = goals.live_rows([*bare, events])[0]

    assert alone.denominator == "fdatasync 12,000 ops/s"
    assert beside.denominator == (
        "fdatasync 12,000 ops/s; the ceiling, bare Django (no database): 10,000 req/s = 83% of it"
    )
    assert beside.figure == alone.figure == "900 events/s = 8%; 1.5 + 0.2 ms CPU an event"
    assert beside.status == alone.status == goals.NOT_MET


def test_a_ratio_to_hello_shows_its_ceiling_where_bare_django_sent_the_same_statements() -> None:
    hello = _figures(4000, 5.0)
    lines = [
        _round(
            1,
            0,
            {
                goals.HELLO: hello,
                goals.DETAIL: _figures(800, 30.0),
                goals.BARE_DETAIL: _figures(1800, 10.0),
            },
        ),
        _round(10, 0, {goals.HELLO: hello, goals.DETAIL: _figures(760, 31.0)}),
    ]

    detail = _status(goals.request_rows(lines), "detail / hello")

    assert detail.denominator == (
        "hello (/healthz) 4,000 req/s (1×); "
        "the ceiling, bare Django, the case detail's statements: 1,800 req/s = 0.450 (1×); "
        "hello (/healthz) 4,000 req/s (10×)"
    )
    assert detail.status == goals.NOT_MET
