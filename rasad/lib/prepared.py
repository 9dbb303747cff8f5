"""Queries compiled once per process: the hot statements every request sends.

Django compiles a queryset to SQL each time it is evaluated, and for the short statements every
API request sends (the token with its user and grants) compiling cost more CPU than running
them: 2-4 ms a request of resolving names, building joins and quoting columns, for SQL that is
the same every time but for one or two values. :class:`PreparedQuery` lets Django compile the
queryset once per process and database (the SQL is Django's own, so it stays correct on SQLite
and PostgreSQL and follows the models), then sends that SQL with the request's values.

The values that change are *slots*: the queryset is built once with a distinct sentinel value
in each slot's place, and the positions where the compiled parameters hold that sentinel are
remembered. Rows are converted as the ORM converts them (booleans and datetimes on SQLite, JSON),
and the statement goes through the connection's cursor, so query counting and the database's
execute wrappers see it like any other.

    TOKEN = PreparedQuery(
        lambda key: ApiToken.objects.filter(key_hash=key).values_list("pk", "user_id"),
        key="\\x00sentinel-key",
    )
    rows = TOKEN.rows(key=hash_token(secret))

A slot may hold a list (:class:`Many`): the queryset is built with ``field__in=[sentinel]``, and
the ``IN (%s)`` Django wrote becomes ``= ANY(%s)`` with an array on PostgreSQL and
``IN (SELECT value FROM json_each(%s))`` with a JSON list on SQLite, so that one statement serves
lists of every length (a batch's organizations, one or a thousand). ``build`` may also return
``(sql, params)`` composed from compiled querysets (a ``UNION ALL`` of several); its rows are
then returned as the database gives them. In such a statement an :class:`Array` slot is a list
sent whole as one array (``unnest(%s::bigint[])``), for SQL written by hand.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import math
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import QuerySet
from psycopg import postgres, pq
from psycopg._preparing import Prepare, PrepareManager
from psycopg.adapt import Dumper, PyFormat
from psycopg.pq.abc import PGresult
from psycopg.types.json import Jsonb

# A statement's values: positional (``%s``) or named (``%(name)s``), as psycopg takes them.
Params = Sequence[Any] | Mapping[str, Any]


class Many:
    """A slot holding a list of values (``field__in``); ``sentinel`` is the one element the
    queryset is built with, a value that appears nowhere else in the query's parameters.

    Values of the sentinel's type are sent as they are. Any other value (text for an integer or
    a UUID column, Persian digits, ``True`` for 1) is converted by the filtered field's
    ``get_prep_value``, as ``field__in`` converts it, and one the field refuses raises the ORM's
    own error. A slot of a statement built as ``(sql, params)`` has no field to ask: a value of
    another type raises ``TypeError`` there."""

    def __init__(self, sentinel: Any) -> None:
        self.sentinel = sentinel

    def values(self, given: Any, field: Any, name: str) -> list[Any]:
        """``given`` as a list of values of the slot's type (``None`` kept: it matches nothing)."""
        values = list(given)
        kind = type(self.sentinel)
        if all(type(value) is kind or value is None for value in values):
            return values  # the common case: one pass, no conversion
        if field is None:
            raise TypeError(f"the list slot {name!r} takes values of type {kind.__name__}")
        return [None if value is None else field.get_prep_value(value) for value in values]


class Array(Many):
    """A slot holding a list sent whole as one array parameter, for a statement written by hand
    (``unnest(%s::bigint[], %s::text[]) AS pair(organization_id, period_key)``): on PostgreSQL
    in an array's text form (``array_literal``), typed by the SQL's cast; elsewhere as a JSON
    list. The statement is built with ``[sentinel]`` in its place. Joining the rows of such
    arrays by index, rather than filtering by ``= ANY`` of several lists, gives PostgreSQL a
    plan that does not depend on the lists' lengths: the same for one pair as for a hundred,
    which a generic plan needs (``rasad.indicators.actions.reporting``)."""


