"""A notification is kept as its message id and parameters and read in its reader's language and
digits (docs/development/conventions.md, "Stored texts"): a comment by an English-speaking
colleague reaches a Persian watcher in Persian, and an English reader in English, on the page and
by e-mail; a notification stored before (its text only) reads as it was written."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.cases.actions.collaboration import do_add_comment
from rasad.cases.models import Case, Notification
from rasad.cases.testing import open_challenge
from rasad.core.models import User
from rasad.lib import display
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _english(user: User, latin_name: str = "") -> User:
    User.objects.filter(pk=user.pk).update(language="en", persian_digits=False, latin_name=latin_name)
    user.refresh_from_db()
    return user


def test_a_comment_notification_reads_in_each_reader_s_language(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
):
    mails: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "rasad.cases.notifications.queue_mail",
        lambda subject, body, to, **kwargs: mails.append((to[0], body)),
    )
    case: Case = open_challenge(cast, cast.isfahan)
    case.watchers.add(cast.alice, cast.root)
    User.objects.filter(pk=cast.alice.pk).update(email="alice@example.ir")
    reader = _english(cast.root)
    User.objects.filter(pk=reader.pk).update(email="root@example.ir")
    writer = _english(cast.ali, "Ali Rezaei")
    with django_capture_on_commit_callbacks(execute=True):
        do_add_comment(case, "یادداشت", acting_user=writer)
    persian = Notification.objects.get(user=cast.alice, case=case)
    english = Notification.objects.get(user=reader, case=case)
    reference = case.reference.split("-")[-1]
    # The page of each: the Persian reader reads Persian words and digits, the English one English.
    page = signed_in_client(cast.alice).get("/cases/notifications/").content.decode()
    assert "نظر نوشت" in page and reference not in page
    page = signed_in_client(reader).get("/cases/notifications/").content.decode()
    assert f"commented on {case.reference}" in page
    # And so the e-mails, each in its reader's language.
    assert dict(mails)["root@example.ir"].startswith("Ali Rezaei commented on")
    assert "نظر نوشت" in dict(mails)["alice@example.ir"]
    # The stored text (digest, search) in Persian whoever wrote it.
    assert "نظر نوشت" in persian.message and "نظر نوشت" in english.message


def test_a_notification_stored_before_reads_as_it_was_written(cast: Cast):
    old = Notification.objects.create(user=cast.alice, kind="status", message="پیام پیشین ۱۲")
    assert old.text == "پیام پیشین ۱۲"
    page = signed_in_client(cast.alice).get("/cases/notifications/").content.decode()
    assert "پیام پیشین ۱۲" in page


def test_an_escalation_notification_reads_in_each_reader_s_language(cast: Cast):
    """Session 23: an escalation was stored in the words and digits of whoever escalated."""
    from rasad.cases.actions import do_escalate_case_by_hand

    case: Case = open_challenge(cast, cast.isfahan)
    reader = _english(cast.nadia)
    do_escalate_case_by_hand(case, acting_user=_english(cast.alice, "Alice Karimi"), reason="آتش‌سوزی")
    told = Notification.objects.get(user=reader, case=case)
    with display.speaking(reader, "en"):
        assert told.text.startswith(f"Alice Karimi escalated {case.reference} to ")
    assert "ارجاع" in told.message and case.reference not in told.message  # stored in Persian digits


def test_a_dossier_notification_reads_in_each_reader_s_language(cast: Cast):
    """Session 23 left it stored in Persian digits for every reader («DS-۰۰۰۰۰۱»)."""
    from rasad.cases.actions import do_forward_dossier

    case: Case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    reader = _english(cast.bob)
    dossier = do_forward_dossier(
        cast.isfahan, cast.kerman, [case], acting_user=cast.alice, title="پرونده", summary="خلاصه"
    )
    told = Notification.objects.get(user=reader, kind="dossier")
    with display.speaking(reader, "en"):
        assert told.text == f"Dossier {dossier.reference} from {cast.isfahan.name}: پرونده"
    assert dossier.reference not in told.message and "پرونده" in told.message
