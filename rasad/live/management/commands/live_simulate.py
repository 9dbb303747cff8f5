"""``rasad live_simulate``: keep the demo's border posts sending (see ``rasad.live.simulator``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasad.live.simulator import Simulator


class Command(BaseCommand):
    help = (
        "Make the demo's field posts send heartbeats and events every few seconds; one post at a "
        "time loses its link and comes back with its backlog. Needs the demo (rasad demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=5.0, help="Seconds between rounds (default 5).")
        parser.add_argument("--rounds", type=int, default=None, help="Stop after this many rounds.")
        parser.add_argument("--outage-minutes", type=float, default=4.0, help="How long a link stays down.")

    def handle(self, *args: Any, **options: Any) -> None:
        simulator = Simulator(outage_minutes=options["outage_minutes"])
        if not simulator.agents:
            raise CommandError("No demo post has an agent credential: run `rasad demo` first.")
        simulator.run(every=max(0.5, options["every"]), rounds=options["rounds"], log=self.stdout.write)
