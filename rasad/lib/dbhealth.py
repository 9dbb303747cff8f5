"""Telling "the database is away" from a bug.

A request that fails because the database cannot be reached (stopped, restarting, refusing
connections, the connection pool empty) or is momentarily busy (SQLite's write lock, a deadlock)
is answered 503 with ``Retry-After``: the client should try again, nothing is wrong with its
request. Every other database error stays a 500, a bug to fix.
"""

from __future__ import annotations

from typing import Final

from django.db import utils

# PostgreSQL SQLSTATEs that mean "not now" rather than "never": connection exceptions (class 08),
# the server shutting down or starting (57P01-57P05), too many connections (53300), and a
# transaction that lost a race and may simply be run again (40001 serialization, 40P01 deadlock),
# a statement cancelled by its timeout (57014).
_TRANSIENT_SQLSTATES: Final = frozenset(
    {"53300", "57014", "57P01", "57P02", "57P03", "57P04", "57P05", "40001", "40P01"}
)
_TRANSIENT_MESSAGES: Final = (
    "database is locked",  # SQLite: the busy timeout passed while another process wrote
    "connection",  # psycopg: "connection failed", "the connection is closed", "server closed the connection"
    "couldn't get a connection",  # psycopg_pool.PoolTimeout
    "terminating",  # "terminating connection due to administrator command"
    "the database system is",  # "... is starting up", "... is shutting down", "... in recovery mode"
)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or the driver error it wraps) means the database cannot serve now."""
    if not isinstance(error, (utils.OperationalError, utils.InterfaceError)):
        return False
    if isinstance(error, utils.InterfaceError):
        return True  # "connection already closed": the connection died under us
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in _TRANSIENT_SQLSTATES
    message = str(cause).lower()
    return any(fragment in message for fragment in _TRANSIENT_MESSAGES)
