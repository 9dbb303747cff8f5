"""Backups that restore: one archive holding the database and the uploaded files, with the
digests that prove a restore equals its source.

``create(path)`` writes a tar archive:

* ``manifest.json``: the format, the time, the database engine, every table's row count and
  SHA-256 over its rows in primary-key order, every file's size and SHA-256;
* ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online backup API);
* ``files/...``: everything under ``MEDIA_ROOT`` (attachments, as stored: encrypted ones stay
  encrypted, and the key is never in a backup).

The database part is one consistent snapshot however busy the database is. On PostgreSQL a
``REPEATABLE READ`` transaction exports its snapshot, ``pg_dump --snapshot`` dumps exactly that
snapshot, and the digests are computed in the same transaction, so they describe exactly what was
dumped. On SQLite the online backup copies the database in one step under a read lock, and the
digests are computed on the copy. Files are copied after the snapshot: every file a backed-up
row names was already stored (files are written before their row commits and never changed).

``restore(path)`` loads an archive into an **empty** database (``pg_restore --single-transaction``
or the SQLite file put in place) and ``MEDIA_ROOT``, then recomputes every digest and compares it
with the manifest: a restore reports success only when the restored data equals the source.
``docs/operations.md`` ("Backups") describes the procedure and the restore drill.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import connections

FORMAT: Final = "rasad-backup-1"
MANIFEST: Final = "manifest.json"
CHUNK: Final = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot proceed, with a message for the operator."""


@dataclass
class Report:
    tables: int = 0
    # Of the backup restored (``restore``): when it was taken and the archive's SHA-256.
    created: str = ""
    archive_sha256: str = ""
    rows: int = 0
    files: int = 0
    bytes: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


# ---------------------------------------------------------------------------------------------
# Digests
# ---------------------------------------------------------------------------------------------


def _row_digests(
    cursor_for: Callable[[str], Any], tables: Iterable[tuple[str, list[str]]], text_rows: bool
) -> dict[str, Any]:
    """``{table: {"rows": n, "sha256": ...}}`` over every row in primary-key order, read in
    batches. PostgreSQL gives each row as its text form (``t::text``); SQLite as a JSON array of
    its values."""
    digests: dict[str, Any] = {}
    for table, key in tables:
        cursor = cursor_for(table)
        quoted = '"' + table.replace('"', '""') + '"'
        order = ", ".join('"' + column.replace('"', '""') + '"' for column in key) or "1"
        if text_rows:
            cursor.execute(f"SELECT t::text FROM {quoted} AS t ORDER BY {order}")  # noqa: S608
        else:
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
        digest = hashlib.sha256()
        count = 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                line = row[0] if text_rows else json.dumps(list(row), default=_plain, ensure_ascii=False)
                digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
                count += 1
        cursor.close()
        digests[table] = {"rows": count, "sha256": digest.hexdigest()}
    return digests


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _pg_tables(cursor: Any) -> list[tuple[str, list[str]]]:
    cursor.execute(
        "SELECT c.relname, coalesce(array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum)) "
        "FILTER (WHERE a.attname IS NOT NULL), '{}') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') GROUP BY c.relname ORDER BY c.relname"
    )
    return [(name, list(key)) for name, key in cursor.fetchall()]


def _sqlite_tables(connection: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = []
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        columns = connection.execute(f"PRAGMA table_info({quoted})").fetchall()
        key = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
        tables.append((name, key or ["rowid"]))
    return tables


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------


def _pg_program(name: str) -> str:
    """``pg_dump``/``pg_restore`` from ``PATH``, else the newest Debian installation."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return str(candidates[-1])


def _pg_settings(alias: str = "default") -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _pg_connect(db: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        connect_timeout=10,
    )


def _pg_backup(work: Path) -> tuple[str, dict[str, Any]]:
    db = _pg_settings()
    target = work / "database.dump"
    with contextlib.closing(_pg_connect(db)) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        dump = subprocess.Popen(  # noqa: S603 (a fixed program and arguments)
            [
                _pg_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=_pg_env(db),
            stderr=subprocess.PIPE,
        )
        try:
            digests = _pg_digests(connection)
        finally:
            _, error = dump.communicate()
        connection.execute("COMMIT")
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {error.decode(errors='replace').strip()}")
    return "database.dump", digests


def _pg_digests(connection: Any) -> dict[str, Any]:
    """Digests of every table, in the connection's current transaction (server-side cursors)."""
    with connection.cursor() as cursor:
        tables = _pg_tables(cursor)
    return _row_digests(lambda table: connection.cursor(name="rasad_digest"), tables, text_rows=True)


def _pg_is_empty(db: dict[str, Any]) -> bool:
    with contextlib.closing(_pg_connect(db)) as connection:
        count = connection.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        ).fetchone()[0]
    return int(count) == 0


