"""Django's PostgreSQL backend, made to fail fast while the server is away and to recover within
seconds of its return.

* **Fail fast.** When connecting fails, every connection attempt of this process in the next
  :data:`PROBE_INTERVAL` seconds fails at once, without waiting for the pool or the network: the
  request answers 503 (``rasad.lib.dbhealth``) in milliseconds instead of holding a worker for the
  pool's timeout. With the pool, its own background reconnection attempts are the probe (each
  failure extends the interval, the first success ends it); without it, the first request after
  the interval tries again. A pool timeout under load is not taken for an outage.
* **No wait for a pooled connection that cannot come.** When the server stops, every pooled
  connection fails its check, and psycopg's pool makes the request wait out its whole timeout
  (1.5 s) for a new one. :meth:`Pool.getconn` waits in slices of :data:`POOL_WAIT_SLICE` and
  between them gives up as soon as the pool's attempt to connect has found the server away, so a
  request caught in flight by the stop answers 503 in about a tenth of a second.
* **Bounded reconnect backoff.** psycopg's pool retries a failed connection with a doubling
  delay (1, 2, 4 ... s, up to five minutes), so after an outage of two minutes it may not try
  again for another two. :class:`Pool` caps the delay at :data:`MAX_RECONNECT_DELAY`, so service
  resumes within a few seconds of the server's return.
* **Health check.** A pooled connection is checked before it is handed out
  (``CONN_HEALTH_CHECKS``), so a connection the server dropped while restarting is replaced, not
  used to fail a request. The check (:func:`check_connection`) looks at the socket first and
  sends a query only when the server has written to it.
* **A pooled session's time zone.** A connection given back to the pool in another time zone
  than Django set (a request ran ``SET TIME ZONE``) is set back (:func:`reset_time_zone`), so
  the next request reads instants and SQL's dates in the zone Django expects.
* **Date-times read by psycopg's own loader.** Django reads every ``timestamptz`` with a loader
  of its own (psycopg's pure-Python parser, then the connection's time zone put in), which
  bypasses psycopg's C loader; when the session's time zone is UTC, as Django sets it for a
  database without its own ``TIME_ZONE``, psycopg's loader gives the same aware UTC values
  (:func:`utc_adapters`). Parsing a list's 200 date-times fell from about 0.7 to 0.1 ms.

``docs/operations.md`` ("When the database is away") states what operators and clients see.
"""

from __future__ import annotations

import functools
import select
import threading
import time
from datetime import UTC
from functools import cache
from typing import Any, Final

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, operations
from django.db.backends.postgresql.psycopg_any import get_adapters_template, register_tzloader
from django.utils.asyncio import async_unsafe
from psycopg import adapt
from psycopg.pq import Format
from psycopg.types.datetime import TimestamptzLoader
from psycopg_pool import ConnectionPool, PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

PROBE_INTERVAL: Final = 1.0
MAX_RECONNECT_DELAY: Final = 1.0
POOL_WAIT_SLICE: Final = 0.1


