"""Requests over HTTP against limits measured in the same run on the same machine.

    python -m bench.requests --scale 1 --seconds 8 --rounds 3
    python -m bench.requests --scale 1,10 --database-urls postgres://…/rasad10 --rounds 3 --save FILE

With ``rasad serve`` (granian, two workers) and wrk as the client, each round measures in turn:
  * bare Django (one view, no middleware: ``bench/bare.py``) on the same server stack;
  * Rasad's hello world (``/healthz``: the full middleware stack, no database);
  * the cheapest authenticated endpoint (``/api/v1/users/me/`` with a token);
  * a company analyst's scoped 50-row lists (cases, observations) at 16 and 64 clients, and the
    same lists filtered (``FILTERED_CASES``, ``FILTERED_OBSERVATIONS``) at 16;
  * an object's detail (a case);
  * one-row observation writes from 32 clients, while a sampler reads ``pg_locks`` for lock
    waits; and ``pg_test_fsync``'s fdatasync rate as the limit for commits;
  * at the first size, the ceilings of the list's and the detail's ratios: bare Django sending
    the very statements Rasad sent for them (``REPLAYED``, captured in process: ``captured``),
    with their values, prepared where Rasad prepares them (``bench/bare.py``'s ``/replay``).
Figures are medians over the rounds, with the load average beside each, the CPU time each
answered (2xx) request cost the server's processes and PostgreSQL, and every answer that was not
a 2xx, by status (``--only`` picks some endpoints). ``--scale 10`` loads ten
times the data (observations and cases). ``--scale 1,10 --database-urls URL`` sets up both sizes
once (the second in the database URL names, built in its own process), serves each from its own
servers, and alternates them by round (1×, 10×, 1×, 10× …), each size's figures the medians of
its rounds (PostgreSQL needs room for both sizes' pools: ``bench/run.sh`` sets
``max_connections=300``). ``--overload`` then sends five times the measured write capacity (at
the first size) for a few seconds and checks that every acknowledged write is stored and that
refusals are quick 503s. ``--save FILE`` appends a line per round and size, the run's fdatasync
rate and lock waits, and the overload's outcome: ``bench.growth`` sets the sizes side by side,
``bench.goals`` judges.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, connections, transaction

from bench import goals, growth
from bench.common import (
    INDICATORS,
    children_cpu_seconds,
    commits_and_wal_flushes,
    connection_owners,
    months_back,
    server,
    server_cpu_seconds,
)
from rasad.cases.models import Case
from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.actions.tokens import do_create_api_token
from rasad.core.models import Organization, Role, User
from rasad.indicators.actions import do_save_assignment
from rasad.indicators.models import Indicator, Observation, ObservationBatch, Rollup, RollupDelta
from rasad.testing.ports import free_port

LUA = str(Path(__file__).with_name("wrk.lua"))
SITES_PER_COMPANY = 50
# The commonest filters of the two hot lists, the same here, in bench.profile_lists and in
# bench.planning: cases by two statuses and their owner's code (980 cases at 1×, 9,980 at 10×),
# observations by a site's code and a status (96 at 1×, 960 at 10×: a site's whole history).
FILTERED_CASES = "/api/v1/cases/?status=new&status=triaged&owner_organization=BR-A"
FILTERED_OBSERVATIONS = "/api/v1/observations/?organization={site}&status=draft"


@dataclass
class World:
    analyst_token: str
    reporter_token: str
    sites: list[str]
    case_id: int
    months: list[str]
    observations: int
    cases: int


def build_world(scale: int) -> World:
    """A national body, two companies of 50 sites each; the analyst and reporter work at company
    A. Observations: 8 indicators × 12·scale months for every site; cases: 2,000·scale."""
    root_user = User.objects.filter(username="bench-r-root").first() or do_create_user(
        "bench-r-root", acting_user=None, password=None, is_superuser=True
    )
    national = Organization.objects.filter(code="BR").first() or do_create_organization(
        OrganizationValues(code="BR", name="نهاد ملی آزمون درخواست", kind="national_body"),
        acting_user=root_user,
    )
    companies = []
    for letter in "AB":
        company = Organization.objects.filter(code=f"BR-{letter}").first() or do_create_organization(
            OrganizationValues(code=f"BR-{letter}", name=f"شرکت {letter}", kind="company", parent=national),
            acting_user=root_user,
        )
        companies.append(company)
        existing = Organization.objects.filter(parent=company).count()
        for index in range(existing, SITES_PER_COMPANY):
            do_create_organization(
                OrganizationValues(
                    code=f"BR-{letter}-{index:03d}", name=f"سایت {letter}{index}", kind="site", parent=company
                ),
                acting_user=root_user,
            )
    for indicator in Indicator.objects.filter(code__in=INDICATORS):
        do_save_assignment(national, indicator, include_descendants=True, acting_user=root_user)
    analyst = User.objects.filter(username="bench-r-analyst").first()
    if analyst is None:
        analyst = do_create_user("bench-r-analyst", acting_user=None, password=None)
        do_grant_role(analyst, Role.objects.get(slug="analyst"), acting_user=None, organization=companies[0])
    reporter = User.objects.filter(username="bench-r-reporter").first()
    if reporter is None:
        reporter = do_create_user("bench-r-reporter", acting_user=None, password=None)
        do_grant_role(
            reporter, Role.objects.get(slug="reporter"), acting_user=None, organization=companies[0]
        )
    sites = list(Organization.objects.filter(parent__in=companies).order_by("code"))
    months = months_back(12 * scale)
    observations = _load_observations(sites, months)
    cases = _load_cases(companies, sites, root_user, 2000 * scale)
    case_id = (
        Case.objects.filter(reporter_organization__parent=companies[0])
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )
    return World(
        analyst_token=do_create_api_token(analyst, acting_user=analyst, name="bench")[1],
        reporter_token=do_create_api_token(reporter, acting_user=reporter, name="bench")[1],
        sites=[s.code for s in sites if s.parent_id == companies[0].pk],
        case_id=case_id,
        months=[m.key for m in months[-12:]],
        observations=observations,
        cases=cases,
    )


# Rasad's requests whose statements bare Django sends again (``bench/bare.py``'s ``/replay``):
# the ceiling of the goals that compare them with hello, each measured under the name in goals.
# Each under its goal name, with the replay's slug and Rasad's address.
REPLAYED = {
    goals.BARE_CASE_LIST: ("case-list", "/api/v1/cases/"),
    goals.BARE_DETAIL: ("case-detail", "/api/v1/cases/{case_id}/"),
}


def captured(world: World, path: str) -> None:
    """Write to ``path`` the statements Rasad sends to answer each of ``REPLAYED``'s requests as
    the analyst (its third answer, in process: the first ones prepare what a connection keeps),
    with their values and whether Rasad prepared each on the server."""
    import pickle

    import psycopg
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.analyst_token}", HTTP_HOST="127.0.0.1")
    replays: dict[str, list[tuple[str, Any, bool]]] = {}
    for slug, address in REPLAYED.values():
        address = address.format(case_id=world.case_id)
        statements: list[tuple[str, Any, bool]] = []

        def capture(
            execute: Any,
            sql: str,
            params: Any,
            many: bool,
            context: dict[str, Any],
            statements: list[tuple[str, Any, bool]] = statements,
        ) -> Any:
            bound_on_server = not isinstance(context["cursor"].cursor, psycopg.ClientCursor)
            statements.append((sql, params, bound_on_server))
            return execute(sql, params, many, context)

        for _ in range(2):
            client.get(address)
        with connection.execute_wrapper(capture):
            response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"{address} answered {response.status_code} in process: nothing to replay")
        replays[slug] = statements
    with open(path, "wb") as handle:
        pickle.dump(replays, handle)


def _load_observations(sites: list[Organization], months: list[Any]) -> int:
    """Observations by binary COPY and their rollups by one statement (what the write path keeps)."""
    indicators = list(Indicator.objects.filter(code__in=INDICATORS).values_list("pk", flat=True))
    now = datetime.now(UTC)
    generator = random.Random(11)
    table, rollup = Observation._meta.db_table, Rollup._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {table}, {rollup}, {RollupDelta._meta.db_table}, "
            f"{ObservationBatch._meta.db_table} CASCADE"
        )
    columns = (
        "organization_id, indicator_id, period_key, period_start, year, value, comment, status, source, "
        "findings, created, last_updated"
    )
    types = ["int8", "int8", "varchar", "date", "int2", "float8", "text", "varchar", "varchar", "jsonb"]
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([*types, "timestamptz", "timestamptz"])
            for site in sites:
                for period in months:
                    for indicator_id in indicators:
                        copy.write_row(
                            (
                                site.pk,
                                indicator_id,
                                period.key,
                                period.start,
                                period.year,
                                round(generator.uniform(50, 5000), 3),
                                "",
                                "draft",
                                "api",
                                [],  # jsonb dumps the Python value: "[]" was stored as a JSON string
                                now,
                                now,
                            )
                        )
        cursor.execute(
            f"""INSERT INTO {rollup} (indicator_id, organization_id, province, period_key, year, total,
                    value_count, approved_total, approved_count)
                SELECT o.indicator_id, a.id, '', o.period_key, o.year, SUM(o.value), COUNT(*), 0, 0
                FROM {table} o JOIN core_organization leaf ON leaf.id = o.organization_id
                JOIN core_organization a ON leaf.path LIKE a.path || '%%'
                GROUP BY o.indicator_id, a.id, o.period_key, o.year"""
        )
        cursor.execute(f"ANALYZE {table}; ANALYZE {rollup}")
    return len(sites) * len(months) * len(indicators)


def _load_cases(companies: list[Organization], sites: list[Organization], user: User, count: int) -> int:
    """A few cases through the actions, then copies of them (new references) up to ``count``."""
    from rasad.cases.actions import CaseValues, do_open_case
    from rasad.cases.testing import category

    have = Case.objects.filter(reporter_organization__in=sites).count()
    if have >= count:
        return have
    templates = list(Case.objects.filter(reporter_organization__in=sites)[:20])
    for index in range(len(templates), 20):
        templates.append(
            do_open_case(
                CaseValues(
                    kind="challenge",
                    category=category(),
                    title=f"چالش آزمون {index}",
                    reporter_organization=sites[index % len(sites)],
                    priority="medium",
                ),
                acting_user=user,
            )
        )
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in {"id", "reference"}]
    copies = []
    for index in range(have + 20, count):
        template = templates[index % len(templates)]
        values = {name: getattr(template, name) for name in fields}
        site = sites[index % len(sites)]
        values.update(reporter_organization_id=site.pk, owner_organization_id=site.parent_id)
        copies.append(Case(reference=f"BR-{index:07d}", **values))
    Case.objects.bulk_create(copies, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    return Case.objects.filter(reporter_organization__in=sites).count()


def fdatasync_ops() -> float:
    """pg_test_fsync's fdatasync rate (one 8 kB write per sync) on the benchmark's disk."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_test_fsync"))
    binary = str(candidates[-1]) if candidates else shutil.which("pg_test_fsync")
    if not binary:
        return float("nan")
    target = Path(os.environ.get("RASAD_DATA_DIR", "var")) / "fsync.test"
    output = subprocess.run(
        [binary, "-s", "2", "-f", str(target)], capture_output=True, text=True, check=False
    ).stdout
    for line in output.splitlines():
        if line.strip().startswith("fdatasync") and "ops/sec" in line:
            return float(line.split()[1].replace(",", ""))
    return float("nan")


