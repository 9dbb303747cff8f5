from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.core.audit_checkpoints import node_key, public_hex, take_checkpoint
from rasad.core.audit_verify import verify
from rasad.core.models import AuditCheckpoint, AuditEvent
from rasad.lib.progress import cli_bar


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'rasad audit verify' checks every hash chain, head and signed checkpoint "
        "and names each problem; 'rasad audit checkpoint' signs the chain heads that changed; 'rasad audit "
        "public-key' prints the node's public key, for peers' RASAD_AUDIT_TRUSTED_KEYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify", "checkpoint", "public-key"])
        parser.add_argument(
            "--restored",
            action="store_true",
            help="verify: this database was restored from a backup, so the checkpoint file may hold "
            "checkpoints newer than the database; report them as notes, not problems.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "checkpoint":
            self._checkpoint()
        elif options["operation"] == "public-key":
            key = node_key(create=True)
            assert key is not None
            self.stdout.write(public_hex(key))
        else:
            self._verify(restored=options["restored"])

    def _checkpoint(self) -> None:
        checkpoint = take_checkpoint()
        if checkpoint is None:
            self.stdout.write("audit checkpoint: no chain changed since the last checkpoint.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"audit checkpoint {checkpoint.number} signed with key {checkpoint.key[:16]}…"
                )
            )

    def _verify(self, *, restored: bool) -> None:
        total = AuditEvent.objects.count()
        notes: list[str] = []
        with cli_bar("audit verify"):
            problems = list(verify(restored=restored, notes=notes.append))
        for note in notes:
            self.stdout.write(f"note: {note}")
        for problem in problems:
            self.stderr.write(f"{problem.chain} #{problem.sequence}: {problem.kind}: {problem.detail}")
        if problems:
            raise CommandError(f"audit verify FAILED: {len(problems)} problem(s) in {total} events.")
        latest = AuditCheckpoint.objects.order_by("-number").first()
        anchored = f", anchored by checkpoint {latest.number}" if latest else ", no checkpoint yet"
        self.stdout.write(
            self.style.SUCCESS(f"audit verify OK: {total} events, every chain intact{anchored}.")
        )
