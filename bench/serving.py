"""The serving-stack decision, re-measured: the same two apps on four server stacks.

    python -m bench.serving --seconds 6 --rounds 3

Apps: bare Django (``bench/bare.py``: one view, no middleware) and Rasad's ``/healthz`` (the full
middleware stack, no database). Stacks, two worker processes each:
  * granian, WSGI on threads (what ``rasad serve`` runs);
  * gunicorn, WSGI, threaded workers (gthread, 4 threads);
  * gunicorn, WSGI, sync workers;
  * uvicorn, ASGI with uvloop and httptools (what ``rasad serve`` ran before).
wrk with 16 connections; medians of the rounds, stacks interleaved within each round, the load
average beside each figure. docs/development/dependencies.md records the decision.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bench.requests import _wait_for, wrk
from rasad.testing.ports import free_port

STACKS = {
    "granian WSGI (threads)": [
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        "2",
        "--blocking-threads",
        "8",
        "--backpressure",
        "8",
        "--no-ws",
        "--log-level",
        "warning",
        "--no-access-log",
    ],
    "gunicorn WSGI (gthread ×4)": ["-m", "gunicorn", "-w", "2", "--threads", "4"],
    "gunicorn WSGI (sync)": ["-m", "gunicorn", "-w", "2"],
    "uvicorn ASGI (uvloop, httptools)": [
        "-m",
        "uvicorn",
        "--workers",
        "2",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ],
}
APPS = {
    "bare Django": ("bench.bare:wsgi", "bench.bare:asgi", "/"),
    "Rasad /healthz": ("rasad.wsgi:application", "rasad.asgi:application", "/healthz"),
}


@contextmanager
def serve(stack: str, app: str) -> Iterator[str]:
    port = free_port()
    wsgi, asgi, path = APPS[app]
    argv = [sys.executable, *STACKS[stack]]
    if "granian" in stack:
        argv += ["--port", str(port), wsgi]
    elif "gunicorn" in stack:
        argv += ["-b", f"127.0.0.1:{port}", wsgi]
    else:
        argv += ["--port", str(port), asgi]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        _wait_for(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    for _round in range(args.rounds):
        for app in APPS:
            for stack in STACKS:
                with serve(stack, app) as url:
                    wrk(url, 16, 2)  # warm-up
                    results.setdefault((app, stack), []).append(wrk(url, 16, args.seconds))
    for app in APPS:
        print(app)
        for stack in STACKS:
            rounds = results[(app, stack)]
            print(
                f"  {stack:<34} {statistics.median(r['rps'] for r in rounds):>8,.0f} req/s   "
                f"p95 {statistics.median(r['p95'] for r in rounds) / 1000:>6.1f} ms   "
                f"(load {statistics.median(r['load'] for r in rounds):.1f})"
            )


if __name__ == "__main__":
    main()
