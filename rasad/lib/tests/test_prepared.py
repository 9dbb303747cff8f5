"""``rasad.lib.prepared``: a query compiled once, evaluated with each call's values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from rasad.core.models import Organization
from rasad.lib.prepared import Many, PreparedPair, PreparedQuery
from rasad.testing.cast import Cast

SINCE = datetime(1901, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)


def _organizations(code: str, since: datetime) -> QuerySet[Any]:
    return Organization.objects.filter(code=code, created__gte=since).values_list(
        "code", "created", "is_national_body"
    )


QUERY = PreparedQuery(_organizations, code="prepared:sentinel", since=SINCE)


def test_each_call_gets_its_own_values_and_the_orms_types(cast: Cast):
    # The national centre is the one national body: the booleans come back as the ORM's.
    assert QUERY.rows(code="NAT", since=SINCE) == [["NAT", cast.national.created, True]]
    isfahan = QUERY.rows(code="ISF-CC", since=cast.isfahan.created - timedelta(seconds=1))
    kerman = QUERY.rows(code="KER-CC", since=cast.kerman.created - timedelta(seconds=1))
    later = QUERY.rows(code="KER-CC", since=cast.kerman.created + timedelta(seconds=1))
    assert (isfahan, kerman, later) == (
        [["ISF-CC", cast.isfahan.created, False]],
        [["KER-CC", cast.kerman.created, False]],
        [],
    )


def test_it_is_one_statement_that_query_counting_sees(cast: Cast):
    QUERY.rows(code="ISF-CC", since=SINCE)
    with CaptureQueriesContext(connection) as queries:
        QUERY.rows(code="ISF-CC", since=SINCE + timedelta(days=1))
    assert len(queries) == 1


def test_a_slot_missing_from_the_query_is_refused(db):
    unused = PreparedQuery(
        lambda code, other: _organizations(code, SINCE), code="prepared:a", other="prepared:b"
    )
    with pytest.raises(ValueError, match="'other'"):
        unused.rows(code="ISF-CC", other="x")


def _organization_paths(code: str) -> QuerySet[Any]:
    return Organization.objects.filter(code=code).values_list("code", "path", "depth")


@pytest.mark.postgres
def test_on_postgresql_the_statement_is_prepared_once_per_connection(cast: Cast):
    paths = PreparedQuery(_organization_paths, code="prepared:paths")
    assert paths.rows(code="NAT") == [["NAT", cast.national.path, cast.national.depth]]
    assert paths.rows(code="ISF-CC") == [["ISF-CC", cast.isfahan.path, cast.isfahan.depth]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall() if row[0] == paths.compiled().sql.replace("%s", "$1")]
    assert len(prepared) == 1


@pytest.mark.postgres
def test_prepared_statements_can_be_turned_off(cast: Cast, settings: Any):
    settings.PREPARED_STATEMENTS = False
    active = PreparedQuery(
        lambda code: Organization.objects.filter(code=code).values_list("code", "kind", "closed_on"),
        code="prepared:active",
    )
    assert active.rows(code="NAT") == [["NAT", cast.national.kind, None]]
    with connection.cursor() as cursor:
        # This statement only: others (the importer's, with closed_on too) stay prepared on the
        # connection from earlier tests, since a rollback keeps them.
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [active.compiled().sql.replace("%s", "$1")],
        )
        assert cursor.fetchone() == (0,)


def _organizations_among(codes: list[str], kinds: list[str], depth: int) -> QuerySet[Any]:
    return (
        Organization.objects.filter(code__in=codes, kind__in=kinds, depth__gte=depth)
        .order_by("code")
        .values_list("code", flat=True)
    )


AMONG = PreparedQuery(
    _organizations_among, codes=Many("prepared:code"), kinds=Many("prepared:kind"), depth=7301
)


@pytest.mark.parametrize(
    "codes",
    [[], ["NAT"], ["ISF-CC", "KER-CC"], ["ISF-CC", "KER-CC", "NAT", "no such code"]],
)
def test_a_list_slot_takes_lists_of_any_length_as_the_orm_reads_them(cast: Cast, codes: list[str]):
    kinds = ["national_body", "company"]
    expected = [[code] for code in _organizations_among(codes, kinds, 0)] if codes else []
    with CaptureQueriesContext(connection) as queries:
        found = AMONG.rows(codes=codes, kinds=kinds, depth=0)
    assert found == expected
    assert len(queries) == 1
    assert AMONG.rows(codes=set(codes), kinds=("company",), depth=1) == [
        [code] for code in (_organizations_among(codes, ["company"], 1) if codes else [])
    ]


def test_a_built_statement_takes_slots_too(cast: Cast):
    def union(codes: list[str], code: str) -> tuple[str, list[Any]]:
        first, first_params = (
            Organization.objects.filter(code__in=codes).values_list("code").query.sql_with_params()
        )
        second, second_params = (
            Organization.objects.filter(code=code).values_list("code").query.sql_with_params()
        )
        sql = f"SELECT 'in', a.* FROM ({first}) a UNION ALL SELECT 'is', b.* FROM ({second}) b"  # noqa: S608
        return sql, [
            *first_params,
            *second_params,
        ]

    built = PreparedQuery(union, codes=Many("prepared:u"), code="prepared:v")
    assert sorted(built.rows(codes=["NAT", "ISF-CC"], code="KER-CC")) == [
        ["in", "ISF-CC"],
        ["in", "NAT"],
        ["is", "KER-CC"],
    ]


def test_a_list_slot_must_be_an_in_filter(db):
    wrong = PreparedQuery(
        lambda code: Organization.objects.filter(code=code[0]).values_list("code"), code=Many("prepared:w")
    )
    with pytest.raises(ValueError, match="field__in"):
        wrong.rows(code=["NAT"])


PAIR = PreparedPair(
    PreparedQuery(
        lambda codes: (
            Organization.objects.filter(code__in=codes)
            .order_by("code")
            .values_list("code", "created", "is_national_body")
        ),
        codes=Many("prepared:pair-organization"),
    ),
    PreparedQuery(
        lambda codes: (
            Organization.objects.filter(code__in=codes).order_by("code").values_list("code", "depth")
        ),
        codes=Many("prepared:pair-depth"),
    ),
)


def test_a_pair_reads_both_querysets_in_one_statement_as_the_orm_reads_them(cast: Cast):
    PAIR.rows({"codes": ["NAT"]}, {"codes": ["NAT"]})
    with CaptureQueriesContext(connection) as queries:
        first, second = PAIR.rows({"codes": ["NAT", "ISF-CC", "nothing"]}, {"codes": ["KER-CC"]})
    assert len(queries) == 1
    # The booleans and date-times converted as the ORM converts them (on SQLite too).
    assert first == [["ISF-CC", cast.isfahan.created, False], ["NAT", cast.national.created, True]]
    assert second == [["KER-CC", cast.kerman.depth]]
    assert PAIR.rows({"codes": []}, {"codes": ["ISF-CC"]}) == ([], [["ISF-CC", cast.isfahan.depth]])


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
def test_a_rollback_keeps_the_prepared_statements_and_a_drop_does_not(cast: Cast):
    """A refused write rolls its transaction back (here to a savepoint, as inside the test's
    transaction): the statements prepared before stay prepared on the server and are not
    prepared again (psycopg would send DEALLOCATE ALL). A DROP still clears them."""
    paths = PreparedQuery(_organization_paths, code="prepared:kept")
    paths.rows(code="NAT")
    before = _prepared_names()
    assert before

    def refused() -> None:
        with transaction.atomic():
            paths.rows(code="ISF-CC")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused()
    assert paths.rows(code="KER-CC") == [["KER-CC", cast.kerman.path, cast.kerman.depth]]
    assert _prepared_names() == before
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE prepared_dropped (id int)")
        cursor.execute("DROP TABLE prepared_dropped")
    assert _prepared_names() == set()
    assert paths.rows(code="NAT") == [["NAT", cast.national.path, cast.national.depth]]
