# Written by hand (session 21, issue 11 item 3). The update trigger keeps 0011's rule: a row
# given a new id by the statement has no previous keys (a left join), so every key is checked.
#
# The two statement-level triggers of migration 0010 on the observation table return at once when
# there is no key to check (the insert part of an ``INSERT … ON CONFLICT DO UPDATE`` that updated
# its row: an upsert fires both triggers; an update that changes no key), and otherwise gather the
# statement's distinct keys, lock every referenced row (``FOR KEY SHARE``) and count them in one
# SQL statement, where 0010's functions ran six to eight. For a one-row upsert that updates a value
# the two triggers cost 73–80 µs of PostgreSQL's CPU with 0010's functions and 20 µs with these;
# when it changes the reporter, 120–147 µs and 93 µs (docs/development/benchmarks.md, "Session 21"
# under "What a one-row write costs"). When a key is missing, 0010's
# ``rasad_observation_references`` runs as before to name it and refuse the statement with the
# error a foreign key raises. What the triggers guarantee is unchanged (docs/indicators.md,
# "Integrity of observations"); the tests are rasad/indicators/tests/test_observation_references.py.
# SQLite has no such triggers.

import importlib
from typing import Any

from django.db import migrations

_0010 = importlib.import_module(
    "rasad.indicators.migrations.0010_observation_references_checked_per_statement"
)

_0011 = importlib.import_module("rasad.indicators.migrations.0011_observation_update_check_by_row")

_TABLE = "indicators_observation"


def _checked(schema: str, gathered: str, changed: str) -> str:
    """A trigger function's body: ``gathered`` is a query of one row with the statement's
    distinct keys (organizations, indicators, reporters, approvers: arrays, NULL when none); one
    statement locks and counts the referenced rows, and only when one is missing does the key by
    key check of 0010 run, to name it and refuse the statement. ``changed`` is a query that finds
    a row when there is a key to check: without one (an upsert's insert part that inserted
    nothing, an update that changes no key) the function returns at once."""
    org = f"{schema}.core_organization"
    ind = f"{schema}.indicators_indicator"
    usr = f"{schema}.core_user"
    return f"""
DECLARE
  keys record;
BEGIN
  IF NOT EXISTS ({changed}) THEN
    RETURN NULL;
  END IF;
  WITH gathered AS MATERIALIZED ({gathered}),
  users AS MATERIALIZED (
    SELECT array_agg(DISTINCT u) AS ids FROM gathered, unnest(reporters || approvers) AS u
  ),
  organizations AS (
    SELECT FROM {org} WHERE id = ANY (CAST((SELECT organizations FROM gathered) AS bigint[])) FOR KEY SHARE
  ),
  indicators AS (
    SELECT FROM {ind} WHERE id = ANY (CAST((SELECT indicators FROM gathered) AS bigint[])) FOR KEY SHARE
  ),
  people AS (SELECT FROM {usr} WHERE id = ANY (CAST((SELECT ids FROM users) AS bigint[])) FOR KEY SHARE)
  SELECT g.organizations, g.indicators, g.reporters, g.approvers,
         (SELECT count(*) FROM organizations) = coalesce(cardinality(g.organizations), 0)
         AND (SELECT count(*) FROM indicators) = coalesce(cardinality(g.indicators), 0)
         AND (SELECT count(*) FROM people) = coalesce(cardinality(u.ids), 0) AS found
    INTO keys FROM gathered AS g, users AS u;
  IF NOT keys.found THEN
    PERFORM {schema}.rasad_observation_references(
      keys.organizations, keys.indicators, keys.reporters, keys.approvers);
  END IF;
  RETURN NULL;
END"""


def _sql(schema: str) -> list[str]:
    inserted = """SELECT array_agg(DISTINCT organization_id) AS organizations,
           array_agg(DISTINCT indicator_id) AS indicators,
           array_agg(DISTINCT reported_by_id) FILTER (WHERE reported_by_id IS NOT NULL) AS reporters,
           array_agg(DISTINCT approved_by_id) FILTER (WHERE approved_by_id IS NOT NULL) AS approvers
    FROM checked"""
    # Only the keys a row changes, as a foreign key checks only those; a row whose id is new has no
    # previous keys (the left join: each is distinct from NULL), hence every key checked (0011).
    updated = """SELECT
           array_agg(DISTINCT n.organization_id) FILTER (
             WHERE n.organization_id IS DISTINCT FROM o.organization_id) AS organizations,
           array_agg(DISTINCT n.indicator_id) FILTER (WHERE n.indicator_id IS DISTINCT FROM o.indicator_id)
             AS indicators,
           array_agg(DISTINCT n.reported_by_id) FILTER (
             WHERE n.reported_by_id IS NOT NULL AND n.reported_by_id IS DISTINCT FROM o.reported_by_id)
             AS reporters,
           array_agg(DISTINCT n.approved_by_id) FILTER (
             WHERE n.approved_by_id IS NOT NULL AND n.approved_by_id IS DISTINCT FROM o.approved_by_id)
             AS approvers
    FROM checked AS n LEFT JOIN previous AS o ON o.id = n.id"""
    changed = """SELECT FROM checked AS n LEFT JOIN previous AS o ON o.id = n.id
    WHERE n.organization_id IS DISTINCT FROM o.organization_id
       OR n.indicator_id IS DISTINCT FROM o.indicator_id
       OR (n.reported_by_id IS NOT NULL AND n.reported_by_id IS DISTINCT FROM o.reported_by_id)
       OR (n.approved_by_id IS NOT NULL AND n.approved_by_id IS DISTINCT FROM o.approved_by_id)"""
    return [
        f"CREATE OR REPLACE FUNCTION {schema}.rasad_observation_{name}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $${_checked(schema, gathered, changed)} $$"
        for name, gathered, changed in (
            ("inserted", inserted, "SELECT FROM checked"),
            ("updated", updated, changed),
        )
    ]


def in_one_statement(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _sql(_0010._schema(schema_editor)):
        schema_editor.execute(statement.replace("%", "%%"))


def key_by_key(apps: Any, schema_editor: Any) -> None:
    """0010's insert function again, and 0011's update function."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _0010._sql(_0010._schema(schema_editor)):
        if "rasad_observation_inserted() RETURNS" in statement:
            replaced = statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
            schema_editor.execute(replaced.replace("%", "%%"))
    _0011.every_key_of_a_new_id(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0011_observation_update_check_by_row")]

    operations = [migrations.RunPython(in_one_statement, key_by_key)]
