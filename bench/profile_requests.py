"""Where the fixed cost of a request goes: API requests in process, through the WSGI application
``rasad serve`` runs (admission gate, every middleware, DRF, the view), with no HTTP server,
against the benchmark database and ``bench.requests``' world.

    python -m bench.profile_requests                                  # CPU and statements per request
    python -m bench.profile_requests --path /api/v1/users/me/ --profile var/me.prof --top 40
    python -m bench.profile_requests --middleware                     # what each middleware costs
    python -m bench.profile_requests --writes --statements            # one-row observation writes
    python -m bench.profile_requests --writes --scale 10              # the same over 10× the history
    python -m bench.profile_requests --round-trip                     # what one more statement costs a write

For each path: the process CPU time per request (median of five runs of ``--requests``), the
PostgreSQL server's CPU per request, and the SQL statements one request sends (listed with
``--statements``). ``--profile`` runs the requests of the first path under cProfile and prints
the functions with the most cumulative and own time. ``--middleware`` measures, for each path,
the stack without each middleware in turn (and without any), rounds interleaved: what leaving one
out saves is what it costs, the work it triggers in others included ("required" where the
request fails without it). ``--writes`` sends one-row observation writes instead (``POST
/api/v1/observations/bulk/`` as the company's reporter, each with its own batch id and a new value,
over the sites, indicators and months of ``bench.requests``' writes); their statements include
the rollup fold after commit when one is due, but not the driver's BEGIN and COMMIT nor a COPY.
``--round-trip`` sends the same writes in rounds that alternate, in one process, between the
write as it is and the write with one more prepared statement (a one-row read by index) in its
transaction, just before its write statement: what one round trip to PostgreSQL costs a write,
in the application's CPU and the server's, the size of what a statement fewer would save.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import statistics
import sys
import time
from typing import Any

from django.db import connection

from bench.common import INDICATORS, print_profile, server_cpu_seconds
from bench.requests import World, build_world

PATHS = ("/healthz", "/api/v1/users/me/")
BULK = "/api/v1/observations/bulk/"


def environ(path: str, token: str | None, body: bytes | None = None) -> dict[str, Any]:
    path_info, _sep, query = path.partition("?")
    posted = (
        {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))} if body is not None else {}
    )
    return {
        **posted,
        "REQUEST_METHOD": "GET" if body is None else "POST",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body or b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}),
    }


def answered(application: Any, path: str, request: dict[str, Any]) -> bytes:
    """The body ``application`` answers ``request`` with, which must be a 200 (else the run stops
    and says what came back)."""
    status: list[str] = []
    result = application(request, lambda s, h, *e: status.append(s))
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{path}: {status[0]}: {body[:2000]!r}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", action="append", help=f"paths to request (default: {', '.join(PATHS)})")
    parser.add_argument("--requests", type=int, default=400, help="requests per run (five runs a path)")
    parser.add_argument("--profile", default="", help="write cProfile's statistics to this file")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--statements", action="store_true", help="list the statements of one request")
    parser.add_argument(
        "--middleware", action="store_true", help="the cost of each middleware, left out in turn"
    )
    parser.add_argument("--writes", action="store_true", help="one-row observation writes (POST)")
    parser.add_argument(
        "--scale", type=int, default=1, help="bench.requests' data at this scale (10: ten times the history)"
    )
    parser.add_argument(
        "--round-trip", action="store_true", help="writes with and without one more statement, alternated"
    )
    parser.add_argument(
        "--rounds", type=int, default=16, help="--round-trip: rounds of --requests writes a side"
    )
    args = parser.parse_args()
    if args.middleware:
        middleware_costs(args.path or list(PATHS), args.requests)
        return
    if args.round_trip:
        round_trip_cost(args.requests, args.rounds)
        return
    world = build_world(args.scale)
    from rasad.wsgi import application

    bodies = write_bodies(world)

    def send(path: str) -> bytes:
        request = (
            environ(path, world.reporter_token, next(bodies))
            if path == BULK
            else environ(path, world.analyst_token)
        )
        return answered(application, path, request)

    statements: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    paths = [BULK] if args.writes else args.path or PATHS
    for path in paths:
        for _warm in range(50):
            send(path)
        statements.clear()
        with connection.execute_wrapper(counted):
            send(path)
        cpus: list[float] = []
        server_before = server_cpu_seconds()
        for _run in range(5):
            started = time.process_time()
            for _request in range(args.requests):
                send(path)
            cpus.append((time.process_time() - started) / args.requests)
        server_after = server_cpu_seconds()
        database = (
            f", PostgreSQL {(server_after - server_before) / (5 * args.requests) * 1000:.2f} ms"
            if server_before is not None and server_after is not None
            else ""
        )
        print(
            f"{path:<32} Python CPU {statistics.median(cpus) * 1000:6.2f} ms per request "
            f"(runs {', '.join(f'{c * 1000:.2f}' for c in cpus)}){database}; "
            f"{len(statements)} SQL statements"
        )
        if args.statements:
            for sql in statements:
                print(f"    {' '.join(sql.split())[:300]}")
    if args.profile:
        path = paths[-1]
        # CPU time, not wall time: waiting for PostgreSQL (or for a core) is not what this looks for.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _request in range(args.requests):
            send(path)
        profiler.disable()
        print_profile(profiler, args.profile, args.top)


def write_bodies(world: World) -> Any:
    """One-row batches without end: each with its own batch id and a value not sent before, over
    the company's sites, the indicators and the months (``bench.requests``' writes)."""
    keys = itertools.cycle(itertools.product(world.sites, INDICATORS, world.months))
    for count in itertools.count():
        site, indicator, month = next(keys)
        row = {"organization": site, "indicator": indicator, "period": month, "value": 10_000 + count}
        yield json.dumps({"batch_id": f"profile-{os.getpid()}-{count}", "observations": [row]}).encode()


def round_trip_cost(requests: int, rounds: int) -> None:
    """One-row writes in rounds of ``requests``, alternating (ABBA) between the write path as it
    is and the same with one more prepared statement sent in its transaction just before the
    write statement; the median CPU a write of each side (the process's and PostgreSQL's) and the
    median of each round's difference."""
    from rasad.indicators.actions import reporting
    from rasad.lib import prepared

    world = build_world(1)
    from rasad.wsgi import application

    bodies = write_bodies(world)
    write = reporting._write_at_once
    extra = {"on": False}

    def with_one_more(*args: Any, **kwargs: Any) -> Any:
        if extra["on"]:
            prepared.fetch("SELECT id FROM indicators_indicator WHERE id = ANY(%s)", [[1]])
        return write(*args, **kwargs)

    def send() -> None:
        answered(application, BULK, environ(BULK, world.reporter_token, next(bodies)))

    reporting._write_at_once = with_one_more
    try:
        for side in (False, True):
            extra["on"] = side
            for _warm in range(50):
                send()
        cpu: dict[bool, list[float]] = {False: [], True: []}
        database: dict[bool, list[float]] = {False: [], True: []}
        for number in range(rounds):
            for side in (False, True) if number % 2 == 0 else (True, False):
                extra["on"] = side
                server_before, started = server_cpu_seconds(), time.process_time()
                for _request in range(requests):
                    send()
                cpu[side].append((time.process_time() - started) / requests * 1e3)
                server_after = server_cpu_seconds()
                if server_before is not None and server_after is not None:
                    database[side].append((server_after - server_before) / requests * 1e3)
    finally:
        reporting._write_at_once = write
    for side, name in ((False, "as it is"), (True, "one statement more")):
        server = f", PostgreSQL {statistics.median(database[side]):.3f} ms" if database[side] else ""
        print(f"{name:<20} Python CPU {statistics.median(cpu[side]):.3f} ms a write{server}")
    python = [more - less for less, more in zip(cpu[False], cpu[True], strict=True)]
    higher = sum(difference > 0 for difference in python)
    server = ""
    if database[False] and database[True]:
        differences = [more - less for less, more in zip(database[False], database[True], strict=True)]
        server = f", PostgreSQL {statistics.median(differences) * 1e3:.0f} µs"
    print(
        "one statement more, the median of the rounds' differences: "
        f"Python {statistics.median(python) * 1e3:.0f} µs{server} "
        f"(Python higher in {higher} rounds of {rounds}; load {os.getloadavg()[0]:.1f})"
    )


