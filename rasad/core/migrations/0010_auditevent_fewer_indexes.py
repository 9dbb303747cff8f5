"""The audit events lose three indexes that every append wrote and nothing read
(docs/development/benchmarks.md, "Audit chain", session 23): ``chain``'s own two (the unique
``(chain, sequence)`` serves every lookup by chain) and, on PostgreSQL, ``object_id``'s index for
``LIKE``; ``object_id``'s plain index stays, renamed as the model's ``Meta.indexes`` names it (it
is not rebuilt: on a large trail that would hold every write back)."""

from django.db import migrations, models


def _names(apps, schema_editor):
    """The audit events' table, the name Django gave ``object_id``'s index, and the quoting."""
    table = apps.get_model("core", "AuditEvent")._meta.db_table
    return table, schema_editor._create_index_name(table, ["object_id"], suffix=""), schema_editor.quote_name


def object_id_index(apps, schema_editor):
    table, old, quote = _names(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old + '_like')}")
        schema_editor.execute(f"ALTER INDEX IF EXISTS {quote(old)} RENAME TO audit_object_id_idx")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")
        schema_editor.execute(f"CREATE INDEX audit_object_id_idx ON {quote(table)} ({quote('object_id')})")


def object_id_index_back(apps, schema_editor):
    table, old, quote = _names(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS audit_object_id_idx RENAME TO {quote(old)}")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(old + '_like')} ON {quote(table)} "
            f"({quote('object_id')} varchar_pattern_ops)"
        )
    else:
        schema_editor.execute("DROP INDEX IF EXISTS audit_object_id_idx")
        schema_editor.execute(f"CREATE INDEX {quote(old)} ON {quote(table)} ({quote('object_id')})")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_role_permissions_stamp"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(max_length=40),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_id",
                    field=models.CharField(blank=True, max_length=64),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["object_id"], name="audit_object_id_idx"),
                ),
            ],
            database_operations=[migrations.RunPython(object_id_index, object_id_index_back)],
        ),
    ]
