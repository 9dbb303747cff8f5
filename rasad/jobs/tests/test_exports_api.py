"""Background exports through the API: the request answers the job at once (202), a worker
prepares the file, the client polls the job and downloads the file, which only its owner gets,
and only while they may still see the list."""

from __future__ import annotations

from datetime import date

import pytest

from rasad.cases.models import Case
from rasad.cases.tests.test_sla_cases import _directive, tehran
from rasad.conftest import client_for
from rasad.core.actions.people import do_revoke_grant
from rasad.core.models import AuditEvent, Grant, User
from rasad.jobs.audit import JobAuditEvent
from rasad.jobs.models import ExportFile, TaskRun
from rasad.jobs.testing import run_queued
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows
from rasad.testing.web import streamed

EXPORTS = "/api/v1/exports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _cases(cast: Cast) -> list[Case]:
    return [
        _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5)),
        _directive(cast, opened=tehran(2026, 5, 3, 9, 0), deadline=date(2026, 5, 9)),
    ]


def test_an_export_is_asked_for_polled_and_downloaded(cast: Cast):
    first, second = _cases(cast)
    Case.objects.filter(pk=second.pk).update(priority="low" if first.priority != "low" else "high")
    api = client_for(cast.alice)
    response = api.post(
        EXPORTS, {"kind": "cases", "format": "xlsx", "filters": {"priority": first.priority}}, format="json"
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["download_url"], job["filters"]) == (
        "waiting",
        None,
        {"priority": [first.priority]},
    )
    assert job["progress"] == {"done": 0, "total": None, "percent": None}
    early = api.get(f"{EXPORTS}{job['id']}/download/")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "not_ready"

    assert run_queued() == 1
    ready = api.get(job["url"]).json()
    assert (ready["status"], ready["row_count"], ready["progress"]["percent"]) == ("ready", 1, 100)
    download = api.get(ready["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(streamed(download))
    assert [row[0] for row in rows[2:]] == [first.reference]
    assert AuditEvent.objects.filter(
        event_type=JobAuditEvent.EXPORT_DOWNLOADED, object_id=str(job["id"])
    ).exists()


def test_each_person_sees_and_downloads_only_their_own_files(cast: Cast):
    _cases(cast)
    job = client_for(cast.alice).post(EXPORTS, {"kind": "cases", "format": "csv"}, format="json").json()
    run_queued()
    for user in (cast.bob, cast.nadia, cast.root):
        api = client_for(user)
        assert api.get(f"{EXPORTS}{job['id']}/").status_code == 404
        assert api.get(f"{EXPORTS}{job['id']}/download/").status_code == 404
        assert api.get(EXPORTS).json()["results"] == []
    assert [row["id"] for row in client_for(cast.alice).get(EXPORTS).json()["results"]] == [job["id"]]


def test_a_file_is_not_served_once_its_owner_lost_the_right_to_see_the_list(cast: Cast):
    _cases(cast)
    api = client_for(cast.alice)
    job = api.post(EXPORTS, {"kind": "cases", "format": "csv"}, format="json").json()
    run_queued()
    for grant in Grant.objects.filter(user=cast.alice):
        do_revoke_grant(grant, acting_user=cast.root)
    alice = User.objects.get(pk=cast.alice.pk)  # as the next request loads her, without cached scope
    assert client_for(alice).get(f"{EXPORTS}{job['id']}/download/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "no-such-list", "format": "xlsx"}, "kind"),
        ({"kind": "cases", "format": "docx"}, "format"),
        ({"kind": "cases", "format": "xlsx", "filters": {"status": "nonsense"}}, "status"),
        ({"kind": "cases", "format": "xlsx", "filters": {"status": {"a": 1}}}, "filters.status"),
        ({"format": "xlsx"}, "kind"),
    ],
)
def test_a_bad_request_names_the_field_and_queues_nothing(cast: Cast, body: dict[str, object], field: str):
    response = client_for(cast.alice).post(EXPORTS, body, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert field in fields, fields
    assert all(message for messages in fields.values() for message in messages)
    assert not ExportFile.objects.exists()
    assert not TaskRun.objects.exists()


def test_a_list_the_user_may_not_see_cannot_be_exported(cast: Cast):
    api = client_for(cast.charlie)
    response = api.post(EXPORTS, {"kind": "cases", "format": "xlsx"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]
    assert api.get(f"{EXPORTS}kinds/").json() == []
    assert not ExportFile.objects.exists()


def test_kinds_lists_the_lists_a_person_may_export(cast: Cast):
    kinds = {row["kind"]: row["formats"] for row in client_for(cast.alice).get(f"{EXPORTS}kinds/").json()}
    assert kinds["cases"] == ["xlsx", "csv"]
    assert {"cases", "observations", "organizations"} <= set(kinds)


def test_errors_are_in_persian(cast: Cast):
    api = client_for(cast.alice)
    api.credentials(HTTP_ACCEPT_LANGUAGE="fa")
    response = api.post(EXPORTS, {"kind": "cases", "format": "docx"}, format="json")
    message = response.json()["error"]["fields"]["format"][0]
    assert "xlsx" in message and any("\u0600" <= ch <= "\u06ff" for ch in message)
