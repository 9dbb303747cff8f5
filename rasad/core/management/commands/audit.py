from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from rasad.core.audit_log import verify
from rasad.core.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. 'rasad audit verify' walks every hash chain and names each tampered event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        problems = []
        with tqdm(total=total, unit="event", disable=total < 5000 or options["verbosity"] == 0) as bar:
            for problem in verify():
                problems.append(problem)
            bar.update(total)
        for problem in problems:
            self.stderr.write(f"{problem.chain} #{problem.sequence}: {problem.kind}: {problem.detail}")
        if problems:
            raise CommandError(f"audit verify FAILED: {len(problems)} problem(s) in {total} events.")
        self.stdout.write(self.style.SUCCESS(f"audit verify OK: {total} events, every chain intact."))
