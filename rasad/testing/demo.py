"""The whole demo (``rasad demo``, every app's) for tests that read it: loaded once per test run
into a template database, and copied into a test's database when the test asks for it.

Loading the demo costs about half a minute of processor time in the test process, and more in
PostgreSQL's; the whole-site crawls (four tests), the media pages' crawl and the two tests of
every export each loaded it for themselves. A copy of a PostgreSQL database from a template takes
a fraction of a second (``CREATE DATABASE ... TEMPLATE``), so on PostgreSQL:

* the first test of the run to ask for the demo loads it into its own test database, as the tests
  did, and then keeps that database as the run's **demo template** (``rasad_test_demo_<run>``);
* every later test that asks, in either worker, replaces its test database by a copy of it.

Every such test therefore starts from the demo exactly as it was loaded, never from what an
earlier test wrote into it (a crawl's sessions and audit rows, an export's files and rows). The
template is named by the run (pytest-xdist's ``testrunuid``, shared by a run's workers), not kept
between runs: the demo is written relative to the clock (its cases opened days ago, the command
view's last hour), so a copy is at most as old as the run, and a change to a demo's code is
loaded by the next run. The other worker waits on a file lock while the first loads it.

A test's database is replaced only outside any transaction: a transactional test's
(``use_demo`` at its start; its clean-up empties every table afterwards, as for any transactional
test), or a module's, before its module transaction opens (``module_demo``; afterwards the test
database is copied from the migrated template again, rasad/testing/database.py). On SQLite, or
without a migrated template for the module case, the demo is loaded in place as before.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rasad.testing.database import Template, template


@functools.cache
def _run() -> str:
    """The run's name: pytest-xdist's, shared by a run's workers, else this process's own."""
    name = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    return "".join(c for c in name if c.isalnum())[:16].lower()


def load_in_place() -> None:
    from django.core.management import call_command

    from rasad.testing.cast import ensure_reference_data

    # A transactional test's clean-up empties every table, the migrations' reference data too.
    ensure_reference_data()
    call_command("demo", verbosity=0)


class DemoTemplate(Template):
    """The run's demo template on the suite's PostgreSQL cluster, with its lock (in
    ``RASAD_TEST_TEMPLATE``'s directory, else the system's temporary one)."""

    def __init__(self, connection: Any) -> None:  # the migrations' digest is not its name
        self.connection = connection
        self.vendor = connection.vendor
        directory = Path(os.environ.get("RASAD_TEST_TEMPLATE", "") or tempfile.gettempdir())
        self.lock_path = directory / f"demo-{_run()}.lock"
        self.database = f"{DEMO_PREFIX}{_run()}"
        self._lock = None

    def keep(self, test_database: str) -> None:
        """The demo templates of earlier runs on this cluster are dropped (a run's own is not
        needed after it), then this run's is made from ``test_database``."""
        import psycopg
        from django.db import connections

        connections.close_all()
        with self._admin_connection() as admin:
            earlier = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{DEMO_PREFIX}%",)
            ).fetchall()
            # A database is copied only with no one connected to it: a live server's stream may
            # still be sending to a page that was closed. Clients only: an autovacuum worker
            # (likely on a database the demo was just loaded into) is the bootstrap superuser's,
            # which the suite's role may not signal, and CREATE DATABASE stops it itself.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                (test_database,),
            )
        for (name,) in earlier:
            with contextlib.suppress(psycopg.Error):  # in use by a run going on beside this one
                self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        super().keep(test_database)


DEMO_PREFIX = "rasad_test_demo_"


def _test_database(connection: Any) -> str:
    return str(connection.settings_dict["NAME"])


def use_demo() -> None:
    """Give the test's database the whole demo: a copy of the run's demo template on PostgreSQL
    (made from this database, after loading the demo into it, by the run's first caller); the
    demo loaded into it on SQLite. No transaction may be open (a transactional test, or a module
    before its transaction)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        load_in_place()
        return
    assert not connection.in_atomic_block, "the demo database is copied outside any transaction"
    demo = DemoTemplate(connection)
    demo.lock()
    try:
        if not demo.exists():
            load_in_place()
            demo.keep(_test_database(connection))  # closes this process's connections first
            return
    finally:
        demo.unlock()
    _replace_test_database(demo)


def _replace_test_database(source: Template) -> None:
    """The test database replaced by a copy of ``source``'s template. This process's connections
    are closed first (Django opens them again when next needed, as the application's role); the
    copy ends any other left to it (a live server's stream still sending to a closed page)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, connections

    connections.close_all()
    source.copy_to(_test_database(connection))
    # The content types were made in another worker's database: not necessarily with these ids.
    ContentType.objects.clear_cache()


def restore_migrated() -> bool:
    """The test database copied from the run's migrated template again (what it was before a
    module replaced it by the demo); False, having done nothing, when there is no such template."""
    from django.db import connection

    migrated = template()
    if connection.vendor != "postgresql" or migrated is None or not migrated.exists():
        return False
    _replace_test_database(migrated)
    return True


def demo_replaces_the_module_database() -> bool:
    """Whether a module's demo can be a copy (PostgreSQL with a migrated template to go back to
    afterwards); otherwise it is loaded inside the module's transaction."""
    from django.db import connection

    migrated = template()
    return connection.vendor == "postgresql" and migrated is not None and migrated.exists()


def loaded_once(*loaders: Callable[[], Any]) -> Any:
    """A module-scoped fixture that runs ``loaders`` (an app's ``load_demo``, after the core
    demo it builds on) once for the module's tests, in the module's transaction
    (``module_transaction``, rasad/conftest.py), and gives what the last one returned: the first
    load's summary. Each test reads the demo inside its own savepoint, rolled back after it, so
    every test starts from the demo as it was loaded; a test asks for ``db`` as well.

    An app's demo module whose tests each loaded the same demo paid for it once per test (about
    9 s on SQLite for the assessments' core and cycles); a test that must load under conditions
    of its own (a patched clock, a setting) still loads in its own test."""

    @pytest.fixture(scope="module")
    def loaded(module_transaction: None, django_db_blocker: Any) -> Any:
        with django_db_blocker.unblock():
            return [load() for load in loaders][-1]

    return loaded
