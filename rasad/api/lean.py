"""Lean lists: a hot list endpoint's rows read with ``values()`` and written exactly as its
serializer would write them, without a model instance or DRF's per-field machinery per row.

A viewset opts in with ``lean_list = LeanList(computed={...})``; ``ScopedViewSetMixin.list`` then
reads the page as dictionaries, and ``ScopedViewSetMixin.retrieve`` reads one object's row the same
way (a detail is one row of the list, found in the same scope). The plan is derived from the
serializer's own fields on first use:

* a model field (``CharField``, ``DateTimeField``, ``ChoiceField``...) reads its ``source`` and is
  written by that field's ``to_representation`` (so dates, choices and numbers stay identical);
  the commonest ones are written without a call per value when the value already has the
  representation's type (text, whole numbers), and date-times are moved to the request's time
  zone resolved once per request rather than once per value, exactly as DRF formats them;
* a ``SlugRelatedField`` reads ``<source>__<slug_field>``, a ``PrimaryKeyRelatedField`` the key;
* the ``HyperlinkedIdentityField`` is one reversed URL per request with the key put in;
* anything else (``display``, method fields) must be given in ``computed`` as the ``values()``
  paths it needs and a function of the row, or (``per_page``) a function of the request that
  gives, once a page, the function of those paths' values (the case list's ``is_overdue`` reads
  the time once a page, not once a row).

A field the plan cannot read raises ``ImproperlyConfigured`` at the first request, so adding a
field to the serializer cannot silently drop it from the list; ``rasad/api/tests/
test_lean_lists.py`` compares every lean list with its serializer's output, row for row. The
schema is the serializer's, unchanged. Used where DRF's ``to_representation`` dominated a list's
time (cases, observations: docs/development/benchmarks.md).

Rows are read as tuples (``values_list``), each writer bound to its column's position. A list
or detail whose query is a function of the user's scope alone (``ScopedViewSetMixin``'s shape
key: no filter, no ordering asked for) is *prepared*: its page, count and detail statements are
compiled by Django once per process for each shape (view, verb, scope rules, database) and sent
again with the page's bounds or the object's key, as ``rasad.lib.prepared`` does for the
token's statement. Building and compiling a nine-join ``values()`` query and its count was the
largest part of a list's own CPU (docs/development/benchmarks.md, "Session 14").
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models, router
from django.db.models import Lookup
from django.db.models.sql.datastructures import Join
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils import timezone, translation
from rest_framework import ISO_8601, relations, serializers
from rest_framework import reverse as drf_reverse
from rest_framework.settings import api_settings

from rasad.api.filters import Filtering
from rasad.api.pagination import COUNT_LIMIT, count_rows
from rasad.lib import prepared as prepared_statements
from rasad.lib.prepared import PreparedQuery

Row = dict[str, Any]
# A row as read: the plan's paths in order (``values_list``).
Values = Sequence[Any]
Context = dict[str, Any]
# A writer of one field: given the request's serializer context once, the function of a page's
# rows that gives the field's value for each row, in order.
ColumnWriter = Callable[[list[Values]], list[Any]]
WriterFactory = Callable[[Context], ColumnWriter]
_MARKERS = ("lean-row-key", "987654321987654321")


@dataclass(frozen=True)
class Computed:
    """A field written from a row: the ``values()`` paths it reads and the function of the row
    (and the serializer context) that gives its value. Or, with ``per_page`` instead of
    ``value``: a function of the serializer context, called once for each page, that gives the
    function of the paths' values (in their order) for each row; what the rows share (the time,
    a lookup) is then read once a page, and no dictionary is built for each row."""

    paths: tuple[str, ...]
    value: Callable[[Row, dict[str, Any]], Any] | None = None
    per_page: Callable[[Context], Callable[..., Any]] | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.per_page is None):
            raise ImproperlyConfigured("Computed: give either value or per_page")


@dataclass
class _Plan:
    paths: tuple[str, ...]
    writers: list[tuple[str, WriterFactory]]
    names: tuple[str, ...] = field(init=False)
    columns: tuple[WriterFactory, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.names = tuple(name for name, _ in self.writers)
        self.columns = tuple(make for _, make in self.writers)


@dataclass(frozen=True)
class Shape:
    """What a list's or detail's statements are a function of (``ScopedViewSetMixin._shape``):
    ``key`` (the view, the verb, the scope's rules, the filters named and how many values each
    holds), and for a filtered list the ``filtering`` whose values fill the statements' slots."""

    key: Hashable
    filtering: Filtering | None = None