def load() -> float:
    return os.getloadavg()[0]


def wrk(
    url: str, clients: int, seconds: int, env: dict[str, str] | None = None, database: str | None = None
) -> dict[str, Any]:
    """One wrk run; ``database`` names the database whose transactions are counted (the
    connection's own by default)."""
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", LUA, url]
    started_load = load()
    # CPU time of this process's children (the server under test: the other one idles) and of
    # PostgreSQL, per request: what load on a shared machine does not distort.
    cpu_before, database_before = children_cpu_seconds(), server_cpu_seconds()
    counted_before = database_counters(database)
    # How the client's connections are spread over the server's workers, read once they are all
    # open (``worker_split``).
    split: list[str] = []
    sampler = threading.Timer(min(2.0, seconds / 2), lambda: split.append(worker_split(url)))
    sampler.start()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        errors="replace",  # a body's start, cut at 300 bytes, may end inside a character
        env={**os.environ, **(env or {})},
        check=True,
    )
    sampler.join()
    cpu_after, database_after = children_cpu_seconds(), server_cpu_seconds()
    counted_after = database_counters(database)
    line = next(x for x in result.stdout.splitlines() if x.startswith("{"))
    data: dict[str, Any] = json.loads(line)
    # Per answered (2xx) request: a refusal (the admission gate's 503) costs a fraction of a
    # millisecond, and dividing by every answer made a run with many refusals look cheaper.
    requests = max(1, data["requests"] - data["non2xx"] - data["errors"])
    data["cpu_ms"] = (cpu_after - cpu_before) / requests * 1000
    data["database_cpu_ms"] = (
        (database_after - database_before) / requests * 1000
        if database_before is not None and database_after is not None
        else float("nan")
    )
    # The database's transactions and WAL flushes per answered request: every statement sent
    # outside a transaction block is one (the token's and the lookups' reads), then the write's
    # own and whatever it commits besides (the rollup fold); the lock sampler's left out.
    data["commits"], data["wal_syncs"] = (
        (after - before) / requests for before, after in zip(counted_before, counted_after, strict=True)
    )
    # Answered requests per second: refusals (503) and errors do not count as served.
    data["rps"] = (data["requests"] - data["non2xx"] - data["errors"]) / (data["duration_us"] / 1e6)
    data["load"] = (started_load + load()) / 2
    data["split"] = split[0] if split else ""
    return data


