"""``rasad cases escalate`` and ``rasad cases digest``: the cases app's periodic jobs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rasad.cases.tasks import escalate_overdue, send_daily_digest


class Command(BaseCommand):
    help = "Periodic case jobs: 'escalate' overdue cases (run every minute), 'digest' e-mails (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=["escalate", "digest"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["job"] == "escalate":
            escalated = escalate_overdue()
            for case in escalated:
                target = case.escalated_to.name if case.escalated_to else "—"
                self.stdout.write(f"{case.reference} → {target} (level {case.escalation_level})")
            self.stdout.write(f"escalated: {len(escalated)}")
        else:
            self.stdout.write(f"digests sent: {send_daily_digest()}")