def _list_fields(query: Any, sentinels: dict[str, Any]) -> dict[str, Any]:
    """The field each list slot filters (``field__in``), found in ``query``'s conditions."""
    lists = {
        name: sentinel
        for name, sentinel in sentinels.items()
        if isinstance(sentinel, Many) and not isinstance(sentinel, Array)
    }
    found: dict[str, Any] = {}

    def visit(node: Any) -> None:
        for child in getattr(node, "children", ()):
            visit(child)
        rhs = getattr(node, "rhs", None)
        if getattr(node, "lookup_name", None) == "in" and isinstance(rhs, list | tuple | set):
            for name, sentinel in lists.items():
                if name not in found and any(_same(value, [sentinel.sentinel]) for value in rhs):
                    found[name] = node.lhs.output_field
        subquery_conditions = getattr(rhs, "where", None)
        if subquery_conditions is not None:
            visit(subquery_conditions)

    if lists:
        visit(query.where)
    return found


# Django's placeholders, and the literal "%" it doubles.
_PLACEHOLDER = re.compile(r"%%|%s")


def placeholders(sql: str) -> Iterator[tuple[int, re.Match[str]]]:
    """Each ``%s`` of Django's ``sql`` (a doubled ``%%`` is text) with its parameter's position."""
    index = 0
    for match in _PLACEHOLDER.finditer(sql):
        if match.group() == "%s":
            yield index, match
            index += 1


def _lists_as_arrays(sql: str, positions: set[int], vendor: str) -> str:
    """``sql`` with the ``IN (%s)`` of each parameter at ``positions`` taking a whole list."""
    pieces: list[str] = []
    start = 0
    for index, match in placeholders(sql):
        if index in positions:
            before = sql[start : match.start()]
            if not before.endswith(" IN (") or not sql.startswith(")", match.end()):
                raise ValueError("a list slot must be a field__in filter")
            pieces.append(before[: -len(" IN (")])
            pieces.append(" = ANY(%s" if vendor == "postgresql" else " IN (SELECT value FROM json_each(%s)")
            start = match.end()
    pieces.append(sql[start:])
    return "".join(pieces)


class _Compiled:
    """One query's SQL for one database, the parameter positions of its slots (and which of them
    take lists), and the converters of its columns."""

    def __init__(self, built: QuerySet[Any] | tuple[str, Any], sentinels: dict[str, Any], alias: str) -> None:
        self.fields: dict[str, Any] = {}
        if isinstance(built, tuple):
            compiler = None
            sql, params = built
        else:
            self.fields = _list_fields(built.query, sentinels)
            compiler = built.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
        connection = connections[alias]
        operations = connection.ops
        self.params: list[Any] = list(params)
        self.slots: list[tuple[int, str]] = []
        # The list slots' positions, and of those the ``Array`` slots' (written by hand, not
        # ``IN (%s)``: their SQL is not rewritten).
        self.lists: set[int] = set()
        self.arrays: set[int] = set()
        self.many = {name: sentinel for name, sentinel in sentinels.items() if isinstance(sentinel, Many)}
        for name, sentinel in sentinels.items():
            many = isinstance(sentinel, Many)
            # An array is one parameter (its list); a list slot one per element of ``IN (…)``.
            value = sentinel.sentinel if many else sentinel
            if isinstance(sentinel, Array):
                value = [value]
            forms = [value]
            if isinstance(value, datetime):
                forms.append(operations.adapt_datetimefield_value(value))
            if isinstance(value, uuid.UUID) and not connection.features.has_native_uuid_field:
                forms.append(value.hex)  # how Django sends a UUID where it is text (SQLite)
            positions = [index for index, value in enumerate(self.params) if _same(value, forms)]
            if not positions:
                raise ValueError(f"the slot {name!r} is not among the query's parameters")
            self.slots.extend((index, name) for index in positions)
            if many:
                self.lists.update(positions)
            if isinstance(sentinel, Array):
                self.arrays.update(positions)
        rewritten = self.lists - self.arrays
        self.sql: str = _lists_as_arrays(sql, rewritten, connection.vendor) if rewritten else sql
        self.converters: list[tuple[int, tuple[Any, ...], Any]] = []
        # How many columns its rows have (known for a compiled queryset only).
        self.width: int | None = None
        if compiler is not None:
            self.width = compiler.col_count
            columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
            self.converters = [
                (position, tuple(functions), expression)
                for position, (functions, expression) in compiler.get_converters(columns).items()
            ]

    def bind(self, values: dict[str, Any], connection: Any) -> list[Any]:
        """The statement's parameters with ``values`` in their slots."""
        params = list(self.params)
        if self.many and connection.vendor == "postgresql":
            _send_array_text(connection)
        lists = {
            name: self.many[name].values(values[name], self.fields.get(name), name) for name in self.many
        }
        for index, name in self.slots:
            value = values[name]
            if index in self.lists:
                value = (
                    array_literal(lists[name], type(self.many[name].sentinel))
                    if connection.vendor == "postgresql"
                    else json.dumps([_as_text_uuid(v, connection) for v in lists[name]])
                )
            elif isinstance(value, datetime):
                value = connection.ops.adapt_datetimefield_value(value)
            else:
                value = _as_text_uuid(value, connection)
            params[index] = value
        return params

    def convert(self, rows: list[list[Any]], connection: Any) -> list[list[Any]]:
        """``rows`` (lists, changed in place) with their values converted as the ORM would."""
        for row in rows:
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        return rows

    def ending_with(self, suffix: str) -> _Compiled:
        """The same statement with ``suffix`` after its SQL (a page's LIMIT/OFFSET clause)."""
        if not suffix:
            return self
        extended = copy.copy(self)
        extended.sql = self.sql + suffix
        return extended


