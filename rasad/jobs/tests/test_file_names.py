"""A prepared file is named as its reader reads: its title and the moment it was prepared in the
Jalali calendar and Tehran time, carried in ``filename*`` (RFC 5987) after an ASCII stand-in for
programs that read only ``filename`` (docs/exports-and-background-work.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from rasad.jobs.exports import do_request_export
from rasad.jobs.models import ExportFile
from rasad.jobs.testing import run_queued
from rasad.lib.display import DisplayPreferences
from rasad.lib.downloads import ascii_file_name, attachment_header, safe_file_name
from rasad.lib.formatting import file_stamp
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _parts(header: str) -> dict[str, str]:
    parts = dict(part.strip().split("=", 1) for part in header.split(";")[1:])
    return {key: value.strip('"') for key, value in parts.items()}


def test_a_moment_in_a_file_name_is_jalali_in_tehran_time_in_the_reader_s_digits():
    moment = datetime(2026, 12, 5, 19, 21, tzinfo=UTC)  # 22:51 in Tehran, 14 Azar 1405
    assert file_stamp(moment, prefs=DisplayPreferences()) == "۱۴۰۵-۰۹-۱۴ ۲۲-۵۱"
    assert file_stamp(moment, prefs=DisplayPreferences(persian_digits=False)) == "1405-09-14 22-51"
    assert file_stamp(moment, prefs=DisplayPreferences(calendar="gregorian")) == "۲۰۲۶-۱۲-۰۵ ۲۲-۵۱"


def test_a_persian_name_goes_in_filename_star_after_an_ascii_stand_in():
    header = attachment_header("پرونده‌ها ۱۴۰۵-۰۹-۱۴.xlsx", "cases-1405-09-14.xlsx")
    parts = _parts(header)
    assert header.startswith("attachment;")
    assert parts["filename"] == "cases-1405-09-14.xlsx"
    assert parts["filename*"].startswith("UTF-8''")
    assert unquote(parts["filename*"].removeprefix("UTF-8''")) == "پرونده‌ها ۱۴۰۵-۰۹-۱۴.xlsx"
    assert header.isascii()
    # Without a stand-in the ASCII name is made from the name: Latin digits, the extension kept.
    assert ascii_file_name("گواهی ۱۴۰۵.pdf") == "1405.pdf"
    assert ascii_file_name("گواهی.pdf") == "download.pdf"
    # What no file system accepts never reaches the name; an ASCII name stays as it is.
    assert safe_file_name('a/b:"c".xlsx') == "a b c.xlsx"
    assert attachment_header("cycle-1-results.xlsx") == 'attachment; filename="cycle-1-results.xlsx"'


def test_a_prepared_file_is_downloaded_under_its_title_and_jalali_moment(cast: Cast):
    client = Client()
    client.force_login(cast.alice)
    client.get("/?lang=fa")
    export = do_request_export("organizations", "xlsx", {}, acting_user=cast.alice)
    run_queued()
    ExportFile.objects.filter(pk=export.pk).update(finished_at=datetime(2026, 12, 5, 19, 21, tzinfo=UTC))
    response = client.get(reverse("jobs:export-download", args=[export.pk]))
    assert response.status_code == 200
    parts = _parts(response["Content-Disposition"])
    assert unquote(parts["filename*"].removeprefix("UTF-8''")) == "سازمان‌ها ۱۴۰۵-۰۹-۱۴ ۲۲-۵۱.xlsx"
    assert parts["filename"] == "organizations-1405-09-14-22-51.xlsx"
