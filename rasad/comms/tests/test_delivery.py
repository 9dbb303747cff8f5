"""The outbox: envelopes for a peer node are pushed in order, retried with backoff while the
node is down, delivered once it returns (in order, once), and a refusal is recorded and told."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from rasad.comms.actions import Draft, do_send_message
from rasad.comms.audit import CommsAuditEvent
from rasad.comms.choices import DeliveryStatus
from rasad.comms.content import MessageContent
from rasad.comms.delivery import backoff, deliver_due
from rasad.comms.models import Delivery
from rasad.comms.tests.world import PeerNodeTransport, World, present
from rasad.core.models import AuditEvent


def write(world: World, subject: str):
    return do_send_message(
        Draft(sender=world.isfahan, recipients=[world.khorasan_centre], subject=subject, text="متن"),
        acting_user=world.cast.alice,
    )


def subjects(world: World) -> list[str]:
    return [
        MessageContent.from_bytes(world.khorasan.open(v), attachment_count=0).subject
        for v in world.khorasan.received
    ]


def test_message_to_a_remote_centre_is_pushed_and_opens_there(world: World) -> None:
    write(world, "به خراسان جنوبی")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.centres == ["SKH-CC"]
    report = deliver_due(transport=PeerNodeTransport(world.khorasan))
    assert report.delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert subjects(world) == ["به خراسان جنوبی"]


def test_node_down_keeps_everything_in_order_and_delivers_once_when_back(world: World) -> None:
    transport = PeerNodeTransport(world.khorasan)
    transport.down.add("https://skh.example/")
    for number in range(5):
        write(world, f"پیام {number}")
    now = timezone.now()
    report = deliver_due(transport=transport, now=now)
    assert (report.delivered, report.waiting) == (0, 1)
    first = present(Delivery.objects.order_by("id").first())
    assert first.attempts == 1
    assert first.last_error_code == "unreachable"
    assert first.next_attempt_at > now
    # Later deliveries wait behind the first, untouched.
    assert list(Delivery.objects.values_list("attempts", flat=True).order_by("id")) == [1, 0, 0, 0, 0]
    # A day later the node is back: everything arrives, in order, once.
    transport.down.clear()
    report = deliver_due(transport=transport, now=now + timedelta(days=1))
    assert report.delivered == 5
    assert subjects(world) == [f"پیام {number}" for number in range(5)]
    assert deliver_due(transport=transport, now=now + timedelta(days=2)).delivered == 0
    assert len(world.khorasan.received) == 5


def test_not_yet_due_retry_holds_the_queue(world: World) -> None:
    transport = PeerNodeTransport(world.khorasan)
    transport.down.add("https://skh.example/")
    write(world, "اول")
    now = timezone.now()
    deliver_due(transport=transport, now=now)
    transport.down.clear()
    write(world, "دوم")
    assert deliver_due(transport=transport, now=now + timedelta(seconds=1)).delivered == 0
    assert deliver_due(transport=transport, now=now + timedelta(minutes=5)).delivered == 2
    assert subjects(world) == ["اول", "دوم"]


def test_refusal_by_the_peer_is_recorded_and_the_queue_moves_on(world: World) -> None:
    transport = PeerNodeTransport(world.khorasan)
    transport.answer = (403, {"error": {"code": "not_pinned", "detail": "SKH-CC has not confirmed ISF-CC"}})
    write(world, "رد می‌شود")
    report = deliver_due(transport=transport)
    assert report.refused == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.REFUSED
    assert delivery.last_error_code == "not_pinned"
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.DELIVERY_REFUSED)
    assert present(event.new)["code"] == "not_pinned"
    transport.answer = None
    write(world, "پذیرفته می‌شود")
    assert deliver_due(transport=transport).delivered == 1


def test_server_error_is_retried_not_refused(world: World) -> None:
    transport = PeerNodeTransport(world.khorasan)
    transport.answer = (503, {"error": {"code": "database_unavailable"}})
    write(world, "بعداً")
    deliver_due(transport=transport)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1


def test_duplicate_answer_counts_as_delivered(world: World) -> None:
    transport = PeerNodeTransport(world.khorasan)
    transport.answer = (200, {"status": "duplicate"})
    write(world, "دوباره")
    assert deliver_due(transport=transport).delivered == 1


def test_a_claimed_delivery_is_not_pushed_twice(world: World) -> None:
    write(world, "یک بار")
    Delivery.objects.update(claimed_until=timezone.now() + timedelta(seconds=30))
    transport = PeerNodeTransport(world.khorasan)
    assert deliver_due(transport=transport).delivered == 0
    assert transport.posts == []
    # A claim left by a killed worker runs out.
    assert deliver_due(transport=transport, now=timezone.now() + timedelta(minutes=1)).delivered == 1


def test_backoff_grows_and_is_capped(settings) -> None:
    settings.COMMS_RETRY_MAX_SECONDS = 600
    assert 4 <= backoff(1).total_seconds() <= 6
    assert 32 <= backoff(4).total_seconds() <= 48
    assert backoff(30).total_seconds() <= 720


def test_key_bundles_are_pushed_before_later_envelopes(world: World) -> None:
    from rasad.comms.actions import do_rotate_keys

    transport = PeerNodeTransport(world.khorasan)
    do_rotate_keys(world.isfahan, acting_user=world.cast.root)
    write(world, "با کلید تازه")
    deliver_due(transport=transport)
    assert [url.rsplit("/", 1)[-1] for url, _ in transport.posts] == ["bundles", "inbox"]
    assert json.loads(transport.posts[0][1])["centre"] == "ISF-CC"
