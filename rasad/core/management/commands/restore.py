from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.core.audit_checkpoints import reanchor_after_restore
from rasad.core.audit_guard import install_append_only
from rasad.lib import backup


class Command(BaseCommand):
    help = (
        "Restore a 'rasad backup' archive into an empty database (DATABASE_URL, or a new data "
        "directory for SQLite) and the upload directory, then check that every table and file "
        "equals the source; then record the restore in the audit trail and sign the restored chain "
        "heads (a checkpoint file with newer checkpoints is set aside). Run 'rasad audit verify' "
        "afterwards. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace-files", action="store_true", help="Overwrite uploaded files that differ."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(options["archive"], replace_files=options["replace_files"])
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"restore FAILED: {error}") from None
        for mismatch in report.mismatches:
            self.stderr.write(mismatch)
        if not report.ok:
            raise CommandError(f"restore FAILED: {len(report.mismatches)} difference(s) from the source.")
        self.stdout.write(
            self.style.SUCCESS(
                f"restore OK: {report.tables} tables, {report.rows} rows and {report.files} files "
                "equal the source."
            )
        )
        # pg_restore --no-privileges leaves the audit tables' privileges to the defaults: take the
        # rewriting ones away again (the triggers came back with the dump).
        install_append_only()
        checkpoint = reanchor_after_restore(
            backup_created=report.created, archive_sha256=report.archive_sha256
        )
        if checkpoint is not None:
            self.stdout.write(
                f"audit trail re-anchored: checkpoint {checkpoint.number} signs the restored heads."
            )
