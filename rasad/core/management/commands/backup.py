from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.lib import backup


class Command(BaseCommand):
    help = (
        "Back up the database (one consistent snapshot, also while people work) and the uploaded "
        "files into one archive, with digests that 'rasad restore' checks. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: DATA_DIR/backups/rasad-<UTC time>.tar).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or (
            Path(settings.DATA_DIR) / "backups" / f"rasad-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar"
        )
        try:
            report = backup.create(output)
        except backup.BackupError as error:
            raise CommandError(f"backup FAILED: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"backup OK: {output} ({report.bytes} bytes): {report.tables} tables, "
                f"{report.rows} rows, {report.files} files."
            )
        )
