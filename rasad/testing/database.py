"""The suite's own test database as a starting point for tests that run Rasad in processes of
their own (two federated nodes): a copy of it costs a second, where migrating a new database
costs half a minute of processor time (``rasad migrate``, each of a hundred migrations rendering
the models again).

The copy is taken only while the test database holds what the migrations wrote and nothing
else: the test database made, no test transaction open, and no transactional test has emptied
the tables yet (their clean-up deletes the migrations' rows too; ``mark_emptied`` is called from
it, rasad/conftest.py). Slow tests run before the transactional ones (rasad/conftest.py), so in
the test command the copy is taken; otherwise the caller migrates."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

_emptied: list[bool] = []


def mark_emptied() -> None:
    _emptied.append(True)


def _test_database_made(connection: Any) -> bool:
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = connection.settings_dict["NAME"]
    if connection.settings_dict["TEST"].get("NAME"):  # pytest-xdist's workers: test_rasad_gw0
        return bool(name == connection.settings_dict["TEST"]["NAME"])
    if connection.vendor == "sqlite":
        return bool(name == connection.creation._get_test_db_name())  # the in-memory test database
    return str(name).startswith(TEST_DATABASE_PREFIX)  # test_rasad, made from rasad


def copy_suite_database(*, postgres_admin_url: str | None, database: str, sqlite_file: Path) -> bool:
    """Copy the test database into PostgreSQL database ``database`` (through
    ``postgres_admin_url``) or into the SQLite file ``sqlite_file``. False, having copied nothing,
    when the test database is not as the migrations left it."""
    from django.db import connection, connections

    # pytest-django makes the test database only when a collected test asks for the database; the
    # connection then names it (and would otherwise name the real one).
    if not _test_database_made(connection):
        return False
    if _emptied or connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        if postgres_admin_url is None:
            return False
        import psycopg

        source = connection.settings_dict["NAME"]
        # A database is copied only with no one connected to it: this process's connections close
        # (Django opens them again when next needed).
        connections.close_all()
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
        return True
    if postgres_admin_url is not None:
        return False
    connection.ensure_connection()
    target = sqlite3.connect(sqlite_file)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return True
