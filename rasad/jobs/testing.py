"""Helpers for tests that enqueue background work."""

from __future__ import annotations

import os
import signal
import time
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.test import Client
from django.urls import reverse

from rasad.jobs.engine import background_task, claim_effect
from rasad.jobs.mail import queue_mail
from rasad.jobs.models import ExportFile, ExportStatus, TaskRun
from rasad.jobs.worker import Worker
from rasad.lib.progress import Progress
from rasad.testing.web import streamed


def exported(client: Client, kind: str, fmt: str, query: dict[str, Any] | str | None = None) -> bytes:
    """A list exported as a person would: ask on the request page (with the list's filters),
    let a worker prepare the file, then download it from its page. Asserts each step."""
    url = reverse("jobs:export-request", args=[kind, fmt])
    if query:
        url += "?" + (query if isinstance(query, str) else urlencode(query, doseq=True))
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302, response.content[:500]
    export = ExportFile.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    run_queued()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, (export.status, export.error)
    download = client.get(reverse("jobs:export-download", args=[export.pk]))
    assert download.status_code == 200
    return streamed(download)


def run_queued(*, ignore_delays: bool = True, max_tasks: int = 1000) -> int:
    """Run every queued task in this thread, as a worker would (no heartbeat thread, no schedule
    tick), until the queue is empty; returns how many ran. With ``ignore_delays`` a task waiting
    for its retry backoff runs now."""
    worker = Worker(worker_id="test-worker", heartbeat=False, schedule=False, ignore_delays=ignore_delays)
    return worker.run(until_empty=True, max_tasks=max_tasks)


# ---- a task for the fault tests (kill -9 of a worker mid-task) ---------------------------------
@background_task(max_attempts=4, backoff_seconds=0.5)
def slow_marker(name: str, seconds: float, die_after_effect: bool = False) -> str:
    """Work for ``seconds`` (reporting progress), then make one visible effect: an e-mail whose
    subject is ``name``. Guarded by ``claim_effect``, so however often the task runs, the e-mail
    is queued once. With ``die_after_effect``, the first attempt kills its own process (SIGKILL)
    right after the effect committed, as a power cut would."""
    steps = max(1, int(seconds * 10))
    progress = Progress(total=steps, note="working")
    for _ in range(steps):
        time.sleep(0.1)
        progress.advance()
    with transaction.atomic():
        if claim_effect(f"slow-marker:{name}"):
            queue_mail(name, f"marker {name}", ["faults@example.ir"])
    if die_after_effect and TaskRun.objects.filter(key=f"marker:{name}", attempts=1).exists():
        os.kill(os.getpid(), signal.SIGKILL)
    return name


@background_task(max_attempts=3, backoff_seconds=0.01)
def always_fails(message: str) -> None:
    raise RuntimeError(message)


@background_task(max_attempts=5, backoff_seconds=10)
def fails_until(name: str, successes_after: int) -> int:
    """Fails on its first ``successes_after`` attempts, then succeeds (returns the attempt)."""
    run = TaskRun.objects.get(key=name)
    if run.attempts <= successes_after:
        raise RuntimeError(f"attempt {run.attempts} fails")
    return run.attempts
