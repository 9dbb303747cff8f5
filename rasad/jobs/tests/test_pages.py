"""The background-work pages: administrators see parked tasks with their error, retry them and
change schedules; nobody else sees them; a person polls the progress of their own task only."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.core.models import AuditEvent
from rasad.core.tests.conftest import make_administrator, verified_client
from rasad.jobs.audit import JobAuditEvent
from rasad.jobs.engine import enqueue
from rasad.jobs.models import Schedule, TaskRun
from rasad.jobs.schedules import tick
from rasad.jobs.testing import always_fails, run_queued, slow_marker
from rasad.testing.cast import Cast


def _parked(message: str = "SMTP 554 rejected") -> TaskRun:
    run = enqueue(always_fails, message, key="parked", title="Send the monthly report")
    run_queued()
    run.refresh_from_db()
    assert run.parked_at is not None
    return run


def test_administrators_see_parked_tasks_with_their_error(cast: Cast):
    run = _parked()
    response = verified_client(cast.root).get(reverse("jobs:jobs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Send the monthly report" in page
    assert "SMTP 554 rejected" in page
    assert reverse("jobs:retry", args=[run.pk]) in page


def test_a_province_administrator_does_not_see_the_system_queue(cast: Cast):
    _parked()
    client = verified_client(make_administrator(cast.alice, cast.isfahan))
    assert client.get(reverse("jobs:jobs")).status_code == 404


def test_a_national_administrator_sees_the_system_queue(cast: Cast):
    client = verified_client(make_administrator(cast.nadia, cast.national))
    assert client.get(reverse("jobs:jobs")).status_code == 200


def test_others_get_404(cast: Cast):
    run = _parked()
    for user in (cast.alice, cast.bob, cast.charlie):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("jobs:jobs")).status_code == 404
        assert client.post(reverse("jobs:retry", args=[run.pk])).status_code == 404
    assert Client().get(reverse("jobs:jobs")).status_code == 302  # to the sign-in page


def test_retrying_a_parked_task_queues_it_again_and_is_audited(cast: Cast):
    run = _parked()
    response = verified_client(cast.root).post(reverse("jobs:retry", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.parked_at is None
    assert run.max_attempts == 6
    assert DBTaskResult.objects.get(pk=run.pk).status == TaskResultStatus.READY
    assert (
        AuditEvent.objects.filter(event_type=JobAuditEvent.TASK_RETRIED, object_id=str(run.pk)).count() == 1
    )
    assert run_queued() == 3
    run.refresh_from_db()
    assert run.parked_at is not None


def test_a_task_that_is_not_parked_cannot_be_retried(cast: Cast):
    run = enqueue(slow_marker, "fresh", 0)
    verified_client(cast.root).post(reverse("jobs:retry", args=[run.pk]))
    assert not AuditEvent.objects.filter(event_type=JobAuditEvent.TASK_RETRIED).exists()


def test_changing_a_schedule_is_audited_and_moves_its_next_run(cast: Cast):
    schedule = Schedule.objects.get(name="cases-daily-digest")
    client = verified_client(cast.root)
    response = client.post(
        reverse("jobs:schedule-edit", args=[schedule.pk]), {"cron": " 30  6 * * 6 ", "is_enabled": "on"}
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.cron == "30 6 * * 6"
    local = timezone.localtime(schedule.next_run_at)
    assert (local.hour, local.minute, local.isoweekday()) == (6, 30, 6)
    event = AuditEvent.objects.get(event_type=JobAuditEvent.SCHEDULE_CHANGED)
    assert event.old == {"cron": "0 7 * * *"}
    assert event.new == {"cron": "30 6 * * 6"}


def test_an_invalid_cron_expression_is_refused_with_a_translated_error(cast: Cast):
    schedule = Schedule.objects.get(name="cases-daily-digest")
    response = verified_client(cast.root).post(
        reverse("jobs:schedule-edit", args=[schedule.pk]), {"cron": "61 * * *", "is_enabled": "on"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "عبارت زمان‌بندی" in page
    assert 'data-field-error="cron"' in page
    schedule.refresh_from_db()
    assert schedule.cron == "0 7 * * *"
    assert not AuditEvent.objects.filter(event_type=JobAuditEvent.SCHEDULE_CHANGED).exists()


def test_a_due_schedule_enqueues_its_task_once_per_slot(cast: Cast):
    schedule = Schedule.objects.get(name="cases-escalate")
    slot = timezone.now() - timedelta(minutes=3)
    Schedule.objects.filter(pk=schedule.pk).update(next_run_at=slot)
    # Only this schedule is due (another, such as the five-minute audit checkpoint, may have
    # fallen due while a slow suite ran).
    Schedule.objects.exclude(pk=schedule.pk).update(next_run_at=timezone.now() + timedelta(days=1))
    assert tick() == 1
    assert tick() == 0
    schedule.refresh_from_db()
    assert schedule.last_run_at == slot
    assert schedule.next_run_at is not None
    assert schedule.next_run_at > timezone.now()
    run = TaskRun.objects.get(key=f"schedule:cases-escalate:{slot.isoformat()}")
    assert run.task.task_path == "rasad.cases.tasks.escalate_overdue_cases"
    assert run_queued() == 1
    assert DBTaskResult.objects.get(pk=run.pk).return_value == 0


def test_a_disabled_schedule_enqueues_nothing(cast: Cast):
    Schedule.objects.update(is_enabled=False, next_run_at=timezone.now() - timedelta(minutes=1))
    assert tick() == 0


def test_the_owner_polls_the_progress_of_their_task(cast: Cast):
    run = enqueue(slow_marker, "mine", 0, owner=cast.alice)
    TaskRun.objects.filter(pk=run.pk).update(progress_done=25, progress_total=100, progress_note="rows")
    client = Client()
    client.force_login(cast.alice)
    data = client.get(reverse("jobs:progress", args=[run.pk])).json()
    assert data["done"] == 25
    assert data["percent"] == 25
    assert data["status"] == "READY"
    assert data["finished"] is False
    other = Client()
    other.force_login(cast.bob)
    assert other.get(reverse("jobs:progress", args=[run.pk])).status_code == 404


def test_a_task_s_title_reads_in_its_reader_s_language(cast: Cast):
    """Session 24 kept a task's title in the language of whoever asked for it: an administrator
    reading in English read «خروجی: پرونده‌ها». Asked for in Persian, read by an administrator in
    Persian, then in English."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from rasad.core.models import User
    from rasad.lib.stored_text import StoredText, Words

    with translation.override("fa"):
        title = StoredText(gettext_noop("Export: %(title)s"), {"title": Words("Cases")})
        run = enqueue(always_fails, "SMTP 554", key="parked", title=title)
    run_queued()
    assert TaskRun.objects.get(pk=run.pk).title == "خروجی: پرونده‌ها"  # the Persian text kept beside
    assert "خروجی: پرونده‌ها" in verified_client(cast.root).get(reverse("jobs:jobs")).content.decode()
    User.objects.filter(pk=cast.root.pk).update(language="en")
    cast.root.refresh_from_db()
    page = verified_client(cast.root).get(reverse("jobs:jobs")).content.decode()
    assert "Export: Cases" in page and "خروجی" not in page
