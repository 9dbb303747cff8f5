"""Kept connections spread over the server's workers: each counts its own on the port, shares the
count, and closes what it holds beyond its share (rasad.lib.spread)."""

from __future__ import annotations

import fcntl
import os
import socket
import sqlite3
import subprocess
import sys

import pytest

from rasad.lib.spread import Spread, Table, create_table, established_on


@pytest.fixture
def table_descriptor():
    descriptor = create_table()
    yield descriptor
    os.close(descriptor)


def test_a_worker_counts_its_established_connections_on_the_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        accepted = [listener.accept()[0] for _ in clients]
        try:
            descriptors = len(os.listdir("/proc/self/fd"))
            # The accepted three; neither the listener nor the clients (their local port is another).
            assert established_on(port) == 3
            # Every descriptor it looked at through a duplicate, sockets or not, closed again (the
            # first version left the others' open, four times a second, until the worker had none).
            assert len(os.listdir("/proc/self/fd")) == descriptors
            accepted[0].close()
            assert established_on(port) == 2
        finally:
            for each in clients + accepted:
                each.close()


TRY_LOCK = """
import fcntl, sys
with open(sys.argv[1], "r+b") as handle:
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("held")
    else:
        print("free")
"""


def _lock_seen_from_another_process(path) -> str:
    answer = subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(path)], capture_output=True, text=True, check=True
    )
    return answer.stdout.strip()


def test_counting_leaves_the_process_s_file_locks_alone(tmp_path):
    # A POSIX lock belongs to the process and the file: closing any descriptor of that file (a
    # duplicate included) drops it. SQLite's locks on the embedded database are such locks; the
    # first version's duplicates, closed four times a second, dropped them, and another process
    # then deleted the database's write-ahead log under the worker's commits.
    locked = tmp_path / "locked"
    locked.write_bytes(b"x")
    with open(locked, "r+b") as handle, socket.socket() as listener:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert _lock_seen_from_another_process(locked) == "held"
        established_on(listener.getsockname()[1])
        assert _lock_seen_from_another_process(locked) == "held"


READ_ONCE = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM t').fetchone()"


def test_counting_beside_an_open_sqlite_database_keeps_its_log(tmp_path):
    # The demo's loss itself: a process holding the database open, a count, and then another
    # process opening and closing it, which deletes the write-ahead log only if it believes
    # itself the last connection.
    database = tmp_path / "rasad.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (1)")
    keeper = sqlite3.connect(database)
    try:
        keeper.execute("SELECT count(*) FROM t").fetchone()
        established_on(1)
        subprocess.run(
            [
                sys.executable,
                "-c",
                READ_ONCE,
                str(database),
            ],
            check=True,
        )
        assert (tmp_path / "rasad.sqlite3-wal").exists()
        keeper.execute("INSERT INTO t VALUES (2)")
        keeper.commit()
    finally:
        keeper.close()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == 2


def test_the_worker_beyond_its_share_closes_that_many_responses_and_no_more(table_descriptor):
    # Two workers' views of one table (two slots of this process).
    busy, quiet = Table(table_descriptor, 2), Table(table_descriptor, 2)
    busy.excess(21)
    assert quiet.excess(11) == 0  # 11 of 32
    seen = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    def start_response(status, headers, exc_info=None):
        seen.append(dict(headers).get("Connection"))

    gate = Spread(app, busy, port=0, start=False)
    gate.budget = busy.excess(21)  # 21 of 32: five beyond the share of 16
    assert gate.budget == 5
    for _ in range(7):
        gate({"SERVER_PROTOCOL": "HTTP/1.1"}, start_response)
    assert seen == ["close"] * 5 + [None] * 2
    # Once even, nothing closes; nor does a protocol without keep-alive by header.
    assert quiet.excess(16) == 0 and busy.excess(16) == 0
    gate.budget = 1
    gate({"SERVER_PROTOCOL": "HTTP/2"}, start_response)
    assert seen[-1] is None
