"""The database refuses to rewrite the audit trail.

After every ``migrate`` (``post_migrate``) the audit events and checkpoints get triggers that
refuse ``UPDATE``, ``DELETE`` and (PostgreSQL) ``TRUNCATE``, and on PostgreSQL every role other
than the tables' owner loses those privileges on them. The application connects as its own role
and the owner role runs the migrations (docs/security.md, "Two database roles"), so the
application cannot rewrite audit rows even through SQL injection: it holds no privilege to, and
cannot drop the owner's triggers.

The triggers also stop accidents where one role does everything (development, SQLite). Only an
explicit maintenance block (``audit_maintenance``) lets a test's clean-up or a migration through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("core_auditevent", "core_auditcheckpoint")
_FLAG = "rasad_audit_maintenance"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION rasad_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('rasad.audit_maintenance', true), '') = 'on' THEN
    IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    IF TG_LEVEL = 'ROW' THEN RETURN NEW; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$
"""


def sqlite_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give each SQLite connection the function the triggers ask (refusing when it is missing)."""
    if connection.vendor != "sqlite":
        return

    def maintenance() -> int:
        return 1 if getattr(connection, _FLAG, False) else 0

    connection.connection.create_function(_FLAG, 0, maintenance)


def install_append_only(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the triggers that are missing and revoke the rewriting privileges (idempotent)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in APPEND_ONLY_TABLES if table in existing]
        if connection.vendor == "sqlite":
            for table in tables:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} WHEN NOT {_FLAG}() "
                        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in tables:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
                triggers = {row[0] for row in cursor.fetchall()}
                if "rasad_append_only" not in triggers:
                    cursor.execute(
                        f"CREATE TRIGGER rasad_append_only BEFORE UPDATE OR DELETE ON {table} "
                        "FOR EACH ROW EXECUTE FUNCTION rasad_audit_append_only()"
                    )
                if "rasad_no_truncate" not in triggers:
                    cursor.execute(
                        f"CREATE TRIGGER rasad_no_truncate BEFORE TRUNCATE ON {table} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION rasad_audit_append_only()"
                    )
                cursor.execute(
                    "SELECT DISTINCT r.rolname FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
                    "JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = %s::regclass "
                    "AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND a.grantee <> c.relowner",
                    [table],
                )
                for (role,) in cursor.fetchall():
                    cursor.execute(
                        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {connection.ops.quote_name(role)}"
                    )


@contextmanager
def audit_maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the current connection's own role past the triggers (for tests' clean-up and for
    migrations). It grants no privilege: the application's role still may not rewrite rows."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('rasad.audit_maintenance', 'on', false)")
    setattr(connection, _FLAG, True)
    try:
        yield
    finally:
        setattr(connection, _FLAG, False)
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('rasad.audit_maintenance', 'off', false)")
            except Exception:  # a broken connection is closed anyway
                connection.close()
