"""Where a bulk-ingest batch spends its time: ``POST /api/v1/observations/bulk/`` in process
(Django's test client, the whole middleware and view stack, no HTTP server), against the benchmark
database.

    python -m bench.profile_ingest --batches 5 --batch 1000            # wall and CPU per batch
    python -m bench.profile_ingest --batches 5 --profile var/ingest.prof --top 40
    python -m bench.profile_ingest --batches 8 --statements     # PostgreSQL CPU of each statement
    python -m bench.profile_ingest --batches 12 --functions     # the CPU of the batch's steps

Each batch holds new rows (site by site, as ``bench.ingest`` sends them), the table is emptied
first. ``--profile`` runs the batches under cProfile and prints the functions with the most
cumulative and own time; ``--history`` loads that many months of earlier values first.

Every run prints the process's CPU and PostgreSQL's batch by batch, in order (whether the first
batches cost more than the rest). ``--statements`` prints, per batch, each SQL statement's wall
time and the CPU that PostgreSQL's processes spent while it ran (from ``/proc/<pid>/schedstat``,
in nanoseconds: unlike wall time, it does not count waiting for a core on a shared machine), and
the CPU PostgreSQL spent outside any statement (the commit: deferred foreign-key checks, the WAL
flush), and the WAL written per batch (the server's insert position before and after: a fold or
an autovacuum meanwhile counts too).

``--functions`` prints the CPU (``time.process_time``) each step of a batch took, inclusive, by
wrapping the functions of :data:`STEPS` (one clock read on entry and exit: unlike cProfile, which
charges every Python call and so inflates per-row code several times, the figures add up to
the request's CPU), and the time the garbage collector ran (``gc.callbacks``).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import gc
import importlib
import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

import psycopg
from django.db import connection
from django.test import Client

from bench.common import _processes, build_fixture, print_profile, server_cpu_seconds
from bench.ingest import body, empty_table, generate, load_history
from rasad.lib.warmup import settle


def _postgres_pids() -> list[int]:
    """The PostgreSQL server's processes (postmaster, backends, workers), when it runs here."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        directory = cursor.fetchone()[0]
    with open(os.path.join(directory, "postmaster.pid")) as handle:
        postmaster = int(handle.readline())
    return [pid for pid, (parent, _seconds) in _processes().items() if postmaster in (pid, parent)]


def _wal() -> int:
    """Where the server's WAL insert position is, in bytes (``pg_stat_wal`` would do, but a
    backend reports its WAL there only when idle, at most once a second)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")
        return int(cursor.fetchone()[0])


def _postgres_cpu_ns(pids: list[int]) -> int:
    """CPU time used so far by ``pids``, in nanoseconds (``/proc/<pid>/schedstat``)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as handle:
                total += int(handle.read().split()[0])
        except OSError:
            continue
    return total


# The steps of a batch that ``--functions`` times: (module, class or "", function). A function
# imported by name into another module is replaced there too. Only functions called a few times
# a batch: each timed call reads the CPU clock twice (a system call, 1.5 µs on this machine), so a
# function called once per row (``validation.findings_for``) would charge its batch 3-5 ms of
# clock reads and look three times its cost.
STEPS = (
    ("rasad.api.parsers", "JSONParser", "parse"),
    ("rasad.lib.boundary", "", "depth_of"),
    ("rasad.indicators.api.bulk", "", "parse"),
    ("rasad.indicators.actions.reporting", "", "request_digest"),
    ("rasad.indicators.importer", "", "do_import"),
    ("rasad.indicators.importer", "", "parse_rows"),
    ("rasad.indicators.importer", "", "Resolver"),
    ("rasad.indicators.actions.reporting", "", "check_record_observations"),
    ("rasad.indicators.actions.reporting", "", "batch_digest"),
    ("rasad.indicators.actions.reporting", "", "_read_facts"),
    ("rasad.indicators.actions.reporting", "", "_rules_of"),
    ("rasad.indicators.actions.reporting", "", "_read_stored"),
    ("rasad.indicators.actions.reporting", "", "_plan"),
    ("rasad.indicators.validation", "", "outlier_scores"),
    ("rasad.indicators.actions.reporting", "", "_merge"),
    ("rasad.indicators.actions.reporting", "", "_claim"),
    ("rasad.indicators.actions.reporting", "", "check_targets"),
    ("rasad.indicators.actions.reporting", "", "audit_batch"),
)
_IMPORTERS = (
    "rasad.api.parsers",
    "rasad.indicators.actions",
    "rasad.indicators.actions.reporting",
    "rasad.indicators.api.views",
    "rasad.indicators.importer",
)


def _time_steps(spent: collections.defaultdict[str, float], passes: collections.Counter[int]) -> None:
    """Wrap each function of ``STEPS`` so that its CPU is added to ``spent``, and time the
    garbage collector's runs there too (and count them by generation in ``passes``)."""

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started

        return wrapper

    for module_name, class_name, name in STEPS:
        module = importlib.import_module(module_name)
        owner = getattr(module, class_name) if class_name else module
        original = getattr(owner, name)
        wrapped = timed(
            f"{module_name.rsplit('.', 1)[-1]}.{class_name + '.' if class_name else ''}{name}", original
        )
        setattr(owner, name, wrapped)
        if not class_name:
            for other in _IMPORTERS:
                importer = importlib.import_module(other)
                if vars(importer).get(name) is original:
                    setattr(importer, name, wrapped)
    collecting: dict[str, float] = {}

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting["started"] = time.process_time()
        else:
            passes[info["generation"]] += 1
            spent[f"garbage collection, generation {info['generation']}"] += (
                time.process_time() - collecting["started"]
            )

    gc.callbacks.append(collector)


