"""The task engine: enqueue in the action's transaction, retries with backoff, parking, leases,
effects made once, progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.jobs.engine import claim_effect, enqueue
from rasad.jobs.models import EffectKey, TaskRun
from rasad.jobs.testing import always_fails, fails_until, run_queued, slow_marker
from rasad.jobs.worker import Worker, reap_expired, succeed


class Rollback(Exception):
    pass


def test_a_task_enqueued_in_a_rolled_back_transaction_does_not_exist(db):
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            enqueue(slow_marker, "never", 0)
            raise Rollback

    with pytest.raises(Rollback):
        enqueue_then_fail()
    assert DBTaskResult.objects.count() == 0
    assert TaskRun.objects.count() == 0
    assert run_queued() == 0


def test_a_task_enqueued_in_a_committed_transaction_runs_once(db, mailoutbox):
    with transaction.atomic():
        run = enqueue(slow_marker, "m1", 0, key="marker:m1", title="marker")
    assert run.task.status == TaskResultStatus.READY
    assert run_queued() == 2  # the marker, then the e-mail it queued
    run.refresh_from_db()
    assert run.task.status == TaskResultStatus.SUCCESSFUL
    assert run.task.return_value == "m1"
    assert run.attempts == 1
    assert [m.subject for m in mailoutbox] == ["m1"]


def test_a_key_enqueues_once(db):
    first = enqueue(slow_marker, "k", 0, key="marker:k")
    second = enqueue(slow_marker, "k", 0, key="marker:k")
    assert first.pk == second.pk
    assert DBTaskResult.objects.count() == 1


def test_a_failing_task_is_retried_with_doubling_backoff_then_succeeds(db):
    run = enqueue(fails_until, "flaky", 2, key="flaky")
    worker = Worker(worker_id="w1", heartbeat=False, schedule=False, ignore_delays=False)
    impatient = Worker(worker_id="w2", heartbeat=False, schedule=False, ignore_delays=True)
    assert worker.run(until_empty=True) == 1
    run.refresh_from_db()
    result = DBTaskResult.objects.get(pk=run.pk)
    assert (result.status, run.attempts) == (TaskResultStatus.READY, 1)
    assert "attempt 1 fails" in run.last_error
    # The backoff is 10 s after the first failure: not due yet, so a worker finds nothing.
    assert timedelta(seconds=9) < result.run_after - timezone.now() <= timedelta(seconds=10)
    assert worker.run(until_empty=True) == 0
    assert impatient.run(max_tasks=1) == 1
    result.refresh_from_db()
    # 20 s after the second.
    assert timedelta(seconds=19) < result.run_after - timezone.now() <= timedelta(seconds=20)
    assert impatient.run(max_tasks=1) == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert result.worker_ids == ["w1", "w2", "w2"]


def test_a_task_that_keeps_failing_is_parked_with_its_error(db):
    run = enqueue(always_fails, "the mail server said no", key="bad")
    assert run_queued() == 3
    run.refresh_from_db()
    assert run.parked_at is not None
    assert run.attempts == 3
    assert "the mail server said no" in run.last_error
    assert DBTaskResult.objects.get(pk=run.pk).status == TaskResultStatus.FAILED
    assert run_queued() == 0


def test_a_task_whose_code_is_gone_is_parked_at_once(db):
    run = enqueue(slow_marker, "gone", 0, key="gone")
    DBTaskResult.objects.filter(pk=run.pk).update(task_path="rasad.jobs.testing.no_such_task")
    assert run_queued() == 1
    run.refresh_from_db()
    assert run.parked_at is not None
    assert run.attempts == 1
    assert "does not exist" in run.last_error


def test_a_task_of_a_dead_worker_goes_back_to_the_queue(db, settings):
    run = enqueue(slow_marker, "orphan", 0, key="orphan")
    dead = Worker(worker_id="dead", heartbeat=False, schedule=False)
    claimed = dead.claim()
    assert claimed is not None
    # The dead worker stopped beating long ago.
    TaskRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert reap_expired() == 1
    run.refresh_from_db()
    assert run.worker_id == ""
    assert "dead stopped answering" in run.last_error
    assert DBTaskResult.objects.get(pk=run.pk).status == TaskResultStatus.READY
    assert run_queued() == 2
    run.refresh_from_db()
    assert run.attempts == 2
    assert DBTaskResult.objects.get(pk=run.pk).worker_ids == ["dead", "test-worker"]
    # The dead worker wakes up and reports: its outcome is dropped (it lost the lease).
    succeed(run.pk, "dead", "late")
    assert DBTaskResult.objects.get(pk=run.pk).return_value == "orphan"


def test_a_live_worker_keeps_its_task(db):
    run = enqueue(slow_marker, "alive", 0, key="alive")
    Worker(worker_id="alive", heartbeat=False, schedule=False).claim()
    TaskRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    assert reap_expired() == 0


def test_a_task_of_a_dead_worker_on_its_last_attempt_is_parked(db):
    run = enqueue(slow_marker, "last", 0, key="last")
    TaskRun.objects.filter(pk=run.pk).update(max_attempts=1)
    Worker(worker_id="dead", heartbeat=False, schedule=False).claim()
    TaskRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    reap_expired()
    run.refresh_from_db()
    assert run.parked_at is not None
    assert DBTaskResult.objects.get(pk=run.pk).status == TaskResultStatus.FAILED


def test_an_effect_is_claimed_once(db):
    with transaction.atomic():
        assert claim_effect("e-1") is True
    with transaction.atomic():
        assert claim_effect("e-1") is False

    def claim_then_fail() -> None:
        with transaction.atomic():
            assert claim_effect("e-2") is True
            raise Rollback

    with pytest.raises(Rollback):
        claim_then_fail()
    assert list(EffectKey.objects.values_list("key", flat=True)) == ["e-1"]


def test_progress_is_recorded_while_the_task_runs(db):
    run = enqueue(slow_marker, "p", 0.3, key="p")
    worker = Worker(worker_id="w", heartbeat=False, schedule=False)
    claimed = worker.claim()
    assert claimed is not None
    seen: list[tuple[int, int | None]] = []
    original = worker._flush

    def spy(current):
        original(current)
        row = TaskRun.objects.get(pk=run.pk)
        seen.append((row.progress_done, row.progress_total))

    worker._flush = spy  # type: ignore[method-assign]
    from rasad.lib import progress as progress_module

    real_advance = progress_module.Progress.advance

    def advance_and_beat(self, count=1):
        real_advance(self, count)
        if worker.current is not None:
            worker._flush(worker.current)

    progress_module.Progress.advance = advance_and_beat  # type: ignore[method-assign]
    try:
        worker.execute(claimed)
    finally:
        progress_module.Progress.advance = real_advance  # type: ignore[method-assign]
    assert seen[0] == (1, 3)
    assert (3, 3) in seen


def test_an_effect_must_be_claimed_inside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        claim_effect("outside")
