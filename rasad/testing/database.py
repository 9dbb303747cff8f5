"""The suite's migrated database, made once per test command and copied where another is needed.

Migrating a test database costs about half a minute of processor time (``rasad migrate``: each of
a hundred migrations renders the models' state again), and every pytest-xdist worker of every run
needs one, as do the tests that run Rasad in processes of their own (two federated nodes, a
PostgreSQL cluster of a test's own). So:

**The template** (``RASAD_TEST_TEMPLATE``, a directory; ``scripts/test.sh`` sets it for all three
runs). The first worker to need a test database migrates its own as usual and then keeps a copy
of it as the template: a SQLite file in that directory, or on PostgreSQL a database of the same
cluster (``CREATE DATABASE ... TEMPLATE``). Every later test database, in this run's other workers
and in later runs against the same directory and cluster (the browser run starts from the
PostgreSQL run's), is a copy of it: about a second. The template is named by a digest of every
installed app's migration files, so a changed migration makes a new one; and before a copy is
used, its recorded migrations are checked against the files (``migrate --check``'s question):
one missing fails the set-up. Django's ``migrate`` then runs on the copy as on a new database and
finds nothing to apply; its ``post_migrate`` handlers (permissions, default roles, the audit
trail's triggers, the schedules) run again as they would, and find everything in place. A file
lock in the directory makes the other workers wait while the first migrates.

Without ``RASAD_TEST_TEMPLATE`` each worker migrates its own database, as pytest-django does.

**Copies for other processes** (``copy_suite_database``): the template when there is one;
otherwise the suite's own test database, while it holds what the migrations wrote and nothing
else: the test database made, no test transaction open, and no transactional test has emptied
the tables yet (their clean-up deletes the migrations' rows too; ``mark_emptied`` is called from
it, rasad/conftest.py). False when neither: the caller migrates."""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import IO, Any

_emptied: list[bool] = []
# In-memory SQLite test databases copied from the template: each lives while a connection to it is
# open, so one is held here for the life of the process.
_held: list[sqlite3.Connection] = []


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


