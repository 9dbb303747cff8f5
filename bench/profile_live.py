"""Where one agent's single-event request spends its CPU and its round trips:
``POST /api/v1/live/ingest/`` in process (Django's test client with the middleware the server
runs for an agent, ``rasad.live.api.agents.AgentHandler``, or ``--whole``: every middleware; no
HTTP server), against the benchmark database (issue 17, item 7).

    python -m bench.profile_live --requests 200                      # CPU and statements per request
    python -m bench.profile_live --requests 200 --statements         # each SQL statement of one request
    python -m bench.profile_live --requests 200 --profile var/live.prof --top 40

Each request carries one new event of one of ``--posts`` field posts (as ``bench.live ingest``
sends them). It prints this process's CPU per request and the PostgreSQL server's (all its
processes, from ``/proc``), and the statements per request.
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
    args = parser.parse_args()
    posts, _cookie = build(args.posts)
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


if __name__ == "__main__":
    main()