def _pg_restore(dump: Path) -> dict[str, Any]:
    db = _pg_settings()
    if not _pg_is_empty(db):
        raise BackupError(f"database {db['NAME']!r} is not empty: restore into a new, empty database")
    result = subprocess.run(  # noqa: S603 (a fixed program and arguments)
        [
            _pg_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={db['NAME']}",
            str(dump),
        ],
        env=_pg_env(db),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    with contextlib.closing(_pg_connect(db)) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _pg_digests(connection)


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(str(connections["default"].settings_dict["NAME"]))


def _sqlite_digests(path: Path) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return _row_digests(lambda table: connection.cursor(), _sqlite_tables(connection), text_rows=False)


def _sqlite_backup(work: Path) -> tuple[str, dict[str, Any]]:
    target = work / "database.sqlite3"
    # Through Django's own connection: the same file and settings, and (in tests) the same
    # shared in-memory database, which a second connection could not read while the first holds
    # a transaction open.
    source = connections["default"]
    source.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        source.connection.backup(copy)  # all pages in one step: one read transaction, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")
    return "database.sqlite3", _sqlite_digests(target)


def _sqlite_restore(database: Path) -> dict[str, Any]:
    path = _sqlite_path()
    if path.exists() and path.stat().st_size > 0:
        with contextlib.closing(sqlite3.connect(path)) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise BackupError(f"{path} already holds a database: restore into a new data directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    staging = path.with_name(path.name + ".restoring")
    shutil.copyfile(database, staging)
    with contextlib.closing(sqlite3.connect(staging)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    staging.replace(path)
    return _sqlite_digests(path)


# ---------------------------------------------------------------------------------------------
# Archive
# ---------------------------------------------------------------------------------------------


def _engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"backups of {vendor} databases are not supported")
    return vendor


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.relative_to(root).as_posix()


def create(output: Path) -> Report:
    """Write a backup archive to ``output`` (atomically: a partial archive never has the name)."""
    engine = _engine()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    report = Report()
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".rasad-backup-") as scratch:
        work = Path(scratch)
        started = datetime.now(UTC)
        name, digests = _pg_backup(work) if engine == "postgresql" else _sqlite_backup(work)
        partial = work / "archive.tar"
        files: dict[str, Any] = {}
        with tarfile.open(partial, "w") as archive:
            archive.add(work / name, arcname=name)
            for path, relative in _media_files():
                files[relative] = {"size": path.stat().st_size, "sha256": _file_digest(path)}
                archive.add(path, arcname=f"files/{relative}")
            manifest = {
                "format": FORMAT,
                "created": started.isoformat(),
                "engine": engine,
                "database": {"member": name, "sha256": _file_digest(work / name), "tables": digests},
                "files": files,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(started.timestamp())
            archive.addfile(info, io.BytesIO(data))
        with partial.open("rb") as stream:
            os.fsync(stream.fileno())
        partial.replace(output)
    report.tables = len(digests)
    report.rows = sum(table["rows"] for table in digests.values())
    report.files = len(files)
    report.bytes = output.stat().st_size
    return report


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    member = archive.extractfile(MANIFEST)
    if member is None:
        raise BackupError("not a Rasad backup: it has no manifest")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _safe_member(name: str) -> str:
    parts = Path(name).parts
    if name.startswith("/") or ".." in parts:
        raise BackupError(f"unsafe path in the archive: {name!r}")
    return name


def restore(source: Path, *, replace_files: bool = False) -> Report:
    """Load an archive into the (empty) configured database and ``MEDIA_ROOT``, then compare every
    digest with the manifest. Raises :class:`BackupError` when it cannot proceed; a finished
    restore whose data differs from the source returns a report listing each difference."""
    engine = _engine()
    report = Report()
    with (
        tarfile.open(source, "r") as archive,
        tempfile.TemporaryDirectory(prefix="rasad-restore-") as scratch,
    ):
        manifest = read_manifest(archive)
        report.created, report.archive_sha256 = manifest["created"], _file_digest(source)
        if manifest["engine"] != engine:
            raise BackupError(f"this backup is of a {manifest['engine']} database; the target is {engine}")
        work = Path(scratch)
        member = _safe_member(manifest["database"]["member"])
        archive.extract(member, work, filter="data")
        database = work / member
        if _file_digest(database) != manifest["database"]["sha256"]:
            raise BackupError("the database part of the archive is damaged (its SHA-256 differs)")
        media = Path(settings.MEDIA_ROOT)
        for relative, expected in manifest["files"].items():
            target = media / _safe_member(relative)
            if target.exists() and not replace_files and _file_digest(target) != expected["sha256"]:
                raise BackupError(f"{target} exists with other content (restore with --replace-files)")
        restored = _pg_restore(database) if engine == "postgresql" else _sqlite_restore(database)
        for relative in manifest["files"]:
            extracted = archive.extractfile(f"files/{relative}")
            if extracted is None:
                report.mismatches.append(f"file {relative}: missing from the archive")
                continue
            target = media / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as stream:
                shutil.copyfileobj(extracted, stream, CHUNK)
    _compare(manifest, restored, report)
    return report


def _compare(manifest: dict[str, Any], restored: dict[str, Any], report: Report) -> None:
    expected = manifest["database"]["tables"]
    for table in sorted(set(expected) | set(restored)):
        if expected.get(table) != restored.get(table):
            report.mismatches.append(
                f"table {table}: source {expected.get(table)}, restored {restored.get(table)}"
            )
    media = Path(settings.MEDIA_ROOT)
    for relative, wanted in manifest["files"].items():
        path = media / relative
        if not path.exists() or _file_digest(path) != wanted["sha256"]:
            report.mismatches.append(f"file {relative}: differs from the source")
    report.tables = len(restored)
    report.rows = sum(table["rows"] for table in restored.values())
    report.files = len(manifest["files"])
