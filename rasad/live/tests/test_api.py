"""The people's side of the live API: devices, events, credentials and post status, each seen
only within scope (Isfahan and Kerman never see each other's posts or events)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role, User
from rasad.live.choices import Status
from rasad.live.models import AgentCredential, Device, DeviceEvent
from rasad.live.tasks import sweep
from rasad.live.testing import event_item, heartbeat_item, make_credential, make_device, send
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    isf = make_device(cast, cast.isfahan_post, serial="CAM-ISF")
    ker = make_device(cast, cast.kerman_post, serial="CAM-KER")
    isf_cred, _ = make_credential(cast, cast.isfahan_post)
    ker_cred, _ = make_credential(cast, cast.kerman_post)
    send(isf_cred, {"heartbeats": [heartbeat_item(isf)], "events": [event_item(isf, 1, text="اصفهان")]})
    send(ker_cred, {"heartbeats": [heartbeat_item(ker)], "events": [event_item(ker, 1, text="کرمان")]})
    return {"isf": isf, "ker": ker, "isf_cred": isf_cred, "ker_cred": ker_cred}


def admin_of(cast: Cast, organization: Any, username: str) -> User:
    user = do_create_user(username, acting_user=None, password=None, organization=organization)
    do_grant_role(user, Role.objects.get(slug="administrator"), acting_user=None, organization=organization)
    return user


def test_each_province_sees_only_its_own_devices_and_events(cast: Cast, world: dict[str, Any]):
    alice, bob = client_for(cast.alice), client_for(cast.bob)
    assert [d["serial"] for d in alice.get("/api/v1/live-devices/").json()["results"]] == ["CAM-ISF"]
    assert [d["serial"] for d in bob.get("/api/v1/live-devices/").json()["results"]] == ["CAM-KER"]
    alice_events = alice.get("/api/v1/live-events/").json()["results"]
    assert {e["organization"] for e in alice_events} == {cast.isfahan_post.code}
    assert "کرمان" not in {e["text"] for e in alice_events}
    kerman_event = DeviceEvent.objects.filter(device=world["ker"])[0]
    assert alice.get(f"/api/v1/live-events/{kerman_event.pk}/").status_code == 404
    assert alice.get(f"/api/v1/live-devices/{world['ker'].pk}/").status_code == 404


def test_post_status_lists_only_visible_posts(cast: Cast, world: dict[str, Any]):
    rows = client_for(cast.alice).get("/api/v1/live-posts/").json()
    assert [(r["code"], r["status"]) for r in rows] == [(cast.isfahan_post.code, "online")]
    assert rows[0]["devices"]["online"] == 1
    nadia = {r["code"] for r in client_for(cast.nadia).get("/api/v1/live-posts/").json()}
    assert nadia == {cast.isfahan_post.code, cast.kerman_post.code}
    assert client_for(cast.charlie).get("/api/v1/live-posts/").json() == []


def test_events_after_a_stream_position(cast: Cast, world: dict[str, Any]):
    device, credential = world["isf"], world["isf_cred"]
    last = DeviceEvent.objects.filter(device=device).order_by("-id")[0]
    send(credential, {"events": [event_item(device, 2, text="تازه")]})
    rows = client_for(cast.alice).get(f"/api/v1/live-events/?after={last.pk}").json()["results"]
    assert [r["text"] for r in rows] == ["تازه"]


def test_an_analyst_registers_a_device_in_scope_only(cast: Cast):
    client = client_for(cast.alice)
    created = client.post(
        "/api/v1/live-devices/",
        {
            "organization": cast.isfahan_post.code,
            "kind": "thermal_camera",
            "serial": "TH-1",
            "heartbeat_interval": 30,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "unknown"
    with assert_nothing_changed("live.device"):
        refused = client.post(
            "/api/v1/live-devices/",
            {
                "organization": cast.kerman_post.code,
                "kind": "camera",
                "serial": "X-1",
                "heartbeat_interval": 30,
            },
            format="json",
        )
    assert refused.status_code == 400
    assert "organization" in refused.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "drone"}, "kind"),
        ({"serial": ""}, "serial"),
        ({"serial": "HAS SPACE"}, "serial"),
        ({"heartbeat_interval": 2}, "heartbeat_interval"),
        ({"organization": "ISF-CC"}, "organization"),
    ],
)
def test_bad_device_input_names_the_field(cast: Cast, change: dict[str, Any], field: str):
    body = {
        "organization": cast.isfahan_post.code,
        "kind": "camera",
        "serial": "C-9",
        "heartbeat_interval": 60,
    }
    with assert_nothing_changed("live.device"):
        answer = client_for(cast.alice).post("/api/v1/live-devices/", {**body, **change}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"], answer.json()


def test_a_serial_is_unique_at_its_post(cast: Cast, world: dict[str, Any]):
    body = {
        "organization": cast.isfahan_post.code,
        "kind": "camera",
        "serial": "CAM-ISF",
        "heartbeat_interval": 60,
    }
    answer = client_for(cast.alice).post("/api/v1/live-devices/", body, format="json")
    assert answer.status_code == 400
    assert "serial" in answer.json()["error"]["fields"]


def test_a_reporter_may_not_register_devices(cast: Cast):
    body = {
        "organization": cast.isfahan_post.code,
        "kind": "camera",
        "serial": "C-1",
        "heartbeat_interval": 60,
    }
    with assert_nothing_changed("live.device"):
        assert client_for(cast.ali).post("/api/v1/live-devices/", body, format="json").status_code == 403


def test_retire_and_change(cast: Cast, world: dict[str, Any]):
    client = client_for(cast.alice)
    device = world["isf"]
    changed = client.patch(f"/api/v1/live-devices/{device.pk}/", {"name": "دوربین برج"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["name"] == "دوربین برج"
    retired = client.post(f"/api/v1/live-devices/{device.pk}/retire/")
    assert retired.status_code == 200
    assert retired.json()["retired_at"] is not None
    assert client.post(f"/api/v1/live-devices/{device.pk}/retire/").status_code == 400
    assert client_for(cast.bob).post(f"/api/v1/live-devices/{world['ker'].pk}/retire/").status_code == 200
    assert client_for(cast.bob).post(f"/api/v1/live-devices/{device.pk}/retire/").status_code == 404


def test_only_an_administrator_issues_credentials_and_the_secret_is_shown_once(cast: Cast):
    body = {"organization": cast.isfahan_post.code, "name": "رله"}
    with assert_nothing_changed("live.agentcredential"):
        assert (
            client_for(cast.alice).post("/api/v1/live-credentials/", body, format="json").status_code == 403
        )
    admin = client_for(admin_of(cast, cast.isfahan, "isf-admin"))
    issued = admin.post("/api/v1/live-credentials/", body, format="json")
    assert issued.status_code == 201
    secret = issued.json()["secret"]
    assert secret.startswith("rpa_")
    credential = AgentCredential.objects.get(pk=issued.json()["id"])
    assert secret not in credential.key_hash
    shown = admin.get(f"/api/v1/live-credentials/{credential.pk}/").json()
    assert "secret" not in shown
    assert admin.post(f"/api/v1/live-credentials/{credential.pk}/revoke/").json()["revoked_at"]
    kerman_admin = client_for(admin_of(cast, cast.kerman, "ker-admin"))
    assert kerman_admin.get(f"/api/v1/live-credentials/{credential.pk}/").status_code == 404


def test_a_credential_belongs_to_a_field_post(cast: Cast):
    admin = client_for(admin_of(cast, cast.isfahan, "isf-admin"))
    answer = admin.post(
        "/api/v1/live-credentials/", {"organization": cast.isfahan.code, "name": "x"}, format="json"
    )
    assert answer.status_code == 400
    assert "organization" in answer.json()["error"]["fields"]


def test_the_sweep_marks_a_silent_device_offline_once(cast: Cast, world: dict[str, Any]):
    device = world["isf"]
    later = timezone.now() + timedelta(seconds=device.heartbeat_interval * 3 + 5)
    assert sweep(later) == 2  # Isfahan's device and Kerman's
    assert sweep(later) == 0
    device.refresh_from_db()
    assert device.status == Status.OFFLINE
    change = DeviceEvent.objects.filter(device=device, kind="status_changed").order_by("-id")[0]
    assert change.data == {"old": "online", "new": "offline"}
    rows = client_for(cast.alice).get("/api/v1/live-posts/").json()
    assert rows[0]["status"] == "offline"
    # The Kerman device went silent too, but Isfahan's reader does not learn of it.
    assert {r["code"] for r in rows} == {cast.isfahan_post.code}


def test_a_late_device_is_degraded_before_it_is_offline(cast: Cast, world: dict[str, Any]):
    device = Device.objects.get(pk=world["isf"].pk)
    sweep(timezone.now() + timedelta(seconds=device.heartbeat_interval * 2))
    device.refresh_from_db()
    assert device.status == Status.DEGRADED