class _ArrayText(str):
    """An array in PostgreSQL's text form (``array_literal``), sent with its array type."""


class _BigintArray(_ArrayText):
    pass


class _TextArray(_ArrayText):
    pass


class _ArrayTextDumper(Dumper):
    """Sends an ``_ArrayText`` as it is, with its array type's oid. The oid is the instance's,
    not the class's: registered with a class oid, the dumper would also be the one psycopg
    takes for that type by oid (a text COPY's arrays)."""

    array_of = ""

    def __init__(self, cls: type, context: Any = None) -> None:
        super().__init__(cls, context)
        self.oid = postgres.types[self.array_of].array_oid

    def dump(self, obj: Any) -> bytes:
        return str(obj).encode()


class _BigintArrayDumper(_ArrayTextDumper):
    array_of = "int8"


class _TextArrayDumper(_ArrayTextDumper):
    array_of = "text"


class _UntypedArray(_ArrayText):
    """An array's text form typed by the statement's cast (``array_text``)."""


class _UntypedArrayDumper(Dumper):
    """Sends an ``_UntypedArray`` as it is, of type ``unknown`` (oid 0): the server reads it as
    the array type its parameter is cast to (``%s::timestamptz[]``)."""

    def dump(self, obj: Any) -> bytes:
        return str(obj).encode()


def _send_array_text(connection: Any) -> None:
    """Teach ``connection``'s psycopg connection to send ``array_literal``'s values, once:
    Django gives each connection adapters of its own, copied from a template made before this
    module is imported."""
    connection.ensure_connection()
    adapters = connection.connection.adapters
    if adapters.get_dumper(_BigintArray, PyFormat.AUTO) is not _BigintArrayDumper:
        adapters.register_dumper(_BigintArray, _BigintArrayDumper)
        adapters.register_dumper(_TextArray, _TextArrayDumper)
        adapters.register_dumper(_UntypedArray, _UntypedArrayDumper)


def array_literal(values: list[Any], kind: type) -> Any:
    """A list slot's values in PostgreSQL's text form of an array (``{1,2}``, ``{"a","b"}``),
    typed ``bigint[]`` or ``text[]`` by the slot's ``kind`` (its sentinel's type), when they
    are all integers of 64 bits or all text: what psycopg sends for such a list but for the
    type of small integers (``bigint[]`` compares with every integer column, as ``= ANY`` did
    with psycopg's narrower types), without its adapting in Python (each element's type looked
    up, the array dumped: about 20 µs a list, and a write sends about ten). Any other list
    (``None`` in it, UUIDs, dates, a larger integer) is left to psycopg."""
    if kind is int and all(type(value) is int and -(2**63) <= value < 2**63 for value in values):
        return _BigintArray("{" + ",".join(map(str, values)) + "}")
    if kind is str and all(type(value) is str for value in values):
        return _TextArray("{" + ",".join(_array_text(value) for value in values) + "}")
    return values


