"""Where one agent's single-event request spends its CPU and its round trips:
``POST /api/v1/live/ingest/`` in process (Django's test client with the middleware the server
runs for an agent, ``rasad.live.api.agents.AgentHandler``, or ``--whole``: every middleware; no
HTTP server), against the benchmark database (issue 17, item 7).

    python -m bench.profile_live --requests 200                      # CPU and statements per request
    python -m bench.profile_live --requests 200 --statements         # each SQL statement of one request
    python -m bench.profile_live --requests 200 --profile var/live.prof --top 40
    python -m bench.profile_live --requests 200 --group 16 --statements   # the write of a group

Each request carries one new event of one of ``--posts`` field posts (as ``bench.live ingest``
sends them). It prints this process's CPU per request and the PostgreSQL server's (all its
processes, from ``/proc``), and the statements per request.

``--group K``: the group commit's write alone (``do_ingest_batches``, as
``rasad.live.group_commit`` calls it) of K batches at once, each one new event of its own post,
without the request around it: the CPU and the statements per batch as a group grows (a worker
under load writes its waiting batches together).
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.client import ClientHandler
from django.utils import timezone

from bench.common import print_profile, server_cpu_seconds
from bench.live import build, event_body
from rasad.live.api.agents import AgentHandler


class AgentClientHandler(ClientHandler):
    """The test client's handler with the middleware the server runs for an agent's POST."""

    load_middleware = AgentHandler.load_middleware


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--posts", type=int, default=32)
    parser.add_argument("--profile", default="", help="write cProfile's statistics to this file")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--statements", action="store_true", help="print each SQL statement of one request")
    parser.add_argument("--whole", action="store_true", help="every middleware, as for a person's request")
    parser.add_argument("--group", type=int, default=0, help="time the write of groups of this many batches")
    args = parser.parse_args()
    posts, _cookie = build(max(args.posts, args.group))
    clients = [
        Client(HTTP_AUTHORIZATION=f"Bearer {post.secret}", HTTP_ACCEPT_LANGUAGE="fa") for post in posts
    ]
    if not args.whole:
        for client in clients:
            client.handler = AgentClientHandler(enforce_csrf_checks=False)

    def send(number: int) -> None:
        post = posts[number % len(posts)]
        response = clients[number % len(posts)].post(
            "/api/v1/live/ingest/", event_body(post.serial, "bench profile"), content_type="application/json"
        )
        if response.status_code != 200 or b'"created"' not in response.content:
            raise SystemExit(f"{response.status_code}: {response.content[:2000]!r}")

    if args.group:
        send = _group_sender(posts, args.group)
    for number in range(len(posts)):
        send(number)  # warm imports, caches, every credential's last_used
    statements: list[tuple[float, str]] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql))

    # On the CPU clock: waiting for the database (the round trips) is not the process's cost.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpus: list[float] = []
    server_before = server_cpu_seconds()
    wall = time.perf_counter()
    with connection.execute_wrapper(counted):
        for number in range(args.requests):
            cpu = time.process_time()
            if profiler is not None:
                profiler.enable()
            send(number)
            if profiler is not None:
                profiler.disable()
            cpus.append(time.process_time() - cpu)
    wall = time.perf_counter() - wall
    server_after = server_cpu_seconds()
    if args.group:  # per batch: each "request" above was a group's write
        cpus = [cpu / args.group for cpu in cpus]
        args.requests *= args.group
    database = (
        f", PostgreSQL CPU {(server_after - server_before) / args.requests * 1000:.2f} ms per request"
        if server_before is not None and server_after is not None
        else ""
    )
    print(
        f"{args.requests} single-event requests: CPU median {statistics.median(cpus) * 1000:.2f} ms, "
        f"mean {statistics.fmean(cpus) * 1000:.2f} ms{database}; "
        f"{len(statements) / args.requests:.1f} statements per request "
        f"(BEGIN and COMMIT not counted); wall {wall / args.requests * 1000:.2f} ms per request"
    )
    if args.statements:  # the mean time of each statement, over the requests that sent the same ones
        shapes: dict[str, list[float]] = {}
        for seconds, sql in statements:
            shapes.setdefault(" ".join(sql.split())[:150], []).append(seconds)
        for shape, times in shapes.items():
            print(f"  {statistics.fmean(times) * 1000:6.2f} ms x {len(times) / args.requests:.2f}  {shape}")
    if profiler is not None:
        print_profile(profiler, args.profile, args.top)


def _group_sender(posts: list[Any], size: int) -> Any:
    """A ``send`` that writes a group of ``size`` batches (the next posts' new events) in one
    transaction, as the group commit's leader does."""
    import hashlib
    import json

    from rasad.live.actions import authenticate_agent, parse_batch
    from rasad.live.actions.ingest import Submission, do_ingest_batches

    credentials = [credential for post in posts if (credential := authenticate_agent(post.secret))]

    def send(number: int) -> None:
        submissions = []
        for offset in range(size):
            index = (number * size + offset) % len(posts)
            raw = event_body(posts[index].serial, "bench profile")
            now = timezone.now()
            batch = parse_batch(json.loads(raw), now, digest=hashlib.sha256(raw).hexdigest())
            submissions.append(Submission(credentials[index], batch, now, request_id=None, ip="127.0.0.1"))
        for result in do_ingest_batches(submissions):
            if [o.result.value for o in result.events] != ["created"]:
                raise SystemExit(f"not created: {result.as_json()}")

    return send


if __name__ == "__main__":
    main()
