"""The audit list: Jalali date range and organization filters, and the CSV export of what is
shown (prepared in the background)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from rasad.jobs.models import ExportFile
from rasad.jobs.testing import exported
from rasad.lib.jalali import format_date, today_in_tehran
from rasad.testing.cast import Cast
from rasad.testing.tabular import csv_records


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(client: Client, query: dict[str, object] | None = None) -> list[dict[str, str]]:
    return csv_records(exported(client, "audit", "csv", query))


def test_export_is_scoped_to_the_readers_organizations(cast: Cast):
    rows = _rows(_client(cast.alice))
    organizations = {row["organization_id"] for row in rows}
    assert organizations == {str(cast.isfahan.pk), str(cast.isfahan_post.pk)}


def test_export_follows_the_filters(cast: Cast):
    rows = _rows(_client(cast.alice), {"organization_id": cast.isfahan.pk, "event_type": 101})
    assert [(row["event_type"], row["object_id"]) for row in rows] == [("101", str(cast.isfahan.pk))]
    assert rows[0]["created_iso"].startswith(str(timezone.now().year))


def test_jalali_date_range(cast: Cast):
    today = today_in_tehran()
    tomorrow = format_date(today + datetime.timedelta(days=1), persian_digits=False)
    yesterday = format_date(today - datetime.timedelta(days=1), persian_digits=False)
    client = _client(cast.alice)
    assert _rows(client, {"date_from": tomorrow}) == []
    assert _rows(client, {"date_to": yesterday}) == []
    everything = _rows(client)
    assert len(_rows(client, {"date_from": format_date(today), "date_to": format_date(today)})) == len(
        everything
    )


def test_bad_date_is_shown_next_to_its_field(cast: Cast):
    html = _client(cast.alice).get("/audit/", {"date_from": "1403/13/01"}).content.decode()
    assert 'data-field-error="date_from"' in html


def test_audit_list_offers_only_organizations_in_scope(cast: Cast):
    html = _client(cast.bob).get("/audit/").content.decode()
    # The organization list alone: another list's value (an event type's) may equal an
    # organization's id once enough rows have been made in the test database.
    organizations = html.split('name="organization_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{cast.kerman.pk}"' in organizations
    assert f'<option value="{cast.isfahan.pk}"' not in organizations


def test_users_without_audit_rights_export_nothing(cast: Cast):
    client = _client(cast.charlie)
    assert client.get("/files/new/audit.csv").status_code == 404
    assert client.post("/files/new/audit.csv").status_code == 404
    assert not ExportFile.objects.exists()


def test_the_old_address_leads_to_the_background_export(cast: Cast):
    """The direct download (capped at 100,000 events) is gone: its address asks for the file."""
    response = _client(cast.alice).get("/audit/export.csv", {"event_type": 101, "page": 2})
    assert (response.status_code, response["Location"]) == (302, "/files/new/audit.csv?event_type=101")


def test_the_trail_names_the_person_beside_the_username(cast: Cast):
    """Session 23's trail listed «ali», not «علی رضایی»: the page and the export name the person
    (as pages call them: the Latin name to an English reader) with the username beside it."""
    from rasad.core.audit import audit_organization_changed
    from rasad.core.models import User

    User.objects.filter(pk=cast.ali.pk).update(latin_name="Ali Rezaei")
    audit_organization_changed(cast.isfahan, acting_user=cast.ali, old={"name": "a"}, new={"name": "b"})
    client = _client(cast.alice)
    html = client.get("/audit/", {"actor": "ali"}).content.decode()
    assert "علی رضایی" in html and ">ali<" in html
    User.objects.filter(pk=cast.alice.pk).update(language="en", persian_digits=False)
    english = client.get("/audit/", {"actor": "ali"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ali Rezaei" in english
    [row] = [row for row in _rows(_client(cast.alice), {"actor": "ali"}) if row["event_type"] == "102"]
    assert (row["actor"], row["actor_name"]) == ("Ali Rezaei", "ali")
