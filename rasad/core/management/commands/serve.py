"""``rasad serve``: Rasad over HTTP with granian (docs/development/dependencies.md has why).

The request/response application runs as WSGI on threads (``rasad.wsgi``, behind the admission
gate); ``--interface asgi`` serves the ASGI application instead, for streaming responses.
After migrating, this process replaces itself with the server (``exec``), so the supervisor that
watches the workers does not keep a copy of Django and the app in memory: only the workers import
the application. With ``--worker`` (the default with SQLite: one command runs everything) a
``rasad worker`` process for background tasks is started first, as a child that the kernel stops
when the server stops.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def default_threads() -> int:
    """Threads per WSGI worker: enough that every request the admission gate may hold (running
    or queued) is inside the application, plus the live streams the WSGI server allows and two
    for ``/healthz``. With fewer, granian keeps the surplus in its own queue, where the gate
    cannot see it and cannot answer 503 quickly: under five times the capacity the refusals then
    took seconds (``bench/requests.py --overload``). A thread waiting in the gate costs its
    stack's touched pages, not CPU."""
    return settings.ADMISSION_LIMIT + settings.ADMISSION_QUEUE + settings.RASAD_LIVE_THREAD_STREAMS + 2


def server_argv(options: dict[str, Any]) -> list[str]:
    """The granian command line for ``options`` (kept separate so that tests can check it)."""
    workers = options.get("workers") or os.cpu_count() or 1
    interface = options.get("interface") or "wsgi"
    threads = options.get("threads") or default_threads()
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        interface,
        "--host",
        str(options.get("host") or "127.0.0.1"),
        "--port",
        str(options.get("port") or 8000),
        "--workers",
        str(workers),
        "--no-ws",
        "--respawn-failed-workers",
        "--log-level",
        "warning",
        "--access-log" if options.get("access_log") else "--no-access-log",
    ]
    if interface == "wsgi":
        argv += ["--blocking-threads", str(threads), "--backpressure", str(threads)]
        argv.append("rasad.wsgi:application")
    else:
        # Every open stream is a request in progress: admit as many as a node must hold.
        argv += ["--backpressure", str(settings.RASAD_LIVE_ASGI_STREAMS)]
        # What each held connection costs: docs/live.md, "Serving streams".
        argv += ["--http1-buffer-size", str(settings.RASAD_LIVE_ASGI_BUFFER_BYTES)]
        argv.append("rasad.asgi:application")
    return argv


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: stop when the server process ends


def start_worker() -> subprocess.Popen[bytes]:
    """``rasad worker`` as a child process; it survives this process's exec into the server (same
    process id) and is stopped by the kernel when the server ends."""
    return subprocess.Popen([sys.executable, "-m", "rasad", "worker"], preexec_fn=_die_with_parent)


class Command(BaseCommand):
    help = (
        "Serve Rasad over HTTP (granian; WSGI on threads, one worker per CPU by default). "
        "Migrates first unless --no-migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=0, help="Worker processes (default: one per CPU).")
        parser.add_argument(
            "--threads",
            type=int,
            default=0,
            help="Threads per worker (default: the admission limit, its queue, the live streams, two).",
        )
        parser.add_argument(
            "--access-log", action="store_true", help="Log every request (off by default: it costs CPU)."
        )
        parser.add_argument(
            "--interface",
            choices=["wsgi", "asgi"],
            default="wsgi",
            help="wsgi (default) for request/response; asgi for streaming responses.",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply pending migrations.")
        parser.add_argument(
            "--worker",
            action=argparse.BooleanOptionalAction,
            default=settings.RASAD_SERVE_WORKER,
            help="Also run a background worker (default: RASAD_SERVE_WORKER; on with SQLite).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["worker"]:
            worker = start_worker()
            self.stdout.write(f"background worker running (process {worker.pid})")
        argv = server_argv(options)
        self.stdout.write(
            f"Rasad on http://{options['host']}:{options['port']}/  (data: {settings.DATA_DIR}; "
            f"{argv[argv.index('--workers') + 1]} workers, {options['interface'].upper()})"
        )
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and fixed arguments
