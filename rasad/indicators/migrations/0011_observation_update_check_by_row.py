# Written by hand (session 21, review): the update trigger of migration 0010 compared a row's keys
# before and after the statement by the row's id, so an UPDATE that gave a row a new id as well
# found no "before" for it and checked none of its new keys (an observation naming a missing
# organization was stored). A row without a "before" of its id now has every key checked, as a
# declared foreign key checks a row whose key columns it cannot compare. docs/indicators.md,
# "Integrity of observations"; rasad/indicators/tests/test_review21_observation_references.py.

from typing import Any

from django.db import migrations


def _function(schema: str, *, by_row: bool) -> str:
    join = "LEFT JOIN" if by_row else "JOIN"
    # With the left join, a row whose id is new has no previous keys: each is distinct from
    # NULL, hence checked.
    changed = "IS DISTINCT FROM" if by_row else "<>"
    return f"""
CREATE OR REPLACE FUNCTION {schema}.rasad_observation_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  organizations bigint[]; indicators bigint[]; reporters bigint[]; approvers bigint[];
BEGIN
  SELECT array_agg(DISTINCT n.organization_id) FILTER (WHERE n.organization_id {changed} o.organization_id),
         array_agg(DISTINCT n.indicator_id) FILTER (WHERE n.indicator_id {changed} o.indicator_id),
         array_agg(DISTINCT n.reported_by_id) FILTER (
           WHERE n.reported_by_id IS NOT NULL AND n.reported_by_id IS DISTINCT FROM o.reported_by_id),
         array_agg(DISTINCT n.approved_by_id) FILTER (
           WHERE n.approved_by_id IS NOT NULL AND n.approved_by_id IS DISTINCT FROM o.approved_by_id)
    INTO organizations, indicators, reporters, approvers
    FROM checked AS n {join} previous AS o ON o.id = n.id;
  PERFORM {schema}.rasad_observation_references(organizations, indicators, reporters, approvers);
  RETURN NULL;
END $$
"""


def _replace(schema_editor: Any, *, by_row: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (name,) = cursor.fetchone()
    schema_editor.execute(_function(schema_editor.quote_name(name), by_row=by_row).replace("%", "%%"))


def every_key_of_a_new_id(apps: Any, schema_editor: Any) -> None:
    _replace(schema_editor, by_row=True)


def keys_compared_by_id(apps: Any, schema_editor: Any) -> None:
    _replace(schema_editor, by_row=False)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_observation_references_checked_per_statement")]

    operations = [migrations.RunPython(every_key_of_a_new_id, keys_compared_by_id)]
