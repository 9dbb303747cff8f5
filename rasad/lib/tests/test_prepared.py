"""``rasad.lib.prepared``: a query compiled once, evaluated with each call's values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from rasad.core.models import Organization
from rasad.lib.prepared import PreparedQuery
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
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%closed_on%"])
        assert cursor.fetchone() == (0,)
