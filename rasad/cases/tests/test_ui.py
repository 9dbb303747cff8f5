"""The server-rendered pages: list, board, map data, Excel export, filing, the case page with its
timeline and workflow buttons, and consolidation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case, Dossier
from rasad.cases.testing import open_challenge
from rasad.jobs.testing import exported
from rasad.lib.persian import to_persian_digits
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(cast: Cast) -> Case:
    return open_challenge(cast, cast.isfahan_post, user=cast.ali, title="کمبود سوخت ژنراتور")


def test_list_board_and_map_are_scoped(cast: Cast, case: Case):
    alice, bob = browser_for(cast.alice), browser_for(cast.bob)
    assert "کمبود سوخت ژنراتور" in alice.get("/cases/").content.decode()
    assert "کمبود سوخت ژنراتور" not in bob.get("/cases/").content.decode()
    assert "کمبود سوخت ژنراتور" in alice.get("/cases/board/").content.decode()
    assert alice.get("/cases/map/").status_code == 200
    assert bob.get(f"/cases/{case.pk}/").status_code == 404


def test_map_points_only_for_located_visible_cases(cast: Cast):
    open_challenge(
        cast, cast.isfahan_post, user=cast.ali, kind="incident", latitude=33.2, longitude=54.4, title="حادثه"
    )
    open_challenge(cast, cast.kerman_post, user=cast.bahram, kind="incident", latitude=29.1, longitude=58.36)
    features = browser_for(cast.alice).get("/cases/map.geojson").json()["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[54.4, 33.2]]


def test_excel_export_has_jalali_and_iso_dates(cast: Cast, case: Case):
    client = browser_for(cast.alice)
    old = client.get("/cases/export.xlsx", {"kind": "challenge"})
    assert (old.status_code, old["Location"]) == (302, "/files/new/cases.xlsx?kind=challenge")
    rows = xlsx_rows(exported(client, "cases", "xlsx", {"kind": "challenge"}))
    assert len(rows) == 3  # labels, keys, the one case
    labels, keys, values = rows
    assert len(labels) == len(keys) == 15
    row = dict(zip(keys, values, strict=True))
    assert row["opened_at"].startswith("۱۴") and row["opened_at_iso"].startswith("20")


def test_filing_a_case_in_the_form(cast: Cast):
    response = browser_for(cast.ali).post(
        "/cases/new/",
        {
            "kind": "challenge",
            "category": "1",
            "title": "نشت گازوئیل",
            "priority": "high",
            "reporter_organization": cast.isfahan_post.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.title, case.reported_by) == ("نشت گازوئیل", cast.ali)


def test_the_form_shows_a_location_outside_iran_on_the_field(cast: Cast):
    response = browser_for(cast.ali).post(
        "/cases/new/?lang=en",
        {
            "kind": "incident",
            "category": "1",
            "title": "x",
            "priority": "high",
            "reporter_organization": cast.isfahan_post.pk,
            "latitude": "41",
            "longitude": "29",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'data-field-error="latitude"' in response.content.decode()
    assert not Case.objects.exists()


def test_case_page_offers_only_allowed_steps_and_runs_them(cast: Cast, case: Case):
    page = browser_for(cast.ali).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="do-triage"' not in page
    alice = browser_for(cast.alice)
    page = alice.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="do-triage"' in page and 'data-testid="do-reject"' in page
    response = alice.post(f"/cases/{case.pk}/", {"action": "triage", "version": 1, "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "triaged"
    stale = alice.post(f"/cases/{case.pk}/", {"action": "triage", "version": 1, "note": ""})
    assert stale.status_code == 400
    assert 'data-testid="form-errors"' in stale.content.decode()


def test_timeline_shows_each_step_with_actor(cast: Cast, case: Case):
    do_transition_case(case, "triage", acting_user=cast.alice)
    page = browser_for(cast.ali).get(f"/cases/{case.pk}/").content.decode()
    assert page.count('data-action="') == 2
    assert "آلیس اصفهانی" in page and "علی رضایی" in page


def test_consolidate_and_forward_from_the_ui(cast: Cast, case: Case):
    alice = browser_for(cast.alice)
    page = alice.get("/cases/consolidate/").content.decode()
    assert "کمبود سوخت ژنراتور" in page
    response = alice.post(
        "/cases/consolidate/",
        {
            "form": "forward",
            "cases": [case.pk],
            "from_organization": cast.isfahan.pk,
            "to_organization": cast.kerman.pk,
            "title": "پرونده",
            "summary": "خلاصه",
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/dossiers/{dossier.pk}/"
    assert (
        "کمبود سوخت ژنراتور" in browser_for(cast.bob).get(f"/cases/dossiers/{dossier.pk}/").content.decode()
    )


def test_upload_and_comment_from_the_case_page(cast: Cast, case: Case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ali = browser_for(cast.ali)
    ali.post(f"/cases/{case.pk}/", {"form": "comment", "body": "@alice لطفاً ببینید"})
    refused = ali.post(
        f"/cases/{case.pk}/", {"form": "attachment", "file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert refused.status_code == 400
    ali.post(
        f"/cases/{case.pk}/", {"form": "attachment", "file": SimpleUploadedFile("a.txt", "متن".encode())}
    )
    assert (case.comments.count(), case.attachments.count()) == (1, 1)
    notifications = browser_for(cast.alice).get("/cases/notifications/").content.decode()
    # The reference in the reader's digits (alice reads Persian digits).
    assert to_persian_digits(case.reference) in notifications


def test_commenting_or_attaching_without_the_right_is_refused_like_a_missing_case(cast: Cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rasad.testing.api import assert_nothing_changed
    from rasad.testing.web import signed_in_client

    case = open_challenge(cast, cast.isfahan)
    client = signed_in_client(cast.wali)  # reads ISF-CC's cases, may not comment
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    upload = SimpleUploadedFile("note.txt", b"x", content_type="text/plain")
    for data in ({"form": "comment", "body": "سلام"}, {"form": "attachment", "file": upload}):
        with assert_nothing_changed("cases.comment", "cases.attachment", "cases.case"):
            response = client.post(f"/cases/{case.pk}/", data)
        assert response.status_code == 404, data["form"]


def test_the_dossier_form_offers_coordinating_organizations_only(cast: Cast, case: Case):
    """It listed every organization of the country (issue 8); now only the coordinating ones."""
    from rasad.cases.forms import DossierForm

    field: Any = DossierForm(user=cast.alice).fields["to_organization"]
    assert set(field.queryset.values_list("code", flat=True)) == {"NAT", "ISF-CC", "KER-CC"}


def test_a_new_case_says_in_words_that_nobody_is_assigned_yet(cast: Cast, case: Case):
    page = browser_for(cast.ali).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="assignee"><span class="text-muted">هنوز به کسی واگذار نشده است</span>' in page


def test_every_filter_of_the_list_has_a_visible_label(cast: Cast):
    """Each control of the list's filters is named by a label the reader sees (the search box's
    was hidden, so its column stood unnamed beside the labelled selects)."""
    page = browser_for(cast.alice).get("/cases/").content.decode()
    form = page[page.index('data-testid="case-filters"') : page.index("</form>", page.index("case-filters"))]
    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert "case-q" in controls and len(controls) >= 6
    for control in controls:
        label = re.search(rf'<label([^>]*)\bfor="{control}"', form)
        assert label is not None, control
        assert "visually-hidden" not in label.group(1), control
