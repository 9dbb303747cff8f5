"""Import of past completions: every row applied with one audit event, or every bad row reported
with its column and nothing written; people and courses of another province read as unknown;
compliance counts an imported completion; the page and the API answer the same."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.core.models import AuditEvent, User
from rasad.lib.jalali import to_jalali
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.audit import TrainingAuditEvent
from rasad.training.compliance import obligations
from rasad.training.importers import CompletionImporter
from rasad.training.models import Completion, PositionHolding, Requirement
from rasad.training.testing import hold, make_course, make_member, make_requirement

pytestmark = pytest.mark.django_db
HEADER = "username,course,completed_on,score\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def _jalali(days_ago: int) -> str:
    day = to_jalali(timezone.localdate() - timedelta(days=days_ago))
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


@pytest.fixture
def coordinator(cast: Cast) -> User:
    return make_member("isf-coordinator", cast.isfahan, role="coordinator")


def test_every_row_is_recorded_with_one_audit_event_and_counts_for_compliance(
    cast: Cast, coordinator: User
) -> None:
    course = make_course(cast.isfahan, code="media-literacy", validity_months=24)
    make_requirement(cast.isfahan, [course])
    hold(cast.ali, cast.isfahan, since=timezone.localdate() - timedelta(days=400))
    report = CompletionImporter(acting_user=coordinator).run(
        _csv(f"ALI,media-literacy,{_jalali(100)},۸۵"), file_name="past.csv"
    )
    assert report.errors == [] and report.applied
    completion = Completion.objects.get(user=cast.ali)
    assert (completion.source, completion.score, completion.organization) == (
        "import",
        Decimal(85),
        cast.isfahan,
    )
    assert completion.code and completion.expires_on is not None
    assert AuditEvent.objects.filter(event_type=TrainingAuditEvent.COMPLETIONS_IMPORTED).count() == 1
    found = obligations(PositionHolding.objects.all(), Requirement.objects.all(), today=timezone.localdate())
    assert [o.state for o in found] == ["met"]


def test_every_bad_row_is_reported_and_nothing_is_written(cast: Cast, coordinator: User) -> None:
    make_course(cast.isfahan, code="media-literacy")
    make_course(cast.kerman, code="kerman-only")
    data = _csv(
        f"ali,media-literacy,{_jalali(10)},",  # good
        f"nobody,media-literacy,{_jalali(10)},",  # unknown person
        f"bob,media-literacy,{_jalali(10)},",  # Kerman's person: unknown here
        f"ali,kerman-only,{_jalali(10)},",  # Kerman's course: unknown here
        "ali,media-literacy,1403/13/40,",  # not a date
        f"alice,media-literacy,{_jalali(-5)},",  # in the future
        f"alice,media-literacy,{_jalali(3)},150",  # score out of range
        f"ali,media-literacy,{_jalali(10)},",  # the same as row 2
    )
    with assert_nothing_changed():
        report = CompletionImporter(acting_user=coordinator).run(data, file_name="past.csv")
    assert not report.applied
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "username"),
        (4, "username"),
        (5, "course"),
        (6, "completed_on"),
        (7, "completed_on"),
        (8, "score"),
        (9, "username"),
    }
    assert not Completion.objects.exists()


def test_a_completion_recorded_already_is_refused_by_row(cast: Cast, coordinator: User) -> None:
    make_course(cast.isfahan, code="media-literacy")
    day = _jalali(30)
    assert (
        CompletionImporter(acting_user=coordinator)
        .run(_csv(f"ali,media-literacy,{day},"), file_name="a.csv")
        .applied
    )
    again = CompletionImporter(acting_user=coordinator).run(
        _csv(f"ali,media-literacy,{day},"), file_name="b.csv"
    )
    assert not again.applied
    assert [(e.row, e.column) for e in again.errors] == [(2, "course")]
    assert Completion.objects.count() == 1


def test_someone_who_may_not_record_completions_gets_nothing_recorded(cast: Cast) -> None:
    make_course(cast.isfahan, code="media-literacy")
    # Alice sees Ali and the course, but recording completions is not an analyst's.
    report = CompletionImporter(acting_user=cast.alice).run(
        _csv(f"ali,media-literacy,{_jalali(10)},"), file_name="past.csv"
    )
    assert not report.applied and [(e.row, e.column) for e in report.errors] == [(2, "username")]
    assert not Completion.objects.exists()


def test_the_page_lists_every_bad_row_and_the_api_answers_the_one_error_shape(
    cast: Cast, coordinator: User
) -> None:
    make_course(cast.isfahan, code="media-literacy")
    bad = _csv(f"nobody,media-literacy,{_jalali(10)},")
    page = signed_in_client(coordinator).post(
        "/training/completions/import/", {"file": SimpleUploadedFile("past.csv", bad, "text/csv")}
    )
    assert page.status_code == 400
    assert 'data-row="2" data-column="username"' in page.content.decode()
    client = APIClient()
    client.force_authenticate(coordinator)
    answer = client.post(
        "/api/v1/training-completions/import/",
        {"file": SimpleUploadedFile("past.csv", bad, "text/csv")},
        format="multipart",
    )
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["rows[2].username"]
    good = _csv(f"ali,media-literacy,{_jalali(10)},")
    answer = client.post(
        "/api/v1/training-completions/import/",
        {"file": SimpleUploadedFile("past.csv", good, "text/csv")},
        format="multipart",
    )
    assert answer.status_code == 201
    # Those who may record completions nowhere are refused before the file is read.
    other = APIClient()
    other.force_authenticate(cast.bob)
    assert other.post("/api/v1/training-completions/import/", {}, format="multipart").status_code == 403
