"""The audit checkpoint is a periodic job: every five minutes (Tehran time), once per slot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from rasad.core.models import AuditCheckpoint
from rasad.jobs.models import Schedule
from rasad.jobs.schedules import tick
from rasad.jobs.testing import run_queued
from rasad.testing.cast import Cast


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Path]:
    with override_settings(
        AUDIT_KEY_PATH=tmp_path / "node.key", AUDIT_CHECKPOINT_PATH=tmp_path / "checkpoints.jsonl"
    ):
        yield tmp_path


def test_the_checkpoint_is_scheduled_every_five_minutes(db: None):
    schedule = Schedule.objects.get(name="audit-checkpoint")
    assert (schedule.cron, schedule.is_enabled) == ("*/5 * * * *", True)


def test_a_due_slot_signs_a_checkpoint_and_a_second_run_signs_nothing_new(cast: Cast, node: Path):
    from django.utils import timezone

    Schedule.objects.filter(name="audit-checkpoint").update(next_run_at=timezone.now())
    assert tick() >= 1
    run_queued()
    assert list(AuditCheckpoint.objects.values_list("number", flat=True)) == [1]
    from rasad.core.tasks import sign_audit_checkpoint

    assert sign_audit_checkpoint.call() == 0
    assert AuditCheckpoint.objects.count() == 1
