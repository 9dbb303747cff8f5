"""Messages between two centres hosted on one node (local delivery): sealed, signed, readable by
both sides, with read receipts, acknowledgments, attachments and a case opened from a message;
and the plaintext is nowhere in the database."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rasad.cases.models import Case, Category
from rasad.comms.actions import (
    Draft,
    OutgoingAttachment,
    do_acknowledge_message,
    do_open_case_from_message,
    do_open_message,
    do_send_message,
    read_attachment,
)
from rasad.comms.choices import Direction, EnvelopeKind
from rasad.comms.models import Envelope, Message, Receipt, Thread
from rasad.comms.tests.node_script import cells_containing
from rasad.comms.tests.world import World, present
from rasad.core.access import ObjectNotFound
from rasad.lib import jalali
from rasad.lib.persian import to_persian_digits
from rasad.testing.cast import Cast


def send(
    world: World, subject: str = "تردد مشکوک در محور نائین", text: str = "متن پیام", **changes
) -> Message:
    values: dict[str, Any] = {
        "sender": world.isfahan,
        "recipients": [world.kerman],
        "subject": subject,
        "text": text,
    }
    values.update(changes)
    return do_send_message(Draft(**values), acting_user=world.cast.alice)


def received(world: World, sent: Message) -> Message:
    return Message.objects.get(centre=world.kerman, envelope=sent.envelope)


@pytest.fixture
def alice_may_write(world: World) -> None:
    """Alice (Isfahan analyst) writes; Bob (Kerman analyst) reads and acknowledges."""


def test_recipient_reads_what_the_sender_wrote(world: World) -> None:
    sent = send(world, text="سه خودرو بدون پلاک به سمت طبس")
    opened = do_open_message(received(world, sent), acting_user=world.cast.bob)
    assert opened.content.subject == "تردد مشکوک در محور نائین"
    assert opened.content.text == "سه خودرو بدون پلاک به سمت طبس"
    assert opened.content.author == "آلیس اصفهانی"
    assert opened.recipients == ["KER-CC"]


def test_sender_keeps_a_readable_copy(world: World) -> None:
    sent = send(world)
    assert sent.direction == Direction.OUTGOING
    assert do_open_message(sent, acting_user=world.cast.alice).content.subject == "تردد مشکوک در محور نائین"


def test_one_envelope_two_mailboxes_one_thread_each(world: World) -> None:
    sent = send(world)
    assert Envelope.objects.count() == 1
    assert Message.objects.filter(envelope=sent.envelope).count() == 2
    threads = Thread.objects.filter(uid=sent.thread.uid)
    assert {thread.centre.code for thread in threads} == {"ISF-CC", "KER-CC"}


def test_reply_stays_in_the_thread(world: World) -> None:
    sent = send(world)
    thread = received(world, sent).thread
    reply = do_send_message(
        Draft(
            sender=world.kerman, recipients=[world.isfahan], subject="پاسخ", text="دریافت شد", thread=thread
        ),
        acting_user=world.cast.bob,
    )
    assert reply.thread.uid == sent.thread.uid
    assert Message.objects.filter(centre=world.isfahan, thread__uid=sent.thread.uid).count() == 2


def test_first_reading_sends_a_signed_read_receipt(world: World) -> None:
    sent = send(world)
    do_open_message(received(world, sent), acting_user=world.cast.bob)
    do_open_message(received(world, sent), acting_user=world.cast.bob)
    receipt = Receipt.objects.get(message=sent)
    assert receipt.kind == EnvelopeKind.READ_RECEIPT
    assert receipt.centre.code == "KER-CC"
    assert receipt.envelope.sender.code == "KER-CC"
    assert receipt.envelope.refers_to == sent.envelope.msg_id


def test_sender_reading_its_copy_sends_no_receipt(world: World) -> None:
    sent = send(world)
    do_open_message(sent, acting_user=world.cast.alice)
    assert not Receipt.objects.exists()


def test_acknowledgment_is_sent_when_asked_for(world: World) -> None:
    sent = send(world, requires_ack=True)
    inbox_copy = received(world, sent)
    do_acknowledge_message(inbox_copy, acting_user=world.cast.bob, note="اقدام شد")
    assert Receipt.objects.get(message=sent, kind=EnvelopeKind.ACK_RECEIPT).centre.code == "KER-CC"
    inbox_copy.refresh_from_db()
    assert inbox_copy.acknowledged_by == world.cast.bob
    with pytest.raises(ValidationError):
        do_acknowledge_message(inbox_copy, acting_user=world.cast.bob)


def test_acknowledging_a_message_that_did_not_ask_is_refused(world: World) -> None:
    sent = send(world)
    with pytest.raises(ValidationError) as caught:
        do_acknowledge_message(received(world, sent), acting_user=world.cast.bob)
    assert "message" in caught.value.message_dict


def test_attachments_travel_encrypted_and_open(world: World) -> None:
    photo = bytes(range(256)) * 400
    sent = send(world, attachments=[OutgoingAttachment("../../etc/تصویر.jpg", "image/jpeg", photo)])
    info, data = read_attachment(received(world, sent), 0)
    assert info.name == "تصویر.jpg"
    assert data == photo
    assert photo not in bytes(sent.envelope.raw)


def test_oversized_attachment_is_refused_naming_the_file(world: World, settings) -> None:
    settings.COMMS_MAX_ATTACHMENT_MB = 1
    big = OutgoingAttachment("گزارش.pdf", "application/pdf", b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as caught:
        send(world, attachments=[big])
    assert "گزارش.pdf" in caught.value.message_dict["attachments"][0]
    assert not Envelope.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": " "}, "subject"),
        ({"recipients": []}, "recipients"),
        ({"priority": "whenever"}, "priority"),
    ],
)
def test_bad_drafts_name_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        send(world, **changes)
    assert field in caught.value.message_dict
    assert not Envelope.objects.exists()


def test_writing_to_oneself_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        send(world, recipients=[world.isfahan])
    assert "recipients" in caught.value.message_dict


def test_writing_for_a_centre_outside_ones_scope_reads_as_missing(world: World) -> None:
    with pytest.raises(ObjectNotFound):
        do_send_message(
            Draft(sender=world.isfahan, recipients=[world.kerman], subject="x", text=""),
            acting_user=world.cast.bob,
        )


def test_reading_another_centres_mailbox_reads_as_missing(world: World) -> None:
    sent = send(world)
    with pytest.raises(ObjectNotFound):
        do_open_message(sent, acting_user=world.cast.bob)
    assert list(Message.objects.visible_to(world.cast.bob)) == [received(world, sent)]
    assert list(Message.objects.visible_to(world.cast.charlie)) == []


def test_reporters_do_not_read_centre_messages(world: World) -> None:
    send(world)
    assert list(Message.objects.visible_to(world.cast.ali)) == []


def test_message_becomes_a_case_with_one_action(world: World) -> None:
    sent = send(world, subject="نشت سوخت در مرز", text="گزارش پاسگاه")
    inbox_copy = received(world, sent)
    do_open_case_from_message(
        inbox_copy, kind="challenge", category=Category.objects.get(code="border"), acting_user=world.cast.bob
    )
    inbox_copy.refresh_from_db()
    case = Case.objects.get(pk=present(inbox_copy.case_id))
    assert case.title == "نشت سوخت در مرز"
    assert case.reporter_organization == world.cast.kerman
    assert case.source == inbox_copy
    assert "گزارش پاسگاه" in case.description
    # The message's day, as its reader in Tehran saw it, in the Jalali calendar and Persian digits.
    day = jalali.to_jalali(jalali.local_date(inbox_copy.envelope.created_at))
    assert f"{to_persian_digits(str(day.day))} {jalali.JALALI_MONTH_NAMES[day.month - 1]}" in case.description
    assert str(inbox_copy.envelope.created_at.year) not in case.description
    with pytest.raises(ValidationError):
        do_open_case_from_message(
            inbox_copy,
            kind="challenge",
            category=Category.objects.get(code="border"),
            acting_user=world.cast.bob,
        )


def test_incident_from_a_message_needs_a_place(world: World) -> None:
    inbox_copy = received(world, send(world))
    with pytest.raises(ValidationError) as caught:
        do_open_case_from_message(
            inbox_copy,
            kind="incident",
            category=Category.objects.get(code="border"),
            acting_user=world.cast.bob,
        )
    assert "latitude" in caught.value.message_dict
    assert not Case.objects.exists()


def test_plaintext_is_nowhere_in_the_database(world: World) -> None:
    marker = f"نشانگر-{uuid.uuid4().hex}"
    attachment_marker = f"پیوست-{uuid.uuid4().hex}"
    sent = send(
        world,
        subject=f"موضوع {marker}",
        text=f"متن {marker}",
        attachments=[OutgoingAttachment(f"{marker}.txt", "text/plain", attachment_marker.encode())],
    )
    opened = do_open_message(received(world, sent), acting_user=world.cast.bob)
    assert marker in opened.content.text
    assert read_attachment(received(world, sent), 0)[1] == attachment_marker.encode()
    assert cells_containing(marker) == []
    assert cells_containing(attachment_marker) == []


def test_centre_codes_are_in_headers_but_not_the_subject(world: World, cast: Cast) -> None:
    sent = send(world, subject="موضوع محرمانه")
    assert sent.envelope.sender.code == "ISF-CC"
    assert "موضوع محرمانه".encode() not in bytes(sent.envelope.raw)
