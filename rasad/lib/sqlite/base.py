"""Django's SQLite backend with writers queued in the application, not in SQLite's busy loop.

SQLite allows one writer at a time. Two write transactions that meet wait in SQLite's busy
handler, which sleeps and retries; under 32 concurrent writers the slowest waited 12 s, near the
busy timeout. Here every write transaction (Django starts them with ``BEGIN IMMEDIATE``) first
takes the writer lock: a thread lock within the process, then an exclusive ``flock`` on a file
beside the database across processes. Waiters sleep in the kernel and wake as soon as the holder
commits, in turn; SQLite itself never sees two writers. Reads need no lock (WAL).

In-memory databases (the test suite) have one process and skip the file lock.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base


class WriterLock:
    """One writer at a time: a thread lock in the process, then an exclusive flock across them."""

    _locks: dict[str, tuple[threading.Lock, int | None]] = {}
    _guard = threading.Lock()

    def __init__(self, database: str) -> None:
        self.path = f"{database}.writer-lock" if _is_file(database) else ""
        with self._guard:
            if self.path not in self._locks:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600) if self.path else None
                self._locks[self.path] = (threading.Lock(), fd)
        self._thread_lock, self._fd = self._locks[self.path]

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise

    def release(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _is_file(name: str) -> bool:
    return bool(name) and name != ":memory:" and "mode=memory" not in name


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer: WriterLock | None = None
        self._holds_writer = False

    def _writer_lock(self) -> WriterLock:
        if self._writer is None:
            self._writer = WriterLock(str(self.settings_dict["NAME"]))
        return self._writer

    def _start_transaction_under_autocommit(self) -> None:
        lock = self._writer_lock()
        lock.acquire()
        self._holds_writer = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._holds_writer:
            self._holds_writer = False
            self._writer_lock().release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writer()
