"""A PostgreSQL cluster of a test's own, for tests that stop, restart or restore a server and so
must not touch the one the rest of the suite shares (the test command's throwaway cluster).

``throwaway_cluster()`` runs ``initdb`` in a new directory under the system's temporary directory
(pytest's own are private to their user, and the server may run as another), starts the server
on a free loopback port, and on exit stops it at once and removes the directory. As root, the
cluster runs as ``postgres``, like ``scripts/lib/services.sh``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasad.testing.ports import free_port


def pg_bin() -> Path:
    """The newest installed PostgreSQL's ``bin`` directory (Debian's layout)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not candidates:
        found = shutil.which("initdb")
        if found is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb)")
        return Path(found).parent
    return candidates[-1]


def dump_database(settings: dict[str, Any], database: str, path: Path) -> None:
    """Database ``database`` of the server that Django ``settings`` (a connection's
    ``settings_dict``) reach, as SQL in ``path`` (``pg_dump`` without owners and grants), readable
    by a cluster of a test's own (``Cluster.load``, which runs as ``postgres`` under root)."""
    subprocess.run(  # noqa: S603 (PostgreSQL's own program, fixed arguments)
        [
            str(pg_bin() / "pg_dump"), "--no-owner", "--no-privileges", "--file", str(path),
            "--host", settings["HOST"] or "127.0.0.1", "--port", str(settings["PORT"] or 5432),
            "--username", settings["USER"], database,
        ],
        env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""},
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    path.chmod(0o644)


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "pg"

    def url(self, database: str = "rasad") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL program (``pg_ctl``, ``psql`` ...) as the cluster's owner."""
        command = [str(pg_bin() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # The command is this module's own: a PostgreSQL program and fixed arguments.
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.directory / "pg.log"), "-w", "-o", options, "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self.run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-At",
            "-c",
            sql,
        )
        return result.stdout.strip()

    def create_database(self, name: str) -> None:
        self.psql(f'CREATE DATABASE "{name}"')

    def load(self, dump: Path, database: str) -> None:
        """A new database ``database`` holding what the SQL file ``dump`` makes (``pg_dump``)."""
        self.create_database(database)
        self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump),
        )  # fmt: skip


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="rasad-pg-"))
    cluster = Cluster(directory=directory, port=free_port())
    (directory / "pg").mkdir(parents=True)
    (directory / "sock").mkdir()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        for child in directory.iterdir():
            shutil.chown(child, "postgres")
        directory.chmod(0o755)
    cluster.run(
        "initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
    )
    cluster.start()
    try:
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)