def worker_split(url: str) -> str:
    """How many of the connections to ``url``'s port each server process holds, largest first
    (``"21/11"``), from ``ss``; empty where it cannot tell (no ``ss``, processes not shown).

    wrk's clients keep their connections, and granian's workers each listen on a socket of their
    own (``SO_REUSEPORT``), the kernel choosing one by a hash of the connection's ports, so which
    worker serves a client is settled when it connects, unless ``rasad serve`` moves it
    (``rasad.lib.spread``, session 26). In a closed
    loop a client's latency is the clients of its worker over that worker's throughput: a run
    whose 32 connections went 21 to one worker and 11 to the other (seen, session 25) has its
    p95 set by the busier worker's clients, whatever the code. The split is printed beside the
    latencies so that a run's tail can be told from the code's."""
    port = url.split("://", 1)[-1].split("/", 1)[0].rpartition(":")[2]
    if not port.isdigit():
        return ""
    counts = Counter(connection_owners(int(port)).values())
    return "/".join(str(count) for count in sorted(counts.values(), reverse=True))


# The lock sampler's statements so far (each its own transaction): ``database_counters`` leaves
# them out of the commits.
_sampled = [0]


def database_counters(database: str | None = None) -> tuple[float, float]:
    """``commits_and_wal_flushes`` with the lock sampler's transactions and these queries' own
    left out of the commits. Not a number on SQLite (``bench.sqlite_writes``)."""
    commits, syncs = commits_and_wal_flushes(database)
    _sampled[0] += 1  # this query's own, on the connection's database
    # Another database's commits hold neither the sampler's transactions nor these queries'.
    return (commits - _sampled[0] if database is None else commits), syncs