def middleware_costs(paths: list[str], requests: int, rounds: int = 7) -> None:
    """Each path through the full stack, through the stack without each middleware in turn and
    through none, round after round; the median CPU per request of each and its difference to
    the full stack's."""
    import logging

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    world = build_world(1)
    full = list(settings.MIDDLEWARE)
    variants = {
        "all": full,
        **{f"without {name.rsplit('.', 1)[1]}": [m for m in full if m != name] for name in full},
    }
    variants["none"] = []
    handlers: dict[str, Any] = {}
    try:
        for name, stack in variants.items():
            settings.MIDDLEWARE = stack
            handlers[name] = WSGIHandler()
    finally:
        settings.MIDDLEWARE = full
    logging.disable(logging.CRITICAL)  # the stacks missing a middleware others need log 500s

    def send(handler: Any, path: str) -> str:
        status: list[str] = []
        result = handler(environ(path, world.analyst_token), lambda s, h, *e: status.append(s))
        b"".join(result)
        result.close()
        return status[0]

    for path in paths:
        required = {name for name, handler in handlers.items() if not send(handler, path).startswith("200")}
        timed = {name: handler for name, handler in handlers.items() if name not in required}
        cpus: dict[str, list[float]] = {name: [] for name in timed}
        for _round in range(rounds):
            for name, handler in timed.items():
                started = time.process_time()
                for _request in range(requests):
                    send(handler, path)
                cpus[name].append((time.process_time() - started) / requests * 1e6)
        whole = statistics.median(cpus["all"])
        print(f"{path} (load {os.getloadavg()[0]:.1f}):")
        for name in handlers:
            if name in required:
                print(f"    {name:<48} required")
            else:
                median = statistics.median(cpus[name])
                print(f"    {name:<48} {median:7.1f} µs per request, saves {whole - median:6.1f} µs")


if __name__ == "__main__":
    main()
