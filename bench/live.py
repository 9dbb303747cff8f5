"""Live operations over real HTTP (issue 17, item 7): agents posting single events, and thousands of
server-sent event streams held open on one node or across two nodes through Redis.

    python -m bench.live ingest --agents 32 --seconds 8 --runs 3
    python -m bench.live stream --clients 5000 --events 10 --runs 3
    python -m bench.live stream --clients 5000 --events 10 --runs 3 --nodes 2

``ingest``: ``--agents`` agents, each a field post with its own device and credential, each a
thread holding one keep-alive connection to ``rasad serve`` (WSGI) and sending one event per
request, as fast as the answers come. Figures: events stored per second against
``pg_test_fsync``'s fdatasync rate measured in the same run (one commit per event would be
bounded by it; more than 100 % means commits are grouped), the p50/p95 of a request, and how
many backends waited on a lock (``pg_stat_activity`` sampled every 20 ms: does the audit chain
serialise the posts?).

``stream``: ``rasad serve --interface asgi`` (one worker); an asyncio load client opens
``--clients`` raw sockets to ``/live/stream/`` as one user who sees every post, then an agent
posts one event every ``--interval`` s. Latency is from the moment the agent sends the POST to
the moment each socket has read the event (so it includes the ingest request: an upper bound of
commit-to-client; the request's own time is printed beside). With ``--nodes 2`` the agent posts
to node A and the sockets are on node B (through Redis). Memory per idle stream is the growth of
the server's resident memory (its process tree) from 50 warm streams to all of them, divided by
the added streams. The limit, measured in the same run with the same load client, is a bare
asyncio server that writes each posted event to every socket (the least fan-out over HTTP can
cost on this machine, the load client included). Server CPU per event is the CPU time of the
node holding the streams (its process tree) from the first event to the last delivery, over the
events (on one node it includes the ingest requests), beside the bare server's: unlike latency,
it does not count waiting for a core. ``BENCH_PYSPY=<file>`` records a profile of each run
(``BENCH_PYSPY_NATIVE=1``: with native frames; ``BENCH_PYSPY_GIL=1``: only the thread holding
the GIL, which leaves out the threads that wait); ``ingest`` also prints the load client's own CPU
per event.

Every figure is the median of ``--runs`` runs, with the load average beside it; the
denominators are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import goals

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "floor-server":
    pass  # the floor server needs no Django
else:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
    django.setup()

# Each run marks its events with a token of its own: a stream may replay older events (after
# its node's subscription takes effect it re-reads the event table a little behind).
TOKEN = [uuid.uuid4().hex[:8]]


def mark() -> re.Pattern[bytes]:
    return re.compile(rb'"text": ?"bench ' + TOKEN[0].encode() + rb' (\d+)"')


WARM = 50


def load() -> float:
    return os.getloadavg()[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


# ---- fixture ----------------------------------------------------------------------------------


@dataclass
class Post:
    serial: str
    secret: str


def build(posts: int) -> tuple[list[Post], str]:
    """``posts`` field posts under one province, each with a device and a credential; and a
    session cookie of a viewer of the province (who sees every post; a superuser would be sent
    to two-factor sign-in)."""
    from django.contrib.sessions.backends.db import SessionStore

    from rasad.core.actions.organizations import OrganizationValues, do_create_organization
    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.choices import OrganizationKind
    from rasad.core.models import Organization, Role, User
    from rasad.live.actions import DeviceValues, do_issue_credential, do_register_device
    from rasad.live.models import Device

    admin = User.objects.filter(username="bench-live").first() or do_create_user(
        "bench-live", acting_user=None, password=None, is_superuser=True
    )
    province = Organization.objects.filter(code="BENCH-LIVE").first() or do_create_organization(
        OrganizationValues(code="BENCH-LIVE", name="استان محک", kind="company"), acting_user=admin
    )
    made: list[Post] = []
    for n in range(posts):
        code = f"BENCH-LIVE-{n:03d}"
        post = Organization.objects.filter(code=code).first() or do_create_organization(
            OrganizationValues(
                code=code,
                name=f"پاسگاه محک {n}",
                kind=OrganizationKind.FIELD_POST,
                parent=province,
                latitude=30.0 + n / 100,
                longitude=60.0,
            ),
            acting_user=admin,
        )
        serial = f"BL-{n:03d}"
        if not Device.objects.filter(serial=serial).exists():
            do_register_device(DeviceValues(post, "ground_sensor", serial, "", 60), acting_user=admin)
        _credential, secret = do_issue_credential(post, f"محک {uuid.uuid4().hex[:6]}", acting_user=admin)
        made.append(Post(serial, secret))
    viewer = User.objects.filter(username="bench-live-viewer").first()
    if viewer is None:
        viewer = do_create_user("bench-live-viewer", acting_user=None, password=None)
        do_grant_role(viewer, Role.objects.get(slug="viewer"), acting_user=None, organization=province)
    session = SessionStore()
    session["_auth_user_id"] = str(viewer.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = viewer.get_session_auth_hash()
    session.create()
    from django.conf import settings

    return made, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


_sequences: dict[str, int] = {}
_sequence_lock = threading.Lock()


def event_body(serial: str, text: str) -> bytes:
    from rasad.live.agent import uuid7

    with _sequence_lock:
        # Each process starts above any sequence an earlier benchmark in the same database can have
        # used for the same device (milliseconds since the epoch: thousands of events a second
        # would not catch up), or the events are refused as sequences taken.
        _sequences[serial] = sequence = _sequences.get(serial, time.time_ns() // 1_000_000) + 1
    item = {
        "id": str(uuid7()),
        "device": serial,
        "time": datetime.now(UTC).isoformat(),
        "sequence": sequence,
        "kind": "observation",
        "severity": "low",
        "text": text,
    }
    return json.dumps({"events": [item]}, ensure_ascii=False).encode()


def _connection(url: str) -> http.client.HTTPConnection:
    """A connection to ``http://host:port`` (the servers this benchmark starts)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def post_event(connection: http.client.HTTPConnection, post: Post, text: str) -> bool:
    connection.request(
        "POST",
        "/api/v1/live/ingest/",
        body=event_body(post.serial, text),
        headers={"Authorization": f"Bearer {post.secret}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = response.read()
    ok = response.status == 200 and b'"created"' in answer
    if not ok and os.environ.get("BENCH_DEBUG"):
        print(response.status, answer[:300], file=sys.stderr)
    return ok


# ---- servers ----------------------------------------------------------------------------------


@contextlib.contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    from rasad.testing.ports import free_port

    port = free_port()
    log_path = Path(os.environ.get("RASAD_DATA_DIR", "var")) / f"bench-live-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasad",
                "serve",
                "--no-migrate",
                "--no-worker",
                "--port",
                str(port),
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            wait_ready(f"http://127.0.0.1:{port}/healthz", process, log_path)
            yield f"http://127.0.0.1:{port}", process.pid
        finally:
            stop(process)


@contextlib.contextmanager
def floor_server() -> Iterator[tuple[str, int]]:
    from rasad.testing.ports import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.live", "floor-server", str(port)], start_new_session=True
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", process, None)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and its workers (a graceful stop waits for open streams: not here)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path | None) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-3000:] if log else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _number(pattern: bytes, text: bytes) -> int:
    """The whole number ``pattern``'s first group finds in ``text`` (a header, a /proc line)."""
    found = re.search(pattern, text)
    if found is None:
        raise ValueError(f"{pattern!r} not in {text[:200]!r}")
    return int(found.group(1))


def run_floor_server(port: int) -> None:
    """A bare SSE fan-out: ``GET`` holds the socket, ``POST /publish`` writes the body as one event
    to every held socket, ``/healthz`` answers ok."""
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if head.startswith(b"POST"):
            length = _number(rb"(?i)content-length: *(\d+)", head)
            frame = b"data: " + await reader.readexactly(length) + b"\n\n"
            for other in held:
                other.write(frame)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
            writer.close()
        elif head.startswith(b"GET /healthz"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
            writer.close()
        else:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n"
            )
            held.append(writer)

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def tree_rss(pid: int) -> tuple[int, int]:
    """Resident bytes and threads of a process and all its descendants."""
    total = threads = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{current}/status").read_bytes()
            total += _number(rb"VmRSS:\s+(\d+)", status) * 1024
            threads += _number(rb"Threads:\s+(\d+)", status)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total, threads


# ---- ingest -----------------------------------------------------------------------------------


def fdatasync_ops() -> float:
    from bench.requests import fdatasync_ops as measure

    return measure()


def lock_sampler(stop: threading.Event, waits: list[int]) -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as db:
        while not stop.is_set():
            row = db.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()
            waits.append(int(row[0]) if row else 0)
            time.sleep(0.02)


def ingest_run(
    url: str, posts: list[Post], seconds: float
) -> tuple[int, list[float], int, list[float], dict[int, list[list[float]]], list[int]]:
    """Events stored, every request's latency, the requests refused or failed, each agent's
    median latency (are the agents served alike?), the latencies by the server process that held
    the agent's connection (``connection_owners``), and the lock waiters sampled. The agents are
    asyncio tasks on raw keep-alive sockets in this one thread (``agent_loop``): the load client
    takes less of the cores it shares with the server than a thread per agent did."""
    stop = threading.Event()
    waits: list[int] = []
    sampler = threading.Thread(target=lock_sampler, args=(stop, waits))
    sampler.start()
    try:
        return (*asyncio.run(agent_loop(url, posts, seconds)), waits)
    finally:
        stop.set()
        sampler.join()


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """The status and body of one HTTP/1.1 answer (by its length or in chunks), and whether the
    server closes the connection after it (``Connection: close``: ``rasad serve`` moving a kept
    connection to another worker, ``rasad.lib.spread``), as an HTTP client must heed."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    closing = re.search(rb"(?i)\r\nconnection: *close", head) is not None
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if length is not None:
        return status, await reader.readexactly(int(length.group(1))), closing
    if not re.search(rb"(?i)\r\ntransfer-encoding: *chunked", head):
        return status, b"", closing
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        body += (await reader.readexactly(size + 2))[:size]
        if size == 0:
            return status, body, closing


async def agent_loop(
    url: str, posts: list[Post], seconds: float
) -> tuple[int, list[float], int, list[float], dict[int, list[list[float]]]]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    medians: list[float] = []
    by_port: dict[int, list[float]] = {}
    totals = {"ok": 0, "bad": 0}
    begin = asyncio.Event()
    deadline = [0.0]

    async def agent(post: Post) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        own_port = writer.get_extra_info("sockname")[1]
        head = (
            f"POST /api/v1/live/ingest/ HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {post.secret}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        mine: list[float] = []
        await begin.wait()
        while time.monotonic() < deadline[0]:
            body = event_body(post.serial, "bench ingest")
            began = time.perf_counter()
            try:
                writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
                status, answer, closing = await read_answer(reader)
                ok = status == 200 and b'"created"' in answer
                if not ok and os.environ.get("BENCH_DEBUG"):
                    print(status, answer[:300], file=sys.stderr)
                if closing:  # a new connection, which the kernel may give another worker
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
            totals["ok" if ok else "bad"] += 1
            mine.append(time.perf_counter() - began)
        writer.close()
        latencies.extend(mine)
        medians.append(statistics.median(mine) if mine else float("nan"))
        by_port[own_port] = mine

    tasks = [asyncio.create_task(agent(post)) for post in posts]
    await asyncio.sleep(0.5)  # every agent connected
    from bench.common import connection_owners

    owners = await asyncio.to_thread(connection_owners, int(port))
    deadline[0] = time.monotonic() + seconds
    begin.set()
    await asyncio.gather(*tasks)
    by_worker: dict[int, list[list[float]]] = {}  # each agent's latencies, by its server process
    for own_port, mine in by_port.items():
        by_worker.setdefault(owners.get(own_port, 0), []).append(mine)
    return totals["ok"], latencies, totals["bad"], medians, by_worker


def ingest_counters() -> dict[str, float]:
    """CPU seconds so far of the server's processes and of PostgreSQL's, and the database's
    commits and WAL flushes (``pg_stat_wal.wal_sync``: one per fsync of the log, so that
    flushes per event show how many events each commit's fsync carried)."""
    from bench.common import children_cpu_seconds, commits_and_wal_flushes, server_cpu_seconds

    commits, syncs = commits_and_wal_flushes()
    return {
        "server_cpu": children_cpu_seconds(),
        "database_cpu": server_cpu_seconds() or 0.0,
        "client_cpu": time.process_time(),  # this process: the agents' threads and the lock sampler
        "commits": commits,
        "wal_syncs": syncs,
    }


def by_process(agents: list[list[float]], seconds: float) -> tuple[int, float, float, float]:
    """One server process's agents (each agent's latencies): how many, their events a second,
    their p50 and p95."""
    flat = [latency for mine in agents for latency in mine] or [float("nan")]
    return len(agents), sum(map(len, agents)) / seconds, percentile(flat, 0.5), percentile(flat, 0.95)


def ingest(args: argparse.Namespace) -> None:
    from django.db import connections

    posts, _cookie = build(args.agents)
    connections.close_all()
    rows = []
    with serve("--workers", str(args.workers)) as (url, pid):
        # Warm up: every worker has imported everything, every credential has been used once.
        warm = _connection(url)
        for post in posts:
            post_event(warm, post, "bench warm-up")
        warm.close()
        for _ in range(args.runs):
            fsync = fdatasync_ops()
            before = load()
            profiler = profile(pid, floor=False)
            counters = ingest_counters()
            created, latencies, failed, medians, by_worker, waits = ingest_run(url, posts, args.seconds)
            spent = {k: v - counters[k] for k, v in ingest_counters().items()}
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=60)
            stored = max(created, 1)
            rows.append(
                {
                    "rate": created / args.seconds,
                    "fsync": fsync,
                    "server_cpu": spent["server_cpu"] / stored,
                    "database_cpu": spent["database_cpu"] / stored,
                    "client_cpu": spent["client_cpu"] / stored,
                    "commits": spent["commits"] / stored,
                    "wal_syncs": spent["wal_syncs"] / stored,
                    "p50": percentile(latencies, 0.5),
                    "p95": percentile(latencies, 0.95),
                    "agents": (min(medians), max(medians)),
                    # each server process's agents (its connections), events/s, p50 and p95,
                    # the busiest first
                    "workers": sorted(
                        (by_process(agents, args.seconds) for agents in by_worker.values()), reverse=True
                    ),
                    "created": created,
                    "failed": failed,
                    "waiting": max(waits, default=0),
                    "waiting_mean": statistics.fmean(waits) if waits else 0.0,
                    "load": (before + load()) / 2,
                }
            )
    m = statistics.median
    print(f"live ingest: {args.agents} agents, single events, {args.seconds:g} s x {args.runs} runs, "
          f"{args.workers} server workers")  # fmt: skip
    for n, row in enumerate(rows, 1):
        print(
            f"  run {n}: {row['rate']:.0f} events/s ({row['created']} stored, "
            f"{row['failed']} refused or failed) / "
            f"fdatasync {row['fsync']:.0f} ops/s = {row['rate'] / row['fsync']:.0%}; "
            f"p50 {row['p50'] * 1000:.0f} ms, p95 {row['p95'] * 1000:.0f} ms; backends waiting on a lock: "
            f"max {row['waiting']}, mean {row['waiting_mean']:.2f}; load {row['load']:.1f}"
        )
        print(
            f"         per event stored: server CPU {row['server_cpu'] * 1000:.1f} ms, PostgreSQL CPU "
            f"{row['database_cpu'] * 1000:.1f} ms, {row['commits']:.2f} commits, "
            f"{row['wal_syncs']:.2f} WAL flushes (fsync), load client CPU {row['client_cpu'] * 1000:.1f} ms; "
            f"agents' p50 from {row['agents'][0] * 1000:.0f} "
            f"to {row['agents'][1] * 1000:.0f} ms"
        )
        print(
            # An agent counts for the process it first connected to: rasad serve may move it.
            "         by the server process each agent first connected to (agents, events/s, p50, p95): "
            + "; ".join(
                f"{agents} agents, {rate:.0f}/s, {p50 * 1000:.0f} / {p95 * 1000:.0f} ms"
                for agents, rate, p50, p95 in row["workers"]
            )
            + f" (split {'/'.join(str(w[0]) for w in row['workers'])})"
        )
    rate, fsync = m(r["rate"] for r in rows), m(r["fsync"] for r in rows)
    print(
        f"  median: {rate:.0f} events/s / fdatasync {fsync:.0f} ops/s = {rate / fsync:.0%} "
        f"(goal >= {goals.EVENTS_OVER_FDATASYNC:.0%}); "
        f"p95 {m(r['p95'] for r in rows) * 1000:.0f} ms (goal <= {goals.EVENT_P95_MS:.0f} ms); "
        f"load {m(r['load'] for r in rows):.1f}; per event: server CPU "
        f"{m(r['server_cpu'] for r in rows) * 1000:.1f} ms, PostgreSQL CPU "
        f"{m(r['database_cpu'] for r in rows) * 1000:.1f} ms, "
        f"{m(r['wal_syncs'] for r in rows):.2f} WAL flushes"
    )
    if args.save:
        goals.record(
            args.save,
            "live-ingest",
            agents=args.agents,
            rate=rate,
            fdatasync=fsync,
            p50_ms=m(r["p50"] for r in rows) * 1000,
            p95_ms=m(r["p95"] for r in rows) * 1000,
            server_cpu_ms=m(r["server_cpu"] for r in rows) * 1000,
            database_cpu_ms=m(r["database_cpu"] for r in rows) * 1000,
            load=m(r["load"] for r in rows),
        )


# ---- streams ----------------------------------------------------------------------------------


class Sockets:
    """The load client: raw sockets reading server-sent events, cheaply (one task each)."""

    def __init__(self, url: str, cookie: str) -> None:
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.cookie = cookie
        self.arrivals: dict[int, list[float]] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self.writers: list[asyncio.StreamWriter] = []
        self.refused = 0
        self.mark = mark()

    async def open(self, count: int, parallel: int = 100) -> None:
        gate = asyncio.Semaphore(parallel)
        opened: list[asyncio.Future[None]] = []

        async def one() -> None:
            async with gate:
                ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self.tasks.append(asyncio.create_task(self._read(ready)))
                await ready

        for _ in range(count):
            opened.append(asyncio.ensure_future(one()))
        await asyncio.gather(*opened)

    async def _read(self, ready: asyncio.Future[None]) -> None:
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 16)
            self.writers.append(writer)
            writer.write(
                f"GET /live/stream/ HTTP/1.1\r\nHost: {self.host}\r\nCookie: {self.cookie}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                if os.environ.get("BENCH_DEBUG"):
                    print(head[:300], file=sys.stderr)
                self.refused += 1
                ready.set_result(None)
                return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.refused += 1
            ready.set_result(None)
            return
        ready.set_result(None)
        tail = b""
        while True:
            chunk = await reader.read(1 << 16)
            if not chunk:
                return
            now = time.perf_counter()
            text = tail + chunk
            for match in self.mark.finditer(text):
                self.arrivals.setdefault(int(match.group(1)), []).append(now)
            tail = text[-64:] if not self.mark.search(text[-64:]) else b""

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in self.writers:
            writer.close()


def profile(pid: int, floor: bool) -> subprocess.Popen[bytes] | None:
    """With ``BENCH_PYSPY=<file>``, py-spy records the server (its workers too) while the events
    are published and delivered (not while the streams open), or while the agents post: per
    run, a flame graph (``.svg``) or collapsed stacks (any other name)."""
    target = os.environ.get("BENCH_PYSPY")
    if not target or floor:
        return None
    stem, dot, suffix = target.rpartition(".")
    output = f"{stem}-{TOKEN[0]}.{suffix}" if dot else f"{target}-{TOKEN[0]}"
    form = "flamegraph" if suffix == "svg" else "raw"  # raw: collapsed stacks, one a line
    command = [
        "py-spy",
        "record",
        "--subprocesses",
        *(["--native"] if os.environ.get("BENCH_PYSPY_NATIVE") else []),
        *(["--gil"] if os.environ.get("BENCH_PYSPY_GIL") else []),
        "--rate",
        "200",
        "--format",
        form,
        "--pid",
        str(pid),
        "-o",
        output,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # attached before the first event
    return process


def received_at(events: int) -> dict[int, float]:
    """When the server made each of this run's events (its ``received_at``, epoch seconds)."""
    from django.db import connection

    from rasad.live.models import DeviceEvent

    try:
        rows = DeviceEvent.objects.filter(text__startswith=f"bench {TOKEN[0]} ").values_list(
            "text", "received_at"
        )
        return {int(text.rsplit(" ", 1)[1]): at.timestamp() for text, at in rows[: events * 2]}
    finally:
        connection.close()


def publisher(url: str, post: Post, events: int, interval: float, sent: dict[int, float],
              requests: list[float], floor: bool) -> None:  # fmt: skip
    host, port = url.removeprefix("http://").split(":")
    for n in range(events):
        time.sleep(interval)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        sent[n] = time.perf_counter()
        if floor:
            body = json.dumps({"text": f"bench {TOKEN[0]} {n}"}).encode()
            connection.request("POST", "/publish", body=body, headers={"Content-Type": "application/json"})
            connection.getresponse().read()
        else:
            post_event(connection, post, f"bench {TOKEN[0]} {n}")
        requests.append(time.perf_counter() - sent[n])
        connection.close()


async def stream_run(
    listen_url: str,
    post_url: str,
    pid: int,
    cookie: str,
    post: Post,
    args: argparse.Namespace,
    *,
    floor: bool,
) -> dict[str, float]:
    from bench.common import tree_cpu_seconds

    TOKEN[0] = uuid.uuid4().hex[:8]
    sockets = Sockets(listen_url, cookie)
    await sockets.open(min(WARM, args.clients))
    await asyncio.sleep(2)
    rss_before, threads_before = tree_rss(pid)
    await sockets.open(args.clients - min(WARM, args.clients))
    await asyncio.sleep(3)
    rss_after, threads_after = tree_rss(pid)
    sent: dict[int, float] = {}
    requests: list[float] = []
    before = load()
    cpu_before = tree_cpu_seconds(pid)
    profiler = profile(pid, floor)
    thread = threading.Thread(
        target=publisher, args=(post_url, post, args.events, args.interval, sent, requests, floor)
    )
    thread.start()
    await asyncio.to_thread(thread.join)
    connected = args.clients - sockets.refused
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and sum(len(v) for v in sockets.arrivals.values()) < connected * args.events
    ):
        await asyncio.sleep(0.2)
    latencies = [t - sent[n] for n, times in sockets.arrivals.items() for t in times]
    cpu = tree_cpu_seconds(pid) - cpu_before
    # From the moment the server's ingest made the event (``received_at``, its wall clock, before
    # the insert and the commit) to each socket: nearer commit-to-client than from the POST.
    received = {} if floor else await asyncio.to_thread(received_at, args.events)
    offset = time.time() - time.perf_counter()
    from_server = [
        t + offset - received[n] for n, times in sockets.arrivals.items() if n in received for t in times
    ]
    sockets.close()
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        profiler.wait(timeout=60)
    return {
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "server_p50": percentile(from_server, 0.5),
        "server_p99": percentile(from_server, 0.99),
        "delivered": len(latencies),
        "expected": connected * args.events,
        "refused": sockets.refused,
        "per_client": (rss_after - rss_before) / max(1, args.clients - min(WARM, args.clients)),
        "request": statistics.median(requests) if requests else float("nan"),
        "threads": threads_after - threads_before,
        "cpu": cpu / args.events,
        "load": (before + load()) / 2,
    }


def stream(args: argparse.Namespace) -> None:
    from django.db import connections

    posts, cookie = build(1)
    connections.close_all()
    rasad_rows, floor_rows = [], []
    # granian serves at most GRANIAN_BACKPRESSURE requests at once per worker (default 1,024):
    # every open stream is one, and request 1,025 waits for one of them to end.
    backpressure = {"GRANIAN_BACKPRESSURE": str(args.clients + 100)}
    node_env = backpressure if args.nodes == 2 else {"RASAD_EVENT_BUS": "local", **backpressure}
    for _ in range(args.runs):
        with contextlib.ExitStack() as stack:
            a_url, a_pid = stack.enter_context(serve("--interface", "asgi", "--workers", "1", env=node_env))
            b_url, b_pid = (
                stack.enter_context(serve("--interface", "asgi", "--workers", "1", env=backpressure))
                if args.nodes == 2
                else (a_url, a_pid)
            )
            warm = _connection(a_url)
            post_event(warm, posts[0], "bench warm-up")
            warm.close()
            rasad_rows.append(
                asyncio.run(stream_run(b_url, a_url, b_pid, cookie, posts[0], args, floor=False))
            )
        with floor_server() as (f_url, f_pid):
            floor_rows.append(
                asyncio.run(stream_run(f_url, f_url, f_pid, cookie, posts[0], args, floor=True))
            )
    m = statistics.median
    where = "node A to streams on node B through Redis" if args.nodes == 2 else "one node"
    print(f"live streams: {args.clients} sockets, {args.events} events {args.interval:g} s apart, {where}, "
          f"{args.runs} runs")  # fmt: skip
    for name, rows in (("rasad", rasad_rows), ("floor", floor_rows)):
        for n, row in enumerate(rows, 1):
            print(
                f"  {name} run {n}: p50 {row['p50'] * 1000:.0f} ms, p99 {row['p99'] * 1000:.0f} ms "
                f"({row['delivered']:.0f} of {row['expected']:.0f} deliveries, "
                f"{row['refused']:.0f} refused); "
                + (
                    f"from the server's ingest p50 {row['server_p50'] * 1000:.0f} ms, "
                    f"p99 {row['server_p99'] * 1000:.0f} ms; "
                    if name == "rasad"
                    else ""
                )
                + f"POST {row['request'] * 1000:.0f} ms; server CPU {row['cpu'] * 1000:.0f} ms per event; "
                f"{row['per_client'] / 1024:.1f} KiB per idle stream "
                f"({row['threads']:+.0f} server threads); "
                f"load {row['load']:.1f}"
            )
    r50, r99 = m(r["p50"] for r in rasad_rows), m(r["p99"] for r in rasad_rows)
    f50, f99 = m(r["p50"] for r in floor_rows), m(r["p99"] for r in floor_rows)
    rm, fm = m(r["per_client"] for r in rasad_rows), m(r["per_client"] for r in floor_rows)
    print(
        f"  median: p50 {r50 * 1000:.0f} ms / floor {f50 * 1000:.0f} ms = {r50 / f50:.2f}x "
        f"(goal <= {goals.STREAM_P50_MS:.0f} ms); "
        f"p99 {r99 * 1000:.0f} ms / floor {f99 * 1000:.0f} ms = {r99 / f99:.2f}x "
        f"(goal <= {goals.STREAM_P99_MS / 1000:g} s); "
        f"memory per idle stream {rm / 1024:.1f} KiB / floor {fm / 1024:.1f} KiB "
        f"(goal <= {goals.STREAM_BYTES / 1000:.0f} KB); "
        f"from the server's ingest p50 {m(r['server_p50'] for r in rasad_rows) * 1000:.0f} ms, "
        f"p99 {m(r['server_p99'] for r in rasad_rows) * 1000:.0f} ms; "
        f"POST {m(r['request'] for r in rasad_rows) * 1000:.0f} ms; "
        f"server CPU per event {m(r['cpu'] for r in rasad_rows) * 1000:.0f} ms / floor "
        f"{m(r['cpu'] for r in floor_rows) * 1000:.0f} ms; "
        f"load {m(r['load'] for r in rasad_rows):.1f}"
    )
    if args.save:
        goals.record(
            args.save,
            "live-stream",
            nodes=args.nodes,
            clients=args.clients,
            p50_ms=r50 * 1000,
            p99_ms=r99 * 1000,
            bytes_per_client=rm,
            floor_p50_ms=f50 * 1000,
            floor_p99_ms=f99 * 1000,
            load=m(r["load"] for r in rasad_rows),
        )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "floor-server":
        run_floor_server(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("ingest")
    one.add_argument("--agents", type=int, default=32)
    one.add_argument("--seconds", type=float, default=8)
    one.add_argument("--runs", type=int, default=3)
    one.add_argument("--workers", type=int, default=2)
    many = commands.add_parser("stream")
    many.add_argument("--clients", type=int, default=5000)
    many.add_argument("--events", type=int, default=10)
    many.add_argument("--interval", type=float, default=0.5)
    many.add_argument("--runs", type=int, default=3)
    many.add_argument("--nodes", type=int, choices=[1, 2], default=1)
    for command in (one, many):
        command.add_argument("--save", default="", help="append the medians to this file (bench.goals)")
    args = parser.parse_args()
    ingest(args) if args.command == "ingest" else stream(args)


if __name__ == "__main__":
    main()
