"""SQLite writers queue on the application's writer lock, never in SQLite's busy loop: 32 threads
(each with its own connection) and a second process write at once with a busy timeout too short to
survive contention, and every write lands."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connections

from rasad.lib.sqlite.base import DatabaseWrapper

WRITERS = 32


def wrapper(path: Path) -> DatabaseWrapper:
    settings = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            "w": {
                "ENGINE": "rasad.lib.sqlite",
                "NAME": str(path),
                # A busy timeout of 50 ms: a writer that queued inside SQLite behind a few others
                # would fail; a moment's lock while a connection opens the WAL file would not.
                "OPTIONS": {"timeout": 0.05, "transaction_mode": "IMMEDIATE"},
            },
        }
    )["w"]
    return DatabaseWrapper(settings, alias="w")


def write(path: Path, label: str, rows: int) -> None:
    conn = wrapper(path)
    try:
        for index in range(rows):
            conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with conn.cursor() as cursor:
                cursor.execute("INSERT INTO t (label, n) VALUES (%s, %s)", [label, index])
            conn.commit()
            conn.set_autocommit(True)
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _unblocked(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_concurrent_writers_queue_in_the_application(tmp_path: Path):
    path = tmp_path / "w.sqlite3"
    setup = wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT, n INTEGER)")
    # Kept open: while one connection stays, SQLite keeps the WAL file, so a connection that opens
    # meanwhile never has to rebuild the WAL index (a moment's exclusive lock, not a writer).
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, '.');"
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'rasad.settings');"
            "django.setup();"
            "from pathlib import Path; from rasad.lib.tests.test_sqlite_writer import write;"
            f"write(Path({str(path)!r}), 'process', 40)",
        ],
    )
    errors: list[BaseException] = []

    def thread(label: str) -> None:
        try:
            write(path, label, 5)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=thread, args=(f"thread-{i}",)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other.wait(timeout=120) == 0
    assert errors == []
    with setup.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == WRITERS * 5 + 40
    setup.close()


def test_a_failed_transaction_releases_the_lock(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    conn = wrapper(path)
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT, n INTEGER)")
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    conn.rollback()
    conn.set_autocommit(True)
    write(path, "after", 1)  # would block forever if the rollback had kept the lock
    conn.close()
