"""Confidential details and confidential attachments: encrypted at rest, readable only through
the application's access checks, never searched, exported or written into the audit trail."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from rasad.cases.models import Attachment, Case
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.lib import encryption
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

LIST = "/api/v1/cases/"
SECRET = "نام مخبر: سرباز وظیفه رضایی، پاسگاه مرزی میرجاوه"


def _stored(case: Case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_details FROM cases_case WHERE id = %s", [case.pk])
        value: str = cursor.fetchone()[0]
    return value


@pytest.fixture
def secret_case(cast: Cast) -> Case:
    response = client_for(cast.ali).post(
        LIST,
        {
            "kind": "incident",
            "category": "other",
            "title": "حادثه در پاسگاه",
            "reporter_organization": cast.isfahan_post.code,
            "site": cast.isfahan_post.code,
            "confidential_details": SECRET,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Case.objects.get(pk=response.json()["id"])


def test_confidential_details_are_stored_encrypted(secret_case: Case):
    stored = _stored(secret_case)
    assert stored.startswith(encryption.TEXT_PREFIX)
    assert "مخبر" not in stored
    assert Case.objects.get(pk=secret_case.pk).confidential_details == SECRET


def test_people_who_may_see_the_case_read_them_and_others_get_404(cast: Cast, secret_case: Case):
    assert client_for(cast.alice).get(f"{LIST}{secret_case.pk}/").json()["confidential_details"] == SECRET
    assert client_for(cast.bob).get(f"{LIST}{secret_case.pk}/").status_code == 404


def test_confidential_details_are_not_searchable(cast: Cast, secret_case: Case):
    assert client_for(cast.alice).get(LIST, {"q": "مخبر"}).json()["count"] == 0
    assert "مخبر" not in Case.objects.get(pk=secret_case.pk).search_text


def test_the_audit_trail_records_the_change_but_never_the_text(cast: Cast, secret_case: Case):
    response = client_for(cast.ali).patch(
        f"{LIST}{secret_case.pk}/", {"confidential_details": "جزئیات تازه"}, format="json"
    )
    assert response.status_code == 200, response.json()
    events = AuditEvent.objects.filter(object_id=str(secret_case.pk))
    # Bodies are canonical JSON (non-ASCII escaped): compare the decoded text.
    text = " ".join(json.dumps(json.loads(event.body), ensure_ascii=False) for event in events)
    assert "حادثه" in text  # the title is recorded, so the check below can see Persian text
    assert "مخبر" not in text and "تازه" not in text
    changed = events.filter(event_type=302).latest("id")
    assert "[confidential]" in changed.body


def test_without_a_key_confidential_details_are_refused_naming_the_field(cast: Cast):
    with override_settings(ENCRYPTION_KEYS=""), assert_nothing_changed("cases.case"):
        response = client_for(cast.ali).post(
            LIST,
            {
                "kind": "challenge",
                "category": "other",
                "title": "چالش",
                "reporter_organization": cast.isfahan_post.code,
                "confidential_details": SECRET,
            },
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["confidential_details"]


def _upload(cast: Cast, case: Case, *, confidential: bool) -> Attachment:
    response = client_for(cast.ali).post(
        f"{LIST}{case.pk}/attachments/",
        {"file": SimpleUploadedFile("report.txt", SECRET.encode()), "confidential": confidential},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["confidential"] is confidential
    return Attachment.objects.get(pk=response.json()["id"])


def test_a_confidential_attachment_is_encrypted_on_disk_and_served_in_the_clear(cast: Cast):
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    attachment = _upload(cast, case, confidential=True)
    on_disk = Path(attachment.file.path).read_bytes()
    assert encryption.is_envelope(on_disk)
    assert SECRET.encode() not in on_disk
    download = f"/api/v1/case-attachments/{attachment.pk}/download/"
    ok = client_for(cast.alice).get(download)
    streamed: Any = ok
    assert b"".join(streamed.streaming_content) == SECRET.encode()
    assert client_for(cast.bob).get(download).status_code == 404
    web = Client()
    web.force_login(cast.alice)
    page = web.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert b"".join(page.streaming_content) == SECRET.encode()  # type: ignore[attr-defined]


def test_an_ordinary_attachment_stays_as_it_was(cast: Cast):
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    attachment = _upload(cast, case, confidential=False)
    assert Path(attachment.file.path).read_bytes() == SECRET.encode()


def test_rotation_moves_everything_to_the_new_key_and_the_old_one_can_go(cast: Cast, secret_case: Case):
    old = encryption.new_key_line("old")
    new = encryption.new_key_line("new")
    with override_settings(ENCRYPTION_KEYS=old):
        case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
        Case.objects.filter(pk=case.pk).update(confidential_details="جزئیات با کلید قدیم")
        attachment = _upload(cast, case, confidential=True)
    with override_settings(ENCRYPTION_KEYS=f"{new},{old},{settings.ENCRYPTION_KEYS}"):
        out = StringIO()
        call_command("encryption", "status", stdout=out)
        assert "old:" in out.getvalue()
        call_command("encryption", "rotate", stdout=out)
        assert "rotate OK" in out.getvalue()
    with override_settings(ENCRYPTION_KEYS=new):
        assert Case.objects.get(pk=case.pk).confidential_details == "جزئیات با کلید قدیم"
        assert Case.objects.get(pk=secret_case.pk).confidential_details == SECRET
        assert Attachment.objects.get(pk=attachment.pk).open_content().read() == SECRET.encode()
        out = StringIO()
        call_command("encryption", "status", stdout=out)
        assert "old:" not in out.getvalue() and "new:" in out.getvalue()