def _migrations_digest() -> str:
    """A digest of every installed app's migration files (Django's own included) and of what
    Rasad's migrations read besides: the modules they import (a data migration's starter
    catalogue, ``search_key``) and every file of an app's ``data`` directory (the provinces and
    cities). A template made before one of them changed would hold the old data, and be used."""
    from django.apps import apps

    digest = hashlib.sha256()
    inputs: set[Path] = set()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted(Path(config.path, "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}\0".encode())
            source = path.read_bytes()
            digest.update(source)
            if config.name.startswith("rasad."):
                inputs.update(_imported_files(source))
        data = Path(config.path, "data")
        if config.name.startswith("rasad.") and data.is_dir():
            inputs.update(file for file in data.rglob("*") if file.is_file())
    root = Path(__file__).resolve().parents[1]
    for path in sorted(inputs):
        digest.update(f"{path.relative_to(root.parent)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _imported_files(source: bytes) -> set[Path]:
    """The files of Rasad's modules that a migration's ``source`` imports, at its top or inside
    a function (``from rasad.indicators import starter``)."""
    import ast
    import importlib.util

    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    files = set()
    for name in names:
        if name.split(".")[0] != "rasad":
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, AttributeError, ValueError):
            continue  # a name imported from a module (a function), not a module
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            files.add(Path(spec.origin).resolve())
    return files


class Template:
    """The run's migrated template for ``connection``'s engine, kept in ``directory``."""

    def __init__(self, connection: Any, directory: Path) -> None:
        self.connection = connection
        self.vendor: str = connection.vendor
        digest = _migrations_digest()
        self.lock_path = directory / f"{self.vendor}-{digest}.lock"
        self.file = directory / f"sqlite-{digest}.sqlite3"  # SQLite
        self.database = f"rasad_test_template_{digest}"  # PostgreSQL, in the suite's cluster
        self._lock: IO[bytes] | None = None

    # -- the lock -----------------------------------------------------------------------------
    def lock(self) -> None:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = self.lock_path.open("ab")
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    def unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # -- the template ---------------------------------------------------------------------------
    def _admin_connection(self) -> Any:
        """A connection to the cluster's ``postgres`` database as the suite's owner role, outside
        Django (whose connections switch to the application's role, rasad/conftest.py)."""
        import psycopg

        s = self.connection.settings_dict
        return psycopg.connect(
            host=s["HOST"] or "", port=s["PORT"] or "", user=s["USER"] or "", password=s["PASSWORD"] or "",
            dbname="postgres", autocommit=True,
        )  # fmt: skip

    def _admin(self, sql: str, parameters: tuple[str, ...] = ()) -> bool:
        """Run ``sql`` through ``_admin_connection``; whether it returned a row."""
        with self._admin_connection() as admin:
            cursor = admin.execute(sql.encode(), parameters)
            return cursor.description is not None and cursor.fetchone() is not None

    def exists(self) -> bool:
        if self.vendor == "sqlite":
            return self.file.exists()
        return self._admin("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,))

    def keep(self, test_database: str) -> None:
        """Make the template from the test database (migrated, nothing else written yet)."""
        from django.db import connections

        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            partial = self.file.with_suffix(".partial")
            target = sqlite3.connect(partial)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()
            partial.replace(self.file)
            return
        # A database is copied only with no one connected to it.
        connections.close_all()
        self._admin(f'CREATE DATABASE "{self.database}" TEMPLATE "{test_database}"')

    def copy_to(self, target: str) -> None:
        """A copy of the template: on PostgreSQL the database named ``target`` in the suite's
        cluster (replacing any of that name); on SQLite the file ``target``, or the in-memory
        database whose URI it is (then held open for the life of the process)."""
        if self.vendor == "sqlite":
            in_memory = target.startswith("file:")
            destination = sqlite3.connect(target, uri=in_memory)
            source = sqlite3.connect(self.file)
            try:
                source.backup(destination)
            finally:
                source.close()
                if in_memory:
                    _held.append(destination)
                else:
                    destination.close()
            return
        # Two workers copying at once could find each other connected to the template: the lock
        # makes them take turns. A connection left to the target (a live server's stream, when a
        # test's database is replaced: rasad/testing/demo.py) is ended.
        self.lock()
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{target}" TEMPLATE "{self.database}"')
        finally:
            self.unlock()

    def dump(self, path: Path) -> None:
        """The PostgreSQL template as SQL (``pg_dump``, without owners and grants) in ``path``,
        for a cluster of a test's own (``rasad.testing.postgres.Cluster.load``)."""
        from rasad.testing.postgres import dump_database

        # While pg_dump is connected to the template no one can copy it: the lock.
        self.lock()
        try:
            dump_database(self.connection.settings_dict, self.database, path)
        finally:
            self.unlock()

    def __str__(self) -> str:
        return str(self.file) if self.vendor == "sqlite" else f"database {self.database}"


def template() -> Template | None:
    """The run's template for the default database, if ``RASAD_TEST_TEMPLATE`` names a directory
    for it (the template itself may not exist yet)."""
    from django.db import connection

    directory = os.environ.get("RASAD_TEST_TEMPLATE", "")
    return Template(connection, Path(directory)) if directory else None


def _unapplied(connection: Any, test_database: str) -> list[str]:
    """The migrations on disk that ``test_database`` does not record as applied (what
    ``migrate --check`` asks), read before Django's ``migrate`` runs on it."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    # The migration recorder reads through a connection alias: the copy gets one of its own.
    alias = "rasad_template_check"
    probe = connection.copy(alias)
    probe.settings_dict["NAME"] = test_database
    connections[alias] = probe
    try:
        executor = MigrationExecutor(probe)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    finally:
        probe.close()
        del connections[alias]


class TemplatedSetUp:
    """Around Django's ``setup_databases`` (pytest-django's ``django_db_setup``): ``begin()``
    before it, ``end()`` after. The default test database is then a copy of the run's template
    when there is one; otherwise it is migrated and kept as the template at ``end()``, other
    workers waiting on the lock meanwhile. Without ``RASAD_TEST_TEMPLATE``, nothing changes."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection: Any = connection
        self.template = template()
        self.made: list[str] = []
        self._original: Any = None

    def begin(self) -> None:
        if self.template is not None:
            self._original = self.connection.creation._create_test_db
            self.connection.creation._create_test_db = self._create_test_db

    def end(self) -> None:
        if self.template is None or self._original is None:
            return
        self.connection.creation._create_test_db = self._original
        self._original = None
        try:
            if self.made:
                self.template.keep(self.made[0])
        finally:
            self.template.unlock()

    def _create_test_db(self, verbosity: int, autoclobber: bool, keepdb: bool) -> str:
        assert self.template is not None
        name = str(self.connection.creation._get_test_db_name())
        self.template.lock()
        if keepdb or not self.template.exists():
            self.made.append(name)  # migrated by Django next; kept as the template at end()
            return str(self._original(verbosity, autoclobber, keepdb))
        self.template.unlock()
        self.template.copy_to(name)
        missing = _unapplied(self.connection, name)
        if missing:
            raise RuntimeError(
                f"the test database template ({self.template}) lacks migrations {', '.join(missing)}: "
                "delete it (RASAD_TEST_TEMPLATE)"
            )
        return name


def copy_suite_database(*, postgres_admin_url: str | None, database: str, sqlite_file: Path) -> bool:
    """Copy the migrated database into PostgreSQL database ``database`` (through
    ``postgres_admin_url``) or into the SQLite file ``sqlite_file``: the template when there is
    one, else the test database while it is as the migrations left it. False, having copied
    nothing, when neither."""
    from django.db import connection, connections

    # pytest-django makes the test database only when a collected test asks for the database; the
    # connection then names it (and would otherwise name the real one).
    if not _test_database_made(connection):
        return False
    if (connection.vendor == "postgresql") != (postgres_admin_url is not None):
        return False
    run_template = template()
    if run_template is not None and run_template.exists():
        run_template.copy_to(database if postgres_admin_url else str(sqlite_file))
        return True
    if _emptied or connection.in_atomic_block:
        return False
    if postgres_admin_url is not None:
        import psycopg

        source = connection.settings_dict["NAME"]
        # A database is copied only with no one connected to it: this process's connections close
        # (Django opens them again when next needed).
        connections.close_all()
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
        return True
    connection.ensure_connection()
    target = sqlite3.connect(sqlite_file)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return True


def build_template() -> None:
    """Make the run's template for the configured database now, as the first test process would
    (``python -m rasad.testing.database``: scripts/test.sh, while lint and types are checked)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    set_up = TemplatedSetUp()
    if set_up.template is None:
        raise SystemExit("RASAD_TEST_TEMPLATE names no directory")
    set_up.begin()
    try:
        databases = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    finally:
        set_up.end()
    teardown_databases(databases, verbosity=0)
    print(f"test database template: {set_up.template}")


if __name__ == "__main__":
    build_template()
