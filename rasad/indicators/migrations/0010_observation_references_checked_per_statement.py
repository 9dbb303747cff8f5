# Written by hand (session 20, issue 11 item 4).
#
# On PostgreSQL the observation table's four foreign keys (organization, indicator, reporter,
# approver) become triggers that give the same guarantees at a lower cost: a declared foreign
# key checks and locks the referenced row once per inserted row at commit (about 12 ms of
# PostgreSQL's CPU per 1,000 new rows); the triggers below check a statement's distinct keys in
# one query each and lock them the same way (``FOR KEY SHARE``). docs/indicators.md, "Integrity
# of observations", describes the design and why it is equivalent; the tests are
# rasad/indicators/tests/test_observation_references.py.
#
# SQLite keeps its declared foreign keys: Django's state says ``db_constraint=False`` for all
# engines, so only PostgreSQL's database operations run here. A later migration that rebuilds the
# table on SQLite would drop them: ``test_sqlite_keeps_the_declared_foreign_keys_and_postgresql_has_the_triggers`` fails
# then.

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_TABLE = "indicators_observation"
_COLUMNS = ("organization_id", "indicator_id", "reported_by_id", "approved_by_id")


def _sql(schema: str) -> list[str]:
    """The functions and triggers, every table named with its schema (a function runs with its
    caller's search path, in which a temporary table of the same name would come first)."""
    obs = f"{schema}.{_TABLE}"
    org = f"{schema}.core_organization"
    ind = f"{schema}.indicators_indicator"
    usr = f"{schema}.core_user"
    return [
        # The check: every distinct key of a statement's rows, locked as a foreign key's check
        # locks it (FOR KEY SHARE: a concurrent delete or key change of the row waits for this
        # transaction, and one that went first is seen); a key not found refuses the statement
        # with the error a foreign key raises.
        f"""
CREATE FUNCTION {schema}.rasad_observation_references(
    organizations bigint[], indicators bigint[], reporters bigint[], approvers bigint[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  users bigint[];
  missing bigint;
BEGIN
  IF organizations IS NOT NULL AND (
      SELECT count(*) FROM (SELECT FROM {org} WHERE id = ANY (organizations) FOR KEY SHARE) AS locked
  ) < cardinality(organizations) THEN
    SELECT k INTO missing FROM unnest(organizations) AS k
      WHERE NOT EXISTS (SELECT FROM {org} WHERE id = k) LIMIT 1;
    PERFORM {schema}.rasad_observation_refused('organization_id', 'core_organization', missing);
  END IF;
  IF indicators IS NOT NULL AND (
      SELECT count(*) FROM (SELECT FROM {ind} WHERE id = ANY (indicators) FOR KEY SHARE) AS locked
  ) < cardinality(indicators) THEN
    SELECT k INTO missing FROM unnest(indicators) AS k
      WHERE NOT EXISTS (SELECT FROM {ind} WHERE id = k) LIMIT 1;
    PERFORM {schema}.rasad_observation_refused('indicator_id', 'indicators_indicator', missing);
  END IF;
  IF reporters IS NULL AND approvers IS NULL THEN
    RETURN;
  END IF;
  users := ARRAY(SELECT DISTINCT u FROM unnest(coalesce(reporters, '{{}}') || coalesce(approvers, '{{}}')) AS u);
  IF (SELECT count(*) FROM (SELECT FROM {usr} WHERE id = ANY (users) FOR KEY SHARE) AS locked)
      < cardinality(users) THEN
    SELECT k INTO missing FROM unnest(reporters) AS k
      WHERE NOT EXISTS (SELECT FROM {usr} WHERE id = k) LIMIT 1;
    IF missing IS NOT NULL THEN
      PERFORM {schema}.rasad_observation_refused('reported_by_id', 'core_user', missing);
    END IF;
    SELECT k INTO missing FROM unnest(approvers) AS k
      WHERE NOT EXISTS (SELECT FROM {usr} WHERE id = k) LIMIT 1;
    PERFORM {schema}.rasad_observation_refused('approved_by_id', 'core_user', missing);
  END IF;
END $$
""",
        f"""
CREATE FUNCTION {schema}.rasad_observation_refused(key text, referenced text, missing bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'insert or update on table "{_TABLE}" violates foreign key "observation_%_exists"', key
    USING ERRCODE = 'foreign_key_violation',
          DETAIL = format('Key (%s)=(%s) is not present in table "%s".', key, missing, referenced),
          TABLE = '{_TABLE}', COLUMN = key, CONSTRAINT = format('observation_%s_exists', key);
END $$
""",
        # After an INSERT (and the insert part of INSERT … ON CONFLICT, and COPY): every row's keys.
        f"""
CREATE FUNCTION {schema}.rasad_observation_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  organizations bigint[]; indicators bigint[]; reporters bigint[]; approvers bigint[];
BEGIN
  SELECT array_agg(DISTINCT organization_id), array_agg(DISTINCT indicator_id),
         array_agg(DISTINCT reported_by_id) FILTER (WHERE reported_by_id IS NOT NULL),
         array_agg(DISTINCT approved_by_id) FILTER (WHERE approved_by_id IS NOT NULL)
    INTO organizations, indicators, reporters, approvers FROM checked;
  PERFORM {schema}.rasad_observation_references(organizations, indicators, reporters, approvers);
  RETURN NULL;
END $$
""",
        # After an UPDATE (and the update part of INSERT … ON CONFLICT DO UPDATE): only the keys
        # a row changes, as a foreign key checks only those.
        f"""
CREATE FUNCTION {schema}.rasad_observation_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  organizations bigint[]; indicators bigint[]; reporters bigint[]; approvers bigint[];
BEGIN
  SELECT array_agg(DISTINCT n.organization_id) FILTER (WHERE n.organization_id <> o.organization_id),
         array_agg(DISTINCT n.indicator_id) FILTER (WHERE n.indicator_id <> o.indicator_id),
         array_agg(DISTINCT n.reported_by_id) FILTER (
           WHERE n.reported_by_id IS NOT NULL AND n.reported_by_id IS DISTINCT FROM o.reported_by_id),
         array_agg(DISTINCT n.approved_by_id) FILTER (
           WHERE n.approved_by_id IS NOT NULL AND n.approved_by_id IS DISTINCT FROM o.approved_by_id)
    INTO organizations, indicators, reporters, approvers
    FROM checked AS n JOIN previous AS o ON o.id = n.id;
  PERFORM {schema}.rasad_observation_references(organizations, indicators, reporters, approvers);
  RETURN NULL;
END $$
""",
        f"CREATE TRIGGER observation_references_inserted AFTER INSERT ON {obs} "
        "REFERENCING NEW TABLE AS checked FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {schema}.rasad_observation_inserted()",
        f"CREATE TRIGGER observation_references_updated AFTER UPDATE ON {obs} "
        "REFERENCING OLD TABLE AS previous NEW TABLE AS checked FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {schema}.rasad_observation_updated()",
        # The referenced side: a deleted row (or a changed id) is checked at commit, as a
        # deferred foreign key is; refused if observations still name it and no row of that id
        # is there again. The check's query sees what other transactions committed (READ
        # COMMITTED: a new snapshot per statement), so an insert that locked the row first and
        # committed while the delete waited is found. A transaction of a higher isolation level
        # reads from its own snapshot and could miss it: such a delete is refused outright
        # (Rasad runs those levels read-only).
        f"""
CREATE FUNCTION {schema}.rasad_observation_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referring text;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'core_organization' THEN
    IF EXISTS (SELECT FROM {org} WHERE id = OLD.id) THEN RETURN NULL; END IF;
    IF EXISTS (SELECT FROM {obs} WHERE organization_id = OLD.id) THEN referring := 'organization_id'; END IF;
  ELSIF TG_TABLE_NAME = 'indicators_indicator' THEN
    IF EXISTS (SELECT FROM {ind} WHERE id = OLD.id) THEN RETURN NULL; END IF;
    IF EXISTS (SELECT FROM {obs} WHERE indicator_id = OLD.id) THEN referring := 'indicator_id'; END IF;
  ELSE
    IF EXISTS (SELECT FROM {usr} WHERE id = OLD.id) THEN RETURN NULL; END IF;
    IF EXISTS (SELECT FROM {obs} WHERE reported_by_id = OLD.id) THEN
      referring := 'reported_by_id';
    ELSIF EXISTS (SELECT FROM {obs} WHERE approved_by_id = OLD.id) THEN
      referring := 'approved_by_id';
    END IF;
  END IF;
  IF referring IS NULL AND current_setting('transaction_isolation') = 'read committed' THEN
    RETURN NULL;
  END IF;
  IF referring IS NULL THEN
    RAISE EXCEPTION 'a delete from "%" outside READ COMMITTED cannot be checked against observations',
      TG_TABLE_NAME USING ERRCODE = 'feature_not_supported';
  END IF;
  RAISE EXCEPTION 'update or delete on table "%" violates foreign key "observation_%_exists" on table "{_TABLE}"',
    TG_TABLE_NAME, referring
    USING ERRCODE = 'foreign_key_violation',
          DETAIL = format('Key (id)=(%s) is still referenced from table "{_TABLE}".', OLD.id),
          TABLE = TG_TABLE_NAME, CONSTRAINT = format('observation_%s_exists', referring);
END $$
""",
        # TRUNCATE of a referenced table: after the statement (which may truncate the
        # observations too, as Django's flush does), any observation left naming a row of it
        # refuses the whole statement.
        f"""
CREATE FUNCTION {schema}.rasad_observation_referenced_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'core_user' THEN
    IF NOT EXISTS (SELECT FROM {obs} WHERE reported_by_id IS NOT NULL OR approved_by_id IS NOT NULL) THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT FROM {obs}) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'truncate of table "%" would leave observations naming its rows', TG_TABLE_NAME
    USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
END $$
""",
        *(
            statement
            for table in (org, ind, usr)
            for statement in (
                f"CREATE CONSTRAINT TRIGGER observation_references AFTER DELETE OR UPDATE OF id ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION {schema}.rasad_observation_referenced()",
                f"CREATE TRIGGER observation_references_truncated AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.rasad_observation_referenced_truncated()",
            )
        ),
    ]