@dataclass
class LeanList:
    computed: dict[str, Computed] = field(default_factory=dict)
    _plan: _Plan | None = field(default=None, init=False, repr=False)

    def applies(self, view: Any) -> bool:
        """The lean path serves plain JSON lists; a format suffix takes the serializer's."""
        return not view.kwargs.get("format")

    def plan(self, serializer: serializers.Serializer[Any]) -> _Plan:
        if self._plan is None:
            self._plan = _build(serializer, self.computed)
        return self._plan

    def rows(
        self, view: Any, queryset: Callable[[], models.QuerySet[Any]], shape: Shape | None = None
    ) -> list[Row] | None:
        """The page of the view's rows (``queryset()``) its paginator picks, written as the
        serializer would (``None`` when the view has no paginator: the caller returns every
        row). With a ``shape``, the page and the count are read by statements prepared for it
        (``_PreparedList``): the queryset is built and compiled only when the shape is new."""
        context = view.get_serializer_context()
        plan = self._plan or self.plan(view.get_serializer_class()(context=context))
        if shape is not None and view.paginator is not None:
            prepared = _prepared_page(shape, plan, view, queryset)
            if prepared is not None:
                return self.write(plan, view.paginate_queryset(prepared), context)
        rows = queryset()
        values = rows.values_list(*plan.paths)
        late = _names_a_filter(view) and _late_ordering(rows) is not None
        page = view.paginate_queryset(_Counted(rows, values, plan.paths if late else None))
        return self.write(plan, list(values) if page is None else page, context)

    def row(
        self, view: Any, queryset: Callable[[], models.QuerySet[Any]], pk: Any, shape: Shape | None = None
    ) -> Row | None:
        """The object ``pk`` of ``queryset()`` (the view's scoped queryset), written as the
        serializer would; ``None`` when it is not there or ``pk`` is not a key (the caller then
        answers as for any object it cannot find). With a ``shape``, read by a statement
        prepared for it, with ``pk`` as its value."""
        context = view.get_serializer_context()
        plan = self._plan or self.plan(view.get_serializer_class()(context=context))
        model = view._model()
        try:
            if shape is not None and (key := _key_value(model, pk)) is not None:
                detail = _prepared_detail(shape.key, plan, queryset)
                rows: list[Any] = detail.rows(router.db_for_read(model), key)
            else:
                rows = list(queryset().filter(pk=pk).values_list(*plan.paths)[:1])
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            return None
        return self.write(plan, rows, context)[0] if rows else None

    def write(self, plan: _Plan, rows: Iterable[Values], context: Context) -> list[Row]:
        # Written a column at a time: each field's writer is bound to the request once (its URL
        # prefix, its time zone) and given the page's rows, and most columns are taken as read
        # (a related row's code, text, whole numbers: checked by their types, not per value);
        # then each row's dictionary is the fields' names zipped with its values. Writing row
        # by row called a Python function for most of a case page's 1,900 values
        # (docs/development/benchmarks.md, "Session 16").
        page = rows if isinstance(rows, list) else list(rows)
        context = {**context}  # the writers' own: the request's time zone is kept in it once read
        columns = [make(context)(page) for make in plan.columns]
        names = plan.names
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


class _Counted:
    """What the paginator reads: the count from the rows' queryset, the page from the values.
    Counting the values would keep the joins its related paths need (organization, indicator,
    unit): on 48,000 scoped observations that tripled the count's time. With ``late`` (the
    values' paths), the page is read by ``_late_page``."""

    def __init__(
        self,
        queryset: models.QuerySet[Any],
        values: models.QuerySet[Any],
        late: tuple[str, ...] | None = None,
    ) -> None:
        self.queryset, self.values, self.late = queryset, values, late

    def count(self) -> int:
        return self.queryset.count()

    def bounded_count(self, bound: int | None) -> int:
        """The rows counted up to ``bound + 1`` (``rasad.api.pagination.count_rows``)."""
        return count_rows(self.queryset, bound)

    def __getitem__(self, index: slice) -> Any:
        if self.late is not None:
            return _late_page(self.queryset, self.late, index)
        return self.values[index]

    def __len__(self) -> int:
        return self.count()


# ---------------------------------------------------------------------------------------------
# Filtered pages: the rows picked first, their columns read after
# ---------------------------------------------------------------------------------------------


def _names_a_filter(view: Any) -> bool:
    """Whether the request names anything but its page (a filter, an ordering...)."""
    paginator = view.paginator
    paging = {getattr(paginator, "limit_query_param", None), getattr(paginator, "offset_query_param", None)}
    return any(name not in paging for name in view.request.query_params)


def _late_ordering(queryset: models.QuerySet[Any]) -> list[str] | None:
    """The queryset's ordering, when its page may be read by ``_late_page``: an ordering by
    the model's own fields that ends with the primary key (so the page's rows and their order are the same
    whichever query picks them), no DISTINCT, slice, combination, extra or annotation, and only
    joins that cannot repeat a row (to one related row: a foreign key followed forwards, or a
    one-to-one). ``None`` otherwise."""
    query = queryset.query
    if (
        query.distinct
        or query.combinator
        or query.is_sliced
        or query.extra
        or query.annotations
        or query.extra_order_by
    ):
        return None
    ordering = list(query.order_by) if query.order_by else list(query.get_meta().ordering or ())
    if not query.order_by and not query.default_ordering:
        return None
    if not ordering or not all(isinstance(item, str) for item in ordering):
        return None
    names: list[str] = [str(item) for item in ordering]
    # The model's own columns only (an ordering through a relation would add its join when
    # compiled), ending with the key.
    if any("__" in name or "?" in name for name in names):
        return None
    if names[-1].lstrip("-") not in {"pk", queryset.model._meta.pk.name}:
        return None
    for join in query.alias_map.values():
        if isinstance(join, Join) and not (
            getattr(join.join_field, "many_to_one", False) or getattr(join.join_field, "one_to_one", False)
        ):
            return None
    return names


