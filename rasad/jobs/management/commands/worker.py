"""``rasad worker``: run background tasks (and the periodic schedule) until stopped."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rasad.jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background-task workers. Several workers, on one machine or many, share the queue in the "
        "database; each also ticks the periodic schedule. SIGTERM finishes the current task, then stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=1, help="Worker processes to run (default 1).")
        parser.add_argument(
            "--queue", default="default", help="Comma-separated queue names (default: default)."
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument("--worker-id", default=None, help="This worker's id (default: host-pid-random).")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks.")
        parser.add_argument("--until-empty", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--no-schedule", action="store_true", help="Do not tick the periodic schedule.")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("rasad.jobs").setLevel(logging.INFO)
        if options["processes"] > 1:
            self._supervise(options)
            return
        worker = Worker(
            worker_id=options["worker_id"],
            queue_names=tuple(name.strip() for name in options["queue"].split(",") if name.strip()),
            poll_seconds=options["poll"],
            schedule=not options["no_schedule"],
        )
        worker.install_signal_handlers()
        self.stdout.write(f"worker {worker.worker_id} on queues {','.join(worker.queue_names)}")
        ran = worker.run(max_tasks=options["max_tasks"], until_empty=options["until_empty"])
        self.stdout.write(f"worker {worker.worker_id} stopped after {ran} tasks")

    def _supervise(self, options: dict[str, Any]) -> None:
        """Run N single-process workers and restart any that dies, until SIGTERM/SIGINT."""
        command = [
            sys.executable,
            "-m",
            "rasad",
            "worker",
            "--queue",
            options["queue"],
            "--poll",
            str(options["poll"]),
        ]
        if options["no_schedule"]:
            command.append("--no-schedule")
        children: list[subprocess.Popen[bytes]] = [
            subprocess.Popen(command)  # noqa: S603
            for _ in range(options["processes"])
        ]
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for index, child in enumerate(children):
                if child.poll() is not None and not stopping:
                    self.stderr.write(f"worker process {child.pid} exited ({child.returncode}); restarting")
                    children[index] = subprocess.Popen(command)  # noqa: S603
            if stopping and all(child.poll() is not None for child in children):
                return
            time.sleep(1)
