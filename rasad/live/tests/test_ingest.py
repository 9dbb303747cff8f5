"""Agents' batches through the HTTP endpoint: exactly once, in order per device, every bad item
refused with a code and a message, nothing partly written, and a post's agent confined to it."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rasad.core.actions.tokens import do_create_api_token
from rasad.core.models import AuditEvent
from rasad.lib import events as bus
from rasad.live.actions import do_retire_device, do_revoke_credential
from rasad.live.audit import LiveAuditEvent
from rasad.live.choices import Status
from rasad.live.models import Device, DeviceEvent, Heartbeat
from rasad.live.testing import event_item, heartbeat_item, make_credential, make_device
from rasad.testing.cast import Cast

URL = "/api/v1/live/ingest/"


def post(secret: str | None, body: Any, *, raw: bytes | None = None) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    data = raw if raw is not None else json.dumps(body)
    return Client().post(URL, data=data, content_type="application/json", **headers)


@pytest.fixture
def isfahan(cast: Cast) -> tuple[Device, str]:
    device = make_device(cast, cast.isfahan_post, serial="GS-ISF-1")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    return device, secret


def test_a_batch_is_recorded_once_however_often_it_is_resent(isfahan: tuple[Device, str]):
    device, secret = isfahan
    body = {
        "heartbeats": [heartbeat_item(device)],
        "events": [event_item(device, 1), event_item(device, 2, severity="high", text="قطع برق پاسگاه")],
    }
    first = post(secret, body)
    assert first.status_code == 200
    answers = first.json()
    assert [a["result"] for a in answers["heartbeats"]] == ["created"]
    assert [a["result"] for a in answers["events"]] == ["created", "created"]
    again = post(secret, body)
    assert again.status_code == 200
    assert [a["result"] for a in again.json()["events"]] == ["duplicate", "duplicate"]
    assert [a["result"] for a in again.json()["heartbeats"]] == ["duplicate"]
    # The same acknowledgment: the stream position of the recorded event.
    assert [a["stream_id"] for a in again.json()["events"]] == [a["stream_id"] for a in answers["events"]]
    assert DeviceEvent.objects.filter(device=device).exclude(kind="status_changed").count() == 2
    assert Heartbeat.objects.filter(device=device).count() == 1


def test_a_resent_batch_writes_nothing_at_all(
    isfahan: tuple[Device, str], django_capture_on_commit_callbacks: Any
):
    device, secret = isfahan
    body = {"heartbeats": [heartbeat_item(device)], "events": [event_item(device, 1)]}
    post(secret, body)
    audit_before = AuditEvent.objects.count()
    pushed: list[Any] = []
    unsubscribe = bus.subscribe_local(pushed.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post(secret, body)
    finally:
        unsubscribe()
    assert AuditEvent.objects.count() == audit_before
    assert pushed == []


def test_one_audit_event_per_batch_with_its_digest(isfahan: tuple[Device, str]):
    device, secret = isfahan
    body = {"events": [event_item(device, 1), event_item(device, 2)]}
    post(secret, body)
    recorded = AuditEvent.objects.filter(event_type=LiveAuditEvent.BATCH_RECEIVED)
    assert recorded.count() == 1
    payload = json.loads(recorded.get().body)["new"]
    assert payload["events"] == [item["id"] for item in body["events"]]
    assert len(payload["sha256"]) == 64
    assert recorded.get().organization_id == device.organization_id


def test_events_arriving_out_of_order_keep_their_times_and_order_by_sequence(isfahan: tuple[Device, str]):
    device, secret = isfahan
    now = timezone.now()
    late = event_item(device, 2, time=(now - timedelta(hours=3)).isoformat())
    early = event_item(device, 1, time=(now - timedelta(hours=2)).isoformat())
    post(secret, {"events": [late]})
    post(secret, {"events": [early]})
    stored = list(DeviceEvent.objects.filter(device=device).order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2]
    # Times are kept exactly as the device sent them, even when they run backwards.
    assert stored[0].device_time.isoformat() == early["time"]
    assert stored[1].device_time.isoformat() == late["time"]
    assert stored[0].pk > stored[1].pk
    device.refresh_from_db()
    assert device.last_sequence == 2


def test_the_same_id_with_other_content_is_a_conflict_and_the_first_stands(isfahan: tuple[Device, str]):
    device, secret = isfahan
    item = event_item(device, 1, text="نخست")
    post(secret, {"events": [item]})
    answer = post(secret, {"events": [{**item, "text": "دیگر"}]}).json()["events"][0]
    assert answer["result"] == "conflict"
    assert answer["permanent"] is True
    assert DeviceEvent.objects.get(device=device).text == "نخست"


def test_a_sequence_used_by_another_event_is_a_conflict(isfahan: tuple[Device, str]):
    device, secret = isfahan
    post(secret, {"events": [event_item(device, 7)]})
    answer = post(secret, {"events": [event_item(device, 7)]}).json()["events"][0]
    assert answer["result"] == "conflict"
    assert answer["code"] == "sequence_taken"
    assert DeviceEvent.objects.filter(device=device).count() == 1


def test_one_bad_item_does_not_block_the_others(isfahan: tuple[Device, str]):
    device, secret = isfahan
    good = event_item(device, 1)
    bad = event_item(device, 2, kind="explosion")
    answers = post(secret, {"events": [good, bad]}).json()["events"]
    assert [a["result"] for a in answers] == ["created", "refused"]
    assert answers[1]["code"] == "bad_kind"
    assert answers[1]["message"]
    assert DeviceEvent.objects.filter(device=device).count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"id": "not-a-uuid"}, "bad_id"),
        ({"time": "yesterday"}, "bad_time"),
        ({"time": "2026-01-01T10:00:00"}, "bad_time"),
        ({"sequence": 0}, "bad_sequence"),
        ({"sequence": "3"}, "bad_sequence"),
        ({"severity": "extreme"}, "bad_severity"),
        ({"text": "x" * 4001}, "bad_text"),
        ({"text": "a\x00b"}, "bad_text"),
        ({"device": "NO-SUCH"}, "unknown_device"),
        ({"kind": "status_changed"}, "bad_kind"),
    ],
)
def test_bad_event_items_are_refused_with_a_code(
    isfahan: tuple[Device, str], change: dict[str, Any], code: str
):
    device, secret = isfahan
    answer = post(secret, {"events": [{**event_item(device, 1), **change}]}).json()["events"][0]
    assert (answer["result"], answer["code"]) == ("refused", code)
    assert not DeviceEvent.objects.exists()


def test_a_time_beyond_the_skew_tolerance_is_refused(isfahan: tuple[Device, str], settings: Any):
    device, secret = isfahan
    ahead = (timezone.now() + timedelta(seconds=settings.RASAD_LIVE_SKEW_TOLERANCE_SECONDS + 120)).isoformat()
    answer = post(secret, {"events": [event_item(device, 1, time=ahead)]}).json()["events"][0]
    assert (answer["result"], answer["code"]) == ("refused", "future_time")


def test_clock_skew_is_recorded_from_the_batch_send_time(isfahan: tuple[Device, str]):
    device, secret = isfahan
    sent_at = (timezone.now() - timedelta(seconds=90)).isoformat()
    post(
        secret,
        {"sent_at": sent_at, "heartbeats": [heartbeat_item(device)], "events": [event_item(device, 1)]},
    )
    device.refresh_from_db()
    event = DeviceEvent.objects.get(device=device, kind="sensor_alarm")
    # The device clock runs 90 s behind the server: negative skew.
    assert device.clock_skew_seconds is not None
    assert -120 <= device.clock_skew_seconds <= -85
    assert event.clock_skew_seconds == device.clock_skew_seconds


@pytest.mark.parametrize(
    ("reading", "value"), [("battery", 101), ("link", -1), ("temperature", "hot"), ("storage", True)]
)
def test_bad_readings_are_refused(isfahan: tuple[Device, str], reading: str, value: Any):
    device, secret = isfahan
    answer = post(secret, {"heartbeats": [heartbeat_item(device, **{reading: value})]}).json()["heartbeats"][
        0
    ]
    assert (answer["result"], answer["code"]) == ("refused", "bad_reading")
    assert not Heartbeat.objects.exists()


def test_a_device_of_another_post_is_unknown_to_this_agent(cast: Cast, isfahan: tuple[Device, str]):
    _device, secret = isfahan
    kerman_device = make_device(cast, cast.kerman_post, serial="GS-KER-1")
    answer = post(secret, {"events": [event_item(kerman_device, 1)]}).json()["events"][0]
    assert (answer["result"], answer["code"]) == ("refused", "unknown_device")
    assert not DeviceEvent.objects.exists()


def test_a_retired_device_is_refused(cast: Cast, isfahan: tuple[Device, str]):
    device, secret = isfahan
    do_retire_device(device, acting_user=cast.root)
    answer = post(secret, {"events": [event_item(device, 1)]}).json()["events"][0]
    assert (answer["result"], answer["code"]) == ("refused", "device_retired")


def test_without_a_credential_or_with_a_revoked_or_a_persons_token_nothing_is_read(
    cast: Cast, isfahan: tuple[Device, str]
):
    device, secret = isfahan
    body = {"events": [event_item(device, 1)]}
    missing = post(None, body)
    assert missing.status_code == 401
    assert post("rpa_forged", body).status_code == 401
    _token, user_secret = do_create_api_token(cast.root, acting_user=cast.root, name="x")
    assert post(user_secret, body).status_code == 401
    credential = device.organization.agent_credentials.get()
    do_revoke_credential(credential, acting_user=cast.root)
    revoked = post(secret, body)
    assert revoked.status_code == 401
    assert revoked.json()["error"]["message"]
    assert not DeviceEvent.objects.exists()


def test_the_agent_reads_nothing(isfahan: tuple[Device, str]):
    _device, secret = isfahan
    for url in ("/api/v1/live-events/", "/api/v1/live-devices/", "/api/v1/users/me/", "/api/v1/live-posts/"):
        assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401, url
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 405


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[]", 400, "malformed"),
        (b'{"events": {}}', 400, "malformed"),
        (b'{"sent_at": "soon", "events": []}', 400, "malformed"),
    ],
)
def test_malformed_batches_are_refused_whole(isfahan: tuple[Device, str], raw: bytes, status: int, code: str):
    _device, secret = isfahan
    answer = post(secret, None, raw=raw)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("language", "raw", "expected"),
    [
        # Python's words are English («Expecting value: line 2 column 9 (char 19)»): the place
        # in the agent's language and digits, Persian by default.
        ("fa", b'{"events":\n [1, 2, , 3]}', ["سطر ۲", "ستون ۹"]),
        ("en", b'{"events":\n [1, 2, , 3]}', ["line 2, column 9"]),
        ("fa", b'{"events": ["\xff"]}', ["UTF-8"]),
        ("fa", b"[" * 100_000, ["تودرتو"]),
    ],
)
def test_a_body_that_is_not_json_is_named_in_the_agents_language(
    isfahan: tuple[Device, str], language: str, raw: bytes, expected: list[str]
):
    _device, secret = isfahan
    answer = Client().post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "malformed_json"
    for part in expected:
        assert part in error["message"], error["message"]
    assert not re.search("Expecting|char|codec|byte|position", error["message"]), error["message"]
    if language == "fa":
        assert not re.search("[0-9]", error["message"].replace("UTF-8", "")), error["message"]
    assert not DeviceEvent.objects.exists()


def test_a_batch_over_the_size_limit_is_refused(isfahan: tuple[Device, str], settings: Any):
    device, secret = isfahan
    settings.RASAD_LIVE_MAX_BATCH_BYTES = 2048
    body = {"events": [event_item(device, n, text="متن " * 100) for n in range(1, 10)]}
    answer = post(secret, body)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    assert not DeviceEvent.objects.exists()


def test_a_batch_with_too_many_items_is_refused(isfahan: tuple[Device, str], settings: Any):
    device, secret = isfahan
    settings.RASAD_LIVE_MAX_BATCH_ITEMS = 3
    body = {"heartbeats": [heartbeat_item(device) for _ in range(4)]}
    assert post(secret, body).status_code == 413
    assert not Heartbeat.objects.exists()


def test_heartbeats_bring_a_device_online_and_the_change_is_an_event(isfahan: tuple[Device, str]):
    device, secret = isfahan
    assert device.status == Status.UNKNOWN
    post(secret, {"heartbeats": [heartbeat_item(device, battery=88, link=64)]})
    device.refresh_from_db()
    assert device.status == Status.ONLINE
    assert (device.battery_percent, device.link_quality) == (88.0, 64.0)
    change = DeviceEvent.objects.get(device=device, kind="status_changed")
    assert change.data == {"old": "unknown", "new": "online"}


def test_an_old_heartbeat_sent_late_does_not_replace_newer_readings(isfahan: tuple[Device, str]):
    device, secret = isfahan
    now = timezone.now()
    post(secret, {"heartbeats": [heartbeat_item(device, battery=50, time=now.isoformat())]})
    post(
        secret,
        {"heartbeats": [heartbeat_item(device, battery=95, time=(now - timedelta(hours=1)).isoformat())]},
    )
    device.refresh_from_db()
    assert device.battery_percent == 50.0
    assert Heartbeat.objects.filter(device=device).count() == 2


def test_an_event_is_pushed_only_for_its_post(
    isfahan: tuple[Device, str], django_capture_on_commit_callbacks: Any
):
    device, secret = isfahan
    pushed: list[Any] = []
    unsubscribe = bus.subscribe_local(pushed.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post(secret, {"events": [event_item(device, 1, severity="high")]})
    finally:
        unsubscribe()
    live = [(e["kind"], e["organization_ids"]) for e in pushed if e["kind"].startswith("live.")]
    assert live == [("live.event", [device.organization_id])]
    # The high-severity event also opened the post's incident case: that push is the case's,
    # addressed to its reporter (the post) and its owner (the post's parent), like any case.
    cases = [sorted(e["organization_ids"]) for e in pushed if e["kind"] == "case.opened"]
    parent = device.organization.parent
    assert parent is not None
    assert cases == [sorted([parent.pk, device.organization_id])]
    assert pushed[0]["payload"]["severity"] == "high"


def test_an_item_repeated_inside_one_batch_is_recorded_once(isfahan: tuple[Device, str]):
    device, secret = isfahan
    item = event_item(device, 1)
    answers = post(secret, {"events": [item, item]}).json()["events"]
    assert [a["result"] for a in answers] == ["created", "duplicate"]
    assert DeviceEvent.objects.count() == 1


def test_ids_are_unique_across_devices(cast: Cast, isfahan: tuple[Device, str]):
    device, secret = isfahan
    other = make_device(cast, cast.isfahan_post, serial="GS-ISF-2")
    item = event_item(device, 1, id=uuid.uuid4())
    post(secret, {"events": [item]})
    answer = post(secret, {"events": [{**item, "device": other.serial}]}).json()["events"][0]
    assert answer["result"] == "conflict"
