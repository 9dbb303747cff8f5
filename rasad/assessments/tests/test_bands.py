"""Score bands of an imported instrument: set through the API, the page and a spreadsheet (the
bands file exported and read back); bad bands refused with every problem named and nothing
changed; a version a cycle uses keeps its bands (the change goes to the next version); the
assessment page shows the band ladder with the band the score reaches; the other province can
neither see a draft's bands page nor change them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.assessments.models import Assessment, Band, Cycle, Instrument
from rasad.assessments.spreadsheet import structure_csv
from rasad.assessments.structure import spec_of
from rasad.assessments.testing import make_cycle, starter
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.lib import tabular
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes, xlsx_rows
from rasad.testing.web import signed_in_client, streamed

pytestmark = pytest.mark.django_db

STARS = [
    {"name": "یک ستاره", "name_en": "One star", "minimum": "40"},
    {"name": "دو ستاره", "minimum": "60"},
    {"name": "سه ستاره", "minimum": "80"},
]


@pytest.fixture
def imported(isfahan_coordinator: Any) -> Instrument:
    """A greening checklist of Isfahan, imported from a spreadsheet: it has no bands."""
    response = client_for(isfahan_coordinator).post(
        "/api/v1/assessment-instruments/import/",
        {
            "file": SimpleUploadedFile("green.csv", structure_csv(spec_of(starter("GREEN-WS")))),
            "code": "GREEN-ISF",
            "name": "چک‌لیست سبزسازی کارگاه‌های اصفهان",
            "kind": "compliance",
            "total_points": "100",
            "owner": "ISF-CC",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    instrument = Instrument.objects.get(pk=response.json()["id"])
    assert not instrument.bands.exists()
    return instrument


def _url(instrument: Instrument, action: str) -> str:
    return f"/api/v1/assessment-instruments/{instrument.pk}/{action}/"


def _bands(instrument: Instrument) -> list[tuple[str, str, int]]:
    return [
        (b.name, b.name_en, int(b.minimum))
        for b in Band.objects.filter(instrument=instrument).order_by("minimum")
    ]


def test_bands_are_set_through_the_api_and_audited(isfahan_coordinator: Any, imported: Instrument):
    response = client_for(isfahan_coordinator).post(_url(imported, "bands"), {"bands": STARS}, format="json")
    assert response.status_code == 200, response.content
    assert [b["name"] for b in response.json()["bands"]] == ["سه ستاره", "دو ستاره", "یک ستاره"]
    assert _bands(imported) == [("یک ستاره", "One star", 40), ("دو ستاره", "", 60), ("سه ستاره", "", 80)]
    event = AuditEvent.objects.filter(event_type=502, object_id=str(imported.pk)).latest("pk")
    assert event.old == {"bands": []}
    assert [name for name, _minimum in event.new["bands"]] == ["یک ستاره", "دو ستاره", "سه ستاره"]


def test_bad_bands_are_refused_with_every_problem_and_nothing_changes(
    isfahan_coordinator: Any, imported: Instrument
):
    bad = [
        {"name": "یک ستاره", "minimum": "40"},
        {"name": "دو ستاره", "minimum": "40"},
        {"name": "طلایی", "minimum": "120"},
    ]
    with assert_nothing_changed("assessments.band", "assessments.instrument"):
        response = client_for(isfahan_coordinator).post(
            _url(imported, "bands"), {"bands": bad}, format="json"
        )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["bands"]
    assert len(messages) == 2
    assert "۴۰" in messages[0] and "طلایی" in messages[1] and "۱۰۰" in messages[1]


def test_the_bands_file_reads_back_and_a_bad_file_names_every_row(
    isfahan_coordinator: Any, imported: Instrument
):
    client = client_for(isfahan_coordinator)
    client.post(_url(imported, "bands"), {"bands": STARS}, format="json")
    exported = client.get(_url(imported, "bands-spreadsheet"))
    assert exported.status_code == 200 and exported["Content-Type"] == tabular.XLSX_TYPE
    rows = xlsx_rows(exported.content)
    assert rows[1] == ("name", "name_en", "minimum")
    assert rows[2:] == [("یک ستاره", "One star", 40), ("دو ستاره", None, 60), ("سه ستاره", None, 80)]
    # A person edits it in a spreadsheet program: a fourth band, typed in Persian digits.
    edited = [list(rows[1]), *[list(r) for r in rows[2:]], ["چهار ستاره", "Four stars", "۹۰"]]
    response = client.post(
        _url(imported, "bands-import"),
        {"file": SimpleUploadedFile("bands.xlsx", xlsx_bytes(edited))},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert [b[2] for b in _bands(imported)] == [40, 60, 80, 90]
    bad = [
        ["name", "name_en", "minimum"],
        ["", "", "50"],
        ["پنج ستاره", "", "صد"],
        ["دو", "", "60"],
        ["سه", "", "60"],
    ]
    with assert_nothing_changed("assessments.band"):
        response = client.post(
            _url(imported, "bands-import"),
            {"file": SimpleUploadedFile("bands.xlsx", xlsx_bytes(bad))},
            format="multipart",
        )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["file"]
    assert len(messages) == 3, messages
    for row in ("2", "3", "5"):
        assert any(row in m or "۰۱۲۳۴۵۶۷۸۹"[int(row)] in m for m in messages), (row, messages)


def test_a_version_a_cycle_uses_keeps_its_bands(cast: Cast, civil: Any):
    """The starter guideline has no owner: platform administrators keep it."""
    instrument = starter("PD-INFRA")
    before = _bands(instrument)
    make_cycle(cast.national, user=civil, instrument=instrument)
    response = client_for(cast.root).post(_url(instrument, "bands"), {"bands": STARS}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["status"]) == (2, "draft")
    assert _bands(instrument) == before
    assert [b[2] for b in _bands(Instrument.objects.get(pk=body["id"]))] == [40, 60, 80]


def test_the_page_sets_bands_from_rows_or_a_file(isfahan_coordinator: Any, imported: Instrument):
    client = signed_in_client(isfahan_coordinator)
    detail = client.get(f"/assessments/instruments/{imported.pk}/").content.decode()
    assert 'data-testid="no-bands"' in detail and 'data-testid="edit-bands"' in detail
    page = client.get(f"/assessments/instruments/{imported.pk}/bands/")
    assert page.status_code == 200
    form = {"name_0": "یک ستاره", "minimum_0": "۴۰", "name_1": "دو ستاره", "minimum_1": "60.5"}
    response = client.post(f"/assessments/instruments/{imported.pk}/bands/", form)
    assert response.status_code == 302
    assert [(b[0], b[2]) for b in _bands(imported)] == [("یک ستاره", 40), ("دو ستاره", 60)]
    assert Band.objects.get(instrument=imported, name="دو ستاره").minimum == pytest.approx(60.5)
    # A name without its points is shown again with the field's message; nothing changes.
    with assert_nothing_changed("assessments.band"):
        response = client.post(f"/assessments/instruments/{imported.pk}/bands/", {"name_0": "طلایی"})
    assert response.status_code == 200
    assert 'data-testid="bands-form"' in response.content.decode()
    upload = xlsx_bytes([["name", "name_en", "minimum"], ["ممتاز", "", 90]])
    response = client.post(
        f"/assessments/instruments/{imported.pk}/bands/", {"file": SimpleUploadedFile("b.xlsx", upload)}
    )
    assert response.status_code == 302
    assert _bands(imported) == [("ممتاز", "", 90)]
    download = client.get(f"/assessments/instruments/{imported.pk}/bands/spreadsheet/")
    assert download.status_code == 200
    assert xlsx_rows(streamed(download))[2] == ("ممتاز", None, 90)


def test_the_assessment_page_shows_the_band_the_score_reaches(cast: Cast, posts: Cycle):
    assessment = Assessment.objects.get(cycle=posts, organization=cast.isfahan_post)
    assert assessment.band is not None
    page = signed_in_client(cast.ali).get(f"/assessments/{assessment.pk}/").content.decode()
    ladder = page.split('data-testid="band-ladder"', 1)[1].split("</ul>", 1)[0]
    reached = ladder.split('data-testid="reached-band"', 1)[1].split("</li>", 1)[0]
    assert assessment.band.name in reached
    assert ladder.count("<li") == posts.instrument.bands.count()


def test_the_other_province_may_not_change_or_see_a_drafts_bands(
    cast: Cast, kerman_coordinator: Any, imported: Instrument
):
    client = client_for(kerman_coordinator)
    missing = client.post("/api/v1/assessment-instruments/999999/bands/", {"bands": STARS}, format="json")
    for method, action, body in (("post", "bands", {"bands": STARS}), ("get", "bands-spreadsheet", None)):
        with assert_nothing_changed("assessments.band"):
            response = getattr(client, method)(_url(imported, action), body, format="json")
        assert response.status_code == 404
        assert error_without_request_id(response) == error_without_request_id(missing)
    pages = signed_in_client(kerman_coordinator)
    assert pages.get(f"/assessments/instruments/{imported.pk}/bands/").status_code == 404
    assert (
        pages.post(
            f"/assessments/instruments/{imported.pk}/bands/", {"name_0": "x", "minimum_0": "1"}
        ).status_code
        == 404
    )
    assert not imported.bands.exists()


def test_an_empty_or_unchanged_bands_form_writes_nothing_and_says_so(
    isfahan_coordinator: Any, imported: Instrument
):
    """Session 22: the page posted with no rows saved "no bands" with an audit event; an
    unchanged form saved the same bands again. Both now write nothing and say nothing changed."""
    client = signed_in_client(isfahan_coordinator)
    url = f"/assessments/instruments/{imported.pk}/bands/"
    with assert_nothing_changed("assessments.band", "assessments.instrument"):
        response = client.post(url, {}, follow=True)
    assert "هیچ تغییری داده نشد" in response.content.decode()
    client.post(url, {"name_0": "یک ستاره", "name_en_0": "One star", "minimum_0": "40"})
    assert _bands(imported) == [("یک ستاره", "One star", 40)]
    with assert_nothing_changed("assessments.band", "assessments.instrument"):
        response = client.post(
            url, {"name_0": "یک ستاره", "name_en_0": "One star", "minimum_0": "۴۰"}, follow=True
        )
    assert "هیچ تغییری داده نشد" in response.content.decode()


def test_an_unchanged_instrument_form_writes_nothing_not_even_a_version(cast: Cast, civil: Any):
    """A version a cycle uses is copied to a draft when it changes: an unchanged form copied it
    too (and audited an empty change)."""
    instrument = starter("PD-INFRA")
    make_cycle(cast.national, user=civil, instrument=instrument)
    client = signed_in_client(cast.root)
    page = client.get(f"/assessments/instruments/{instrument.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: "" if value is None else value for key, value in data.items()}
    with assert_nothing_changed("assessments.instrument", "assessments.band", "assessments.section"):
        response = client.post(f"/assessments/instruments/{instrument.pk}/edit/", data, follow=True)
    assert "هیچ تغییری داده نشد" in response.content.decode(), response.content.decode()[:3000]
    assert Instrument.objects.filter(code=instrument.code).count() == 1