_DROP = [
    "DROP TRIGGER observation_references_inserted ON {schema}.indicators_observation",
    "DROP TRIGGER observation_references_updated ON {schema}.indicators_observation",
    *(
        statement
        for table in ("core_organization", "indicators_indicator", "core_user")
        for statement in (
            f"DROP TRIGGER observation_references ON {{schema}}.{table}",
            f"DROP TRIGGER observation_references_truncated ON {{schema}}.{table}",
        )
    ),
    "DROP FUNCTION {schema}.rasad_observation_inserted()",
    "DROP FUNCTION {schema}.rasad_observation_updated()",
    "DROP FUNCTION {schema}.rasad_observation_references(bigint[], bigint[], bigint[], bigint[])",
    "DROP FUNCTION {schema}.rasad_observation_refused(text, text, bigint)",
    "DROP FUNCTION {schema}.rasad_observation_referenced()",
    "DROP FUNCTION {schema}.rasad_observation_referenced_truncated()",
]


def _schema(schema_editor: Any) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (name,) = cursor.fetchone()
    quoted: str = schema_editor.quote_name(name)
    return quoted


def checked_by_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _schema(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = ANY (%s)",
            [f"{schema}.{_TABLE}", list(_COLUMNS)],
        )
        names = sorted({row[0] for row in cursor.fetchall()})
    for name in names:
        schema_editor.execute(f"ALTER TABLE {schema}.{_TABLE} DROP CONSTRAINT {schema_editor.quote_name(name)}")
    for statement in _sql(schema):
        # The schema editor passes parameters, so a literal % is written %%.
        schema_editor.execute(statement.replace("%", "%%"))


def declared_again(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _schema(schema_editor)
    for statement in _DROP:
        schema_editor.execute(statement.format(schema=schema))
    model = apps.get_model("indicators", "Observation")
    for column in _COLUMNS:
        field = model._meta.get_field(column.removesuffix("_id"))
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_user_latin_name"),
        ("indicators", "0009_observation_rollup_ingest_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="observation",
                    name="approved_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="indicator",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="observations",
                        to="indicators.indicator",
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="organization",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="reported_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(checked_by_triggers, declared_again)],
        )
    ]
