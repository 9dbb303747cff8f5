"""psycopg's ``timestamptz`` loader (``rasad.lib.postgresql``) in a session whose time zone was
changed after the connection was made (``SET TIME ZONE``: a maintenance script, a pooled
connection handed on): the instants read stay the stored ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from rasad.core.models import Organization
from rasad.lib.prepared import PreparedQuery
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CREATED = PreparedQuery(
    lambda code: Organization.objects.filter(code=code).values_list("created"), code="\x00review:tz"
)


def test_a_session_moved_to_another_time_zone_reads_the_same_instants(cast: Cast):
    stored = Organization.objects.get(code="NAT").created
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Tehran'")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT '2026-12-04 10:00:00+00'::timestamptz")
            (moment,) = cursor.fetchone()
        assert moment == datetime(2026, 12, 4, 10, tzinfo=UTC)
        assert Organization.objects.get(code="NAT").created == stored
        assert CREATED.rows(code="NAT") == [[stored]]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert Organization.objects.get(code="NAT").created.tzinfo is UTC
