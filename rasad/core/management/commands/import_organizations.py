"""``rasad import_organizations FILE --user NAME``: the organization import from the command line,
all or nothing, with a progress bar; the same checks and audit event as the page and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.core.importers import MAX_FILE_BYTES, OrganizationImporter
from rasad.core.models import User
from rasad.lib.progress import cli_bar


class Command(BaseCommand):
    help = "Import organizations from an .xlsx or .csv file, as the given user (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="Username of the person importing (their scope applies)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        path: Path = options["file"]
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path}: not a file, or larger than {MAX_FILE_BYTES // 2**20} MB")
        with cli_bar("organizations"):
            report = OrganizationImporter(acting_user=user).run(
                path.read_bytes(), file_name=path.name, dry_run=options["dry_run"]
            )
        for error in report.sorted_errors():
            self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
        self.stdout.write(report.summary())
        if not report.ok:
            raise CommandError("nothing was imported")
