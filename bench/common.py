"""Shared set-up for the benchmarks: Django in-process against the benchmark database, a tree of
sites with monthly indicators assigned, an API token, and a server process to measure over HTTP."""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
django.setup()

from django.db import DatabaseError, connection, transaction  # noqa: E402

from rasad.core.actions.organizations import OrganizationValues, do_create_organization  # noqa: E402
from rasad.core.actions.people import do_create_user  # noqa: E402
from rasad.core.actions.tokens import do_create_api_token  # noqa: E402
from rasad.core.models import Organization, User  # noqa: E402
from rasad.indicators.actions import do_save_assignment  # noqa: E402
from rasad.indicators.models import Indicator, Observation  # noqa: E402
from rasad.lib.jalali import JalaliPeriod  # noqa: E402
from rasad.testing.ports import free_port  # noqa: E402

# Monthly input indicators with no rule tying one to another, so that every generated row is valid.
INDICATORS = (
    "ELEC_CONS",
    "GAS_CONS",
    "DIESEL_CONS",
    "ORE_MILLED",
    "PRODUCT_OUT",
    "WATER_WITHDRAWAL",
    "TAILINGS",
    "HAZ_WASTE",
)


@dataclass
class Fixture:
    admin: User
    holding: Organization
    sites: list[Organization]
    indicators: list[Indicator]
    token: str


def build_fixture(site_count: int) -> Fixture:
    admin = User.objects.filter(username="bench-admin").first() or do_create_user(
        "bench-admin", acting_user=None, password=None, is_superuser=True
    )
    holding = Organization.objects.filter(code="BENCH").first() or do_create_organization(
        OrganizationValues(code="BENCH", name="هلدینگ محک", kind="company"), acting_user=admin
    )
    sites = list(Organization.objects.filter(parent=holding).order_by("pk"))
    for index in range(len(sites), site_count):
        sites.append(
            do_create_organization(
                OrganizationValues(
                    code=f"BENCH-{index:05d}", name=f"سایت محک {index}", kind="site", parent=holding
                ),
                acting_user=admin,
            )
        )
    indicators = list(Indicator.objects.filter(code__in=INDICATORS).order_by("code"))
    for indicator in indicators:
        do_save_assignment(holding, indicator, include_descendants=True, acting_user=admin)
    _token, secret = do_create_api_token(admin, acting_user=admin, name="bench")
    return Fixture(admin, holding, sites[:site_count], indicators, secret)


def months_back(count: int, *, last: str = "1403-06") -> list[JalaliPeriod]:
    periods = [JalaliPeriod.parse(last)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def server_cpu_seconds() -> float | None:
    """CPU time used so far by the PostgreSQL server (postmaster and every backend and worker),
    when it runs on this machine and /proc can be read; ``None`` otherwise. Unlike wall time,
    this does not count waiting for a core on a shared machine."""
    if not os.path.isdir("/proc"):
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            directory = cursor.fetchone()[0]
        with open(os.path.join(directory, "postmaster.pid")) as handle:
            postmaster = int(handle.readline())
    except (OSError, ValueError, DatabaseError):
        return None
    running = sum(seconds for pid, (parent, seconds) in _processes().items() if postmaster in (pid, parent))
    return running + _reaped_seconds(postmaster)


def commits_and_wal_flushes(database: str | None = None) -> tuple[float, float]:
    """The database's committed transactions so far (``pg_stat_database.xact_commit``, read-only
    ones and this query's own included; of ``database``, by name, when given) and its WAL
    flushes (``pg_stat_wal.wal_sync``: one per fsync of the log, so that flushes per event or
    request show how many each fsync carried).
    Not a number on SQLite, which keeps no such counters. The connection is closed afterwards,
    so that a benchmark holds none open while it measures."""
    if connection.vendor != "postgresql":
        return float("nan"), float("nan")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT xact_commit FROM pg_stat_database "
            "WHERE datname = coalesce(%s, current_database())), (SELECT wal_sync FROM pg_stat_wal)",
            [database],
        )
        commits, syncs = cursor.fetchone()
    connection.close()
    return float(commits), float(syncs)


