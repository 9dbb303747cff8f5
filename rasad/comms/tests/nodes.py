"""Two (or more) Rasad nodes on one machine for the federation tests: each its own database
(a SQLite file, or a PostgreSQL database when DATABASE_URL is set), its own operator key, its own
port, its own server and worker processes, started with the real ``rasad`` command."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rasad.comms.crypto import generate_key_text
from rasad.testing.database import copy_suite_database
from rasad.testing.ports import free_port

RASAD = str(Path(sys.executable).with_name("rasad"))


def _database_url(name: str) -> str | None:
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


class Node:
    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.dir = root / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = self.dir / "node.log"
        self.database = f"rasad_node_{name}_{os.getpid()}"
        self.database_url = _database_url(self.database)
        self.env = {
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("RASAD_", "DJANGO_", "PYTEST"))
            },
            "RASAD_DATA_DIR": str(self.dir),
            "RASAD_SECRET_KEY": "node-test-secret-" + name,
            "RASAD_COMMS_KEY": generate_key_text(),
            "RASAD_COMMS_NODE_URL": self.url,
            "RASAD_COMMS_ALLOW_HTTP": "true",
            "RASAD_COMMS_RETRY_MAX_SECONDS": "1",
            # Long enough for a cold server process on a loaded machine (2 cores, load 25).
            "RASAD_COMMS_PUSH_TIMEOUT_SECONDS": "15",
            "RASAD_LOG_LEVEL": "INFO",
            "RASAD_EVENT_BUS": "local",
            # Deliveries run in the worker the tests start and kill, not inside the server.
            "RASAD_SERVE_WORKER": "false",
            "RASAD_TASK_HEARTBEAT_SECONDS": "2",
            "RASAD_TASK_LEASE_SECONDS": "10",
            "REDIS_URL": "",
        }
        if self.database_url:
            self.env["DATABASE_URL"] = self.database_url
            self.env["RASAD_DB_POOL"] = "false"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    # -- set-up ---------------------------------------------------------------------------
    def create_database_from_suite(self) -> None:
        """An empty migrated database: a copy of the suite's own test database
        (``rasad.testing.database``), or migrated here when that database is not as the
        migrations left it. Call with the database unblocked (``django_db_blocker``)."""
        admin = None
        if self.database_url:
            admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
            import psycopg

            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
        if not copy_suite_database(
            postgres_admin_url=admin, database=self.database, sqlite_file=self.dir / "rasad.sqlite3"
        ):
            self.create_database_from(None)

    def create_database_from(self, template: Node | None) -> None:
        """An empty migrated database: migrated here, or copied from ``template``'s (much faster
        than migrating twice)."""
        if self.database_url:
            import psycopg

            admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
                if template is not None:
                    connection.execute(f'CREATE DATABASE "{self.database}" TEMPLATE "{template.database}"')
                else:
                    connection.execute(f'CREATE DATABASE "{self.database}"')
        elif template is not None:
            shutil.copy(template.dir / "rasad.sqlite3", self.dir / "rasad.sqlite3")
        if template is None:
            self.rasad("migrate", "--no-input", "-v", "0")

    def drop_database(self) -> None:
        if self.database_url:
            import psycopg

            admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # -- commands -------------------------------------------------------------------------
    def rasad(self, *args: str, check: bool = True) -> str:
        with self.log.open("ab") as log:
            result = subprocess.run(
                [RASAD, *args], env=self.env, stdout=subprocess.PIPE, stderr=log, timeout=600, check=False
            )
        if check and result.returncode != 0:
            raise AssertionError(f"rasad {' '.join(args)} failed on {self.name}; see {self.log}")
        return result.stdout.decode()

    def script(self, call: str) -> Any:
        """Run ``rasad.comms.tests.node_script.<call>`` in the node; its JSON result."""
        return self.scripts(call)[0]

    def scripts(self, *calls: str) -> list[Any]:
        """Run several calls of ``node_script`` one after the other in one process (each process
        costs about 1.7 s of processor time to start); their JSON results, in order."""
        output = self.rasad("shell", "-c", "from rasad.comms.tests.node_script import *; " + "; ".join(calls))
        results = [line for line in output.splitlines() if line.startswith("RESULT ")]
        if len(results) != len(calls):
            raise AssertionError(f"{len(results)} results from {calls} on {self.name}: {output!r}")
        with (self.dir / "decrypted-views.txt").open("a", encoding="utf-8") as views:
            views.writelines(line + "\n" for line in results)
        return [json.loads(line[len("RESULT ") :]) for line in results]

    def pending(self) -> int:
        """Deliveries still pending in the node's outbox, read from its database directly: polling
        with ``script("outbox()")`` started a Django process (about 1.7 s of processor time) every
        half second while a test waited for the outbox to drain."""
        from rasad.comms.choices import DeliveryStatus
        from rasad.comms.models import Delivery

        sql = f"SELECT count(*) FROM {Delivery._meta.db_table} WHERE status = %s"  # noqa: S608
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                row = connection.execute(sql, (DeliveryStatus.PENDING.value,)).fetchone()
        else:
            read_only = f"file:{self.dir / 'rasad.sqlite3'}?mode=ro"
            with contextlib.closing(sqlite3.connect(read_only, uri=True, timeout=30)) as connection:
                row = connection.execute(sql.replace("%s", "?"), (DeliveryStatus.PENDING.value,)).fetchone()
        assert row is not None
        return int(row[0])

    def fingerprint(self, code: str) -> str:
        output = self.rasad("comms", "fingerprint", code)
        return next(line.split(":", 1)[1].strip() for line in output.splitlines() if "digits:" in line)

    # -- processes ------------------------------------------------------------------------
    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.log.open("ab")
        # A session of its own, so that killing the group reaches the server's worker processes
        # too (``rasad serve`` execs granian, which forks its workers).
        return subprocess.Popen([RASAD, *args], env=self.env, stdout=log, stderr=log, start_new_session=True)

    def start_server(self) -> None:
        # One server process (threads as usual): what the tests ask of a node is one peer's push
        # at a time, and each process loads the whole application when it starts (seconds of
        # processor time; a server is started six times in the module).
        self.server = self._spawn(
            "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-migrate", "--workers", "1"
        )
        deadline = time.monotonic() + 180
        answered = 0
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "comms/federation/v1/node", timeout=30):  # noqa: S310
                    answered += 1
                # A few answers, so that each server process has loaded the application before a
                # peer's first push (a cold process answers slowly on a loaded machine).
                if answered >= 4:
                    return
            except OSError:
                if self.server.poll() is not None:
                    raise AssertionError(f"server of {self.name} exited; see {self.log}") from None
                time.sleep(0.3)
        raise AssertionError(f"server of {self.name} did not start; see {self.log}")

    def start_worker(self, interval: float = 0.2) -> None:
        """The task engine's worker (``rasad worker``): it pushes the outbox as sending enqueues."""
        self.worker = self._spawn("worker", "--poll", str(interval))

    def kill(self, which: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group of the server or worker and wait for it; a
        group still there after 30 s (a graceful stop on a loaded machine) is killed outright."""
        process = getattr(self, which)
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    os.killpg(process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # stragglers of the group
        setattr(self, which, None)

    def stop(self) -> None:
        for which in ("worker", "server"):
            self.kill(which, signal.SIGTERM)


def pin_each_other(first: Node, first_centre: str, second: Node, second_centre: str) -> None:
    """Each node registers the other's centre from its node and confirms the fingerprint the
    other node shows (what two administrators read to each other over the phone)."""
    first.rasad("comms", "add-peer", first_centre, "--url", second.url, "--code", second_centre)
    second.rasad("comms", "add-peer", second_centre, "--url", first.url, "--code", first_centre)
    first.rasad(
        "comms", "confirm-peer", first_centre, second_centre, "--digits", second.fingerprint(second_centre)
    )
    second.rasad(
        "comms", "confirm-peer", second_centre, first_centre, "--digits", first.fingerprint(first_centre)
    )


def wait_for(condition: Any, *, timeout: float = 120, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")