@contextmanager
def bare_server(env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--port",
            str(port),
            "--workers",
            "2",
            "--blocking-threads",
            "8",
            "--no-ws",
            "--log-level",
            "warning",
            "bench.bare:wsgi",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_for(url: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@dataclass
class LockSampler:
    """Samples ``pg_locks`` with ``pg_stat_activity`` every 20 ms: each lock a backend waits for,
    since when (``pg_locks.waitstart``, PostgreSQL 14 and later), grouped by what it waits for.
    A wait seen in several samples counts once, at the longest it was seen to last."""

    waits: dict[str, list[float]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        from django.db import connections

        cursor = connections["default"].cursor()
        seen: dict[tuple[int, Any], tuple[str, float]] = {}
        try:
            while not self._stop.is_set():
                cursor.execute(
                    "SELECT l.pid, l.waitstart, a.query, l.locktype, "
                    "EXTRACT(EPOCH FROM clock_timestamp() - l.waitstart) "
                    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE NOT l.granted AND l.waitstart IS NOT NULL AND l.pid <> pg_backend_pid()"
                )
                for pid, since, query, locktype, seconds in cursor.fetchall():
                    # By the lock's type first: the statement's text is cut at
                    # track_activity_query_size (1 kB), before a long statement's lock.
                    text = query.lower()
                    kind = (
                        "organization and period (advisory)"
                        if locktype == "advisory"
                        else "audit chain head"
                        if "auditchainhead" in text
                        else "rollup"
                        if "indicators_rollup" in text
                        else "observation"
                        if "indicators_observation" in text
                        else "other"
                    )
                    longest = seen.get((pid, since), (kind, 0.0))[1]
                    seen[(pid, since)] = (kind, max(longest, float(seconds)))
                _sampled[0] += 1
                time.sleep(0.02)
        finally:
            for kind, seconds in seen.values():
                self.waits.setdefault(kind, []).append(seconds)
            cursor.close()
            connections["default"].close()

    @contextmanager
    def sampling(self) -> Iterator[None]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join(timeout=5)

    def over(self, seconds: float) -> dict[str, int]:
        """How many distinct waits lasted longer than ``seconds``, by kind."""
        return {
            kind: count
            for kind, waits in self.waits.items()
            if (count := sum(1 for w in waits if w > seconds))
        }

    def summary(self) -> str:
        """Distinct waits by kind, with the longest seen."""
        return (
            "; ".join(
                f"{kind}: {len(waits)} waits, longest {max(waits) * 1000:.0f} ms"
                for kind, waits in sorted(self.waits.items())
            )
            or "none seen"
        )


def median_of(rounds: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in rounds))


@dataclass
class Side:
    """One data size of a run: its world, Rasad's and bare Django's addresses (servers on its
    database), and its database's name (``None``: the connection's, ``DATABASE_URL``)."""

    scale: int
    world: World
    url: str
    bare: str
    database: str | None = None
    replayed: dict[str, tuple[str, str]] | None = None  # REPLAYED, where its bare server replays them


def plan_of(side: Side, only: list[str] | None = None) -> list[tuple[str, str, int, dict[str, str] | None]]:
    """The endpoints measured at one size: name, address, clients, wrk.lua's environment."""
    world, url, bare = side.world, side.url, side.bare
    analyst = {"TOKEN": world.analyst_token}
    writes = {
        "TOKEN": world.reporter_token,
        "WRITE_SITES": ",".join(world.sites),
        "WRITE_INDICATORS": ",".join(INDICATORS),
        "WRITE_MONTHS": ",".join(world.months),
    }
    plan = [
        (goals.BARE, bare + "/", 16, None),
        (goals.BARE_READ, bare + "/me", 16, analyst),
        (goals.HELLO, url + "/healthz", 16, None),
        (goals.ME, url + "/api/v1/users/me/", 16, analyst),
        (goals.CASE_LIST, url + "/api/v1/cases/", 16, analyst),
        (goals.CASE_LIST_64, url + "/api/v1/cases/", 64, analyst),
        (goals.OBSERVATION_LIST, url + "/api/v1/observations/", 16, analyst),
        (goals.FILTERED_CASE_LIST, url + FILTERED_CASES, 16, analyst),
        (
            goals.FILTERED_OBSERVATION_LIST,
            url + FILTERED_OBSERVATIONS.format(site=world.sites[1]),
            16,
            analyst,
        ),
        (goals.DETAIL, url + f"/api/v1/cases/{world.case_id}/", 16, analyst),
        *((name, f"{bare}/replay/{slug}", 16, None) for name, (slug, _) in (side.replayed or {}).items()),
        (goals.WRITES, url + "/api/v1/observations/bulk/", 32, writes),
    ]
    if connection.vendor != "postgresql":  # bench.bare reads its token from PostgreSQL only
        plan = [row for row in plan if not row[1].startswith((bare + "/me", bare + "/replay"))]
    if only:
        plan = [row for row in plan if any(word in row[0] for word in only)]
    return plan


def measure(
    sides: list[Side], seconds: int, rounds: int, only: list[str] | None = None
) -> list[dict[str, list[dict[str, Any]]]]:
    """Every endpoint of every side, ``rounds`` times; each round measures the sides in turn, so
    that sizes alternate (1×, 10×, 1×, 10× …): measured one after the other, they measure the
    order as much as the data on a shared machine (docs/development/benchmarks.md, session 25)."""
    plans = [plan_of(side, only) for side in sides]
    results: list[dict[str, list[dict[str, Any]]]] = [{row[0]: [] for row in plan} for plan in plans]
    for side, plan in zip(sides, plans, strict=True):  # warm-up: imports, caches, pools
        for _name, target, clients, env in plan:
            wrk(target, clients, 2, env, side.database)
    for _round in range(rounds):
        for side, plan, figures in zip(sides, plans, results, strict=True):
            for name, target, clients, env in plan:
                figures[name].append(wrk(target, clients, seconds, env, side.database))
    return results


def not_served(rounds: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """What was not answered with a 2xx over ``rounds``, by status: ``503 ×91 (Retry-After: 1 on
    all)``, connection errors and timeouts; and the start of one body of each status other than
    503 (the admission gate's refusal, ``rasad.lib.admission``, which says nothing more)."""
    statuses: dict[str, int] = {}
    retry: dict[str, int] = {}
    bodies: dict[str, str] = {}
    for r in rounds:
        for status, count in r.get("statuses", {}).items():
            statuses[status] = statuses.get(status, 0) + count
        for value, count in r.get("retry_after", {}).items():
            retry[value] = retry.get(value, 0) + count
        for status, body in r.get("bodies", {}).items():
            bodies.setdefault(status, body)
    parts = []
    for status in sorted(s for s in statuses if not s.startswith("2")):
        part = f"{status} ×{statuses[status]}"
        if status == "503":
            total = statuses[status]
            values = ", ".join(f"{v} on {'all' if n == total else n}" for v, n in retry.items())
            part += f" (Retry-After: {values})"
        parts.append(part)
    errors = sum(r["errors"] for r in rounds)
    if errors:
        parts.append(f"{errors} connection errors or timeouts")
    return ", ".join(parts), [f"{status}: {body}" for status, body in sorted(bodies.items())]


def report(results: dict[str, list[dict[str, Any]]], fsync: float) -> dict[str, float]:
    def line(name: str) -> str:
        rs = results[name]
        refused, _bodies = not_served(rs)
        splits = ", ".join(r["split"] for r in rs if r.get("split"))
        return (
            f"  {name:<40} {median_of(rs, 'rps'):>8,.0f} req/s   "
            f"p50 {median_of(rs, 'p50') / 1000:>6.1f} ms   "
            f"p95 {median_of(rs, 'p95') / 1000:>6.1f} ms   p99 {median_of(rs, 'p99') / 1000:>6.1f} ms   "
            f"(load {median_of(rs, 'load'):.1f}{f'; not 2xx over the rounds: {refused}' if refused else ''}"
            f"{f'; connections per worker: {splits}' if splits else ''})"
        )

    for name in results:
        print(line(name))
        for body in not_served(results[name])[1]:
            print(f"      {body}")
    print(
        "  CPU per answered (2xx) request (server workers, incl. granian's HTTP and the refusals; "
        "PostgreSQL, incl. the lock sampler), and the database's transactions and WAL flushes per "
        "answered request:"
    )
    for name, rs in results.items():
        print(
            f"    {name:<40} server {median_of(rs, 'cpu_ms'):6.2f} ms   "
            f"PostgreSQL {median_of(rs, 'database_cpu_ms'):6.2f} ms   "
            f"transactions {median_of(rs, 'commits'):5.2f}   WAL flushes {median_of(rs, 'wal_syncs'):5.2f}"
        )
    rps = {name: median_of(rs, "rps") for name, rs in results.items()}
    p95 = {name: median_of(rs, "p95") / 1000 for name, rs in results.items()}
    nan = float("nan")
    hello = rps.get(goals.HELLO, nan)
    writes = rps.get(goals.WRITES, nan)
    ratios = {
        "authenticated / bare": rps.get(goals.ME, nan) / rps.get(goals.BARE, nan),
        # A reference beside the goal: bare Django answering the same token and user read
        # (bench/bare.py's /me), the floor for any Django app that authenticates from its database.
        "authenticated / bare with its read": rps.get(goals.ME, nan) / rps.get(goals.BARE_READ, nan),
        "case list / hello": rps.get(goals.CASE_LIST, nan) / hello,
        "observation list / hello": rps.get(goals.OBSERVATION_LIST, nan) / hello,
        "filtered case list / hello": rps.get(goals.FILTERED_CASE_LIST, nan) / hello,
        "filtered observation list / hello": rps.get(goals.FILTERED_OBSERVATION_LIST, nan) / hello,
        "case detail / hello": rps.get(goals.DETAIL, nan) / hello,
        "writes / hello": writes / hello,
        "writes / fdatasync": writes / fsync if fsync == fsync else nan,
    }
    limits = {
        "authenticated / bare": goals.AUTHENTICATED_OVER_BARE,
        "case list / hello": goals.LIST_OVER_HELLO,
        "observation list / hello": goals.LIST_OVER_HELLO,
        # The same goal: a filtered list is a scoped 50-row list.
        "filtered case list / hello": goals.LIST_OVER_HELLO,
        "filtered observation list / hello": goals.LIST_OVER_HELLO,
        "case detail / hello": goals.DETAIL_OVER_HELLO,
        "writes / hello": goals.WRITES_OVER_HELLO,
    }
    print(
        f"  denominators: bare Django {rps.get('bare Django', nan):,.0f} req/s "
        f"({rps.get('bare Django, token and user read', nan):,.0f} with the token and user read), "
        f"hello {hello:,.0f} req/s, "
        f"pg_test_fsync fdatasync {fsync:,.0f} ops/s"
    )
    for name, value in ratios.items():
        if value != value:  # not measured in this run (--only)
            continue
        goal = limits.get(name)
        verdict = "" if goal is None else f"(goal ≥ {goal}: {'met' if value >= goal else 'NOT met'})"
        print(f"  ratio {name:<36} {value:6.3f}  {verdict}")
    print(
        f"  p95 case list at 16 clients {p95.get('case list, 50 rows, 16 clients', nan):.1f} ms, "
        f"filtered {p95.get('case list, filtered, 16 clients', nan):.1f} ms; observation list "
        f"{p95.get('observation list, 50 rows, 16 clients', nan):.1f} ms, filtered "
        f"{p95.get('observation list, filtered, 16 clients', nan):.1f} ms "
        f"(goal ≤ {goals.LIST_P95_MS:.0f} ms); "
        f"one-row writes at 32 clients {p95.get('one-row writes, 32 clients', nan):.1f} ms "
        f"(goal ≤ {goals.WRITE_P95_MS:.0f} ms)"
    )
    return {**ratios, **{f"p95 {k}": v for k, v in p95.items()}}


def save(path: str, scale: int, label: str, results: dict[str, list[dict[str, Any]]]) -> None:
    """One line a round: the run's scale and label, the round's number and each endpoint's
    figures in it (``bench.growth`` takes the medians of the rounds and the growth)."""
    for number in range(max(map(len, results.values()), default=0)):
        figures = {
            name: {key: rs[number][key] for key in growth.KEYS}
            for name, rs in results.items()
            if number < len(rs)
        }
        goals.record(path, "requests", scale=scale, label=label, round=number, results=figures)


async def _one_write(port: int, token: str, body: bytes) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        writer.write(
            b"POST /api/v1/observations/bulk/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nAuthorization: Bearer "
            + token.encode()
            + b"\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        status = int(raw.split(b" ", 2)[1]) if raw else 0
        return status, time.perf_counter() - started, raw
    except (TimeoutError, OSError):
        return 0, time.perf_counter() - started, b""


def overload(world: World, url: str, capacity: float, seconds: float = 6.0) -> dict[str, Any]:
    """Open loop at five times the measured write capacity: distinct one-row batches, each with
    a batch id; then every 200 must be stored and every refusal a quick 503. Returns what
    ``bench.goals`` judges."""
    port = int(url.rsplit(":", 1)[1])
    rate = 5 * capacity
    sent: list[tuple[str, str, str, float]] = []

    async def main() -> list[tuple[int, float, bytes]]:
        tasks = []
        started = time.perf_counter()
        index = 0
        while time.perf_counter() - started < seconds:
            site = world.sites[index % len(world.sites)]
            month = world.months[(index // len(world.sites)) % len(world.months)]
            indicator = INDICATORS[index % len(INDICATORS)]
            value = 10_000 + index
            batch = uuid.uuid4().hex
            sent.append((batch, site, f"{indicator}|{month}", value))
            body = json.dumps(
                {
                    "batch_id": batch,
                    "observations": [
                        {"organization": site, "indicator": indicator, "period": month, "value": value}
                    ],
                }
            ).encode()
            tasks.append(asyncio.create_task(_one_write(port, world.reporter_token, body)))
            index += 1
            await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        return await asyncio.gather(*tasks)

    load_before = load()
    answers = asyncio.run(main())
    statuses: dict[int, int] = {}
    for status, _seconds, _raw in answers:
        statuses[status] = statuses.get(status, 0) + 1
    acknowledged = {sent[i][0] for i, (status, _s, _r) in enumerate(answers) if status == 200}
    stored = set(
        ObservationBatch.objects.filter(batch_id__in=acknowledged).values_list("batch_id", flat=True)
    )
    refused = sorted(s for status, s, _r in answers if status == 503)
    shapes = {
        json.loads(r.split(b"\r\n\r\n", 1)[1]).get("error", {}).get("code")
        for st, _s, r in answers
        if st == 503
    }
    retry = all(b"retry-after" in r.lower() for st, _s, r in answers if st == 503)
    print(
        f"  overload: {len(answers)} writes offered at {rate:,.0f}/s (5 × {capacity:,.0f}/s) "
        f"for {seconds:.0f} s "
        f"(load {load_before:.1f}); answers {dict(sorted(statuses.items()))}"
    )
    print(
        f"    acknowledged {len(acknowledged)}, stored {len(stored)}, lost {len(acknowledged - stored)}; "
        f"503s: p50 {(refused[len(refused) // 2] if refused else 0) * 1000:.0f} ms, "
        f"max {(refused[-1] if refused else 0) * 1000:.0f} ms, error codes {shapes or '-'}, "
        f"Retry-After on all: {retry}"
    )
    return {
        "offered": len(answers),
        "rate": rate,
        "statuses": {str(status): count for status, count in statuses.items()},
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": len(acknowledged - stored),
        "refused_p50_ms": (refused[len(refused) // 2] if refused else 0) * 1000,
        "refused_max_ms": (refused[-1] if refused else 0) * 1000,
        "retry_after_on_all": retry,
        "load": load_before,
    }


def start_world(scale: int, database_url: str) -> subprocess.Popen[str]:
    """The world at ``scale`` built by its own process on another database (this process's
    connection, and what Rasad caches in it, stay on ``DATABASE_URL``'s), while this process
    builds its own; ``world_of`` waits for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.requests", "--scale", str(scale), "--world-only"],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        text=True,
    )


def world_of(process: subprocess.Popen[str]) -> World:
    output, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return World(**json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        default="1",
        help="data sizes, comma-separated (1,10: both set up once, rounds alternating between them)",
    )
    parser.add_argument(
        "--database-urls",
        default="",
        help="a database for each size after the first, comma-separated (the first is DATABASE_URL's)",
    )
    parser.add_argument(
        "--world-only", action="store_true", help="build --scale's data, print it as JSON, stop"
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--overload", action="store_true", help="after the rounds, at the first size")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker (default: rasad serve's)")
    parser.add_argument(
        "--save",
        default="",
        help="append each round's figures per size and endpoint, the run's fdatasync rate and lock "
        "waits, and the overload's outcome to this file, one JSON line each (bench.growth sets "
        "sizes side by side, bench.goals judges the goals)",
    )
    parser.add_argument("--label", default="", help="a name for this run in --save's lines (old, new...)")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the endpoints whose names hold one of these comma-separated words "
        "(e.g. 'bare,hello,users/me'); the ratios whose figures were not measured are left out",
    )
    args = parser.parse_args()
    scales = [int(scale) for scale in args.scale.split(",")]
    if args.world_only:
        print(json.dumps(asdict(build_world(scales[0]))))
        return
    others = [url for url in args.database_urls.split(",") if url]
    if len(others) != len(scales) - 1:
        parser.error("--database-urls: one database for each size after the first")
    building = [start_world(scale, url) for scale, url in zip(scales[1:], others, strict=True)]
    worlds = [build_world(scales[0]), *map(world_of, building)]
    handle, replays = tempfile.mkstemp(prefix="rasad-bench-replays-", suffix=".pickle")
    os.close(handle)
    if connection.vendor == "postgresql":  # bench.bare reads PostgreSQL only
        captured(worlds[0], replays)
    connections.close_all()
    for scale, world in zip(scales, worlds, strict=True):
        print(f"requests ×{scale}: {world.observations:,} observations, {world.cases:,} cases")
    print(
        f"  {args.rounds} rounds of {args.seconds} s"
        + (
            f", sizes alternating ({', '.join(f'{s}×' for s in scales)} in each round)"
            if len(scales) > 1
            else ""
        )
        + "; medians"
    )
    fsync = fdatasync_ops()
    sampler = LockSampler()
    with ExitStack() as stack:
        stack.callback(os.remove, replays)
        sides = []
        for index, (scale, world) in enumerate(zip(scales, worlds, strict=True)):
            env = {"DATABASE_URL": others[index - 1]} if index else None
            # The ceilings are measured at the first size, whose world this process built.
            bare = stack.enter_context(bare_server(env or {"BARE_REPLAY": replays}))
            url = stack.enter_context(server(workers=2, threads=args.threads, env=env))
            _wait_for(url + "/healthz")
            database = urlsplit(others[index - 1]).path.lstrip("/") if index else None
            sides.append(Side(scale, world, url, bare, database, None if index else REPLAYED))
        with sampler.sampling():
            only = [word.strip() for word in args.only.split(",") if word.strip()]
            results = measure(sides, args.seconds, args.rounds, only)
        for side, figures in zip(sides, results, strict=True):
            if len(sides) > 1:
                print(f"requests ×{side.scale}:")
            report(figures, fsync)
        over = sampler.over(goals.LOCK_WAIT_MS / 1000)
        print(
            f"  lock waits over {goals.LOCK_WAIT_MS:.0f} ms while writing (pg_locks every 20 ms, "
            f"{'every size' if len(sides) > 1 else 'the run'}): {over or 'none'} "
            f"(all waits seen: {sampler.summary()})"
        )
        if args.save:
            for side, figures in zip(sides, results, strict=True):
                save(args.save, side.scale, args.label, figures)
            longest = max((wait for waits in sampler.waits.values() for wait in waits), default=0.0)
            goals.record(
                args.save,
                "requests-run",
                label=args.label,
                fdatasync=fsync,
                lock_waits_over_50ms=over,
                longest_lock_wait_ms=longest * 1000,
            )
        if args.overload and goals.WRITES in results[0]:
            capacity = median_of(results[0][goals.WRITES], "rps")
            outcome = overload(sides[0].world, sides[0].url, capacity)
            if args.save:
                goals.record(args.save, "overload", label=args.label, **outcome)


if __name__ == "__main__":
    main()
