"""The media pages as people use them: the HQ's board with its late agencies, a statement's
steps, the issue form's errors, an agency's inbox and answer form; the other province refused."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.core.models import Organization, User
from rasad.media.models import Recipient, Statement
from rasad.media.testing import approved, ensure_member, issued_statement, make_statement
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def test_the_board_counts_late_agencies(cast: Cast, agencies: list[Organization]):
    past = timezone.now() - timedelta(hours=6)
    statement = issued_statement(cast.isfahan, agencies[:3], hours=2, now=past, title="پیام قطعی برق")
    page = signed_in_client(cast.alice).get("/media/").content.decode()
    assert "پیام قطعی برق" in page
    overdue = re.search(r'data-testid="overdue-count">([^<]*)<', page)
    assert overdue is not None and overdue.group(1) == "۳ دستگاه با تأخیر"
    assert statement.recipients.count() == 3
    assert "پیام قطعی برق" not in signed_in_client(cast.bob).get("/media/").content.decode()


def test_an_empty_board_and_rumour_log_say_that_nothing_is_there_yet(cast: Cast):
    client = signed_in_client(cast.bob)
    assert "هنوز بیانیه‌ای که بتوانید ببینید نوشته نشده است." in client.get("/media/").content.decode()
    assert "هنوز شایعه‌ای که بتوانید ببینید ثبت نشده است." in client.get("/media/rumours/").content.decode()
    # A filter that finds nothing says so: the words of an empty board would mislead.
    filtered = client.get("/media/?state=issued").content.decode()
    assert "با این فیلترها موردی نیست." in filtered and "هنوز بیانیه‌ای" not in filtered
    assert 'href="/media/" data-testid="clear-filters"' in filtered


def test_a_draft_goes_through_review_and_approval_on_its_page(cast: Cast, coordinator: User):
    statement = make_statement(cast.isfahan, user=cast.alice)
    client = signed_in_client(coordinator)
    page = client.get(f"/media/statements/{statement.pk}/").content.decode()
    assert 'data-testid="submit-review"' in page
    assert client.post(f"/media/statements/{statement.pk}/submit/").status_code == 302
    assert client.post(f"/media/statements/{statement.pk}/approve/").status_code == 302
    statement.refresh_from_db()
    assert statement.state == "approved"
    assert 'data-testid="issue"' in client.get(f"/media/statements/{statement.pk}/").content.decode()


def test_a_statement_s_rich_text_is_shown_formatted_and_its_html_as_written(cast: Cast, coordinator: User):
    body = "**قطعی برق** برنامه‌ریزی‌شده است.\n\n- جدول خاموشی\n- شمارهٔ ۱۲۱\n\n<script>alert(1)</script>"
    statement = make_statement(cast.isfahan, user=cast.alice, body=body)
    page = signed_in_client(coordinator).get(f"/media/statements/{statement.pk}/").content.decode()
    assert "<strong>قطعی برق</strong>" in page and "<li>جدول خاموشی</li>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_issue_form_names_a_past_deadline(cast: Cast, coordinator: User):
    statement = approved(make_statement(cast.isfahan))
    ensure_member(cast.isfahan, cast.isfahan_post)
    response = signed_in_client(coordinator).post(
        f"/media/statements/{statement.pk}/issue/",
        {
            "agencies": [cast.isfahan_post.pk],
            "deadline_basis": "fixed",
            "due_day": "1400/01/05",
            "due_time": "10:00",
        },
    )
    assert response.status_code == 200
    assert 'data-field-error="due_day"' in response.content.decode()
    statement.refresh_from_db()
    assert (statement.state, Recipient.objects.count()) == ("approved", 0)


def test_the_issue_form_shows_what_was_typed_back_in_persian_digits(cast: Cast, coordinator: User):
    statement = approved(make_statement(cast.isfahan))
    response = signed_in_client(coordinator).post(
        f"/media/statements/{statement.pk}/issue/",
        {"agencies": [], "deadline_basis": "working", "deadline_hours": "48", "due_day": "1400/01/05"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    hours = re.search(r'name="deadline_hours" value="([^"]*)"', page)
    day = re.search(r'name="due_day" value="([^"]*)"', page)
    assert hours is not None and hours.group(1) == "۴۸"
    assert day is not None and day.group(1) == "۱۴۰۰/۰۱/۰۵"


@pytest.mark.parametrize("typed", ["48", "۴۸", "٤٨", "48.0", "۴۸٫۰"])
def test_hours_to_respond_are_read_in_every_digit_as_shown_back(typed):
    from rasad.media.forms import IssueForm

    assert IssueForm.base_fields["deadline_hours"].clean(typed) == 48


def test_an_agency_acknowledges_and_answers_from_its_inbox(cast: Cast):
    recipient = issued_statement(cast.isfahan, [cast.isfahan_post], title="پیام ایمنی").recipients.get()
    client = signed_in_client(cast.ali)
    inbox = client.get("/media/inbox/").content.decode()
    assert "پیام ایمنی" in inbox and 'data-testid="acknowledge"' in inbox
    assert client.post(f"/media/received/{recipient.pk}/acknowledge/").status_code == 302
    page = client.get(f"/media/received/{recipient.pk}/").content.decode()
    assert 'data-testid="respond-form"' in page
    refused = client.post(f"/media/received/{recipient.pk}/respond/", {"outcome": "declined"})
    assert refused.status_code == 400
    assert 'data-field-error="reason"' in refused.content.decode()
    done = client.post(
        f"/media/received/{recipient.pk}/respond/",
        {"outcome": "published", "channel": "news_agency", "evidence_url": "https://irna.example/n/1"},
    )
    assert done.status_code == 302
    recipient.refresh_from_db()
    assert (recipient.state, recipient.channel) == ("published", "news_agency")


def test_an_issued_statement_has_no_edit_button_and_its_edit_page_refuses(cast: Cast):
    statement = issued_statement(cast.isfahan)
    client = signed_in_client(cast.root)
    assert 'data-testid="edit"' not in client.get(f"/media/statements/{statement.pk}/").content.decode()
    response = client.post(
        f"/media/statements/{statement.pk}/edit/",
        {"organization": cast.isfahan.pk, "kind": "statement", "title": "تازه", "body": "متن"},
    )
    assert response.status_code == 200
    assert "بیانیهٔ ابلاغ‌شده تغییر نمی‌کند" in response.content.decode()
    assert Statement.objects.get(pk=statement.pk).title != "تازه"


def test_the_board_inbox_and_rumour_log_export_what_their_reader_sees(
    cast: Cast, agencies: list[Organization], settings, tmp_path
):
    from django.urls import reverse

    from rasad.jobs.models import ExportFile
    from rasad.jobs.testing import run_queued
    from rasad.media.actions import RumourValues, do_log_rumour
    from rasad.testing.tabular import xlsx_rows

    settings.MEDIA_ROOT = tmp_path / "media"
    issued_statement(cast.isfahan, agencies[:2], title="پیام قطعی برق")
    issued_statement(cast.isfahan, [cast.isfahan_post], title="پیام ایمنی پاسگاه")
    do_log_rumour(
        RumourValues(organization=cast.isfahan, claim="خاموشی سراسری فردا", seen_where="پیام‌رسان"),
        acting_user=cast.root,
    )

    def exported(client, kind: str, page: str | None) -> list[tuple[Any, ...]]:
        if page is not None:
            assert f"/files/new/{kind}.xlsx" in client.get(page).content.decode()
        response = client.post(reverse("jobs:export-request", args=[kind, "xlsx"]))
        assert response.status_code == 302
        export = ExportFile.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
        run_queued()
        export.refresh_from_db()
        return xlsx_rows((tmp_path / "media" / export.file.name).read_bytes())[2:]

    headquarters = signed_in_client(cast.alice)
    statements = exported(headquarters, "media-statements", "/media/")
    assert sorted(row[1] for row in statements) == ["پیام ایمنی پاسگاه", "پیام قطعی برق"]
    receipts = exported(headquarters, "media-receipts", "/media/inbox/")
    assert len(receipts) == 3
    rumours = exported(headquarters, "media-rumours", "/media/rumours/")
    assert [row[1] for row in rumours] == ["خاموشی سراسری فردا"]
    # The post's officer: the receipts the API lists for them, no more.
    receipts = exported(signed_in_client(cast.ali), "media-receipts", "/media/inbox/")
    visible = Recipient.objects.visible_to(cast.ali, "view")
    assert sorted(row[4] for row in receipts) == sorted(visible.values_list("agency__code", flat=True))
    # Another province: nothing of Isfahan's. Its empty board offers no export; asked for all
    # the same, the file holds nothing.
    bob = signed_in_client(cast.bob)
    assert 'data-testid="export"' not in bob.get("/media/").content.decode()
    assert exported(bob, "media-statements", None) == []