def _label(sql: str) -> str:
    """A statement's first words, for grouping (savepoint names differ from batch to batch)."""
    words = " ".join(sql.split())
    return "SAVEPOINT / RELEASE" if words.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) else words[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--profile", default="", help="write cProfile's statistics to this file")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--statements",
        action="store_true",
        help="PostgreSQL's CPU and wall time per SQL statement of a batch",
    )
    parser.add_argument(
        "--functions",
        action="store_true",
        help="the CPU of each step of a batch (the functions of STEPS), without cProfile's inflation",
    )
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=0,
        help="the collector's first threshold after warm-up (gc.set_threshold), to measure it; "
        "0 leaves the server's (rasad.lib.warmup.YOUNG_THRESHOLD; Python's own is 700)",
    )
    args = parser.parse_args()
    fixture = build_fixture(100)
    rows = generate(fixture, args.batch * (args.batches + 1))
    batches = [rows[i : i + args.batch] for i in range(0, len(rows), args.batch)]
    empty_table()
    load_history(fixture, rows, args.history)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixture.token}", HTTP_ACCEPT_LANGUAGE="en")
    bodies = [body(batch) for batch in batches]

    def send(data: bytes) -> None:
        response = client.post("/api/v1/observations/bulk/", data, content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code}: {response.content[:2000]!r}")

    spent: collections.defaultdict[str, float] = collections.defaultdict(float)  # seconds
    passes: collections.Counter[int] = collections.Counter()  # the collector's, by generation
    if args.functions:
        _time_steps(spent, passes)
    send(bodies[0])  # warm imports and caches
    # As a server's worker does after its warm-up (``rasad.wsgi``): what is loaded is left out of
    # the collector's passes, or a full pass over some 270,000 objects (about 170 ms) lands in
    # whichever batch crosses the threshold, which more surviving objects per batch (a history
    # read) bring sooner than fewer; and the youngest generation is collected as seldom.
    settle()
    if args.gc_threshold:
        gc.set_threshold(args.gc_threshold, *gc.get_threshold()[1:])
    spent.clear()
    passes.clear()
    # Timed by the process's CPU clock, not the wall: on a shared machine, waiting for a core would
    # otherwise be charged to whichever function was running (most often the database driver's).
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    walls: list[float] = []
    cpus: list[float] = []
    # Per statement label: [calls, wall seconds, PostgreSQL CPU nanoseconds], over every batch.
    statements: dict[str, list[float]] = {}
    pids: list[int] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started, cpu = time.perf_counter(), _postgres_cpu_ns(pids)
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements.setdefault(_label(sql), [0, 0.0, 0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started
            entry[2] += _postgres_cpu_ns(pids) - cpu

    # COPY goes through psycopg's cursor, not Django's execute wrapper: timed by wrapping it.
    plain_copy = psycopg.Cursor.copy

    @contextlib.contextmanager
    def timed_copy(cursor: psycopg.Cursor[Any], statement: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        started, cpu = time.perf_counter(), _postgres_cpu_ns(pids)
        with plain_copy(cursor, statement, *args, **kwargs) as copy:
            yield copy
        entry = statements.setdefault(_label(statement), [0, 0.0, 0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started
        entry[2] += _postgres_cpu_ns(pids) - cpu

    if args.statements:
        psycopg.Cursor.copy = timed_copy  # type: ignore[assignment,method-assign]
    wal_before = _wal()
    server_before = server_cpu_seconds()
    postgres_in_batches = 0
    postgres_each: list[int] = []  # nanoseconds, batch by batch
    for encoded in bodies[1:]:
        pids = _postgres_pids()  # outside the batch's CPU: it reads every process's /proc entry
        before = _postgres_cpu_ns(pids)
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        if args.statements:
            with connection.execute_wrapper(timed):
                send(encoded)
        else:
            send(encoded)
        postgres_each.append(_postgres_cpu_ns(pids) - before)
        postgres_in_batches += postgres_each[-1]
        if profiler is not None:
            profiler.disable()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    server_after = server_cpu_seconds()
    wal_after = _wal()
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
    # Batch by batch: whether the first batches cost more than the rest, or every one the same.
    print(f"  CPU per batch, in order (ms): {', '.join(f'{c * 1000:.0f}' for c in cpus)}")
    print(f"  PostgreSQL's, in order (ms):  {', '.join(f'{n / 1e6:.0f}' for n in postgres_each)}")
    if statements:
        count = len(walls)
        print(
            f"per batch: PostgreSQL CPU (ms), wall (ms), statements, statement; load {os.getloadavg()[0]:.1f}"
        )
        for label, (calls, seconds, nanoseconds) in sorted(statements.items(), key=lambda item: -item[1][2]):
            cpu, wall = nanoseconds / count / 1e6, seconds / count * 1000
            print(f"  {cpu:7.2f} {wall:7.2f} {calls / count:5.1f} {label}")
        inside = sum(entry[2] for entry in statements.values())
        print(f"  {(postgres_in_batches - inside) / count / 1e6:7.2f}    outside statements (the commit)")
        print(f"  {postgres_in_batches / count / 1e6:7.2f}    in all, while the batch ran")
        print(f"  {(wal_after - wal_before) / count / 1024:7.0f} kB of WAL a batch (the whole server's)")
    if spent:
        print(
            "per batch: the CPU of each step (ms, inclusive), "
            f"of a request's {statistics.mean(cpus) * 1000:.1f}"
        )
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            print(f"  {seconds / len(walls) * 1000:7.2f}  {name}")
        collected = ", ".join(f"generation {g}: {n / len(walls):.1f}" for g, n in sorted(passes.items()))
        print(f"  the collector's passes a batch: {collected or 'none'}")
    if profiler is not None:
        print_profile(profiler, args.profile, args.top)


if __name__ == "__main__":
    main()
