"""The roster import: every bad row reported with its row and column, all rows or none, one audit
event for the batch; and the export reads back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.audit import TrainingAuditEvent
from rasad.training.importers import RosterImporter
from rasad.training.models import Completion, Enrolment, Event
from rasad.training.testing import make_event, make_member

pytestmark = pytest.mark.django_db
HEADER = "username,attended,score\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def past_event(cast: Cast) -> Event:
    return make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=5))


def test_every_row_is_applied_with_one_audit_event(cast: Cast, past_event: Event):
    make_member("p1", cast.isfahan_post)
    make_member("p2", cast.isfahan)
    data = _csv("ali,بله,۹۵", "P1,خیر,", "p2,,")
    report = RosterImporter(past_event, acting_user=cast.root).run(data, file_name="roster.csv")
    assert report.errors == []
    assert report.applied
    rows = Enrolment.objects.filter(event=past_event).order_by("user__username")
    assert [(e.user.username, e.status, e.attended) for e in rows] == [
        ("ali", "enrolled", True),
        ("p1", "enrolled", False),
        ("p2", "enrolled", False),
    ]
    assert Completion.objects.get().score == 95
    events = AuditEvent.objects.filter(event_type=TrainingAuditEvent.ROSTER_IMPORTED)
    assert events.count() == 1
    assert report.sha256 in events.get().body
    assert not AuditEvent.objects.filter(event_type=TrainingAuditEvent.ENROLLED).exists()


def test_every_bad_row_is_reported_and_nothing_is_written(cast: Cast, past_event: Event):
    make_member("p1", cast.isfahan)
    data = _csv(
        "ali,بله,80",  # row 2: good
        "nobody,بله,",  # row 3: unknown person
        "bahram,بله,",  # row 4: exists, but works in Kerman: reads as unknown
        "p1,شاید,",  # row 5: neither yes nor no
        "ali,خیر,",  # row 6: twice
        "p2,خیر,70",  # row 7: unknown, and a score without attendance
        ",بله,",  # row 8: no user name
    )
    with assert_nothing_changed("training.enrolment", "training.completion"):
        report = RosterImporter(past_event, acting_user=cast.root).run(data, file_name="roster.csv")
    assert not report.applied
    assert [(e.row, e.column) for e in report.sorted_errors()] == [
        (3, "username"),
        (4, "username"),
        (5, "attended"),
        (6, "username"),
        (7, "score"),
        (7, "username"),
        (8, "username"),
    ]


def test_attendance_before_the_event_is_reported_per_row(cast: Cast):
    future = make_event(cast.isfahan)
    with assert_nothing_changed("training.enrolment", "training.completion"):
        report = RosterImporter(future, acting_user=cast.root).run(_csv("ali,بله,"), file_name="roster.csv")
    assert [(e.row, e.column) for e in report.sorted_errors()] == [(2, "attended")]


def test_the_import_page_lists_the_problems_and_only_the_organizer_opens_it(cast: Cast, past_event: Event):
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    url = f"/training/events/{past_event.pk}/roster/import/"
    assert signed_in_client(cast.alice).get(url).status_code == 404
    assert signed_in_client(cast.bob).get(url).status_code == 404
    client = signed_in_client(organizer)
    upload = SimpleUploadedFile("roster.csv", _csv("nobody,بله,"), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert 'data-row="2" data-column="username"' in response.content.decode()
    good = SimpleUploadedFile("roster.csv", _csv("ali,بله,"), content_type="text/csv")
    assert client.post(url, {"file": good}).status_code == 302
    assert Enrolment.objects.get(event=past_event).attended
