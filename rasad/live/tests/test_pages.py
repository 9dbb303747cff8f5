"""The live pages: the command view, a post's page and its forms, in Persian, within scope."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role
from rasad.live.models import AgentCredential, Device
from rasad.live.testing import event_item, heartbeat_item, make_credential, make_device, send
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    isf = make_device(cast, cast.isfahan_post, serial="CAM-ISF")
    ker = make_device(cast, cast.kerman_post, serial="CAM-KER")
    isf_cred, _ = make_credential(cast, cast.isfahan_post)
    ker_cred, _ = make_credential(cast, cast.kerman_post)
    send(
        isf_cred,
        {"heartbeats": [heartbeat_item(isf)], "events": [event_item(isf, 1, text="ردپای خودرو اصفهان")]},
    )
    send(
        ker_cred,
        {"heartbeats": [heartbeat_item(ker)], "events": [event_item(ker, 1, text="ردپای خودرو کرمان")]},
    )
    return {"isf": isf, "ker": ker}


def test_the_command_view_shows_only_the_readers_posts_and_events(cast: Cast, world: dict[str, Any]):
    page = signed_in_client(cast.alice).get("/live/").content.decode()
    assert cast.isfahan_post.name in page
    assert "ردپای خودرو اصفهان" in page
    assert cast.kerman_post.name not in page
    assert "ردپای خودرو کرمان" not in page
    assert "برخط" in page  # Online, in Persian


def test_the_incidents_come_before_the_map_and_the_posts_in_the_page(cast: Cast, world: dict[str, Any]):
    """What needs action first: a phone shows the page in this order (a wide screen puts the
    incidents beside the map, ``order-lg-last``)."""
    page = signed_in_client(cast.alice).get("/live/").content.decode()
    order = [page.index(f'data-testid="{name}"') for name in ("incidents", "feed", "map", "post-table")]
    assert order == sorted(order)


def test_the_map_points_carry_status_colours_within_scope(cast: Cast, world: dict[str, Any]):
    points = signed_in_client(cast.bob).get("/live/posts.geojson").json()["features"]
    assert [p["properties"]["id"] for p in points] == [cast.kerman_post.pk]
    assert points[0]["properties"]["status"] == "online"
    assert points[0]["properties"]["colour"].startswith("#")


def test_a_post_page_is_refused_outside_scope(cast: Cast, world: dict[str, Any]):
    assert signed_in_client(cast.bob).get(f"/live/posts/{cast.isfahan_post.pk}/").status_code == 404
    assert signed_in_client(cast.alice).get(f"/live/posts/{cast.isfahan.pk}/").status_code == 404
    page = signed_in_client(cast.alice).get(f"/live/posts/{cast.isfahan_post.pk}/").content.decode()
    assert "CAM-ISF" in page


def test_registering_a_device_from_the_post_page(cast: Cast):
    client = signed_in_client(cast.alice)
    url = f"/live/posts/{cast.isfahan_post.pk}/devices/new/"
    answer = client.post(
        url, {"kind": "radio", "serial": "RD-7", "name": "بی‌سیم", "heartbeat_interval": "120"}
    )
    assert answer.status_code == 302
    assert Device.objects.get(serial="RD-7").heartbeat_interval == 120
    bad = client.post(url, {"kind": "radio", "serial": "RD-7", "heartbeat_interval": "120"})
    assert bad.status_code == 200
    assert re.search(r'data-field-error="serial"', bad.content.decode())
    assert signed_in_client(cast.bob).get(url).status_code == 404
    assert signed_in_client(cast.ali).get(url).status_code == 404


def test_issuing_a_credential_shows_the_secret_once(cast: Cast):
    admin = do_create_user("isf-admin", acting_user=None, password=None, organization=cast.isfahan)
    do_grant_role(admin, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan)
    client = signed_in_client(admin)
    answer = client.post(f"/live/posts/{cast.isfahan_post.pk}/credentials/new/", {"name": "رلهٔ پاسگاه"})
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    found = re.search(r"(rpa_[\w-]+)", answer.content.decode())
    assert found is not None
    secret = found.group(1)
    credential = AgentCredential.objects.get()
    page = client.get(f"/live/posts/{cast.isfahan_post.pk}/").content.decode()
    assert secret not in page
    assert credential.prefix in page
    assert (
        signed_in_client(cast.alice).get(f"/live/posts/{cast.isfahan_post.pk}/credentials/new/").status_code
        == 404
    )
    client.post(f"/live/credentials/{credential.pk}/revoke/")
    credential.refresh_from_db()
    assert credential.revoked_at is not None


def test_retiring_a_device_from_the_post_page(cast: Cast, world: dict[str, Any]):
    device = world["isf"]
    assert signed_in_client(cast.bob).post(f"/live/devices/{device.pk}/retire/").status_code == 404
    signed_in_client(cast.alice).post(f"/live/devices/{device.pk}/retire/")
    device.refresh_from_db()
    assert device.retired_at is not None


def test_the_menu_entry_follows_the_permission(cast: Cast):
    assert 'href="/live/"' in signed_in_client(cast.alice).get("/").content.decode()
    assert 'href="/live/"' not in signed_in_client(cast.charlie).get("/").content.decode()


def test_retiring_asks_first(cast: Cast, world: dict[str, Any]):
    device = world["isf"]
    page = signed_in_client(cast.alice).get(f"/live/devices/{device.pk}/retire/")
    assert page.status_code == 200
    assert "این دستگاه از خدمت خارج شود؟" in page.content.decode()
    device.refresh_from_db()
    assert device.retired_at is None
