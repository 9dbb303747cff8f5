"""Kept connections spread evenly over the server's worker processes.

granian's workers on Linux each listen on a socket of their own bound with ``SO_REUSEPORT``, and
the kernel hands each new connection to one of them by a hash of its addresses and ports: 32
connections split like 32 coin tosses (16/16 in one run of seven, 20/12 or worse in one of
four; docs/development/benchmarks.md, "Requests", session 26). A kept connection stays with its
worker, so in a closed loop (a benchmark's clients, or a reverse proxy's kept upstream
connections) each worker's clients wait in proportion to their number, and the busier worker
sets the tail latency. Forcing one shared socket made it worse (the first worker woken takes
nearly all), and granian has no option for it.

So each worker counts, a few times a second, the established connections it holds on the
server's port (its own sockets, by ``getsockname`` and ``TCP_INFO``: cost in proportion to its
own descriptors), and writes the count into its slot of a small shared table that ``rasad
serve`` creates before it starts granian (an anonymous shared memory file, inherited by the
workers). A worker holding more than its share of the total (the total over the workers, rounded
up) answers that many of its next responses with ``Connection: close``, as HTTP/1.1 allows on
any response; the client (wrk, a browser, nginx's upstream pool) opens a new connection, which
the kernel's hash places again, and the table's next reading corrects what landed on the same
worker. Nothing moves while the split is even, and a connection that closes costs its client one
new TCP handshake.
"""

from __future__ import annotations

import fcntl
import math
import mmap
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

ENVIRONMENT = "RASAD_SERVE_SPREAD"  # "descriptor:port:workers", set by ``rasad serve``
SLOTS = 64
_SLOT = struct.Struct("ii")  # the worker's process id (0: free), its connections on the port
_TCP_ESTABLISHED = 1


def create_table() -> int:
    """A shared table for ``SLOTS`` workers: an anonymous memory file whose descriptor survives
    ``exec`` and is inherited by granian's workers."""
    descriptor = os.memfd_create("rasad-serve-spread", 0)
    os.ftruncate(descriptor, SLOTS * _SLOT.size)
    return descriptor


def established_on(port: int) -> int:
    """How many established TCP connections this process holds whose local port is ``port``.

    A descriptor is looked at only if ``/proc/self/fd`` names it a socket, and through a socket
    object laid over it and detached again, never a duplicate that is then closed: closing any
    descriptor of a file drops every POSIX lock this process holds on that file, and SQLite's
    locks on the embedded database are such locks. The first version duplicated and closed every
    descriptor, the database's among them, four times a second: a worker's locks vanished, the
    background worker's connection then believed itself the database's last and deleted its
    write-ahead log, and commits written there were lost (sign-ins of the demo whose sessions
    never reached the database; "disk I/O error"). A descriptor closed and reused between the
    look and the use is at worst counted as what it has become, and never closed from here."""
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue  # a file, a pipe, the directory being listed: not touched
            probe = socket.socket(fileno=int(name))
        except OSError:
            continue  # closed meanwhile, or no longer a socket
        try:
            if probe.type != socket.SOCK_STREAM or probe.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            if probe.getsockname()[1] != port:
                continue
            # struct tcp_info starts with the connection's state
            if probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == _TCP_ESTABLISHED:
                count += 1
        except OSError:
            continue
        finally:
            probe.detach()  # the object lets go of the descriptor without closing it
    return count


class Table:
    """This worker's view of the shared table."""

    def __init__(self, descriptor: int, workers: int) -> None:
        self.descriptor = descriptor
        self.workers = max(1, workers)
        self.memory = mmap.mmap(descriptor, SLOTS * _SLOT.size)
        self.slot = self._claim()

    def _claim(self) -> int:
        """The first slot that is free or whose process has ended (a worker granian replaced)."""
        fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        try:
            for slot in range(SLOTS):
                pid, _count = _SLOT.unpack_from(self.memory, slot * _SLOT.size)
                if pid == 0 or not _alive(pid):
                    _SLOT.pack_into(self.memory, slot * _SLOT.size, os.getpid(), 0)
                    return slot
        finally:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
        raise RuntimeError("more server workers than the spread table has slots")

    def excess(self, mine: int) -> int:
        """Write this worker's count; how many connections it holds beyond its share."""
        _SLOT.pack_into(self.memory, self.slot * _SLOT.size, os.getpid(), mine)
        total = 0
        for slot in range(SLOTS):
            pid, count = _SLOT.unpack_from(self.memory, slot * _SLOT.size)
            if pid and (slot == self.slot or _alive(pid)):  # not a worker that has ended
                total += count
        return max(0, mine - math.ceil(total / self.workers))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Spread:
    """WSGI middleware: ``Connection: close`` on as many responses as the worker holds
    connections beyond its share (the module's docstring)."""

    def __init__(
        self, app: WSGIApp, table: Table, port: int, *, interval: float = 0.25, start: bool = True
    ) -> None:
        self.app = app
        self.table = table
        self.port = port
        self.interval = interval
        self.budget = 0  # responses still to close; read and lowered without a lock: a race
        # closes one connection more or less, which the next reading corrects
        if start:
            threading.Thread(target=self._watch, name="rasad-spread", daemon=True).start()

    def measure(self) -> None:
        self.budget = self.table.excess(established_on(self.port))

    def _watch(self) -> None:  # pragma: no cover - the loop around ``measure``, in a worker
        while True:
            time.sleep(self.interval)
            try:
                self.measure()
            except OSError:
                self.budget = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.budget <= 0 or environ.get("SERVER_PROTOCOL") != "HTTP/1.1":
            return self.app(environ, start_response)

        def closing(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if self.budget > 0:
                self.budget -= 1
                headers = [*headers, ("Connection", "close")]
            return start_response(status, headers, exc_info)

        return self.app(environ, closing)


def spread(app: WSGIApp) -> WSGIApp:
    """``app`` behind ``Spread`` when ``rasad serve`` set up the table; ``app`` otherwise (tests,
    another server, a platform without ``memfd_create``)."""
    value = os.environ.get(ENVIRONMENT, "")
    if not value:
        return app
    try:
        descriptor, port, workers = (int(part) for part in value.split(":"))
        table = Table(descriptor, workers)
    except (ValueError, OSError):  # not the table rasad serve made (inherited by another process)
        return app
    return Spread(app, table, port) if workers > 1 else app
