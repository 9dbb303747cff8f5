"""The comms pages as people use them: reading a thread (which sends read receipts), writing,
acknowledging, opening a case, confirming a peer by typing its fingerprint, keys and outbox, and
joint groups; every page refused (404) outside the user's scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rasad.cases.models import Case, Category
from rasad.comms.actions import Draft, do_register_peer, do_send_message
from rasad.comms.choices import PeerStatus
from rasad.comms.models import Centre, CentreKey, Message, Peer, Receipt
from rasad.comms.testing import RemoteCentre
from rasad.comms.tests.world import World, present
from rasad.testing.web import signed_in_client


def send(world: World, **changes: object) -> Message:
    values: dict[str, object] = {
        "sender": world.isfahan,
        "recipients": [world.kerman],
        "subject": "تردد مشکوک در محور نائین",
        "text": "سه خودرو بدون پلاک",
    }
    values.update(changes)
    return do_send_message(Draft(**values), acting_user=world.cast.alice)  # type: ignore[arg-type]


def test_inbox_lists_threads_with_decrypted_subjects(world: World) -> None:
    send(world, priority="high")
    response = signed_in_client(world.cast.bob).get(reverse("comms:inbox"))
    assert response.status_code == 200
    assert "تردد مشکوک در محور نائین" in response.content.decode()
    # The count says what it counts, and the priority badge names what is high (session 25).
    assert 'data-testid="unread">۱ خوانده‌نشده</span>' in response.content.decode()
    assert '<span class="badge bg-warning text-dark">اولویت: زیاد</span>' in response.content.decode()


def test_opening_a_thread_marks_read_and_sends_a_receipt(world: World) -> None:
    sent = send(world)
    received = Message.objects.get(centre=world.kerman)
    response = signed_in_client(world.cast.bob).get(reverse("comms:thread", args=[received.thread_id]))
    assert response.status_code == 200
    assert "سه خودرو بدون پلاک" in response.content.decode()
    received.refresh_from_db()
    assert received.read_by == world.cast.bob
    assert Receipt.objects.get(message=sent).centre.code == "KER-CC"


def test_sender_sees_who_read(world: World) -> None:
    sent = send(world)
    signed_in_client(world.cast.bob).get(
        reverse("comms:thread", args=[Message.objects.get(centre=world.kerman).thread_id])
    )
    page = (
        signed_in_client(world.cast.alice)
        .get(reverse("comms:thread", args=[sent.thread_id]))
        .content.decode()
    )
    assert 'data-kind="receipt.read"' in page


def test_another_centres_thread_reads_as_missing(world: World) -> None:
    sent = send(world)
    assert (
        signed_in_client(world.cast.bob).get(reverse("comms:thread", args=[sent.thread_id])).status_code
        == 404
    )
    assert signed_in_client(world.cast.charlie).get(reverse("comms:inbox")).status_code in (200, 404)
    assert "تردد" not in signed_in_client(world.cast.charlie).get(reverse("comms:inbox")).content.decode()


def test_compose_sends_with_an_attachment(world: World) -> None:
    client = signed_in_client(world.cast.alice)
    page = client.get(reverse("comms:compose"))
    assert page.status_code == 200
    response = client.post(
        reverse("comms:compose"),
        {
            "sender": world.isfahan.pk,
            "recipients": [world.kerman.pk],
            "subject": "گزارش مرزی",
            "text": "متن",
            "priority": "urgent",
            "attachments": SimpleUploadedFile("گزارش.txt", "پیوست".encode(), content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(centre=world.kerman)
    assert message.envelope.priority == "urgent"
    download = signed_in_client(world.cast.bob).get(reverse("comms:attachment", args=[message.pk, 0]))
    assert download.content == "پیوست".encode()


def test_compose_refuses_an_unconfirmed_peer_naming_the_reason(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    # The unconfirmed peer is not even offered.
    page = signed_in_client(world.cast.alice).get(reverse("comms:compose")).content.decode()
    assert "یزد" not in page


def test_compose_is_refused_to_those_who_may_not_write(world: World) -> None:
    assert signed_in_client(world.cast.ali).get(reverse("comms:compose")).status_code == 404
    assert signed_in_client(world.cast.charlie).get(reverse("comms:compose")).status_code == 404


def test_reply_in_the_thread(world: World) -> None:
    send(world)
    received = Message.objects.get(centre=world.kerman)
    response = signed_in_client(world.cast.bob).post(
        reverse("comms:thread", args=[received.thread_id]), {"text": "دریافت شد", "priority": "normal"}
    )
    assert response.status_code == 302
    assert Message.objects.filter(centre=world.isfahan, direction="in").count() == 1


def test_acknowledge_from_the_thread(world: World) -> None:
    sent = send(world, requires_ack=True)
    received = Message.objects.get(centre=world.kerman)
    client = signed_in_client(world.cast.bob)
    assert (
        'data-testid="acknowledge-form"'
        in client.get(reverse("comms:thread", args=[received.thread_id])).content.decode()
    )
    response = client.post(reverse("comms:acknowledge", args=[received.pk]), {"note": "ابلاغ شد"})
    assert response.status_code == 302
    assert Receipt.objects.filter(message=sent, kind="receipt.ack").exists()


def test_open_case_from_a_message(world: World) -> None:
    send(world)
    received = Message.objects.get(centre=world.kerman)
    client = signed_in_client(world.cast.bob)
    form = client.get(reverse("comms:open-case", args=[received.pk]))
    assert "تردد مشکوک در محور نائین" in form.content.decode()
    response = client.post(
        reverse("comms:open-case", args=[received.pk]),
        {"kind": "challenge", "category": Category.objects.get(code="border").pk, "title": ""},
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert Case.objects.get(pk=present(received.case_id)).title == "تردد مشکوک در محور نائین"


def test_peer_is_confirmed_by_typing_its_fingerprint(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    client = signed_in_client(world.cast.root)
    page = client.get(reverse("comms:peer", args=[peer.pk])).content.decode()
    assert 'data-testid="confirm-form"' in page
    wrong = client.post(
        reverse("comms:peer", args=[peer.pk]), {"form": "confirm", "fingerprint_digits": "00000"}
    )
    assert wrong.status_code == 400
    right = client.post(
        reverse("comms:peer", args=[peer.pk]),
        {"form": "confirm", "fingerprint_digits": yazd.fingerprint_digits},
    )
    assert right.status_code == 302
    peer.refresh_from_db()
    assert peer.status == PeerStatus.PINNED


def test_peer_confirmation_is_refused_to_non_administrators(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    client = signed_in_client(world.cast.alice)
    assert (
        'data-testid="confirm-form"' not in client.get(reverse("comms:peer", args=[peer.pk])).content.decode()
    )
    response = client.post(
        reverse("comms:peer", args=[peer.pk]),
        {"form": "confirm", "fingerprint_digits": yazd.fingerprint_digits},
    )
    assert response.status_code == 404
    peer.refresh_from_db()
    assert peer.status == PeerStatus.PENDING


def test_key_change_is_shown_loudly(world: World) -> None:
    from rasad.comms.actions import apply_bundle_update
    from rasad.comms.crypto import Purpose, SigningKeyPair

    world.khorasan.identity = SigningKeyPair.generate(Purpose.IDENTITY)
    apply_bundle_update(world.khorasan.bundle().to_dict())
    peer = Peer.objects.get(local_centre=world.isfahan)
    page = signed_in_client(world.cast.root).get(reverse("comms:peer", args=[peer.pk])).content.decode()
    assert 'data-testid="key-changed"' in page


def test_keys_page_shows_fingerprints_and_rotates(world: World) -> None:
    client = signed_in_client(world.cast.root)
    page = client.get(reverse("comms:centres")).content.decode()
    assert page.count('data-testid="fingerprint-digits"') == 2
    active = CentreKey.objects.filter(centre=world.isfahan, state="active", purpose="encrypt").get()
    assert client.post(reverse("comms:rotate", args=[world.isfahan.pk])).status_code == 302
    active.refresh_from_db()
    assert active.state == "retired"


def test_rotation_is_refused_to_non_administrators(world: World) -> None:
    assert (
        signed_in_client(world.cast.alice).post(reverse("comms:rotate", args=[world.isfahan.pk])).status_code
        == 404
    )


def test_set_up_page_offers_command_centres_without_keys(cast) -> None:
    client = signed_in_client(cast.root)
    page = client.get(reverse("comms:centre-set-up")).content.decode()
    assert "مرکز فرماندهی استان اصفهان" in page
    assert client.post(reverse("comms:centre-set-up"), {"organization": cast.isfahan.pk}).status_code == 302
    assert Centre.objects.filter(code="ISF-CC", is_local=True).exists()


def test_outbox_shows_pending_deliveries(world: World) -> None:
    send(world, recipients=[world.khorasan_centre])
    page = signed_in_client(world.cast.alice).get(reverse("comms:outbox")).content.decode()
    assert "https://skh.example/" in page
    assert (
        "https://skh.example/"
        not in signed_in_client(world.cast.bob).get(reverse("comms:outbox")).content.decode()
    )


@pytest.fixture
def group(world: World):
    from rasad.comms.actions import do_make_joint_group
    from rasad.core.actions.people import do_create_working_group

    working_group = do_create_working_group(
        "WG-UI",
        "کارگروه مشترک آزمایشی",
        acting_user=world.cast.root,
        owner=world.cast.isfahan,
        organizations=[world.cast.isfahan],
    )
    return do_make_joint_group(working_group, peers=[world.khorasan_centre], acting_user=world.cast.root)


def test_group_page_adds_a_task_mirrored_as_a_case(world: World, group) -> None:
    client = signed_in_client(world.cast.alice)
    page = client.get(reverse("comms:group", args=[group.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("comms:group", args=[group.pk]),
        {
            "form": "task",
            "centre": world.isfahan.pk,
            "title": "گشت مشترک",
            "assigned_centre": world.khorasan_centre.pk,
            "category": "border",
        },
    )
    assert response.status_code == 302
    from rasad.comms.models import GroupTask

    task = GroupTask.objects.get()
    assert task.case is not None
    done = client.post(
        reverse("comms:group", args=[group.pk]), {"form": "status", "task": task.pk, "status": "done"}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_group_page_is_refused_outside_scope(world: World, group) -> None:
    assert signed_in_client(world.cast.bob).get(reverse("comms:group", args=[group.pk])).status_code == 404


def test_home_counts_unread_centre_messages(world: World) -> None:
    send(world)
    page = signed_in_client(world.cast.bob).get(reverse("web:home")).content.decode()
    assert reverse("comms:inbox") in page
