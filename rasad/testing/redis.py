"""A Redis server of a test's own, for tests that stop and restart it and so must not touch the
one the rest of the suite shares (the test command's throwaway server).

``throwaway_redis()`` starts ``redis-server`` on a free loopback port without persistence, as
``scripts/lib/services.sh`` does; ``restart()`` stops it and starts it again on the same port
(what it held is gone, as after a real restart without persistence); on exit it is stopped.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rasad.testing.ports import free_port

START_SECONDS = 30


@dataclass
class RedisServer:
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603 (the installed redis-server, fixed arguments)
            [program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server did not start: {log}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server at once (SIGKILL: what a crash or an OOM kill does)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None

    def restart(self, down_seconds: float) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def _answers(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock,
        ):
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False


@contextlib.contextmanager
def throwaway_redis(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), log=directory / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
