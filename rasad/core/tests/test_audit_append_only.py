"""The database refuses to rewrite the audit trail: the triggers everywhere, and on PostgreSQL the
privileges of the application's role (docs/security.md, "Two database roles")."""

from __future__ import annotations

import os

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_guard import audit_maintenance, install_append_only
from rasad.core.audit_log import record
from rasad.core.audit_verify import verify
from rasad.core.models import AuditChainHead, AuditCheckpoint, AuditEvent
from rasad.testing.cast import Cast


def _refused(statement: str) -> str:
    """The error of a refused statement: the triggers' ("append-only"), or, as the application's
    own role on PostgreSQL, the privileges' ("permission denied")."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError as error:
        return str(error)
    raise AssertionError(f"{statement!r} was allowed")


def _append_only(message: str) -> bool:
    return "append-only" in message or "permission denied" in message


def test_the_application_cannot_update_or_delete_audit_rows(cast: Cast):
    victim = AuditEvent.objects.order_by("id").first()
    assert victim is not None
    update = f"UPDATE core_auditevent SET actor_name = 'mallory' WHERE id = {victim.pk}"  # noqa: S608
    assert _append_only(_refused(update))
    assert _append_only(_refused(f"DELETE FROM core_auditevent WHERE id = {victim.pk}"))  # noqa: S608
    assert AuditEvent.objects.get(pk=victim.pk).actor_name == victim.actor_name
    assert list(verify()) == []


def test_checkpoints_are_append_only_too(cast: Cast):
    AuditCheckpoint.objects.create(number=1, created=timezone.now(), body="{}", signature="00", key="00")
    assert _append_only(_refused("UPDATE core_auditcheckpoint SET body = '{\"x\":1}'"))
    assert _append_only(_refused("DELETE FROM core_auditcheckpoint"))


def test_appending_still_works_and_heads_move(cast: Cast):
    event = record(
        CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.isfahan, new={"a": 1}
    )
    assert AuditChainHead.objects.get(chain=event.chain).sequence == event.sequence
    assert list(verify()) == []


@pytest.mark.postgres
def test_postgresql_refuses_truncate(cast: Cast):
    assert _append_only(_refused("TRUNCATE core_auditevent"))


@pytest.mark.postgres
def test_the_application_role_holds_no_privilege_to_rewrite(cast: Cast):
    """As the application's own role, not even the maintenance switch lets a rewrite through."""
    role = os.environ.get("RASAD_TEST_APP_ROLE", "")
    with connection.cursor() as cursor:
        if not role:  # a one-role test cluster: make the application's role here (rolled back)
            role = "rasad_app_probe"
            cursor.execute(f"CREATE ROLE {role}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}"
            )
            cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}")
            install_append_only()  # what every migrate does: the grant above is taken back
            cursor.execute(f"SET ROLE {role}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (role,)
    victim = AuditEvent.objects.order_by("id").first()
    assert victim is not None
    with audit_maintenance():
        for statement in (
            f"UPDATE core_auditevent SET actor_name = 'mallory' WHERE id = {victim.pk}",  # noqa: S608
            f"DELETE FROM core_auditevent WHERE id = {victim.pk}",  # noqa: S608
            "TRUNCATE core_auditevent",
            "DELETE FROM core_auditcheckpoint",
            "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
        ):
            message = _refused(statement)
            assert "permission denied" in message or "must be owner" in message, message
    event = record(
        CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.kerman, new={"b": 2}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        if os.environ.get("RASAD_TEST_APP_ROLE"):
            cursor.execute(f"SET ROLE {role}")
