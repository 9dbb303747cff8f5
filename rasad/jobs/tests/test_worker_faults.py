"""Fault tests of the worker on PostgreSQL: real worker processes share the queue; one is killed
with SIGKILL mid-task. Nothing is lost, and nothing runs twice to a visible effect (each marker
task's e-mail is delivered exactly once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.jobs.engine import enqueue
from rasad.jobs.mail import send_email
from rasad.jobs.models import EffectKey, TaskRun
from rasad.jobs.testing import slow_marker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Generous: the machine running the suite may be shared and loaded.
DEADLINE_SECONDS = 300


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def spawn(tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.fail("the worker fault tests need PostgreSQL (DATABASE_URL)")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    children: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "RASAD_DB_POOL": "false",
        "RASAD_TESTING": "true",
        "RASAD_DATA_DIR": str(tmp_path),
        "RASAD_TASK_HEARTBEAT_SECONDS": "1",
        "RASAD_TASK_LEASE_SECONDS": "8",
        "RASAD_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "RASAD_EMAIL_FILE_PATH": str(mail_dir),
    }

    def start(worker_id: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{worker_id}.log").open("wb")
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasad",
                "worker",
                "--worker-id",
                worker_id,
                "--poll",
                "0.2",
                "--no-schedule",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        children.append(child)
        return child

    start.mail_dir = mail_dir  # type: ignore[attr-defined]
    yield start
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)


def _subjects(mail_dir: Path) -> list[str]:
    subjects = []
    for path in mail_dir.iterdir():
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Subject: "):
                subjects.append(line.removeprefix("Subject: ").strip())
    return sorted(subjects)


def _wait_all_finished(names: list[str]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        statuses = set(DBTaskResult.objects.values_list("status", flat=True))
        if statuses <= {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED} and DBTaskResult.objects.filter(
            task_path=send_email.module_path
        ).count() >= len(names):
            return
        time.sleep(0.3)
    left = list(DBTaskResult.objects.values("task_path", "status"))
    pytest.fail(f"tasks not finished in {DEADLINE_SECONDS} s: {left}")


def _wait_for(predicate, what: str, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_killing_a_worker_mid_task_loses_nothing_and_runs_nothing_twice(spawn):
    names = [f"m{i}" for i in range(6)]
    for name in names:
        enqueue(slow_marker, name, 3.0, key=f"marker:{name}")
    victim = spawn("victim")
    spawn("survivor-1")
    # Kill the victim once it is half-way through a task (progress recorded by its heartbeat).
    held = _wait_for(
        lambda: TaskRun.objects.filter(worker_id="victim", progress_done__gte=5).first(),
        "the victim mid-task",
    )
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    spawn("survivor-2")
    _wait_all_finished(names)

    assert _subjects(spawn.mail_dir) == names  # every effect once: none lost, none doubled
    markers = DBTaskResult.objects.filter(task_path=slow_marker.module_path)
    assert sorted(str(value) for value in markers.values_list("return_value", flat=True)) == names
    assert set(markers.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    held.refresh_from_db()
    taken_over = DBTaskResult.objects.get(pk=held.pk)
    assert taken_over.worker_ids[0] == "victim"
    assert taken_over.worker_ids[-1] != "victim"
    assert held.attempts == 2
    assert "victim stopped answering" in held.last_error
    assert EffectKey.objects.filter(key__startswith="slow-marker:").count() == len(names)
    assert not TaskRun.objects.filter(parked_at__isnull=False).exists()


def test_a_worker_killed_right_after_the_effect_does_not_make_it_twice(spawn):
    enqueue(slow_marker, "power-cut", 0.2, True, key="marker:power-cut")
    first = spawn("first")
    _wait_for(lambda: first.poll() is not None, "the task to kill its own worker")
    assert first.returncode == -signal.SIGKILL
    spawn("second")
    _wait_all_finished(["power-cut"])
    assert _subjects(spawn.mail_dir) == ["power-cut"]
    run = TaskRun.objects.get(key="marker:power-cut")
    assert run.attempts == 2
    assert DBTaskResult.objects.get(pk=run.pk).status == TaskResultStatus.SUCCESSFUL


def test_workers_share_the_queue_without_running_a_task_twice(spawn):
    names = [f"q{i:02d}" for i in range(30)]
    for name in names:
        enqueue(slow_marker, name, 0, key=f"marker:{name}")
    for index in range(3):
        spawn(f"w{index}")
    _wait_all_finished(names)
    assert _subjects(spawn.mail_dir) == names
    attempts = TaskRun.objects.filter(key__startswith="marker:").values_list("attempts", flat=True)
    assert set(attempts) == {1}
    used = {
        DBTaskResult.objects.get(pk=pk).worker_ids[0]
        for pk in TaskRun.objects.filter(key__startswith="marker:").values_list("pk", flat=True)
    }
    assert len(used) >= 2