def array_text(values: list[Any]) -> Any:
    """``values`` in PostgreSQL's text form of an array, of no type of its own: for a parameter
    the statement casts (``%s::uuid[]``, ``%s::timestamptz[]``), which types it, as
    ``array_literal`` does for integers and text without a cast. Each element is written as
    PostgreSQL's input of its column reads it: ``None`` as ``NULL``, text (an enum's too) quoted,
    integers in digits, booleans as ``t``/``f``, floats exactly (``repr``; ``NaN`` and the
    infinities by name), UUIDs in their usual form, date-times in ISO 8601 with their UTC offset,
    a JSON value (psycopg's ``Jsonb``, as Django prepares it) as its JSON text. A list holding
    anything else (bytes, a date-time whose offset has microseconds, a ``Jsonb`` without its
    ``dumps``) is returned as it is, for psycopg to adapt. Psycopg adapting a list walks it to
    find its element type and upgrades its dumper (``types/array.py``): some 20 lists of a group
    commit's write still went that way (docs/development/benchmarks.md, events, session 23)."""
    parts = []
    for value in values:
        kind = type(value)
        if value is None:
            parts.append("NULL")
        elif kind is str:
            parts.append(_array_text(value))
        elif kind is int:
            parts.append(int.__repr__(value))
        else:
            element = _ELEMENT_TEXT.get(kind)
            if element is None:
                if isinstance(value, str):  # an enum member (``TextChoices``): its value
                    element = _str_element
                elif isinstance(value, int) and not isinstance(value, bool):  # psycopg's Int2, IntegerChoices
                    element = int.__repr__
                else:
                    return values
            text = element(value)
            if text is None:
                return values
            parts.append(text)
    return _UntypedArray("{" + ",".join(parts) + "}")


def _str_element(value: str) -> str:
    return _array_text(str.__str__(value))


def _float_element(value: float) -> str:
    if math.isfinite(value):
        return repr(value)
    return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"


def _datetime_element(value: datetime) -> str | None:
    if value.tzinfo is not UTC:
        offset = value.utcoffset()
        if offset is not None and offset.microseconds:
            return None  # ISO 8601 has no such offset; psycopg sends the instant
    return '"' + value.isoformat() + '"'


def _jsonb_element(value: Jsonb) -> str | None:
    if value.dumps is None:
        return None  # psycopg's global ``dumps`` (``set_json_dumps``) would write it
    written = value.dumps(value.obj)
    return _array_text(written if isinstance(written, str) else bytes(written).decode())


_ELEMENT_TEXT: dict[type, Callable[[Any], str | None]] = {
    bool: lambda value: "t" if value else "f",
    float: _float_element,
    uuid.UUID: str,
    datetime: _datetime_element,
    Jsonb: _jsonb_element,
}


def _array_text(value: str) -> str:
    """``value`` as an element of an array's text form: quoted, its backslashes and double
    quotes escaped (so that no comma, brace, space or ``NULL`` inside it is read as syntax)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_text_uuid(value: Any, connection: Any) -> Any:
    """A UUID as Django sends it to a database without a UUID type (SQLite: its hex); any other
    value as it is."""
    if isinstance(value, uuid.UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value


# A count of runs no statement reaches: psycopg prepares a statement of this module the first
# time a connection runs it (asked for with ``prepare=True``) and no other statement ever.
_NEVER_BY_COUNT = 2**62


class _ServerBoundCursor(psycopg.Cursor[Any]):
    """psycopg's server-binding cursor, preparing each statement it runs."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


