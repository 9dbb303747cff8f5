"""What a token's request reads: its token, user and grants in one statement compiled once per
process, with roles' permissions cached per process. Every change counts from the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from rasad.core.actions.people import do_change_role_permissions, do_revoke_grant
from rasad.core.actions.tokens import authenticate_token, do_create_api_token
from rasad.core.models import Grant, Organization, Role
from rasad.core.scope import holds_anywhere
from rasad.testing.cast import Cast

ORGANIZATIONS = "/api/v1/organizations/"


def _missing_permissions(role: Role, count: int) -> list[Permission]:
    """Permissions the role does not hold."""
    return list(
        Permission.objects.select_related("content_type")
        .exclude(pk__in=role.permissions.values("pk"))
        .order_by("pk")[:count]
    )


def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def test_a_token_reads_token_user_and_grants_in_one_statement(cast: Cast):
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    authenticate_token(secret)  # the last-used stamp is written at most every five minutes
    with CaptureQueriesContext(connection) as queries:
        token = authenticate_token(secret)
        assert token is not None
        assert holds_anywhere(token.user, Organization, "view")
        assert not holds_anywhere(token.user, Organization, "delete")
    assert len(queries) == 1


def test_a_revoked_grant_counts_from_the_next_request(cast: Cast, api):
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert api.get(ORGANIZATIONS, **auth).json()["count"] == 2
    do_revoke_grant(Grant.objects.get(user=cast.alice), acting_user=cast.root)
    assert api.get(ORGANIZATIONS, **auth).json()["count"] == 0


def test_a_role_losing_a_permission_counts_from_the_next_request(cast: Cast, api):
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert api.get(ORGANIZATIONS, **auth).json()["count"] == 2
    analyst = Role.objects.get(slug="analyst")
    kept = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in analyst.permissions.select_related("content_type")
        if p.codename != "view_organization"
    ]
    do_change_role_permissions(analyst, kept, acting_user=cast.root)
    assert api.get(ORGANIZATIONS, **auth).json()["count"] == 0


def test_a_permission_added_to_a_role_without_saving_the_role_counts(cast: Cast):
    # Code may change a role's permissions through the relation alone: the cache must see it.
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    analyst = Role.objects.get(slug="analyst")
    (added,) = _missing_permissions(analyst, 1)
    token = authenticate_token(secret)
    assert token is not None and not holds_anywhere(token.user, _name(added))
    analyst.permissions.add(added)
    token = authenticate_token(secret)
    assert token is not None and holds_anywhere(token.user, _name(added))
    analyst.permissions.remove(added)
    token = authenticate_token(secret)
    assert token is not None and not holds_anywhere(token.user, _name(added))


def test_a_rolled_back_change_is_not_taken_for_the_next_one(cast: Cast):
    # SQLite gives the next row the id a rolled-back row had: the stamp must still differ.
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    analyst = Role.objects.get(slug="analyst")
    first, second = _missing_permissions(analyst, 2)
    try:
        with transaction.atomic():
            analyst.permissions.add(first)
            token = authenticate_token(secret)
            assert token is not None and holds_anywhere(token.user, _name(first))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    analyst.permissions.add(second)
    token = authenticate_token(secret)
    assert token is not None
    assert (holds_anywhere(token.user, _name(first)), holds_anywhere(token.user, _name(second))) == (
        False,
        True,
    )


@pytest.mark.postgres
def test_on_postgresql_the_stamp_is_one_row_written_by_every_change_of_the_table(cast: Cast):
    # Migration core/0009: the token's statement reads the stamp row, not the role-permission
    # table (a scan of ~1,400 rows on every request); a change by any statement, raw SQL
    # included, writes a new stamp in its own transaction.
    _token, secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="laptop")
    analyst = Role.objects.get(slug="analyst")
    held = sorted(analyst.permissions.values_list("pk", flat=True))
    table = Role.permissions.through._meta.db_table
    held_one = analyst.permissions.select_related("content_type").first()
    assert held_one is not None
    with CaptureQueriesContext(connection) as queries:
        token = authenticate_token(secret)
    assert token is not None and holds_anywhere(token.user, _name(held_one))
    token_sql = queries.captured_queries[0]["sql"]  # the token's statement (a reload may follow)
    assert "core_apitoken" in token_sql
    assert "rasad_role_permissions_stamp" in token_sql and f'"{table}"' not in token_sql

    def stamp() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT stamp FROM rasad_role_permissions_stamp WHERE id = 1")
            (value,) = cursor.fetchone()
        return str(value)

    before = stamp()
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}" WHERE role_id = %s', [analyst.pk])  # noqa: S608
    after_delete = stamp()
    token = authenticate_token(secret)
    assert token is not None and not any(
        holds_anywhere(token.user, _name(p)) for p in Permission.objects.filter(pk__in=held)
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rasad_role_permissions_stamp")  # gone: the next change puts it back
    analyst.permissions.set(held)
    token = authenticate_token(secret)
    assert token is not None and all(
        holds_anywhere(token.user, _name(p)) for p in Permission.objects.filter(pk__in=held)
    )
    assert len({before, after_delete, stamp()}) == 3