def _processes() -> dict[int, tuple[int, float]]:
    """Every running process this user may read: {pid: (parent pid, CPU seconds used so far)},
    from /proc; empty where /proc cannot be read."""
    processes: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, ..., utime and stime are the 12th and 13th fields.
        ticks = int(fields[11]) + int(fields[12])
        processes[int(entry)] = (int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"))
    return processes


def _reaped_seconds(pid: int) -> float:
    """CPU time of the children of ``pid`` that have exited and been waited for (and of their
    own waited-for descendants): the kernel adds a child's time to its parent's ``cutime`` and
    ``cstime`` when the parent reaps it. A server's CPU summed over its running processes alone
    lost a backend or worker that exited during a measurement (its time left the sum: session 26
    read one negative figure); with this, what an exited child used stays counted, in its parent.
    0 where /proc cannot be read or ``pid`` is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command: cutime and cstime are the 14th and 15th fields.
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int, *, itself: bool = True) -> float:
    """CPU time used so far by process ``pid`` (unless ``itself`` is false) and its descendants,
    from /proc; 0 where /proc cannot be read. A descendant that has exited counts through its
    parent's reaped time (``_reaped_seconds``), except children of ``pid`` itself when ``itself``
    is false (a benchmark's own finished subprocesses, such as its load generator, are not the
    server's)."""
    processes = _processes()
    tree = {pid}
    grew = True
    while grew:
        grew = False
        for child, (parent, _seconds) in processes.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    return sum(processes[p][1] + _reaped_seconds(p) for p in tree if p in processes and (itself or p != pid))


def children_cpu_seconds() -> float:
    """CPU time used so far by this process's descendants that are still running (the
    ``rasad serve`` supervisor and its workers)."""
    return tree_cpu_seconds(os.getpid(), itself=False)


@contextmanager
def server(workers: int = 2, threads: int = 0, env: dict[str, str] | None = None) -> Iterator[str]:
    """``rasad serve`` in a subprocess, with the same environment (database, Redis) updated by
    ``env``; ``threads`` per worker, or ``rasad serve``'s default."""
    port = free_port()
    log_path = os.path.join(os.environ.get("RASAD_DATA_DIR", "var"), f"bench-server-{port}.log")
    log = open(log_path, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rasad",
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *(["--threads", str(threads)] if threads else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        # Its own process group, stopped as a whole below: ``rasad serve`` starts granian as a
        # child, which a slow stop of the parent alone left running (session 17, at load 35).
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded shared machine starts slowly
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield url
    except BaseException:
        log.flush()
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            sys.stderr.write("server log (tail):\n" + handle.read()[-4000:])
        raise
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a server's process group: SIGTERM, then SIGKILL to whatever of the group is left
    after 15 s (a worker still importing on a loaded machine may not answer SIGTERM in time,
    and granian's processes can outlive ``rasad serve``'s)."""
    group = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        process.poll()  # reaps the parent, which would otherwise stay in the group as a zombie
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    process.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms, "
        f"mean {statistics.fmean(values) * 1000:.1f} ms (n={len(values)})"
    )


def print_profile(profiler: cProfile.Profile, path: str, top: int) -> None:
    """Save a profile to ``path`` (for snakeviz or pstats) and print its ``top`` functions by
    cumulative time, then by own time: what every ``bench.profile_*`` script ends with."""
    profiler.dump_stats(path)
    stats = pstats.Stats(path)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def copy_observations(rows: Iterable[tuple[int, int, JalaliPeriod, float]]) -> int:
    """Approved API observations ``(organization id, indicator id, period, value)`` into the
    observation table by binary COPY in one transaction; how many. The benchmarks' way to lay
    down a record of values in seconds (``bench.dashboard``'s data, ``bench.ingest``'s history)."""
    columns = (
        "organization_id, indicator_id, period_key, period_start, year, value, comment, status, source, "
        "findings, created, last_updated"
    )
    types = ["int8", "int8", "varchar", "date", "int2", "float8", "text", "varchar", "varchar", "jsonb"]
    copying = f"COPY {Observation._meta.db_table} ({columns}) FROM STDIN (FORMAT BINARY)"
    now = datetime.now(UTC)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copying) as copy:
        copy.set_types([*types, "timestamptz", "timestamptz"])
        for organization_id, indicator_id, period, value in rows:
            # jsonb dumps the Python value of ``findings``: "[]" was stored as a JSON string.
            row = (organization_id, indicator_id, period.key, period.start, period.year, value)
            copy.write_row((*row, "", "approved", "api", [], now, now))
            count += 1
    return count


def connection_owners(port: int) -> dict[int, int]:
    """The server process holding each established connection to ``port``, by the client's
    port (from ``ss``; empty where it cannot tell: no ``ss``, processes not shown). granian's
    workers share one listening socket, so which worker serves a client is settled when the
    client connects and holds for the run (``bench.requests.worker_split``, ``bench.live``'s
    agents by worker)."""
    if shutil.which("ss") is None:
        return {}
    listed = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    owners = {}
    for line in listed.splitlines():
        peer = re.search(r"\s\S+:\d+\s+\S+:(\d+)\s", line)
        pid = re.search(r"pid=(\d+)", line)
        if peer and pid:
            owners[int(peer.group(1))] = int(pid.group(1))
    return owners