def _cursor(connection: Any) -> Any:
    """A cursor of ``connection`` through Django's wrappers (query counting, execute wrappers,
    error translation). On PostgreSQL it binds its values on the server and has the statement
    prepared there the first time a pooled connection runs it: the statement is parsed and
    planned once per connection instead of once per request. Django's own cursors bind on the
    client, so PostgreSQL parses and plans every statement they send."""
    raw = _preparing(connection)
    if raw is None:
        return connection.cursor()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_ServerBoundCursor(raw))


def _kept_cursor(connection: Any, sql: str) -> Any:
    """``_cursor``'s cursor for the statement ``sql`` read as soon as it is sent (``_run``): the
    one kept for that statement on its psycopg connection, not closed after it; None where
    statements are not prepared. A new cursor builds its adapters and looks up the loader of
    every column of each result again (about 30 µs of CPU a statement: session 23), and so does
    a cursor that ran another statement last: psycopg keeps a cursor's adaptation (its dumpers
    and the loaders of its result's columns) only while it runs the same query again. So each
    statement has its own cursor (about 20 µs a statement less than one cursor shared by the
    statements of a write: docs/development/benchmarks.md, session 25), at most
    ``_KEPT_STATEMENTS`` a connection, the oldest closed first."""
    raw = _preparing(connection)
    if raw is None:
        return None
    with connection.wrap_database_errors:
        kept: dict[str, Any] | None = getattr(raw, _KEPT, None)
        if kept is None:
            # The cursors copy the connection's adapters when made: the array dumpers first.
            _send_array_text(connection)
            kept = {}
            setattr(raw, _KEPT, kept)
        cursor = kept.get(sql)
        if cursor is None or cursor.closed:
            if cursor is None and len(kept) >= _KEPT_STATEMENTS:
                kept.pop(next(iter(kept))).close()
            cursor = kept[sql] = _ServerBoundCursor(raw)
        return connection._prepare_cursor(cursor)


# Where ``_kept_cursor`` keeps a psycopg connection's cursors, by statement; ``_run`` closes one
# after a result of more rows than ``_KEPT_RESULT_ROWS`` (the next run makes another), which it
# would otherwise hold until that statement's next run: each of a pooled connection's
# ``_KEPT_STATEMENTS`` cursors may hold one result, so a kept result is at most a default page
# (50 rows) and its count, and a larger page (up to 1,000 rows) pays for a new cursor instead.
# A statement of a list's page carries its bounds in its text (``PreparedQuery.rows``'
# ``suffix``), so the texts a connection runs are not a fixed few.
_KEPT = "_rasad_kept_cursors"
_KEPT_RESULT_ROWS = 100
_KEPT_STATEMENTS = 32


def _preparing(connection: Any) -> Any:
    """``connection``'s psycopg connection, set up to prepare this module's statements, or None
    where statements are not prepared (SQLite, ``PREPARED_STATEMENTS`` off)."""
    if connection.vendor != "postgresql" or not getattr(settings, "PREPARED_STATEMENTS", False):
        return None
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off on its connections; only cursors of this module
        # prepare, and they ask for it explicitly (``prepare=True``).
        _keep_over_rollbacks(raw)
        raw.prepare_threshold = _NEVER_BY_COUNT
    return raw


# How many times a statement prepared on the server was refused since the process started,
# because a column it reads changed type (a migration run by another connection while this
# process serves): PostgreSQL then refuses it on every later run on its connection ("cached plan
# must not change result type"). The statements' text carries the count, so each connection
# prepares them again under a new text (the old ones are left to the connection's end).
_replanned = 0


def _replan(error: BaseException, seen: int) -> bool:
    """Whether ``error`` is PostgreSQL's refusal of a statement prepared before a schema change;
    if so, statements are sent under a new text from now on (``_replanned``, past ``seen``, the
    count the refused one was sent with)."""
    global _replanned
    refused = isinstance(error, NotSupportedError) and "cached plan must not change result type" in str(error)
    if not refused:
        return False
    _replanned = max(_replanned, seen + 1)
    return True


