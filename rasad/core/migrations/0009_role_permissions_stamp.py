# Written by hand (session 21, issue 11 item 2).
#
# Every request with grants reads, in the statement that reads them, a stamp that changes whenever
# any role's permissions change, and reloads the per-process table of role permissions only when
# it differs (rasad.core.scope, ``_RolePermissions``). The stamp was the role–permission table's
# row count and highest id: a scan of its ~1,400 rows, about 0.1 ms of PostgreSQL's CPU on every
# authenticated request (docs/development/benchmarks.md, "Session 21"). On PostgreSQL a trigger now
# writes a new random stamp into a one-row table in the same transaction as any change to that
# table, and the request reads that one row. A random value never comes back (a rolled-back
# change or a restored backup cannot hand out a stamp a process has already seen with other
# permissions, as a counter could), and the row is written in the changing transaction, so a
# reader sees the new stamp exactly when it can see the new permissions. SQLite keeps the scan
# (with its checksum): an embedded node has few requests and no such cost to save.

from typing import Any

from django.db import migrations

_STAMP = "rasad_role_permissions_stamp"


def _schema(schema_editor: Any) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (name,) = cursor.fetchone()
    quoted: str = schema_editor.quote_name(name)
    return quoted


def stamped_by_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _schema(schema_editor)
    table = schema_editor.quote_name(apps.get_model("core", "Role").permissions.through._meta.db_table)
    stamp = f"{schema}.{_STAMP}"
    for statement in (
        f"CREATE TABLE {stamp} (id smallint PRIMARY KEY CHECK (id = 1), stamp text NOT NULL)",
        f"INSERT INTO {stamp} (id, stamp) VALUES (1, gen_random_uuid()::text)",
        # Statement-level: a role's permissions set in one statement write the row once; a
        # TRUNCATE (a test's flush) is a change too. The upsert puts the row back if it was gone.
        f"""
CREATE FUNCTION {schema}.rasad_role_permissions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {stamp} (id, stamp) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER rasad_role_permissions_changed AFTER INSERT OR UPDATE OR DELETE ON {schema}.{table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.rasad_role_permissions_changed()",
        f"CREATE TRIGGER rasad_role_permissions_truncated AFTER TRUNCATE ON {schema}.{table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.rasad_role_permissions_changed()",
    ):
        schema_editor.execute(statement)


def stamped_by_scan(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _schema(schema_editor)
    table = schema_editor.quote_name(apps.get_model("core", "Role").permissions.through._meta.db_table)
    for trigger in ("rasad_role_permissions_changed", "rasad_role_permissions_truncated"):
        schema_editor.execute(f"DROP TRIGGER {trigger} ON {schema}.{table}")
    schema_editor.execute(f"DROP FUNCTION {schema}.rasad_role_permissions_changed()")
    schema_editor.execute(f"DROP TABLE {schema}.{_STAMP}")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_user_latin_name")]

    operations = [migrations.RunPython(stamped_by_trigger, stamped_by_scan)]
