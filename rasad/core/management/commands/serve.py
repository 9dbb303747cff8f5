"""``rasad serve``: Rasad over HTTP with granian (docs/development/dependencies.md has why).

The request/response application runs as WSGI on threads (``rasad.wsgi``, behind the admission
gate); ``--interface asgi`` serves the ASGI application instead, for streaming responses.
After migrating, this process replaces itself with the server (``exec``), so the supervisor that
watches the workers does not keep a copy of Django and the app in memory: only the workers import
the application. With ``--worker`` (the default with SQLite: one command runs everything) a
``rasad worker`` process for background tasks is started first, as a child that the kernel stops
when the server stops. With several WSGI workers, the workers spread kept connections evenly
among themselves through a table this command creates before it starts granian
(``rasad.lib.spread``).

Before anything else the command checks that no other server listens on its address
(``check_address``): granian's workers bind their sockets with ``SO_REUSEPORT``, so a second
granian on the same port would bind it too and share its connections, an old version and a new
one answering side by side. ``--share-port`` allows it for a deliberate restart
(docs/operations.md, "Restarting the server").
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rasad.lib import spread


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


def check_address(host: str, port: int, *, share: bool = False) -> None:
    """Refuse, with the address and the cause in the user's language, an address this command's
    server could not or should not listen on: one where another server already listens (unless
    ``share``: a deliberate restart), one this user may not use, one that is not this machine's.

    The probe binds a socket there without ``SO_REUSEPORT`` (and with ``SO_REUSEADDR``, as granian
    does, so that the connections a stopped server left in TIME_WAIT do not count): a listener,
    granian's included, then makes the bind fail with EADDRINUSE, where granian's own bind,
    with ``SO_REUSEPORT`` on, would succeed beside a granian of the same user."""
    if port == 0:  # a port the system picks is free by definition
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                if share:
                    return
                cause = _(
                    "another server is already listening there (an earlier rasad serve?). Stop it, "
                    "choose another port with --port, or, for a deliberate restart beside it, "
                    "add --share-port."
                )
            elif error.errno == errno.EACCES:
                cause = _("this user may not listen on that port (ports below 1024 need privileges).")
            elif error.errno == errno.EADDRNOTAVAIL:
                cause = _("that address is not one of this machine's.")
            else:
                cause = error.strerror or str(error)
            raise CommandError(
                _("Cannot serve on %(address)s: %(cause)s") % {"address": address, "cause": cause}
            ) from None


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
            "--share-port",
            action="store_true",
            help="Start even though another server listens on the port, sharing it (a deliberate "
            "restart: both answer until the old one is stopped; docs/operations.md).",
        )
        parser.add_argument(
            "--worker",
            action=argparse.BooleanOptionalAction,
            default=settings.RASAD_SERVE_WORKER,
            help="Also run a background worker (default: RASAD_SERVE_WORKER; on with SQLite).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # First: a second server started by mistake must not migrate under the running one.
        check_address(options["host"], options["port"], share=options["share_port"])
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["worker"]:
            worker = start_worker()
            self.stdout.write(f"background worker running (process {worker.pid})")
        argv = server_argv(options)
        workers = int(argv[argv.index("--workers") + 1])
        if (
            options["interface"] == "wsgi"
            and workers > 1
            and options["port"]
            and hasattr(os, "memfd_create")
            and spread.ENVIRONMENT not in os.environ  # set empty: not spread (to compare)
        ):
            # The workers' shared table for spreading kept connections (rasad.lib.spread).
            os.environ[spread.ENVIRONMENT] = f"{spread.create_table()}:{options['port']}:{workers}"
        self.stdout.write(
            f"Rasad on http://{options['host']}:{options['port']}/  (data: {settings.DATA_DIR}; "
            f"{argv[argv.index('--workers') + 1]} workers, {options['interface'].upper()})"
        )
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter and fixed arguments