def _run(connection: Any, sql: str, params: Params, on_server: bool) -> list[tuple[Any, ...]]:
    for attempt in (1, 2):
        seen = _replanned
        text = f"{sql} /* {seen} */" if seen and on_server else sql
        kept = _kept_cursor(connection, text) if on_server else None
        cursor = kept if kept is not None else connection.cursor()
        try:
            cursor.execute(text, params)
            rows = list(cursor.fetchall())
            if kept is not None and len(rows) > _KEPT_RESULT_ROWS:
                cursor.close()  # not holding a large result on a pooled connection until its next statement
            return rows
        except NotSupportedError as error:
            if not on_server or not _replan(error, seen):
                raise
            if attempt == 2 or connection.in_atomic_block:
                raise  # in a transaction, it is aborted: the next one prepares the statement again
        finally:
            if kept is None:
                cursor.close()
    raise AssertionError("unreachable")


# What makes psycopg forget a connection's prepared statements (``DEALLOCATE ALL``) here: the
# commands that drop them on the server, and DROP and ALTER, after which a statement may name a
# table that is not the one it was planned for. Not ROLLBACK (see ``_KeptOverRollbacks``).
_DISCARDS = re.compile(rb"^(?:DROP|ALTER|DISCARD ALL|DEALLOCATE ALL)\b")


class _KeptOverRollbacks(PrepareManager):
    """psycopg's book of a connection's prepared statements, kept over a rollback.

    psycopg forgets every prepared statement, and sends ``DEALLOCATE ALL``, after each ROLLBACK,
    of a transaction or to a savepoint, in case the rollback undid a table that a statement was
    planned on. In PostgreSQL a prepared statement belongs to the session, not to a transaction
    (a rollback leaves it in place), and this module prepares only statements on the
    application's tables, which no transaction of the application creates. So every write that
    was refused or replayed after its transaction began (its rollback), and every pooled
    connection rolled back on its return, made its connection parse and plan each statement
    again; here they are kept. DROP, ALTER and DISCARD still clear them, as psycopg does."""

    def clear(self) -> bool:
        # psycopg calls this after every rollback: ``Connection.rollback`` and its own
        # ``Transaction`` blocks.
        return False

    def validate(self, key: Any, prep: Prepare, name: bytes, results: Sequence[PGresult]) -> None:
        # A statement prepared (Parse) and then failing when run (a value its column refuses)
        # is on the server, but psycopg forgets its name; its own book dropped it at the
        # rollback that follows, with every other. This one drops that statement alone, with
        # the next maintenance (after the rollback, or the next statement that succeeds), or
        # each failing run would leave one more on the connection.
        forgotten = prep == Prepare.SHOULD and key in self._names and not self._check_results(results)
        super().validate(key, prep, name, results)
        if forgotten and key not in self._names and None not in self._to_flush:
            self._to_flush.append(name)

    def _should_discard(self, prep: Prepare, results: Sequence[PGresult], *_default: Any) -> bool:
        if self._names or prep == Prepare.SHOULD:
            for result in results:
                status = result.command_status
                if result.status == pq.ExecStatus.COMMAND_OK and status and _DISCARDS.match(status):
                    return super().clear()
        return False


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


# Whether psycopg's book is the one ``_KeptOverRollbacks`` was written for (psycopg 3.1-3.3):
# the methods it overrides or calls, with their parameters. Another psycopg keeps its own book
# (prepared statements dropped at every rollback, as psycopg drops them), rather than a subclass
# whose overrides would be skipped or called wrongly.
_BOOK_KNOWN = (
    _parameters(PrepareManager.clear) == ["self"]
    and _parameters(PrepareManager.validate) == ["self", "key", "prep", "name", "results"]
    and _parameters(PrepareManager._should_discard)[:3] == ["self", "prep", "results"]
    and _parameters(PrepareManager._check_results) == ["results"]
    and hasattr(PrepareManager, "maintain_gen")
)


def _keep_over_rollbacks(raw: psycopg.Connection[Any]) -> None:
    """Give ``raw`` a book of prepared statements kept over rollbacks (it holds none yet: Django
    turns preparing off), when psycopg's is the one this module knows."""
    book = getattr(raw, "_prepared", None)
    if (
        _BOOK_KNOWN
        and type(book) is PrepareManager
        and not getattr(book, "_names", True)
        and isinstance(getattr(book, "_to_flush", None), deque)
    ):
        kept = _KeptOverRollbacks()
        kept.prepared_max = book.prepared_max
        raw._prepared = kept


