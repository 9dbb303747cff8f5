"""The training import templates, round trip: the workbook the page offers, filled in as a
spreadsheet program would (its two header rows kept), is read by the import; a bad row is named
on the page by its row number and its column's Persian label with a Persian message, and nothing
is written; the same file corrected is imported (docs/training.md)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.lib.jalali import to_jalali
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_workbook
from rasad.testing.web import signed_in_client
from rasad.training.models import Completion, Enrolment
from rasad.training.testing import make_course, make_event, make_member

pytestmark = pytest.mark.django_db
PERSIAN = re.compile("[\u0600-\u06ff]")


def _filled(template: Any, rows: list[list[Any]]) -> SimpleUploadedFile:
    """The downloaded template with ``rows`` typed under its header rows."""
    workbook = xlsx_workbook(template.content)
    sheet = workbook.worksheets[0]
    assert sheet.max_row == 2  # the labels, then the keys: nothing to delete before typing
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("filled.xlsx", buffer.getvalue())


def _problems(html: str) -> list[tuple[str, str, str, str]]:
    """(row, column key, column as shown, message) of each problem the page lists."""
    return [
        (row, key, re.sub(r"\s+", " ", shown).strip(), message.strip())
        for row, key, shown, message in re.findall(
            r'<tr data-row="(\d+)" data-column="([a-z_]+)">'
            r"<td>[^<]*</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>",
            html,
        )
    ]


def _refused(client: Any, url: str, file: SimpleUploadedFile) -> list[tuple[str, str, str, str]]:
    """The problems the import page lists for ``file``, refused whole: each column named in
    Persian with a Persian message."""
    response = client.post(url, {"file": file})
    assert response.status_code == 400
    problems = _problems(response.content.decode())
    for _row, key, shown, message in problems:
        assert PERSIAN.search(shown), f"{key}: the column is named in Persian"
        assert PERSIAN.search(message)
    return problems


def _download(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response


def test_roster_template_round_trip(cast: Cast):
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=5))
    make_member("p1", cast.isfahan)
    client = signed_in_client(cast.root)
    template = _download(client, f"/training/events/{event.pk}/roster/template.xlsx")
    url = f"/training/events/{event.pk}/roster/import/"
    bad = _filled(template, [["ali", "بله", 90], ["p1", "شاید", None], ["nobody", "خیر", None]])
    problems = _refused(client, url, bad)
    assert [(row, key) for row, key, _shown, _message in problems] == [("4", "attended"), ("5", "username")]
    assert "شاید" in problems[0][3]
    assert not Enrolment.objects.filter(event=event).exists()
    template = _download(client, f"/training/events/{event.pk}/roster/template.xlsx")
    good = _filled(template, [["ali", "بله", 90], ["p1", "خیر", None]])
    assert client.post(url, {"file": good}).status_code == 302
    assert sorted(Enrolment.objects.filter(event=event).values_list("user__username", "attended")) == [
        ("ali", True),
        ("p1", False),
    ]


def test_completion_template_round_trip(cast: Cast):
    course = make_course(cast.isfahan, code="media-literacy")
    client = signed_in_client(cast.root)
    template = _download(client, "/training/completions/import/template.xlsx")
    day = to_jalali(timezone.localdate() - timedelta(days=30))
    jalali_day = f"{day.year}/{day.month:02d}/{day.day:02d}"
    url = "/training/completions/import/"
    rows = [["ali", course.code, jalali_day, 80], ["ali", "no-such-course", jalali_day, 120]]
    bad = _filled(template, rows)
    problems = _refused(client, url, bad)
    assert [(row, key) for row, key, _shown, _message in problems] == [("4", "course"), ("4", "score")]
    assert not Completion.objects.exists()
    template = _download(client, "/training/completions/import/template.xlsx")
    good = _filled(template, rows[:1])
    assert client.post(url, {"file": good}).status_code == 302
    assert Completion.objects.get().score == 80
