"""Quarterly status reports: asked for by the periodic job as directive cases owned by the party,
overdue and escalated by the cases app's own job when missing, answered by the party's report,
verified by the lead."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.cases.actions import do_answer_case, do_transition_case
from rasad.cases.choices import CaseKind, CaseStatus
from rasad.cases.models import Case
from rasad.cases.tasks import escalate_overdue
from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.jobs.testing import run_queued
from rasad.lib.jalali import TEHRAN, JalaliPeriod
from rasad.programs.actions import ReportValues, do_request_status_reports, do_submit_status_report, due_date
from rasad.programs.audit import ProgrammeAuditEvent
from rasad.programs.models import StatusReport
from rasad.programs.tasks import expire_programmes, request_reports
from rasad.programs.testing import add_item, make_programme, make_structure
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    """Isfahan leads; Kerman is the party; the programme began 200 days ago and is active."""
    from rasad.programs.actions import do_transition_programme

    today = timezone.localdate()
    programme = make_programme(
        cast, cast.isfahan, parties=[cast.kerman], starts_on=today - timedelta(days=200)
    )
    objective = make_structure(cast, programme)
    item = add_item(
        cast, objective, cast.kerman, title="راه‌اندازی ستاد رسانه‌ای", starts_on=programme.starts_on
    )
    programme = do_transition_programme(programme, "activate", acting_user=cast.root)
    season = JalaliPeriod.containing(today, "season")
    return {
        "programme": programme,
        "item": item,
        "season": season,
        "first_day": datetime.combine(season.start, time(6, 0), tzinfo=TEHRAN),
    }


def _request(world: dict[str, Any]) -> list[StatusReport]:
    moment = world["first_day"]
    return do_request_status_reports(world["programme"], today=moment.date(), now=moment)


def test_the_season_after_it_ends_asks_the_party_with_a_directive_case(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    previous = world["season"].previous()
    assert report.period_key == previous.key
    assert report.due_on == due_date(previous)
    case = report.case
    assert case is not None
    assert (case.kind, case.status) == (CaseKind.DIRECTIVE, CaseStatus.NEW)
    assert (case.reporter_organization, case.owner_organization) == (cast.isfahan, cast.kerman)
    assert case.deadline == report.due_on
    assert case.source == report
    assert previous.label() in case.title
    event = AuditEvent.objects.get(event_type=ProgrammeAuditEvent.REPORTS_REQUESTED)
    assert event.new["reports"] == [report.pk]


def test_asking_twice_asks_once(cast: Cast, world: dict[str, Any]):
    _request(world)
    assert _request(world) == []
    assert StatusReport.objects.count() == 1


def test_a_missing_report_becomes_overdue_and_escalates_by_itself(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    assert report.case is not None
    after_due = datetime.combine(report.due_on + timedelta(days=1), time(9, 0), tzinfo=TEHRAN)
    assert report.case.is_overdue(after_due)
    escalated = escalate_overdue(after_due)
    assert report.case.pk in {case.pk for case in escalated}
    case = Case.objects.get(pk=report.case.pk)
    # Kerman's command centre reports to the national centre: one level up the party's tree.
    assert (case.escalation_level, case.escalated_to) == (1, cast.national)
    assert escalate_overdue(after_due) == []  # once per budget, however often the job runs


def test_the_party_submits_and_the_lead_verifies(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    report = do_submit_status_report(
        report, ReportValues("at_risk", "تأمین سالن همایش به تعویق افتاده است"), acting_user=cast.bob
    )
    assert (report.state, report.submitted_by) == ("at_risk", cast.bob)
    case = Case.objects.get(programme_report=report)
    assert case.status == CaseStatus.RESOLVED
    assert case.resolution.endswith("تأمین سالن همایش به تعویق افتاده است")
    assert case.events.order_by("-pk").first().action == "answer"  # type: ignore[union-attr]
    assert (
        AuditEvent.objects.get(event_type=ProgrammeAuditEvent.REPORT_SUBMITTED).organization_id
        == cast.kerman.pk
    )
    do_transition_case(case, "verify", acting_user=cast.alice)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_the_lead_may_not_submit_the_party_s_report(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    with pytest.raises(ObjectNotFound):
        do_submit_status_report(report, ReportValues("done"), acting_user=cast.alice)
    response = client_for(cast.alice).post(
        f"/api/v1/programme-status-reports/{report.pk}/submit/", {"state": "done"}, format="json"
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.submitted_at is None


def test_at_risk_needs_a_note_and_nothing_is_saved_without_it(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    response = client_for(cast.bob).post(
        f"/api/v1/programme-status-reports/{report.pk}/submit/", {"state": "blocked"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"note"}
    report.refresh_from_db()
    assert report.submitted_at is None
    assert Case.objects.get(programme_report=report).status == CaseStatus.NEW


def test_a_submitted_report_is_answered_once_until_the_lead_reopens_it(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    do_submit_status_report(report, ReportValues("on_track"), acting_user=cast.bob)
    with pytest.raises(ValidationError) as error:
        do_submit_status_report(report, ReportValues("done"), acting_user=cast.bob)
    assert set(error.value.message_dict) == {"state"}
    case = Case.objects.get(programme_report=report)
    do_transition_case(case, "reopen", acting_user=cast.alice)
    report = do_submit_status_report(report, ReportValues("done", "کار تمام شد"), acting_user=cast.bob)
    assert report.state == "done"
    assert Case.objects.get(programme_report=report).status == CaseStatus.RESOLVED


def test_only_the_case_raised_for_a_record_is_answered_by_it(cast: Cast, world: dict[str, Any]):
    (report,) = _request(world)
    item_case = world["item"].case
    with pytest.raises(ValidationError) as error:
        do_answer_case(item_case, report, acting_user=cast.bob, note="x")
    assert set(error.value.message_dict) == {"case"}
    assert Case.objects.get(pk=item_case.pk).status == CaseStatus.NEW


def test_finished_items_and_inactive_programmes_owe_no_report(cast: Cast, world: dict[str, Any]):
    from rasad.programs.actions import do_transition_programme

    do_transition_case(world["item"].case, "triage", acting_user=cast.bob)
    case = Case.objects.get(pk=world["item"].case_id)
    do_transition_case(case, "reject", acting_user=cast.bob, note="خارج از توان")
    assert _request(world) == []
    other = make_programme(cast, cast.isfahan, parties=[cast.kerman], starts_on=world["programme"].starts_on)
    objective = make_structure(cast, other)
    add_item(cast, objective, cast.kerman, starts_on=other.starts_on)
    moment = world["first_day"]
    assert do_request_status_reports(other, today=moment.date(), now=moment) == []  # a draft
    do_transition_programme(other, "activate", acting_user=cast.root)
    assert len(do_request_status_reports(other, today=moment.date(), now=moment)) == 1


def test_the_periodic_jobs_ask_for_reports_and_expire_programmes(cast: Cast, world: dict[str, Any]):
    moment = world["first_day"]
    assert request_reports(moment) == 1
    assert request_reports(moment) == 0
    ended = world["programme"].ends_on + timedelta(days=1)
    assert expire_programmes(datetime.combine(ended, time(1, 0), tzinfo=TEHRAN)) == 1
    world["programme"].refresh_from_db()
    assert world["programme"].status == "expired"


def test_the_periodic_job_runs_on_the_task_engine(cast: Cast, world: dict[str, Any], settings: Any):
    from rasad.jobs.engine import enqueue, periodic_jobs
    from rasad.programs.tasks import request_status_reports

    jobs = periodic_jobs()
    assert jobs["programs-status-reports"].cron == "0 6 * * *"
    assert jobs["programs-expire"].cron == "30 0 * * *"
    # Reports due 100 days after a season ends are still due today, whatever today is.
    settings.RASAD_PROGRAMME_REPORT_DAYS = 100
    enqueue(request_status_reports)
    assert run_queued() == 1
    (report,) = StatusReport.objects.all()
    assert report.period_key == world["season"].previous().key
    enqueue(request_status_reports)
    run_queued()
    assert StatusReport.objects.count() == 1
