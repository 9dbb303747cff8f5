"""``rasad import_observations FILE --user NAME``: reported values from an .xlsx or .csv file,
with a progress bar; the same checks as the import page (the user's scope applies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.core.models import User
from rasad.indicators.importer import do_import, read_table
from rasad.lib.progress import cli_bar


class Command(BaseCommand):
    help = "Import reported indicator values from an .xlsx or .csv file, as the given user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="Username of the person reporting (their scope applies)."
        )
        parser.add_argument(
            "--apply-valid-rows", action="store_true", help="Record the valid rows even if some are not."
        )
        parser.add_argument("--submit", action="store_true", help="Submit the recorded periods for approval.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: not a file")
        try:
            with path.open("rb") as handle, cli_bar("observations"):
                rows = read_table(path.name, handle)
                outcome = do_import(
                    rows,
                    acting_user=user,
                    apply_valid_rows=options["apply_valid_rows"],
                    submit=options["submit"],
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for row_error in outcome.errors:
            self.stderr.write(f"row {row_error.row}, {row_error.column}: {row_error.message}")
        if outcome.applied is not None:
            applied = outcome.applied
            self.stdout.write(
                f"created {applied.created}, changed {applied.updated}, unchanged {applied.unchanged}"
            )
        elif outcome.errors:
            raise CommandError(f"{len(outcome.errors)} problems; nothing was imported")
