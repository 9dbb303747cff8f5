"""Background exports: asked for through the list's filters, prepared by a worker with progress,
served to their owner only while they may see the list, deleted after their time."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from rasad.cases.models import Case
from rasad.cases.tests.test_sla_cases import _directive, tehran
from rasad.core.actions.people import do_revoke_grant
from rasad.core.models import AuditEvent, Grant
from rasad.jobs.audit import JobAuditEvent
from rasad.jobs.exports import expire_files
from rasad.jobs.models import ExportFile, ExportStatus, TaskRun
from rasad.jobs.testing import run_queued
from rasad.jobs.views import progress_text
from rasad.lib import display, formatting
from rasad.lib.jalali import TEHRAN
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows
from rasad.testing.web import streamed


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cases(cast: Cast) -> list[Case]:
    return [
        _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5)),
        _directive(cast, opened=tehran(2026, 5, 3, 9, 0), deadline=date(2026, 5, 9)),
    ]


def _request(client: Client, kind: str = "cases", fmt: str = "xlsx", query: str = "") -> ExportFile:
    url = reverse("jobs:export-request", args=[kind, fmt]) + (f"?{query}" if query else "")
    confirm = client.get(url)
    assert confirm.status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    return ExportFile.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_a_case_export_is_prepared_in_the_background_and_downloaded(cast: Cast):
    _cases(cast)
    client = _client(cast.alice)
    export = _request(client)
    assert export.status == ExportStatus.WAITING
    assert AuditEvent.objects.filter(
        event_type=JobAuditEvent.EXPORT_REQUESTED, object_id=str(export.pk)
    ).exists()
    status = client.get(reverse("jobs:export-status", args=[export.pk])).json()
    assert (status["status"], status["download_url"]) == ("waiting", None)
    assert run_queued() == 1
    export.refresh_from_db()
    assert (export.status, export.row_count) == (ExportStatus.READY, 2)
    status = client.get(reverse("jobs:export-status", args=[export.pk])).json()
    assert status["percent"] == 100
    assert status["download_url"] == reverse("jobs:export-download", args=[export.pk])
    response = client.get(status["download_url"])
    assert response.status_code == 200
    rows = xlsx_rows(streamed(response))
    assert rows[1][0] == "reference"
    assert len(rows) == 4
    assert AuditEvent.objects.filter(
        event_type=JobAuditEvent.EXPORT_DOWNLOADED, object_id=str(export.pk)
    ).exists()


def test_the_export_holds_the_filtered_list_only(cast: Cast):
    first, second = _cases(cast)
    other = "low" if first.priority != "low" else "high"
    Case.objects.filter(pk=second.pk).update(priority=other)
    export = _request(_client(cast.alice), "cases", "csv", f"priority={first.priority}")
    run_queued()
    export.refresh_from_db()
    assert export.row_count == 1
    text = (Path(settings.MEDIA_ROOT) / str(export.file.name)).read_text(encoding="utf-8-sig")
    assert first.reference in text


def test_another_province_sees_nothing_of_isfahan_in_its_export(cast: Cast):
    _cases(cast)
    export = _request(_client(cast.bob))
    run_queued()
    export.refresh_from_db()
    assert export.row_count == 0


def test_a_file_is_served_to_its_owner_only(cast: Cast):
    _cases(cast)
    export = _request(_client(cast.alice))
    run_queued()
    from rasad.core.tests.conftest import verified_client

    for user in (cast.bob, cast.nadia, cast.root):
        client = verified_client(user) if user.requires_two_factor else _client(user)
        assert client.get(reverse("jobs:export-download", args=[export.pk])).status_code == 404
        assert client.get(reverse("jobs:export-status", args=[export.pk])).status_code == 404
        assert client.get(reverse("jobs:export-detail", args=[export.pk])).status_code == 404


def test_a_file_is_not_served_once_its_owner_lost_the_right_to_see_the_list(cast: Cast):
    _cases(cast)
    export = _request(_client(cast.alice))
    run_queued()
    for grant in Grant.objects.filter(user=cast.alice):
        do_revoke_grant(grant, acting_user=cast.root)
    assert _client(cast.alice).get(reverse("jobs:export-download", args=[export.pk])).status_code == 404


def test_a_list_the_user_may_not_see_cannot_be_exported(cast: Cast):
    client = _client(cast.charlie)
    url = reverse("jobs:export-request", args=["cases", "xlsx"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(reverse("jobs:export-request", args=["no-such-list", "xlsx"])).status_code == 404
    assert ExportFile.objects.count() == 0


def test_bad_filters_are_a_translated_error_and_nothing_is_queued(cast: Cast):
    client = _client(cast.alice)
    url = reverse("jobs:export-request", args=["cases", "xlsx"]) + "?status=nonsense"
    response = client.post(url)
    assert response.status_code == 400
    assert "nonsense" in response.content.decode()
    assert ExportFile.objects.count() == 0


def test_a_file_past_its_time_is_deleted(cast: Cast):
    _cases(cast)
    export = _request(_client(cast.alice))
    run_queued()
    export.refresh_from_db()
    path = Path(settings.MEDIA_ROOT) / str(export.file.name)
    assert path.is_file()
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert expire_files.call() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not path.exists()
    assert _client(cast.alice).get(reverse("jobs:export-download", args=[export.pk])).status_code == 404


def test_my_files_lists_the_owner_s_files_and_the_home_page_counts_new_ones(cast: Cast):
    _cases(cast)
    client = _client(cast.alice)
    export = _request(client)
    run_queued()
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("jobs:my-files") in home
    page = client.get(reverse("jobs:my-files")).content.decode()
    assert reverse("jobs:export-download", args=[export.pk]) in page
    export.refresh_from_db()
    assert export.seen_at is not None


def test_list_pages_ask_for_background_exports(cast: Cast):
    from rasad.indicators.testing import make_observation
    from rasad.testing.web import signed_in_client

    # Rows to export: an empty list offers no export (rasad/web/tests/test_empty_list.py).
    _cases(cast)
    make_observation(cast, cast.isfahan)
    client = signed_in_client(cast.root)
    pages = {
        "/cases/": reverse("jobs:export-request", args=["cases", "xlsx"]),
        "/indicators/observations/": reverse("jobs:export-request", args=["observations", "xlsx"]),
        "/organizations/": reverse("jobs:export-request", args=["organizations", "csv"]),
        "/audit/": reverse("jobs:export-request", args=["audit", "csv"]),
    }
    for page, link in pages.items():
        assert link in client.get(page).content.decode(), page


def test_every_list_export_kind_runs_in_the_background(cast: Cast):
    """Every registered list (an app's new list is taken in without being named here), in each of
    its formats, as the platform administrator; the reports, which need their parameters, are
    tested with them in rasad/reports."""
    from rasad.jobs.exports import export_kinds
    from rasad.testing.web import signed_in_client

    _cases(cast)
    client = signed_in_client(cast.root)
    kinds = [kind for kind in export_kinds().values() if kind.validate is None]
    assert {"cases", "programmes", "programme-obligations", "training-roster"} <= {k.name for k in kinds}
    for kind in kinds:
        for fmt in kind.formats:
            export = _request(client, kind.name, fmt)
            run_queued()
            export.refresh_from_db()
            assert export.status == ExportStatus.READY, (kind.name, fmt, export.error)
            assert export.size > 0, (kind.name, fmt)


def test_a_ready_file_is_a_notification_in_the_site_once_and_no_e_mail(cast: Cast, mailoutbox):
    from rasad.cases.models import Notification

    _cases(cast)
    client = _client(cast.alice)
    export = _request(client)
    assert run_queued() == 1
    notes = list(Notification.objects.filter(user=cast.alice, kind="file"))
    assert [(n.link, n.case_id) for n in notes] == [(reverse("jobs:export-detail", args=[export.pk]), None)]
    with display.in_persian():
        assert export.shown_title in notes[0].message and "۱۴" in notes[0].message  # the Jalali "until"
    # Read by its reader: the "until" in their calendar and digits, whoever's worker wrote it.
    expires_at = ExportFile.objects.get(pk=export.pk).expires_at
    assert expires_at is not None
    until = expires_at.astimezone(TEHRAN)
    with display.speaking(type(cast.alice)(calendar="gregorian", persian_digits=False), "en"):
        # The list's name too (session 24 kept it in the language it was asked in).
        assert f"“Cases” is ready to download until {until:%Y-%m-%d %H:%M}." in notes[0].text
    assert run_queued() == 0
    assert Notification.objects.filter(kind="file").count() == 1
    assert not [m for m in mailoutbox if "Rasad" in m.subject]
    assert not Notification.objects.filter(user=cast.bob, kind="file").exists()


def test_a_failed_export_says_why_in_its_owner_s_language_when_read(cast: Cast):
    """Session 24 wrote why a file failed in the language it was asked in, for good: its owner,
    reading in another language later, read the first. Asked in Persian, failed in the worker
    (the owner lost the list), read in Persian, then in English on the page and in the API; a row
    stored before (text only) reads as it was written."""
    from django.utils import translation

    from rasad.core.models import User
    from rasad.jobs.exports import do_request_export

    alice = cast.alice
    with translation.override("fa"):
        export = do_request_export("cases", "csv", {}, acting_user=alice)
    for grant in Grant.objects.filter(user=alice):
        do_revoke_grant(grant, acting_user=cast.root)
    run_queued()
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error_id == "You may no longer see this list."
    persian = _client(alice).get(reverse("jobs:export-detail", args=[export.pk])).content.decode()
    assert export.error in persian and "You may" not in persian
    User.objects.filter(pk=alice.pk).update(language="en", persian_digits=False)
    page = _client(alice).get(reverse("jobs:export-detail", args=[export.pk])).content.decode()
    assert "You may no longer see this list." in page and '<h1 class="h4">Cases</h1>' in page
    answer = _client(alice).get(f"/api/v1/exports/{export.pk}/").json()
    assert (answer["error"], answer["title"]) == ("You may no longer see this list.", "Cases")
    ExportFile.objects.filter(pk=export.pk).update(error="پیش‌تر نوشته شد", error_id="", error_params={})
    assert _client(alice).get(f"/api/v1/exports/{export.pk}/").json()["error"] == "پیش‌تر نوشته شد"


def test_a_file_s_progress_reads_in_words_not_as_a_fraction(cast: Cast):
    """The progress line read «۱ / ۱», a fraction (session 27's review): it reads as the pages
    control does («صفحهٔ ۲ از ۳»), a list's rows while it is prepared, what it holds when ready."""
    _cases(cast)
    client = _client(cast.alice)
    export = _request(client)
    detail = reverse("jobs:export-detail", args=[export.pk])
    status = reverse("jobs:export-status", args=[export.pk])
    nbsp = "\u00a0"
    assert 'data-testid="export-progress-text">در صف</p>' in client.get(detail).content.decode()
    TaskRun.objects.filter(pk=export.run_id).update(progress_done=1, progress_total=2)
    ExportFile.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    page = client.get(detail).content.decode()
    assert f'data-testid="export-progress-text">در حال آماده‌سازی؛ ۱ از ۲{nbsp}ردیف</p>' in page
    # The page fills the same words in as the worker moves (jobs/static/jobs/progress.js).
    assert 'data-progress-other="%(done)s از %(total)s ردیف"' in page
    assert client.get(status).json()["progress_text"] == f"۱ از ۲{nbsp}ردیف"
    ExportFile.objects.filter(pk=export.pk).update(status=ExportStatus.WAITING)
    assert run_queued() == 1
    export.refresh_from_db()
    with translation.override("fa"):
        size = formatting.file_size(export.size)
    assert client.get(status).json()["progress_text"] == f"۲{nbsp}ردیف، {size}"
    # A report counts its steps, not rows.
    report = ExportFile(owner=cast.alice, kind="report-baseline", status=ExportStatus.RUNNING)
    with translation.override("fa"):
        assert progress_text(report, 2, 3) == "گام ۲ از ۳"
