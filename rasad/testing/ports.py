"""A free TCP port for a server a test or benchmark starts (PostgreSQL, Redis, a Rasad node).

Asking the kernel for port 0 gives a port from its *ephemeral* range, the same range it hands to
every outgoing connection: between our closing the probe socket and the server binding the port,
any client connection on the machine (a test's connection to PostgreSQL, another worker's HTTP
call) may be given that port, and the server then fails with "address already in use" — CI saw
exactly that. A port below the ephemeral range is never handed out for outgoing connections, so
only another server that picks the same port in the same instant can take it; the pick is random
across some twenty thousand ports to make that negligible."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

LOWEST = 10_000
_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_TRIES = 200


def ephemeral_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections (Linux's default when it cannot be read)."""
    try:
        low, high = (int(part) for part in _RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return 32_768, 60_999
    return low, high


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nobody listens on, outside the ephemeral range where the machine allows it."""
    low, high = ephemeral_range()
    if low - LOWEST >= 1_000:
        candidates = range(LOWEST, low)
    elif high < 65_535 - 1_000:
        candidates = range(high + 1, 65_536)
    else:  # the whole range is ephemeral: the kernel's own choice is as good as any
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])
    for _ in range(_TRIES):
        port = candidates[secrets.randbelow(len(candidates))]
        if _is_free(port):
            return port
    raise RuntimeError(f"no free port in {candidates.start}–{candidates.stop - 1}")


if __name__ == "__main__":  # scripts/lib/services.sh, before any virtual environment exists
    print(free_port())
