"""Queued e-mail: it leaves after commit with its text attachments, which travel with the task as
JSON; a rolled-back transaction sends nothing; a message queued without attachments (as before
they existed) is sent as it was."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from rasad.jobs.mail import Attachment, queue_mail, send_email
from rasad.jobs.testing import run_queued

pytestmark = pytest.mark.django_db


def test_a_text_attachment_is_sent_with_its_name_type_and_text() -> None:
    text = "BEGIN:VCALENDAR\r\nSUMMARY:کارگاه\r\nEND:VCALENDAR\r\n"
    queue_mail("موضوع", "متن", ["ali@example.ir"], attachments=[Attachment("a.ics", text, "text/calendar")])
    assert mail.outbox == []
    run_queued()
    (message,) = mail.outbox
    assert message.attachments == [("a.ics", text, "text/calendar")]
    assert 'Content-Type: text/calendar; charset="utf-8"' in message.message().as_string()


def test_a_rolled_back_message_and_its_attachment_are_never_sent() -> None:
    with transaction.atomic():
        queue_mail("s", "b", ["ali@example.ir"], attachments=[Attachment("a.ics", "x", "text/calendar")])
        transaction.set_rollback(True)
    assert run_queued() == 0
    assert mail.outbox == []


def test_a_task_queued_without_attachments_still_runs() -> None:
    # The four arguments a task queued before attachments existed carries.
    send_email.enqueue("s", "b", ["ali@example.ir"], None)
    run_queued()
    (message,) = mail.outbox
    assert message.attachments == []