def _late_query(queryset: models.QuerySet[Any], paths: tuple[str, ...], index: slice) -> models.QuerySet[Any]:
    """The page ``index`` of ``queryset`` (with ``_late_ordering``) as two steps in one
    statement: the page's keys picked from the rows in order (the filters' joins only), then
    their columns read with the related rows' joins, for those keys alone. With everything in
    one query, PostgreSQL joined the related rows of every matching row before sorting when it
    misjudged how many would match: a filtered case list at 10x data took 83 ms of it, joining
    and sorting 10,000 cases to keep 50 (docs/development/benchmarks.md, "Session 16")."""
    ordering = _late_ordering(queryset)
    assert ordering is not None
    keys = models.Subquery(queryset.order_by(*ordering).values("pk")[index])
    page: models.QuerySet[Any] = queryset.model._base_manager.filter(_AmongKeys(models.F("pk"), keys))
    return page.order_by(*ordering).values_list(*paths)


class _AmongKeys(Lookup):
    """The key is among the subquery's keys. On PostgreSQL ``= ANY(ARRAY(subquery))``: the keys
    are read first (an init plan) and the rows found by the primary key's index. With
    ``IN (subquery)``, a semi-join, PostgreSQL (its join order bounded by Rasad's
    ``join_collapse_limit``) joined every case with its related rows before keeping the page's:
    133 ms against 19 ms at 10x data (``EXPLAIN ANALYZE``)."""

    lookup_name = "lean_among_keys"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        among = f"= ANY(ARRAY{rhs})" if connection.vendor == "postgresql" else f"IN {rhs}"
        return f"{lhs} {among}", (*lhs_params, *rhs_params)


def _late_page(queryset: models.QuerySet[Any], paths: tuple[str, ...], index: slice) -> list[Any]:
    return list(_late_query(queryset, paths, index))


# ---------------------------------------------------------------------------------------------
# Prepared shapes
# ---------------------------------------------------------------------------------------------

# A slice the page's SQL is checked with when prepared: Django's SQL for a sliced query must be
# the unsliced SQL followed by the database's LIMIT/OFFSET clause, or the shape is not prepared.
_CHECK_SLICE = (7, 57)
# The bounds a page read by ``_late_query`` is compiled with: its LIMIT/OFFSET clause, found
# once in the SQL, is where each request's bounds go.
_MARKER_SLICE = (123_457, 123_457 + 987_654)


