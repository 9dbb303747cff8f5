from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Rasad over HTTP with the ASGI server (uvicorn). Migrates first unless --no-migrate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply pending migrations.")
        parser.add_argument(
            "--worker",
            action=argparse.BooleanOptionalAction,
            default=settings.RASAD_SERVE_WORKER,
            help="Run a background worker in this process too (default: RASAD_SERVE_WORKER; on with SQLite).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["worker"]:
            from rasad.jobs.worker import Worker, run_in_thread

            worker = Worker(worker_id=None)
            run_in_thread(worker)
            self.stdout.write(f"background worker {worker.worker_id} running in this process")
        self.stdout.write(
            f"Rasad on http://{options['host']}:{options['port']}/  (data: {settings.DATA_DIR})"
        )
        uvicorn.run(
            "rasad.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="info",
            proxy_headers=settings.USE_HTTPS,
        )
