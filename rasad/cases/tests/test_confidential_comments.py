"""Confidential comments: encrypted at rest under the operator's key like a case's confidential
details, read only by those who may see the case, and never in the audit trail, notifications,
live events, the timeline or search."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from rasad.cases.actions import do_add_comment
from rasad.cases.models import Case, Comment, Notification
from rasad.cases.testing import open_challenge
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.lib import encryption, events
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

SECRET = "نام مخبر: سرباز وظیفه رضایی"


def _raw(comment: Comment) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, confidential_body FROM cases_comment WHERE id = %s", [comment.pk])
        body, stored = cursor.fetchone()
    return body, stored


def _post(cast: Cast, case: Case, body: str, **extra: Any) -> Any:
    return client_for(cast.ali).post(
        f"/api/v1/cases/{case.pk}/comments/", {"body": body, "confidential": True, **extra}, format="json"
    )


@pytest.fixture
def case(cast: Cast) -> Case:
    return open_challenge(cast, cast.isfahan_post, user=cast.ali)


def test_the_column_holds_only_ciphertext_and_alice_reads_the_text(cast: Cast, case: Case):
    response = _post(cast, case, SECRET)
    assert response.status_code == 201, response.json()
    assert (response.json()["confidential"], response.json()["body"]) == (True, SECRET)
    comment = Comment.objects.get(pk=response.json()["id"])
    body, stored = _raw(comment)
    assert body == ""
    assert stored.startswith(encryption.TEXT_PREFIX) and "مخبر" not in stored
    listed = client_for(cast.alice).get(f"/api/v1/cases/{case.pk}/comments/").json()
    assert [(c["body"], c["confidential"]) for c in listed] == [(SECRET, True)]
    assert client_for(cast.alice).get(f"/api/v1/case-comments/{comment.pk}/").json()["body"] == SECRET


def test_bob_who_may_not_see_the_case_sees_nothing_of_it(cast: Cast, case: Case):
    comment = do_add_comment(case, SECRET, acting_user=cast.ali, confidential=True)
    bob = client_for(cast.bob)
    assert bob.get(f"/api/v1/cases/{case.pk}/comments/").status_code == 404
    assert bob.get(f"/api/v1/case-comments/{comment.pk}/").status_code == 404
    assert bob.get("/api/v1/case-comments/").json()["count"] == 0
    assert signed_in_client(cast.bob).get(f"/cases/{case.pk}/").status_code == 404


def test_who_may_read_comments_but_not_the_case_sees_that_it_exists_not_its_text(cast: Cast, case: Case):
    """The rule of the case's confidential details decides, not the comment's own permission."""
    from django.contrib.auth.models import Permission

    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.models import Role

    role = Role.objects.create(slug="comment-reader", name="خوانندهٔ یادداشت", name_en="Comment reader")
    role.permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename="view_comment"))
    reader = do_create_user("reader", acting_user=None, password=None)
    do_grant_role(reader, role, acting_user=None, organization=cast.isfahan)
    do_add_comment(case, SECRET, acting_user=cast.ali, confidential=True)
    do_add_comment(case, "یادداشت عادی", acting_user=cast.ali)
    listed = client_for(reader).get("/api/v1/case-comments/").json()["results"]
    assert [(c["author"], c["confidential"], c["body"]) for c in listed] == [
        ("ali", True, ""),
        ("ali", False, "یادداشت عادی"),
    ]
    assert "مخبر" not in json.dumps(listed, ensure_ascii=False)


def test_the_page_has_a_checkbox_and_shows_the_comment_with_a_lock_badge(cast: Cast, case: Case):
    page = signed_in_client(cast.ali)
    assert 'name="confidential"' in page.get(f"/cases/{case.pk}/").content.decode()
    response = page.post(f"/cases/{case.pk}/", {"form": "comment", "body": SECRET, "confidential": "on"})
    assert response.status_code == 302
    comment = Comment.objects.get(case=case)
    assert comment.confidential and _raw(comment)[0] == ""
    shown = signed_in_client(cast.alice).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="confidential-comment"' in shown and "محرمانه" in shown
    assert SECRET in shown


def test_without_a_key_a_confidential_comment_is_refused_naming_the_field(cast: Cast, case: Case):
    web = signed_in_client(cast.ali)
    with override_settings(ENCRYPTION_KEYS=""), assert_nothing_changed("cases.comment", "cases.notification"):
        response = _post(cast, case, SECRET)
        page = web.post(f"/cases/{case.pk}/", {"form": "comment", "body": SECRET, "confidential": "on"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["confidential"]
    assert "رمزنگاری" in response.json()["error"]["fields"]["confidential"][0]
    assert page.status_code == 400
    assert "confidential:" in page.content.decode()


def test_the_text_is_not_in_the_audit_notifications_live_events_timeline_or_search(
    cast: Cast, case: Case, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
):
    mails: list[str] = []
    monkeypatch.setattr(
        "rasad.cases.notifications.queue_mail",
        lambda subject, body, *args, **kwargs: mails.append(f"{subject} {body}"),
    )
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(email="alice@example.org")
    published: list[Any] = []
    unsubscribe = events.subscribe_local(published.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(cast, case, f"@alice {SECRET}")
    finally:
        unsubscribe()
    assert response.status_code == 201, response.json()
    comment = Comment.objects.get(pk=response.json()["id"])
    audit = AuditEvent.objects.get(object_type="cases.comment", object_id=str(comment.pk))
    assert audit.object_repr == "[confidential]"
    payload = json.loads(audit.body)
    assert "مخبر" not in json.dumps(payload, ensure_ascii=False)
    assert (payload["object_repr"], payload["new"]["confidential"]) == ("[confidential]", True)
    notes = list(Notification.objects.filter(case=case).values_list("message", flat=True))
    assert notes and mails
    assert not [text for text in [*notes, *mails] if "مخبر" in text]
    assert published and "مخبر" not in repr(published)
    alice = client_for(cast.alice)
    assert "مخبر" not in alice.get(f"/api/v1/cases/{case.pk}/timeline/").content.decode()
    assert alice.get("/api/v1/cases/", {"q": "مخبر"}).json()["count"] == 0


def test_rotation_rewraps_comments_and_the_old_key_can_go(cast: Cast, case: Case):
    old = encryption.new_key_line("old")
    new = encryption.new_key_line("new")
    with override_settings(ENCRYPTION_KEYS=old):
        comment = do_add_comment(case, SECRET, acting_user=cast.ali, confidential=True)
    assert encryption.key_id_of(encryption.text_envelope(_raw(comment)[1])) == "old"
    with override_settings(ENCRYPTION_KEYS=f"{new},{old},{settings.ENCRYPTION_KEYS}"):
        out = StringIO()
        call_command("encryption", "rotate", stdout=out)
        assert "rotate OK" in out.getvalue()
    assert encryption.key_id_of(encryption.text_envelope(_raw(comment)[1])) == "new"
    with override_settings(ENCRYPTION_KEYS=new):
        assert Comment.objects.get(pk=comment.pk).text == SECRET
