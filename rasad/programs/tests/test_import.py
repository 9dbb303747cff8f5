"""Action items from a spreadsheet: every bad row is reported with its row and column, and the rows
are added all together or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.cases.models import Case
from rasad.core.models import AuditEvent
from rasad.programs.audit import ProgrammeAuditEvent
from rasad.programs.importers import ActionItemImporter
from rasad.programs.models import ActionItem, Programme
from rasad.programs.testing import make_programme, make_structure
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
HEADER = "axis,objective,party,title,category,priority,deadline,weight\n"


@pytest.fixture
def programme(cast: Cast) -> Programme:
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman])
    make_structure(cast, programme)  # axis «محور آموزش», objective «برگزاری دوره‌ها»
    return programme


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_every_row_is_added_with_one_audit_event_for_the_batch(cast: Cast, programme: Programme):
    data = _csv(
        "محور آموزش,برگزاری دوره‌ها,KER-CC,برگزاری کارگاه در کرمان,other,high,۱۴۰۶/۰۶/۳۱,2",
        "محور آموزش,برگزاری دوره‌ها,ISF-CC,تدوین بستهٔ آموزشی,other,,2027-09-01,",
    )
    report = ActionItemImporter(programme, acting_user=cast.root).run(data, file_name="items.csv")
    assert report.errors == []
    assert report.applied
    items = ActionItem.objects.filter(programme=programme).order_by("pk")
    assert [(i.party.organization.code, i.weight, i.case.priority) for i in items] == [
        ("KER-CC", 2, "high"),
        ("ISF-CC", 1, "medium"),
    ]
    event = AuditEvent.objects.get(event_type=ProgrammeAuditEvent.ACTION_ITEMS_IMPORTED)
    assert report.sha256 in event.body


def test_every_bad_row_is_reported_and_nothing_is_added(cast: Cast, programme: Programme):
    cases_before = Case.objects.count()
    data = _csv(
        "محور آموزش,برگزاری دوره‌ها,KER-CC,اقدام درست,other,medium,۱۴۰۶/۰۶/۳۱,1",
        "محور پژوهش,برگزاری دوره‌ها,YZD-CC,,nope,urgent,۱۴۰۶/۱۳/۴۰,0",
    )
    report = ActionItemImporter(programme, acting_user=cast.root).run(data, file_name="items.csv")
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "objective"),
        (3, "party"),
        (3, "title"),
        (3, "category"),
        (3, "priority"),
        (3, "deadline"),
        (3, "weight"),
    }
    assert not report.applied
    assert not ActionItem.objects.exists()
    assert Case.objects.count() == cases_before


def test_a_row_the_action_refuses_rolls_back_the_valid_rows(cast: Cast, programme: Programme):
    cases_before = Case.objects.count()
    data = _csv(
        "محور آموزش,برگزاری دوره‌ها,KER-CC,اقدام درست,other,medium,۱۴۰۶/۰۶/۳۱,1",
        "محور آموزش,برگزاری دوره‌ها,KER-CC,اقدام دیرهنگام,other,medium,1420/01/01,1",
    )
    report = ActionItemImporter(programme, acting_user=cast.root).run(data, file_name="items.csv")
    assert [(e.row, e.column) for e in report.errors] == [(3, "deadline")]
    assert not ActionItem.objects.exists()
    assert Case.objects.count() == cases_before


def test_the_lead_imports_on_the_page_and_a_party_may_not(cast: Cast, programme: Programme):
    url = f"/programmes/{programme.pk}/items/import/"
    upload = SimpleUploadedFile(
        "items.csv", _csv("محور آموزش,برگزاری دوره‌ها,KER-CC,برگزاری کارگاه,other,medium,۱۴۰۶/۰۶/۳۱,1")
    )
    response: Any = signed_in_client(cast.root).post(url, {"file": upload})
    assert response.status_code == 302
    assert ActionItem.objects.filter(programme=programme).count() == 1
    assert signed_in_client(cast.bob).get(url).status_code == 404
    template = signed_in_client(cast.root).get(f"{url}template.xlsx")
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_file_lists_its_problems_on_the_page(cast: Cast, programme: Programme):
    upload = SimpleUploadedFile(
        "items.csv", _csv("محور آموزش,برگزاری دوره‌ها,ZZZ,کار,other,medium,۱۴۰۶/۰۶/۳۱,1")
    )
    response: Any = signed_in_client(cast.root).post(
        f"/programmes/{programme.pk}/items/import/", {"file": upload}
    )
    assert response.status_code == 400
    assert 'data-column="party"' in response.content.decode()
    assert not ActionItem.objects.exists()
