"""Outages and high-severity events become incident cases (docs/live.md, "Outages and
incidents"): one case per problem at a post, never one per missed beat or per resent event, and
each province sees only its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from rasad.cases.models import Case, CaseEvent
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.lib.persian import to_latin_digits
from rasad.live.audit import LiveAuditEvent
from rasad.live.models import Outage
from rasad.live.tasks import sweep
from rasad.live.testing import event_item, heartbeat_item, make_credential, make_device, send
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


@pytest.fixture
def post(cast: Cast) -> dict[str, Any]:
    camera = make_device(cast, cast.isfahan_post, serial="CAM-1")
    sensor = make_device(cast, cast.isfahan_post, serial="GS-1")
    credential, _ = make_credential(cast, cast.isfahan_post)
    send(credential, {"heartbeats": [heartbeat_item(camera), heartbeat_item(sensor)]})
    return {"camera": camera, "sensor": sensor, "credential": credential}


def _beat(post: dict[str, Any], *devices: str, at: Any) -> None:
    send(post["credential"], {"heartbeats": [heartbeat_item(post[name]) for name in devices]}, now=at)


def _silent_for(minutes: float, post: dict[str, Any]) -> Any:
    """A moment when the post's devices have been offline for ``minutes``."""
    interval = post["camera"].heartbeat_interval
    offline_at = timezone.now() + timedelta(seconds=interval * settings.RASAD_LIVE_OFFLINE_INTERVALS + 1)
    sweep(offline_at)
    return offline_at + timedelta(minutes=minutes)


def test_a_long_outage_opens_one_incident_case_and_its_return_ends_the_outage(
    cast: Cast, post: dict[str, Any]
):
    sweep(_silent_for(settings.RASAD_LIVE_OUTAGE_MINUTES - 1, post))
    assert not Outage.objects.exists() and not Case.objects.exists()  # not silent for long enough yet
    later = _silent_for(settings.RASAD_LIVE_OUTAGE_MINUTES + 1, post)
    for minute in range(3):  # every sweep of a long outage: still one outage, one case
        sweep(later + timedelta(minutes=minute))
    outage = Outage.objects.get()
    case = Case.objects.get()
    assert outage.case == case and outage.ended_at is None
    assert (case.kind, case.priority, case.reporter_organization, case.owner_organization) == (
        "incident",
        "high",
        cast.isfahan_post,
        cast.isfahan_post.parent,
    )
    assert case.category.code == "field-posts"
    assert case.source_key == f"live.post:{cast.isfahan_post.pk}"
    assert cast.isfahan_post.name in case.title and "۱۴" in case.description  # Jalali, Persian digits
    assert AuditEvent.objects.filter(event_type=LiveAuditEvent.OUTAGE_OPENED).count() == 1
    page = signed_in_client(cast.nadia).get(f"/live/posts/{cast.isfahan_post.pk}/").content.decode()
    # The reference in the reader's digits (``formatting.code``).
    assert case.reference in to_latin_digits(page) and 'data-testid="outage"' in page
    rows = client_for(cast.nadia).get("/api/v1/live-outages/", {"open": "true"}).json()["results"]
    assert [(r["organization"], r["case_reference"]) for r in rows] == [
        (cast.isfahan_post.code, case.reference)
    ]

    send(
        post["credential"], {"heartbeats": [heartbeat_item(post["camera"])]}, now=later + timedelta(minutes=5)
    )
    outage.refresh_from_db()
    assert outage.ended_at is not None
    case.refresh_from_db()
    assert case.status == "new"  # the case stays with its owner to close
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True).order_by("id")) == [
        "open",
        "outage",
        "outage_ended",
    ]
    assert AuditEvent.objects.filter(event_type=LiveAuditEvent.OUTAGE_ENDED).count() == 1
    sweep(later + timedelta(minutes=6))
    assert Outage.objects.count() == 1  # the post is back: nothing new


def test_a_second_outage_joins_the_posts_open_case(cast: Cast, post: dict[str, Any]):
    first = _silent_for(settings.RASAD_LIVE_OUTAGE_MINUTES + 1, post)
    sweep(first)
    send(
        post["credential"],
        {"heartbeats": [heartbeat_item(post["camera"]), heartbeat_item(post["sensor"])]},
        now=first,
    )
    second = first + timedelta(
        seconds=post["camera"].heartbeat_interval * settings.RASAD_LIVE_OFFLINE_INTERVALS + 1
    )
    sweep(second)
    sweep(second + timedelta(minutes=settings.RASAD_LIVE_OUTAGE_MINUTES + 1))
    assert Outage.objects.count() == 2
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="outage").count() == 2


def test_a_post_with_one_device_still_heard_from_is_not_in_outage(cast: Cast, post: dict[str, Any]):
    later = _silent_for(settings.RASAD_LIVE_OUTAGE_MINUTES + 1, post)
    send(
        post["credential"],
        {"heartbeats": [heartbeat_item(post["sensor"])]},
        now=later - timedelta(seconds=30),
    )
    sweep(later)
    assert not Outage.objects.exists()


def test_a_high_severity_event_opens_or_joins_the_incident_and_a_resend_adds_nothing(
    cast: Cast, post: dict[str, Any]
):
    credential, camera = post["credential"], post["camera"]
    send(credential, {"events": [event_item(camera, 1, severity="medium")]})
    assert not Case.objects.exists()
    tamper = event_item(camera, 2, severity="high", kind="tamper", text="باز شدن درِ جعبه")
    send(credential, {"events": [tamper]})
    send(credential, {"events": [tamper]})  # the agent resends: a duplicate, not a second signal
    case = Case.objects.get()
    assert "باز شدن" in case.description and case.kind == "incident"
    send(credential, {"events": [event_item(camera, 3, severity="high", kind="power_loss")]})
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, action="device_event").count() == 2
    assert AuditEvent.objects.filter(event_type=LiveAuditEvent.INCIDENT_RAISED).count() == 2


def test_each_province_sees_only_its_own_posts_incidents(cast: Cast, post: dict[str, Any]):
    kerman = make_device(cast, cast.kerman_post, serial="CAM-K")
    kerman_credential, _ = make_credential(cast, cast.kerman_post)
    send(kerman_credential, {"events": [event_item(kerman, 1, severity="high")]})
    send(post["credential"], {"events": [event_item(post["camera"], 1, severity="high")]})
    isfahan_case = Case.objects.get(reporter_organization=cast.isfahan_post)
    kerman_case = Case.objects.get(reporter_organization=cast.kerman_post)
    alice = client_for(cast.alice)
    seen = {row["reference"] for row in alice.get("/api/v1/cases/").json()["results"]}
    assert isfahan_case.reference in seen and kerman_case.reference not in seen
    assert alice.get(f"/api/v1/cases/{kerman_case.pk}/").status_code == 404
    outages = alice.get("/api/v1/live-outages/")
    assert outages.status_code == 200 and outages.json()["results"] == []