class _Statement:
    """A statement as Django sent it, with the positions of its parameters that hold slots; a
    bounded count's (``_count_statement``) with ``marker``, the LIMIT clause it was compiled
    with, where each request's bound goes."""

    def __init__(self, sql: str, params: list[Any], slots: list[tuple[int, str]], marker: str = "") -> None:
        self.sql, self.params, self.slots, self.marker = sql, params, slots, marker

    def bounded(self, limit_clause: str) -> str:
        """The SQL with ``limit_clause`` (``""``: none, every row) in place of the marker."""
        return self.sql.replace(self.marker, limit_clause) if self.marker else self.sql

    def bind(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for index, name in self.slots:
            value, sent = values[name], params[index]
            # Of the type Django sent: psycopg's ``Int2`` for a small integer column (a year).
            params[index] = value if type(value) is type(sent) else type(sent)(value)
        return params


class _PreparedList:
    """A prepared shape's two statements, compiled once per process (Django's own SQL): the
    count, and the page without its bounds, each with its slots (a filter's values). A page
    read by ``_late_query`` has its bounds inside (in its subquery): ``marker`` is the bounds
    clause it was compiled with, replaced by each request's."""

    def __init__(self, alias: str, count: _Statement, page: PreparedQuery, marker: str = "") -> None:
        self.alias, self.count_statement, self.page, self.marker = alias, count, page, marker
        # The statements' texts with choices written in (``written``), by statement and values.
        self._texts: dict[tuple[str, tuple[Any, ...]], tuple[str, frozenset[int]]] = {}

    def written(
        self,
        which: str,
        sql: str,
        slots: list[tuple[int, str]],
        params: list[Any],
        values: dict[str, Any],
        names: frozenset[str],
    ) -> tuple[str, list[Any]]:
        """Statement ``which``'s ``sql`` with the shape's own values (every parameter that is
        no slot: the scope's organization paths) and the values of the slots ``names`` written
        into it as literals, and ``params`` without theirs (``_PreparedPage``). The shape's own
        values are the same for every request of the shape, as in a detail's statement
        (``_PreparedDetail``): written in, they let a generic plan read the scope's
        organizations by the path index rather than every organization."""
        chosen = tuple(sorted((name, values[name]) for _, name in slots if name in names))
        key = (which, chosen)
        found = self._texts.get(key)
        if found is None:
            chosen_values = {index: values[name] for index, name in slots if name in names}
            found = _shape_written(sql, params, {index for index, _ in slots}, chosen_values, self.alias)
            if len(self._texts) >= _TEXTS_LIMIT:
                self._texts.clear()
            self._texts[key] = found
        text, dropped = found
        return text, [value for index, value in enumerate(params) if index not in dropped]


# How many texts with written choices a shape keeps (a list filtered by a few statuses at a time
# has a few: the number of sets of choices its users ask for).
_TEXTS_LIMIT = 256


def _shape_written(
    sql: str, params: list[Any], slotted: set[int], chosen: dict[int, Any], alias: str
) -> tuple[str, frozenset[int]]:
    """``sql`` with the shape's own values written in (every parameter of ``params`` at no
    position of ``slotted``: the same for every request of the shape) and the slots' values
    ``chosen`` by position (``_written``): a prepared list's and a prepared detail's texts."""
    literals = {index: value for index, value in enumerate(params) if index not in slotted}
    literals.update(chosen)
    return _written(sql, literals, alias)


def _written(sql: str, literals: dict[int, Any], alias: str) -> tuple[str, frozenset[int]]:
    """``sql`` with the parameters at the positions of ``literals`` written as those values, as
    PostgreSQL's literals (quoted by the driver, as its client-side binding writes them), and
    those positions."""
    operations: Any = connections[alias].ops  # PostgreSQL's (``compose_sql``): only its texts are written
    pieces: list[str] = []
    start = 0
    for position, match in prepared_statements.placeholders(sql):
        if position in literals:
            literal = operations.compose_sql("%s", [literals[position]])
            pieces += [sql[start : match.start()], literal.replace("%", "%%")]
            start = match.end()
    pieces.append(sql[start:])
    return "".join(pieces), frozenset(literals)


class _PreparedPage:
    """What the paginator reads for one request of a prepared shape: the count (known already
    when the shape was prepared by this request) and the page, run with its bounds and the
    request's values in the slots.

    A shape without slots is prepared on PostgreSQL (parsed and planned once per pooled
    connection), and so is a filtered one whose plan may be made once for every request
    (``Filtering.planned_once``): its choices are written into the statement's text, one text
    and one plan per set of choices, and its other values are codes no plan reads
    (``rasad.api.filters._plan_role``). Any other filtered shape is bound on the client and
    planned for its values each time, as the ORM sends it: after five runs PostgreSQL may keep
    one generic plan for every value, and a filter's values differ in how many rows they match
    (a case page filtered by two rare statuses took 34 ms with the generic plan, 1.5 ms with its
    own, and 1.1 ms prepared with its statuses written in: docs/development/benchmarks.md,
    "Session 20")."""

    def __init__(
        self,
        prepared: _PreparedList,
        filtering: Filtering | None,
        counted: tuple[int | None, int] | None = None,
    ) -> None:
        self.prepared = prepared
        self.values = filtering.values if filtering is not None else {}
        self.on_server = filtering is None or filtering.planned_once
        vendor = connections[prepared.alias].vendor
        # Prepared on PostgreSQL, the statements are sent with the shape's own values and the
        # choices (``names``) written in (``_PreparedList.written``).
        self.written_in = self.on_server and vendor == "postgresql"
        self.names = filtering.written if filtering is not None and self.written_in else frozenset()
        # A count run already (when this request prepared the shape): its bound and its rows.
        self.counted = counted

    def bounded_count(self, bound: int | None) -> int:
        """The rows counted up to ``bound + 1`` (every row for ``None``) by the shape's count
        statement, with the bound in its LIMIT clause."""
        if self.counted is not None and self.counted[0] == bound:
            return self.counted[1]
        statement, alias = self.prepared.count_statement, self.prepared.alias
        limit_clause = "" if bound is None else connections[alias].ops.limit_offset_sql(0, bound + 1)
        sql, params = statement.sql, statement.bind(self.values)
        if self.written_in:
            sql, params = self.prepared.written(
                "count", sql, statement.slots, params, self.values, self.names
            )
        if statement.marker:
            sql = sql.replace(statement.marker, limit_clause)
        rows = prepared_statements.fetch(sql, params, alias, on_server=self.on_server)
        count = int(rows[0][0]) if rows else 0
        self.counted = (bound, count)
        return count

    def count(self) -> int:
        return self.bounded_count(None)

    def __getitem__(self, index: slice) -> list[list[Any]]:
        prepared, alias = self.prepared, self.prepared.alias
        connection = connections[alias]
        bounds = connection.ops.limit_offset_sql(index.start or 0, index.stop)
        compiled = prepared.page.compiled(alias)
        sql, params = compiled.sql, compiled.bind(self.values, connection)
        if self.written_in:
            sql, params = prepared.written("page", sql, compiled.slots, params, self.values, self.names)
        sql = sql.replace(prepared.marker, bounds) if prepared.marker else f"{sql} {bounds}"
        rows = prepared_statements.fetch(sql, params, alias, on_server=self.on_server)
        return compiled.convert([list(row) for row in rows], connection)

    def __len__(self) -> int:
        return self.count()


# Prepared shapes of this process: by (key, alias, vendor); ``None`` for a shape whose SQL did
# not pass the checks (it is read through the ORM). Bounded like the scope subqueries.
_PREPARED_LISTS: dict[Hashable, _PreparedList | None] = {}
_PREPARED_DETAILS: dict[Hashable, _PreparedDetail] = {}
_PREPARED_LIMIT = 4096
_PREPARING = threading.Lock()


def _remember(cache: dict[Hashable, Any], key: Hashable, value: Any) -> None:
    with _PREPARING:
        if len(cache) >= _PREPARED_LIMIT:
            cache.clear()
        cache[key] = value


def _prepared_page(
    shape: Shape, plan: _Plan, view: Any, build: Callable[[], models.QuerySet[Any]]
) -> _PreparedPage | None:
    """The prepared shape's page reader; the shape is prepared the first time (its count then
    comes from that run). ``None`` for a shape whose SQL did not pass the checks.

    ``build()`` is the ORM's queryset for this request (a filtered list's is the filterset's).
    The statements are compiled from the queryset with a sentinel in each slot (for a filtered
    list, the scoped queryset filtered by ``Filtering.apply``), and kept only when

    * the page's SQL is the ORM's, and its parameters with this request's values in the slots
      are the ORM's: the same query, whatever built it;
    * Django's SQL for a sliced page is the unsliced SQL followed by the database's LIMIT/OFFSET
      clause, with the same parameters (the bounds are added to the prepared SQL);
    * counting sends one statement, in which every slot is found."""
    model = view._model()
    alias = router.db_for_read(model)
    filtering = shape.filtering
    values = filtering.values if filtering is not None else {}
    key = (shape.key, plan.paths, alias, connections[alias].vendor)
    if key in _PREPARED_LISTS:
        prepared = _PREPARED_LISTS[key]
        return None if prepared is None else _PreparedPage(prepared, filtering)
    queryset = build()
    sentinels = filtering.sentinels() if filtering is not None else {}
    if sentinels is None:
        _remember(_PREPARED_LISTS, key, None)
        return None
    if filtering is not None:
        scoped = view.get_queryset()
        slotted: Callable[..., models.QuerySet[Any]] = lambda **slots: filtering.apply(scoped, slots)  # noqa: E731
    else:
        slotted = lambda: queryset  # noqa: E731
    connection = connections[alias]
    low, high = _CHECK_SLICE
    bounds = connection.ops.limit_offset_sql(low, high)
    late = filtering is not None and _late_ordering(queryset) is not None
    marker = connection.ops.limit_offset_sql(*_MARKER_SLICE) if late else ""
    if late:
        page = PreparedQuery(
            lambda **slots: _late_query(slotted(**slots), plan.paths, slice(*_MARKER_SLICE)), **sentinels
        )
    else:
        page = PreparedQuery(lambda **slots: slotted(**slots).values_list(*plan.paths), **sentinels)
    try:
        compiled = page.compiled(alias)
    except (ValueError, EmptyResultSet):  # a slot's value is no parameter of the query
        _remember(_PREPARED_LISTS, key, None)
        return None
    try:
        if late:
            # The page with the check's bounds in place of the marker's is the ORM's page.
            real = _late_query(queryset, plan.paths, slice(low, high))
            real_sql, real_params = real.query.get_compiler(using=alias).as_sql()
            same = compiled.sql.count(marker) == 1 and compiled.sql.replace(marker, bounds) == real_sql
        else:
            real = queryset.values_list(*plan.paths)
            real_sql, real_params = real.query.get_compiler(using=alias).as_sql()
            sliced_sql, sliced_params = real[low:high].query.get_compiler(using=alias).as_sql()
            same = (
                compiled.sql == real_sql
                and sliced_sql == f"{real_sql} {bounds}"
                and list(sliced_params) == list(real_params)
            )
    except EmptyResultSet:
        # This request's values are no parameters (a year outside its column's range): the ORM
        # answers it, and a later request prepares the shape.
        return None
    statement, count = _count_statement(slotted(**sentinels), sentinels, values)
    prepared = None
    if statement is not None and same and compiled.bind(values, connection) == list(real_params):
        prepared = _PreparedList(alias, statement, page, marker)
    _remember(_PREPARED_LISTS, key, prepared)
    if prepared is None:
        # Answered through the ORM, as every later request of this shape.
        return None
    return _PreparedPage(prepared, filtering, (COUNT_LIMIT, count))


# The LIMIT a shape's count is compiled with: found once in its SQL, where each request's bound
# goes (``_PreparedPage.bounded_count``).
_COUNT_MARKER = 987_651


def _count_statement(
    queryset: models.QuerySet[Any], sentinels: dict[str, Any], values: dict[str, Any]
) -> tuple[_Statement | None, int]:
    """The statement Django counts the first rows of ``queryset`` (built with the slots'
    sentinels) with (``QuerySet.count`` of a slice, in no order), as it was sent, and the
    request's rows counted up to ``COUNT_LIMIT + 1``: the statement is sent with the request's
    ``values`` in place of the sentinels and that bound in place of the marker's. No statement
    when counting sent other than one, or a slot or the marker was not found in it. Django
    compiles a count only to run it, so the statement is taken from this request's count."""
    statements: list[_Statement] = []
    connection = connections[queryset.db]
    marker = connection.ops.limit_offset_sql(0, _COUNT_MARKER)
    limit_clause = connection.ops.limit_offset_sql(0, COUNT_LIMIT + 1)

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        params = list(params or ())
        slots = [
            (index, name)
            for index, value in enumerate(params)
            for name, sentinel in sentinels.items()
            if prepared_statements._same(value, [sentinel])  # an Int2 counts as an int
        ]
        statement = _Statement(sql, params, slots, marker)
        statements.append(statement)
        return execute(statement.bounded(limit_clause), statement.bind(values), many, context)

    with connection.execute_wrapper(record):
        count = queryset.order_by()[:_COUNT_MARKER].count()
    found = (
        len(statements) == 1
        and statements[0].sql.count(marker) == 1
        and {name for _, name in statements[0].slots} == set(sentinels)
    )
    return (statements[0] if found else None), count


class _PreparedDetail:
    """A prepared shape's detail statement, the object's key in its slot (compiled, per
    database, when first run). On PostgreSQL its other values are written into its text as
    literals: they are the shape's own (the scope's paths: the same for every request of the
    shape, ``ScopedViewSetMixin._shape``, so each shape has its own text). As parameters, the
    generic plan did not know the paths' prefixes and read every organization for the scope's
    subqueries; PostgreSQL then kept planning each run for its values (about 2 ms of its CPU a
    detail once there are 5,000 organizations); with the prefixes written in, the generic plan
    reads the scope's organizations by the path index, and is kept
    (docs/development/benchmarks.md, "Session 24: the detail")."""

    def __init__(self, query: PreparedQuery) -> None:
        self.query = query
        # By database: the text with the shape's values written in, and the positions of the
        # parameters still sent (the key's).
        self._texts: dict[str, tuple[str, list[int]]] = {}

    def rows(self, alias: str, pk: int) -> list[list[Any]]:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            return self.query.rows(alias, pk=pk)
        compiled = self.query.compiled(alias)
        found = self._texts.get(alias)
        if found is None:
            sent = {index for index, _ in compiled.slots}
            text, _written_in = _shape_written(compiled.sql, compiled.params, sent, {}, alias)
            found = self._texts[alias] = (text, sorted(sent))
        text, sent_positions = found
        params = compiled.bind({"pk": pk}, connection)
        rows = prepared_statements.fetch(text, [params[index] for index in sent_positions], alias)
        return compiled.convert([list(row) for row in rows], connection)


def _prepared_detail(
    shape: Hashable, plan: _Plan, build: Callable[[], models.QuerySet[Any]]
) -> _PreparedDetail:
    """The prepared shape's detail statement (``_PreparedDetail``). A key finds one row: the
    statement asks for no order (the model's ordering was a sort of that row)."""
    key = (shape, plan.paths)
    prepared = _PREPARED_DETAILS.get(key)
    if prepared is None:
        visible = build()
        prepared = _PreparedDetail(
            PreparedQuery(
                lambda pk: visible.filter(pk=pk).order_by().values_list(*plan.paths)[:1], pk=_KEY_SENTINEL
            )
        )
        _remember(_PREPARED_DETAILS, key, prepared)
    return prepared


# A primary key no row has and no other parameter of a detail's query equals.
_KEY_SENTINEL = 987_654_321_987_654_321
_BIGINT = 2**63


def _key_value(model: type[models.Model], pk: Any) -> int | None:
    """``pk`` as the value the ORM would send for it (the field's own conversion), when it is a
    whole number in the database's range; ``None`` otherwise (the ORM path then answers, as it
    answers every other malformed or outsized key)."""
    field = model._meta.pk
    if not isinstance(field, models.AutoField | models.BigAutoField | models.BigIntegerField):
        return None
    value = field.get_prep_value(pk)
    return value if type(value) is int and -_BIGINT <= value < _BIGINT else None


@functools.lru_cache(maxsize=1024)
def _reversed(
    view_name: str, kwarg: str, marker: str, prefix: str, urlconf: Any, language: str
) -> str | None:
    """Django's ``reverse`` of ``view_name`` with ``marker`` for its key, for the script
    ``prefix``, URL conf and language it reads (``None`` when there is no such URL): the same
    for every request of a process that has them."""
    try:
        return django_reverse(view_name, kwargs={kwarg: marker})
    except NoReverseMatch:
        return None


def _reverse(identity: relations.HyperlinkedIdentityField, marker: str, request: Any) -> str | None:
    """What ``identity.reverse`` gives for the key ``marker`` (``None``: no such URL). With DRF's
    own ``reverse`` and no versioning, Django's part is reversed once per process
    (``_reversed``), then made absolute for this request and given its built-in query
    parameters as DRF does; a detail or a page reversed it on every request."""
    kwarg = identity.lookup_url_kwarg
    if identity.reverse is not drf_reverse.reverse or getattr(request, "versioning_scheme", None) is not None:
        try:
            return str(identity.reverse(identity.view_name, kwargs={kwarg: marker}, request=request))
        except NoReverseMatch:
            return None
    relative = _reversed(
        identity.view_name,
        kwarg,
        marker,
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
        translation.get_language(),
    )
    if relative is None:
        return None
    url = request.build_absolute_uri(relative) if request else relative
    return str(drf_reverse.preserve_builtin_query_params(url, request))


# Each link's template by everything it is made of (``_template_key``): a detail or a page made
# it again for every request, a tenth of a case detail's Python (benchmarks.md, "Session 27").
_TEMPLATES: dict[Hashable, tuple[str, str]] = {}


def _template_key(identity: relations.HyperlinkedIdentityField, request: Any) -> Hashable | None:
    """What ``_made_template`` reads of the process and of ``request`` to make ``identity``'s
    template: the view and key's names, the script prefix, URL conf and language Django's part
    is reversed for, the request's scheme and host as it sent them (with the hosts allowed: the
    same host is valid or refused under the same setting, and a template is kept only once its
    host was taken) and its ``?format=``. ``None`` where the template is made another way (no
    request, a field's own ``reverse``, a versioned request): it is then made every time."""
    if request is None or identity.reverse is not drf_reverse.reverse:
        return None
    if getattr(request, "versioning_scheme", None) is not None:
        return None
    http = getattr(request, "_request", request)  # DRF's request: its Django request's values
    override = api_settings.URL_FORMAT_OVERRIDE
    return (
        identity.view_name,
        identity.lookup_url_kwarg,
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
        translation.get_language(),
        http.scheme,
        http._get_raw_host(),
        tuple(settings.ALLOWED_HOSTS),
        settings.DEBUG,
        http.GET.get(override) if override else None,
    )


def _url_template(identity: relations.HyperlinkedIdentityField, context: dict[str, Any]) -> tuple[str, str]:
    """The text before and after the key in ``identity``'s link for this request, made once for
    each set of what it is made of (``_template_key``)."""
    request = context.get("request")
    key = _template_key(identity, request)
    if key is None:
        return _made_template(identity, request)
    template = _TEMPLATES.get(key)
    if template is None:
        template = _made_template(identity, request)
        _remember(_TEMPLATES, key, template)
    return template


def _made_template(identity: relations.HyperlinkedIdentityField, request: Any) -> tuple[str, str]:
    for marker in _MARKERS:
        url = _reverse(identity, marker, request)
        if url is None:
            continue
        if url.count(marker) == 1:
            prefix, suffix = url.split(marker)
            return prefix, suffix
    raise ImproperlyConfigured(f"cannot build a URL template for {identity.view_name}")


def _build(serializer: serializers.Serializer[Any], computed: dict[str, Computed]) -> _Plan:
    # Each path read, with its column: the order of first use.
    columns: dict[str, int] = {"pk": 0}

    def column(path: str) -> int:
        return columns.setdefault(path, len(columns))

    writers: list[tuple[str, WriterFactory]] = []
    for name, declared in serializer.fields.items():
        if declared.write_only:
            continue
        if name in computed:
            wanted = computed[name]
            read = [(path, column(path)) for path in wanted.paths]
            if wanted.per_page is not None:
                writers.append((name, _computed_per_page(wanted.per_page, [index for _, index in read])))
            else:
                assert wanted.value is not None
                writers.append((name, _computed(wanted.value, read)))
            continue
        if isinstance(declared, relations.HyperlinkedIdentityField):
            if declared.lookup_field != "pk":
                raise ImproperlyConfigured(f"{name}: only URLs by primary key are planned")
            writers.append((name, _url(declared, columns["pk"])))
            continue
        if declared.source == "*" or isinstance(
            declared,
            serializers.SerializerMethodField | serializers.BaseSerializer | relations.ManyRelatedField,
        ):
            raise ImproperlyConfigured(
                f"{type(serializer).__name__}.{name}: give it in LeanList(computed=...)"
            )
        source = str(declared.source).replace(".", "__")
        if isinstance(declared, relations.SlugRelatedField):
            writers.append((name, _column(column(f"{source}__{declared.slug_field}"))))
        elif isinstance(declared, relations.PrimaryKeyRelatedField) and declared.pk_field is None:
            writers.append((name, _column(column(source))))
        elif isinstance(declared, relations.RelatedField):
            raise ImproperlyConfigured(f"{type(serializer).__name__}.{name}: give it in computed")
        else:
            writers.append((name, _represented(column(source), declared)))
    return _Plan(tuple(columns), writers)


def _computed(value: Callable[[Row, Context], Any], columns: list[tuple[str, int]]) -> WriterFactory:
    def bind(context: Context) -> ColumnWriter:
        return lambda rows: [value({path: row[index] for path, index in columns}, context) for row in rows]

    return bind


def _computed_per_page(make: Callable[[Context], Callable[..., Any]], indexes: list[int]) -> WriterFactory:
    reads = [itemgetter(index) for index in indexes]

    def bind(context: Context) -> ColumnWriter:
        def write(rows: list[Values]) -> list[Any]:
            value = make(context)
            if not reads:
                return [value() for _ in rows]
            return list(map(value, *(map(read, rows) for read in reads)))

        return write

    return bind


def _url(identity: relations.HyperlinkedIdentityField, pk: int) -> WriterFactory:
    key = itemgetter(pk)

    def bind(context: Context) -> ColumnWriter:
        prefix, suffix = _url_template(identity, context)
        return lambda rows: [f"{prefix}{value}{suffix}" for value in map(key, rows)]

    return bind


def _column(index: int) -> WriterFactory:
    """The writer of a field whose value is its column's (a related row's slug or key)."""
    read = itemgetter(index)

    def write(rows: list[Values]) -> list[Any]:
        return list(map(read, rows))

    return lambda context: write


_NONE = type(None)

# Fields whose representation of a value that already has this type is the value itself
# (``CharField`` gives ``str(value)``, ``IntegerField`` ``int(value)``, ``FloatField``
# ``float(value)``): a column whose values all have it (or are null) is written as read; any
# other value is given to the field.
_IDENTITY_FOR = {
    serializers.CharField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.FloatField.to_representation: float,
}


def _represented(index: int, declared: serializers.Field[Any, Any, Any, Any]) -> WriterFactory:
    represent = declared.to_representation
    method = type(declared).to_representation
    read = itemgetter(index)
    if method is serializers.DateTimeField.to_representation and _iso_in_current_zone(declared):
        return _date_time(read, represent)
    if method is serializers.DateField.to_representation and _iso(declared, api_settings.DATE_FORMAT):
        return _date(read, represent)
    if method is serializers.ChoiceField.to_representation and isinstance(declared, serializers.ChoiceField):
        return _choice(read, declared, represent)
    kept = _IDENTITY_FOR.get(method)

    def write(rows: list[Values]) -> list[Any]:
        values = list(map(read, rows))
        if kept is not None and set(map(type, values)) <= {kept, _NONE}:
            return values
        return [None if value is None else represent(value) for value in values]

    return lambda context: write


def _choice(
    read: Callable[[Values], Any],
    declared: serializers.ChoiceField,
    represent: Callable[[Any], Any],
) -> WriterFactory:
    """``ChoiceField.to_representation``: text (what a choice column holds) is looked up among
    the choices' text (``''`` and null written as read); a column of choices whose text is the
    choice itself is written as read. Any other value is given to the field."""
    choices = declared.choice_strings_to_values
    same = all(type(value) is str and value == text for text, value in choices.items())
    look_up = choices.get

    def write(rows: list[Values]) -> list[Any]:
        values = list(map(read, rows))
        if not set(map(type, values)) <= {str, _NONE}:
            return [represent(value) for value in values]
        if same:
            return values
        return [look_up(value, value) if value else value for value in values]

    return lambda context: write


def _iso(declared: serializers.Field[Any, Any, Any, Any], default: Any) -> bool:
    output_format = getattr(declared, "format", default)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _date(read: Callable[[Values], Any], represent: Callable[[Any], Any]) -> WriterFactory:
    """``DateField.to_representation`` in ISO 8601 for a column of dates (or nulls): each
    date's ``isoformat()``; any other value is given to the field."""

    def write(rows: list[Values]) -> list[Any]:
        values = list(map(read, rows))
        if not set(map(type, values)) <= {date, _NONE}:
            return [represent(value) for value in values]
        return [None if value is None else value.isoformat() for value in values]

    return lambda context: write


def _iso_in_current_zone(declared: serializers.Field[Any, Any, Any, Any]) -> bool:
    return (
        settings.USE_TZ
        and _iso(declared, api_settings.DATETIME_FORMAT)
        and not hasattr(declared, "timezone")
        and getattr(type(declared), "enforce_timezone", None) is serializers.DateTimeField.enforce_timezone
    )


def _date_time(read: Callable[[Values], Any], represent: Callable[[Any], Any]) -> WriterFactory:
    """``DateTimeField.to_representation`` for a column of aware date-times from the database
    (or nulls): in the request's current time zone (read once per request, not once per
    value), ISO 8601, UTC written as ``Z``. A column holding anything else (a naive value,
    text), or a value the zone cannot hold, is given to the field value by value."""

    def bind(context: Context) -> ColumnWriter:
        zone = _current_zone(context)

        def write(rows: list[Values]) -> list[Any]:
            values = list(map(read, rows))
            given = [value for value in values if value is not None]
            if set(map(type, given)) <= {datetime} and None not in set(map(_TZINFO, given)):
                try:
                    texts = [
                        None if value is None else value.astimezone(zone).isoformat() for value in values
                    ]
                except OverflowError:  # the field's own error, below
                    pass
                else:
                    return [
                        text[:-6] + "Z" if text is not None and text.endswith("+00:00") else text
                        for text in texts
                    ]
            return [None if value is None else represent(value) for value in values]

        return write

    return bind


_TZINFO = attrgetter("tzinfo")
# Where a write's context keeps the request's time zone (``_current_zone``).
_ZONE = "rasad.api.lean:zone"


def _current_zone(context: Context) -> Any:
    """The request's current time zone, read once for all the date-time columns of a write
    (``LeanList.write``'s context): each read goes through asgiref's context-local storage,
    some 5–8 µs, six times a case."""
    zone = context.get(_ZONE)
    if zone is None:
        zone = context[_ZONE] = timezone.get_current_timezone()
    return zone
