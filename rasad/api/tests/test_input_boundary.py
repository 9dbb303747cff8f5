"""The input boundary against the inputs that crashed Rasad (issue 9): extreme dates, control
characters and NUL in every door (API, forms, the model backstop), and rows stored before the
boundary existed that must still display so that they can be corrected."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rasad.cases.models import Case
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.models import Organization
from rasad.core.tests.conftest import verified_client
from rasad.jobs.testing import exported
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

CASES = "/api/v1/cases/"


def _directive(cast: Cast, deadline: str) -> dict[str, object]:
    return {
        "kind": "directive",
        "category": "other",
        "title": "دستور آزمایشی",
        "reporter_organization": cast.isfahan.code,
        "deadline": deadline,
    }


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01", "2122-03-21", "1821-03-20"])
def test_a_case_deadline_outside_the_range_is_a_400_naming_it(cast: Cast, deadline: str):
    with assert_nothing_changed("cases.case"):
        response = client_for(cast.root).post(CASES, _directive(cast, deadline), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["deadline"]


def test_a_reference_that_names_nothing_is_said_in_persian(cast: Cast):
    """The framework's own messages (a code that names nothing, a date and time in the wrong form)
    read in Persian, without its English words (rasad/api/messages.py)."""
    body = {**_directive(cast, "2026-05-01"), "reporter_organization": "NOPE"}
    response = client_for(cast.root).post(CASES, body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert fields["reporter_organization"] == ["هیچ موردی با شناسهٔ «NOPE» پیدا نشد."]


def test_a_case_deadline_at_the_end_of_the_range_is_accepted(cast: Cast):
    response = client_for(cast.root).post(CASES, _directive(cast, "2122-03-20"), format="json")
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).deadline == date(2122, 3, 20)


def test_a_case_deadline_outside_the_range_is_refused_by_the_form(cast: Cast):
    client = verified_client(cast.root)
    with assert_nothing_changed("cases.case"):
        response = client.post(
            "/cases/new/",
            {
                "kind": "directive",
                "category": "other",
                "title": "دستور",
                "reporter_organization": cast.isfahan.pk,
                "priority": "medium",
                "deadline": "9999/12/31",
            },
        )
    assert response.status_code == 200
    # The form's error names the range in the reader's digits.
    assert "۱۲۰۰/۰۱/۰۱" in response.content.decode()


@pytest.mark.parametrize("title", ["bell\x07", "line\nbreak", "tab\tbetween"])
def test_a_case_title_with_a_control_character_is_a_400(cast: Cast, title: str):
    payload = {"kind": "challenge", "category": "other", "title": title, "reporter_organization": "ISF-CC"}
    with assert_nothing_changed("cases.case"):
        response = client_for(cast.root).post(CASES, {**payload, "reporter_organization": cast.isfahan.code})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["title"]


def test_a_case_description_may_hold_lines_and_tabs(cast: Cast):
    payload = {
        "kind": "challenge",
        "category": "other",
        "title": "شرح چندخطی",
        "description": "سطر یک\nسطر\tدو",
        "reporter_organization": cast.isfahan.code,
    }
    response = client_for(cast.root).post(CASES, payload, format="json")
    assert response.status_code == 201, response.content


def test_the_model_backstop_refuses_what_no_door_should_let_through(cast: Cast):
    case = open_challenge(cast, cast.isfahan)
    case.title = "bell\x07"
    with pytest.raises(ValidationError) as caught:
        case.save()
    assert list(caught.value.message_dict) == ["title"]


def test_the_model_backstop_refuses_an_out_of_range_date_through_an_action(cast: Cast):
    org = cast.isfahan
    values = OrganizationValues(
        code=org.code,
        name=org.name,
        kind=org.kind,
        parent=org.parent,
        province=org.province,
        opened_on=date(9999, 12, 31),
    )
    with assert_nothing_changed("core.organization"), pytest.raises(ValidationError) as caught:
        do_update_organization(org, values, acting_user=cast.root)
    assert "opened_on" in caught.value.message_dict


def test_a_row_stored_before_the_rule_can_still_be_touched_field_by_field(cast: Cast):
    Organization.objects.filter(pk=cast.isfahan.pk).update(opened_on=date(1, 1, 1))
    org = Organization.objects.get(pk=cast.isfahan.pk)
    org.name = "استانداری اصفهان"
    org.save(update_fields=["name"])  # the bad date is not being written, so it is not checked
    assert Organization.objects.get(pk=org.pk).name == "استانداری اصفهان"


@pytest.mark.parametrize("stored", [date(1, 1, 1), date(9999, 12, 31)])
def test_an_organization_with_an_extreme_stored_date_still_displays(cast: Cast, stored: date):
    # Stored before the boundary existed (or by hand in the database): its pages and the export
    # must not break, or nobody could open it to correct it.
    Organization.objects.filter(pk=cast.isfahan.pk).update(opened_on=stored)
    client = verified_client(cast.root)
    for url in (f"/organizations/{cast.isfahan.pk}/", f"/organizations/{cast.isfahan.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 200, url
    # The exports are prepared in the background; the file is made and downloads.
    assert cast.isfahan.code in exported(client, "organizations", "csv").decode("utf-8-sig")
    assert exported(client, "organizations", "xlsx").startswith(b"PK")
    assert client.get(f"/api/v1/organizations/{cast.isfahan.pk}/").status_code == 200


def test_the_edit_form_shows_the_bad_date_and_asks_for_a_correction(cast: Cast):
    Organization.objects.filter(pk=cast.isfahan.pk).update(opened_on=date(1, 1, 1))
    client = verified_client(cast.root)
    html = client.get(f"/organizations/{cast.isfahan.pk}/edit/").content.decode()
    # Outside the Jalali calendar's accepted range the stored date is shown as it is (ISO), in
    # the reader's digits like every date in a form.
    assert 'value="۰۰۰۱-۰۱-۰۱"' in html