def fetch(
    sql: str, params: Params, alias: str = DEFAULT_DB_ALIAS, on_server: bool = True
) -> list[tuple[Any, ...]]:
    """The rows of a statement compiled elsewhere (a list's count, ``rasad.api.lean``), run like
    :class:`PreparedQuery`'s (prepared on PostgreSQL unless ``on_server`` is false), unconverted."""
    return _run(connections[alias], sql, params, on_server)


@contextlib.contextmanager
def pipelined(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """On PostgreSQL, the statements sent inside the block (``send``) go to the server together
    (psycopg's pipeline mode): a statement's rows asked for inside the block send every statement
    queued before them and wait for their answers in one round trip; the block's end sends what
    is still queued and waits for its answers (``send``'s rows are then read without waiting),
    so a transaction's independent statements cost one round trip instead of one each. An error
    of any of them is raised at the latest when the block ends. Only ``send`` and ``fetch`` belong
    inside: an ORM statement there would read its row count before its answer had come. Elsewhere
    the block changes nothing (each statement runs when sent)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    seen = _replanned
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            yield
    except NotSupportedError as error:
        _replan(error, seen)  # the next transaction prepares its statements again
        raise


# What ``generic_plans`` sends: the setting for the rest of the transaction only (``SET LOCAL``).
_GENERIC_PLANS = b"SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"


def generic_plans(alias: str = DEFAULT_DB_ALIAS) -> None:
    """PostgreSQL, inside ``transaction.atomic``: the rest of the transaction runs the prepared
    statements of this module on their generic plans (``plan_cache_mode``), each planned once
    per connection, rather than on plans made for each run's values, which PostgreSQL keeps
    choosing for a statement whose custom plans cost less than its generic one (a list of one
    element against the ten it assumes for an array parameter): it then plans the statement at
    every run. Only for statements whose generic plans read what they need whatever their
    values (``rasad.indicators.actions.reporting._pairs``).

    Sent before the transaction's first statement, it goes with the BEGIN the driver would send
    alone, in the same message and round trip (``BEGIN; SELECT set_config(…)``, through libpq:
    psycopg reads the transaction's state from the connection, so it sends no BEGIN of its own
    after it); in a transaction already begun (a test's, an outer block's), it is sent alone.
    Neither is a statement of Django's cursors (not counted by ``CaptureQueriesContext``).
    Elsewhere (SQLite, outside a transaction) it does nothing."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    connection.ensure_connection()
    raw = connection.connection
    pgconn = raw.pgconn
    command = _GENERIC_PLANS
    if pgconn.transaction_status == pq.TransactionStatus.IDLE:
        if raw.isolation_level is not None or raw.read_only is not None or raw.deferrable is not None:
            # The driver's own BEGIN carries these: let it send it, then the setting.
            with connection.cursor() as cursor:
                cursor.execute(command.decode())
            return
        command = b"BEGIN; " + command
    with connection.wrap_database_errors:
        result = pgconn.exec_(command)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise psycopg.OperationalError(pgconn.get_error_message())


def send(sql: str, params: Params, alias: str = DEFAULT_DB_ALIAS) -> Callable[[], list[tuple[Any, ...]]]:
    """Send a statement compiled elsewhere as ``fetch`` does (prepared on PostgreSQL), and return
    the function that reads its rows: inside ``pipelined`` it is sent with the statements around
    it, elsewhere it runs at once. Not retried when its prepared plan is refused (``fetch`` is,
    outside a transaction: refused, it is prepared again by the next transaction)."""
    connection = connections[alias]
    seen = _replanned
    text = f"{sql} /* {seen} */" if seen else sql
    cursor = _cursor(connection)
    try:
        cursor.execute(text, params)
    except BaseException as error:
        cursor.close()
        _replan(error, seen)
        raise

    def rows() -> list[tuple[Any, ...]]:
        with cursor:
            try:
                return list(cursor.fetchall())
            except NotSupportedError as error:
                _replan(error, seen)
                raise

    return rows


def _same(value: Any, forms: list[Any]) -> bool:
    """Whether ``value`` is one of ``forms``, of its type: psycopg's ``Int2``, in which Django wraps
    a small integer field's values on PostgreSQL, counts as an ``int``."""
    return any(
        (
            type(value) is type(form)
            or (type(form) is int and isinstance(value, int) and not isinstance(value, bool))
        )
        and value == form
        for form in forms
    )


class PreparedQuery:
    """A queryset compiled once per process and database, evaluated with new slot values.

    ``build`` returns the queryset (a ``values_list`` one: rows come back as lists, in its
    column order), or ``(sql, params)``, given a value for each slot; ``sentinels`` names the
    slots with values that appear nowhere else in the query's parameters (and are of the type the
    real values will be); a :class:`Many` slot is built with a one-element list and takes any
    iterable of values.
    """

    def __init__(self, build: Callable[..., QuerySet[Any] | tuple[str, Any]], **sentinels: Any) -> None:
        self.build = build
        self.sentinels = sentinels
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def compiled(self, alias: str = DEFAULT_DB_ALIAS, connection: Any = None) -> _Compiled:
        """The statement compiled for ``alias``'s database (``connection``: that alias's
        connection, when the caller has it: each look-up of ``connections`` reads a thread's
        local, a few of them a write)."""
        if connection is None:
            connection = connections[alias]
        key = (alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    built = self.build(
                        **{
                            name: [sentinel.sentinel] if isinstance(sentinel, Many) else sentinel
                            for name, sentinel in self.sentinels.items()
                        }
                    )
                    compiled = _Compiled(built, self.sentinels, alias)
                    self._compiled[key] = compiled
        return compiled

    def rows(
        self, alias: str = DEFAULT_DB_ALIAS, suffix: str = "", on_server: bool = True, **values: Any
    ) -> list[list[Any]]:
        """Run the query with ``values`` in its slots; the rows, converted as the ORM would.
        ``suffix`` follows the SQL: a list's page bounds (``rasad.api.lean``), which Django
        writes into the SQL rather than as parameters. ``on_server=False`` sends it as Django
        sends its own statements (bound on the client, planned for its values each time)."""
        connection = connections[alias]
        compiled = self.compiled(alias, connection).ending_with(suffix)
        rows = [
            list(row) for row in _run(connection, compiled.sql, compiled.bind(values, connection), on_server)
        ]
        return compiled.convert(rows, connection)


class PreparedPair:
    """Two prepared querysets read by one statement (one round trip where each took its own):
    ``first``'s rows and ``second``'s, converted as the ORM would. The statement is a
    ``UNION ALL`` of the two, each row led by which of them it comes from and padded with NULLs
    where the other's columns are (each column typed by the one that has it)."""

    def __init__(self, first: PreparedQuery, second: PreparedQuery) -> None:
        self.first, self.second = first, second
        self._sql: dict[tuple[str, str], str] = {}

    def rows(
        self, first: dict[str, Any], second: dict[str, Any], alias: str = DEFAULT_DB_ALIAS
    ) -> tuple[list[list[Any]], list[list[Any]]]:
        """Run both with their slots' values (``first`` and ``second``); the rows of each."""
        connection = connections[alias]
        one, two = self.first.compiled(alias, connection), self.second.compiled(alias, connection)
        if one.width is None or two.width is None:
            raise ValueError("a pair is made of compiled querysets, not of built statements")
        key = (alias, connection.vendor)
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = (
                f"SELECT 0, p.*{', NULL' * two.width} FROM ({one.sql}) p UNION ALL "  # noqa: S608 - compiled SQL
                f"SELECT 1{', NULL' * one.width}, q.* FROM ({two.sql}) q"
            )
        fetched = _run(connection, sql, one.bind(first, connection) + two.bind(second, connection), True)
        start, end = 1 + one.width, 1 + one.width + two.width
        return (
            one.convert([list(row[1:start]) for row in fetched if row[0] == 0], connection),
            two.convert([list(row[start:end]) for row in fetched if row[0] == 1], connection),
        )