class _Availability:
    """When this process last failed to reach the database (shared by all its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_until = 0.0

    def check(self) -> None:
        if time.monotonic() < self._down_until:
            raise psycopg.OperationalError(
                "connection failed moments ago: not retrying before the probe interval ends"
            )

    def mark_down(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + PROBE_INTERVAL

    def mark_up(self) -> None:
        self._down_until = 0.0


availability = _Availability()


class _CappedAttempt(AttemptWithBackoff):
    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, MAX_RECONNECT_DELAY)


def check_connection(connection: psycopg.Connection[Any]) -> None:
    """The pool's check of an idle connection before handing it out, without a round trip to the
    server when the socket shows it is alive.

    PostgreSQL writes to an idle connection only to end it: a stop, a restart or a terminated
    backend sends an error and closes the socket, which then reads as ready. A socket with
    nothing to read and no hang-up is a connection the server still holds; one with something is
    checked as psycopg checks every connection (an empty query), which fails on a closed one, and
    the pool replaces it. psycopg's own check sent that query before every request: a round trip
    of about 0.4 ms of CPU between the two processes (docs/development/benchmarks.md, "Session
    14"). A server that vanished without closing (a network partition) is found by neither check
    in time; the request's query fails instead."""
    if connection.closed or connection.broken:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        ConnectionPool.check_connection(connection)


def reset_time_zone(connection: psycopg.Connection[Any], time_zone: str) -> None:
    """The pool's reset of a connection given back: its session's time zone set back to
    ``time_zone`` (the pool's, as Django configured its connections) if a request changed it.

    A request may move its session to another zone (``SET TIME ZONE``, ``set_config``: a
    maintenance task, a report run in Tehran's time), and the pool would hand that session to the
    next request: psycopg's loader (:func:`utc_adapters`) would then give its date-times in that
    zone rather than UTC, Django's own loader (a database with its own ``TIME_ZONE``) would
    relabel the instants with the wrong offset, and SQL's dates (``::date``, ``date_trunc``,
    ``CURRENT_DATE``) would fall on that zone's day. The server reports the zone on every change
    (psycopg keeps it in ``info``), so an unchanged session costs no round trip."""
    if connection.closed or connection.info.parameter_status("TimeZone") == time_zone:
        return  # (the pool calls it on a connection it has just closed, too)
    connection.execute("SELECT set_config('TimeZone', %s, false)", [time_zone])
    if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        connection.commit()  # a connection left out of autocommit


class Pool(ConnectionPool):
    """psycopg's pool with the reconnection delay capped, whose connection attempts tell the
    process whether the server is there (psycopg-pool 3.2-3.3 create the attempt in
    ``_add_connection`` and connect in ``_connect``)."""

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        super()._add_connection(attempt or _CappedAttempt(timeout=self.reconnect_timeout), growing)

    def _putconn(self, conn: Any, from_getconn: bool) -> None:
        """A connection given back idle is returned on the request's own thread, its reset
        (:func:`reset_time_zone`) sending nothing unless the session's zone changed. psycopg's pool
        hands every returned connection to one of its worker threads as soon as a ``reset`` is
        set: a thread switch and a queue per request, and a connection that comes back to the
        pool a moment after its request ended. A connection in a transaction or broken takes
        psycopg's own path (rolled back, or replaced, by a worker)."""
        return_now = getattr(self, "_return_connection", None)  # psycopg-pool 3.2-3.3's name
        idle = conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if self._reset is not None and idle and return_now is not None:
            return_now(conn, from_getconn=from_getconn)
        else:
            super()._putconn(conn, from_getconn)

    def getconn(self, timeout: float | None = None) -> Any:
        """A connection within ``timeout`` (the pool's), or an error as soon as the server is
        known to be away."""
        total = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + total
        while True:
            availability.check()
            left = deadline - time.monotonic()
            if left <= 0:
                raise PoolTimeout(f"couldn't get a connection after {total:.2f} sec")
            try:
                return super().getconn(min(POOL_WAIT_SLICE, left))
            except PoolTimeout:
                continue

    def _connect(self, timeout: float | None = None) -> Any:
        try:
            connection = super()._connect(timeout)
        except psycopg.OperationalError:
            availability.mark_down()
            raise
        availability.mark_up()
        return connection


@cache
def utc_adapters() -> adapt.AdaptersMap:
    """Django's adapters for a UTC connection, with psycopg's own ``timestamptz`` loader.

    Django registers a loader of its own (``BaseTzLoader``: psycopg's Python loader, then
    ``replace(tzinfo=...)`` with the connection's zone). Being a subclass defined outside psycopg,
    it is never swapped for psycopg's C loader, so every date-time a query reads is parsed in
    Python. psycopg's loader gives the instant in the session's time zone, and for a session in
    UTC that zone is ``datetime.UTC``, Django's own: the same aware values, NULLs and
    errors (infinity, dates BC) as Django's loader (``rasad/lib/tests/test_timestamptz.py``).
    ``register_loader`` picks the C loader where psycopg's binary package is installed."""
    adapters = adapt.AdaptersMap(get_adapters_template(True, UTC))
    adapters.register_loader("timestamptz", TimestamptzLoader)
    return adapters


# The loader class the map holds (psycopg's C class when its binary package is installed).
UTC_LOADER: Final = utc_adapters().get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        """Django's, or the statement's own text when psycopg has none to give: a statement run
        prepared on the server (``rasad.lib.prepared``) leaves no query text on the cursor, and
        the query log (``CaptureQueriesContext``, ``DEBUG``) would record ``None``."""
        found: str | None = super().last_executed_query(cursor, sql, params)
        return sql if found is None else found


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def _reads_utc(self) -> bool:
        """Whether date-times are read in UTC: Django's time zone support is on and the database
        has no ``TIME_ZONE`` of its own, so Django sets the session's zone to UTC."""
        return bool(settings.USE_TZ) and self.timezone is UTC

    # Set while ``connect`` takes a connection from a pool already made (``get_connection_params``).
    _from_pool = False

    def get_connection_params(self) -> dict[str, Any]:
        if self._from_pool:
            # The pool made its connections with the parameters of its creation, and Django's
            # ``get_new_connection`` only asks it for one: about 20 µs of CPU a request
            # (docs/development/benchmarks.md, "What a one-row write costs", session 24).
            return {}
        params: dict[str, Any] = super().get_connection_params()
        if "context" in params and self._reads_utc():
            params["context"] = utc_adapters()
        return params

    def connect(self) -> None:
        self._from_pool = self.pool is not None and self.alias in self._connection_pools  # type: ignore[attr-defined]
        try:
            super().connect()
        finally:
            self._from_pool = False

    def _set_autocommit(self, autocommit: bool) -> None:
        """Django's, without psycopg's locked round of its generator when the connection is in that
        mode already: a pooled connection comes back in autocommit, as Django asks for it at
        every request's connect."""
        if self.connection.autocommit != autocommit:
            with self.wrap_database_errors:
                self.connection.autocommit = autocommit

    @async_unsafe
    def create_cursor(self, name: str | None = None) -> Any:
        """Django's cursor. Django asks the connection's ``timestamptz`` loader for its zone and
        registers its own loader on the cursor when they differ; psycopg's loader has no such
        attribute, so for a connection made with :func:`utc_adapters` the cursor is made here,
        as Django makes it, and Django's loader is registered on it only when the settings
        changed since the connection was made (tests overriding ``USE_TZ``)."""
        connection = self.connection
        if connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT) is not UTC_LOADER:
            return super().create_cursor(name)
        if not name:
            cursor = connection.cursor()
        elif self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            server_side: Any = base.ServerSideCursor  # typed by django-stubs for psycopg2
            cursor = server_side(connection, name=name, scrollable=False, withhold=connection.autocommit)
        else:
            cursor = connection.cursor(name, scrollable=False, withhold=connection.autocommit)
        if not self._reads_utc():
            register_tzloader(self.timezone, cursor)
        return cursor

    @property
    def pool(self) -> Any:
        # Django's own property, building a Pool instead of a ConnectionPool.
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        pools: dict[str, Any] = self._connection_pools  # type: ignore[attr-defined]
        if self.alias not in pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True
            options = {} if pool_options is True else dict(pool_options)
            time_zone = self.timezone_name
            if time_zone and "reset" not in options:
                options["reset"] = functools.partial(reset_time_zone, time_zone=time_zone)
            pool = Pool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,  # type: ignore[attr-defined]
                check=check_connection if self.settings_dict["CONN_HEALTH_CHECKS"] else None,
                **options,
            )
            pools.setdefault(self.alias, pool)
        return pools[self.alias]

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        availability.check()
        if self.pool:
            return super().get_new_connection(conn_params)
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError:
            availability.mark_down()
            raise
        availability.mark_up()
        return connection
