"""Tampering with the audit trail in tests, as an attacker with the owner's rights would; and
changing a table under the application's feet with the owner's own connection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from psycopg import sql

from rasad.core.audit_guard import audit_maintenance


@contextmanager
def as_owner() -> Iterator[None]:
    """Run the block with the database owner's rights. The test command runs the PostgreSQL suite
    as the application's role (RASAD_TEST_APP_ROLE, rasad/conftest.py); one-role runs are
    unchanged."""
    role = os.environ.get("RASAD_TEST_APP_ROLE", "")
    switch = bool(role) and connection.vendor == "postgresql"
    if switch:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if switch:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


@contextmanager
def tampering() -> Iterator[None]:
    """Run the block as the database owner past the append-only triggers (the application's
    own role could not: see rasad/core/tests/test_audit_append_only.py)."""
    with as_owner(), audit_maintenance():
        yield


@contextmanager
def owners_table(name: str) -> Iterator[Any]:
    """A table ``name`` (one text column ``v``, ``varchar(10)``, one row ``'a'``) made by the
    owner role's own connection, as ``rasad migrate`` connects, and readable by the application's
    role; yields that connection (autocommit) to change the table while the application's
    connection holds statements prepared on it. Dropped afterwards, the application's connection
    closed first."""
    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        autocommit=True,
    ) as owner:
        table = sql.Identifier(name)
        owner.execute(sql.SQL("CREATE TABLE {} (v varchar(10))").format(table))
        owner.execute(sql.SQL("INSERT INTO {} VALUES ('a')").format(table))
        if role := os.environ.get("RASAD_TEST_APP_ROLE", ""):
            owner.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(table, sql.Identifier(role)))
        try:
            yield owner
        finally:
            connection.close()
            owner.execute(sql.SQL("DROP TABLE {}").format(table))
