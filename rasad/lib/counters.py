"""Fixed-window counters shared by every worker process: the store behind login throttling and
the API's rate limits.

* With ``REDIS_URL`` the counters live in Redis (``INCR`` and ``EXPIRE`` in one round trip), so
  every worker on every node counts together.
* Without it they live in a small SQLite file next to the data (``RATE_COUNTER_PATH``), which
  every worker process on the machine opens: an embedded installation runs on one machine, and
  several nodes need Redis anyway (for the event bus). The file holds nothing but counters
  (``synchronous=OFF``): after a crash it may forget recent counts, never corrupt data.

A counter is named by a key and a window in seconds. The window opens at the counter's first hit
and closes ``window`` seconds later, when the counter starts again from nothing; :func:`hit`
adds one and returns the new count and the seconds until the window closes (a client's
``Retry-After``).
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings

PREFIX: Final = "rasad:rate:"


@dataclass(frozen=True)
class Count:
    count: int
    retry_after: int  # whole seconds until the window ends


def _left(expires: float, now: float) -> int:
    return max(1, math.ceil(expires - now))


class _Redis:
    def __init__(self, url: str) -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url)

    def hit(self, key: str, window: int, now: float) -> Count:
        name = PREFIX + key
        pipeline = self.client.pipeline()
        pipeline.set(name, 0, ex=window, nx=True)  # opens the window at the first hit
        pipeline.incr(name)
        pipeline.ttl(name)
        _, count, ttl = pipeline.execute()
        return Count(int(count), max(1, int(ttl)))

    def get(self, key: str, window: int, now: float) -> Count:
        pipeline = self.client.pipeline()
        pipeline.get(PREFIX + key)
        pipeline.ttl(PREFIX + key)
        count, ttl = pipeline.execute()
        return Count(int(count or 0), max(1, int(ttl)) if count else window)

    def reset(self, key: str) -> None:
        self.client.delete(PREFIX + key)

    def clear(self) -> None:
        for name in self.client.scan_iter(match=f"{PREFIX}*"):
            self.client.delete(name)


class _SQLite:
    _SCHEMA: Final = (
        "CREATE TABLE IF NOT EXISTS counter "
        "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._hits = 0

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(self._SCHEMA)
            self._local.connection = connection
        return connection

    def hit(self, key: str, window: int, now: float) -> Count:
        db = self._db()
        count, expires = db.execute(
            "INSERT INTO counter (key, count, expires) VALUES (:key, 1, :expires) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN counter.expires > :now THEN counter.count + 1 ELSE 1 END, "
            "expires = CASE WHEN counter.expires > :now THEN counter.expires ELSE :expires END "
            "RETURNING count, expires",
            {"key": key, "now": now, "expires": now + window},
        ).fetchone()
        self._hits += 1
        if self._hits % 1000 == 0:  # forget windows long closed
            db.execute("DELETE FROM counter WHERE expires < ?", (now - 3600,))
        return Count(int(count), _left(float(expires), now))

    def get(self, key: str, window: int, now: float) -> Count:
        row = (
            self._db()
            .execute("SELECT count, expires FROM counter WHERE key = ? AND expires > ?", (key, now))
            .fetchone()
        )
        return Count(int(row[0]), _left(float(row[1]), now)) if row else Count(0, window)

    def reset(self, key: str) -> None:
        self._db().execute("DELETE FROM counter WHERE key = ?", (key,))

    def clear(self) -> None:
        self._db().execute("DELETE FROM counter")


def _now() -> float:
    return time.time()


_stores: dict[tuple[str, str], _Redis | _SQLite] = {}
_lock = threading.Lock()


def _store() -> _Redis | _SQLite:
    redis_url = settings.REDIS_URL
    location = (redis_url, "" if redis_url else str(settings.RATE_COUNTER_PATH))
    store = _stores.get(location)
    if store is None:
        with _lock:
            store = _stores.get(location)
            if store is None:
                store = _Redis(redis_url) if redis_url else _SQLite(Path(location[1]))
                _stores[location] = store
    return store


def hit(key: str, window: int) -> Count:
    """Count one event for ``key`` in the current window of ``window`` seconds."""
    return _store().hit(key, window, _now())


def get(key: str, window: int) -> Count:
    """The count of ``key`` in the current window, without adding to it."""
    return _store().get(key, window, _now())


def reset(key: str) -> None:
    _store().reset(key)


def clear() -> None:
    """Forget every counter (tests start from nothing)."""
    _store().clear()
