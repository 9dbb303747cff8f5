"""Finished work is forgotten after its time: tasks that succeeded, parked tasks, effect keys,
records of expired files, and old observation batch ids. Work waiting or running is never
touched, and nothing younger than its time is."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.indicators.models import ObservationBatch
from rasad.indicators.tasks import prune_observation_batches
from rasad.jobs.engine import enqueue
from rasad.jobs.mail import queue_mail
from rasad.jobs.models import EffectKey, ExportFile, ExportStatus, Schedule, TaskRun
from rasad.jobs.tasks import prune_finished_work
from rasad.jobs.testing import always_fails, run_queued, slow_marker
from rasad.testing.cast import Cast


def _days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def _finished(days: float, *, fail: bool = False) -> TaskRun:
    run = enqueue(always_fails, "no") if fail else queue_mail("s", "b", ["a@example.ir"])
    assert run is not None
    run_queued()
    DBTaskResult.objects.filter(pk=run.pk).update(finished_at=_days_ago(days))
    return run


def _file(cast: Cast, status: str, days: float) -> ExportFile:
    return ExportFile.objects.create(
        owner=cast.alice,
        kind="cases",
        file_format="csv",
        title="t",
        status=status,
        finished_at=_days_ago(days),
    )


def test_finished_work_past_its_time_is_deleted_and_the_rest_kept(cast: Cast):
    old_success, young_success = _finished(31), _finished(29)
    old_parked, young_parked = _finished(91, fail=True), _finished(89, fail=True)
    waiting = enqueue(slow_marker, "later", 0)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=_days_ago(400))
    old_file, young_file = _file(cast, ExportStatus.EXPIRED, 31), _file(cast, ExportStatus.FAILED, 29)
    ready = _file(cast, ExportStatus.READY, 31)
    old_file.run = old_success
    old_file.save(update_fields=["run"])
    EffectKey.objects.create(key="old", created=_days_ago(91))
    EffectKey.objects.create(key="young", created=_days_ago(89))

    counts = prune_finished_work.call()
    assert counts == {"tasks": 1, "parked": 1, "files": 1, "effect_keys": 1}
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old_success.pk not in remaining and old_parked.pk not in remaining
    assert {young_success.pk, young_parked.pk, waiting.pk} <= remaining
    assert not TaskRun.objects.filter(pk__in=[old_success.pk, old_parked.pk]).exists()
    assert set(ExportFile.objects.values_list("pk", flat=True)) == {young_file.pk, ready.pk}
    assert list(EffectKey.objects.values_list("key", flat=True)) == ["young"]
    # A second run finds nothing more.
    assert prune_finished_work.call() == {"tasks": 0, "parked": 0, "files": 0, "effect_keys": 0}
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY


def test_a_schedule_keeps_working_when_its_last_task_is_forgotten(cast: Cast):
    run = _finished(31)
    Schedule.objects.filter(name="jobs-prune").update(last_task_id=run.pk)
    prune_finished_work.call()
    assert Schedule.objects.get(name="jobs-prune").last_task_id is None


def test_old_observation_batch_ids_are_forgotten(cast: Cast, settings):
    settings.RASAD_BATCH_KEEP_DAYS = 30
    old = ObservationBatch.objects.create(user=cast.ali, batch_id="old", digest="x")
    young = ObservationBatch.objects.create(user=cast.ali, batch_id="young", digest="y")
    ObservationBatch.objects.filter(pk=old.pk).update(created=_days_ago(31))
    ObservationBatch.objects.filter(pk=young.pk).update(created=_days_ago(29))
    assert prune_observation_batches.call() == 1
    assert list(ObservationBatch.objects.values_list("batch_id", flat=True)) == ["young"]


def test_both_jobs_are_on_the_schedule(db):
    assert {"jobs-prune", "indicators-prune-batches"} <= set(Schedule.objects.values_list("name", flat=True))
