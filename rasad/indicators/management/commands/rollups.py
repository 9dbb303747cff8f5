"""``rasad rollups rebuild`` recomputes the dashboards' rollup rows from the raw observations;
``rasad rollups check`` does the same inside a transaction it rolls back, and lists the rows where
the kept rollups differ from the recomputed ones. Both draw a progress bar on a terminal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rasad.indicators import rollups
from rasad.lib.progress import cli_bar


class Command(BaseCommand):
    help = (
        "Dashboard rollups: 'rebuild' recomputes them from the observations; 'check' compares "
        "them with a recomputation and changes nothing (exit status 1 when they differ)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["rebuild", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "rebuild":
            with cli_bar("rollups rebuild"):
                read = rollups.rebuild()
            self.stdout.write(self.style.SUCCESS(f"rollups rebuilt from {read} observations."))
            return
        kept = rollups.snapshot()
        with transaction.atomic(), cli_bar("rollups check"):
            read = rollups.rebuild()
            rebuilt = rollups.snapshot()
            transaction.set_rollback(True)
        differing = sorted(key for key in kept.keys() | rebuilt.keys() if kept.get(key) != rebuilt.get(key))
        for key in differing[:50]:
            self.stderr.write(f"{key}: kept {kept.get(key)}, recomputed {rebuilt.get(key)}")
        if differing:
            raise CommandError(
                f"rollups check FAILED: {len(differing)} of {len(rebuilt)} rows differ "
                f"(rows written during the check also show here); 'rasad rollups rebuild' repairs them."
            )
        self.stdout.write(
            self.style.SUCCESS(f"rollups check OK: {len(rebuilt)} rows from {read} observations.")
        )
