"""The comms API as a client uses it: writing, reading (content only in the detail), receipts,
acknowledgments, a case from a message, attachments, peers and refusals with their reasons."""

from __future__ import annotations

import base64

from rasad.comms.models import Message, Receipt
from rasad.comms.testing import RemoteCentre
from rasad.comms.tests.world import World
from rasad.conftest import client_for
from rasad.testing.api import assert_nothing_changed


def send(world: World, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "sender": "ISF-CC",
        "recipients": ["KER-CC"],
        "subject": "گزارش مرزی",
        "text": "متن گزارش",
    }
    body.update(changes)
    response = client_for(world.cast.alice).post("/api/v1/comms-messages/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def test_sent_message_returns_the_senders_readable_copy(world: World) -> None:
    sent = send(world, priority="urgent", requires_ack=True)
    assert sent["direction"] == "out"
    assert sent["priority"] == "urgent"
    assert sent["content"]["subject"] == "گزارش مرزی"  # type: ignore[index]


def test_list_carries_no_content_and_detail_does(world: World) -> None:
    send(world)
    bob = client_for(world.cast.bob)
    listed = bob.get("/api/v1/comms-messages/").json()["results"]
    assert len(listed) == 1
    assert "content" not in listed[0]
    detail = bob.get(f"/api/v1/comms-messages/{listed[0]['id']}/").json()
    assert detail["content"]["text"] == "متن گزارش"
    assert detail["read_at"] is None  # reading the detail does not mark it read


def test_read_action_marks_read_and_sends_a_receipt(world: World) -> None:
    send(world)
    message = Message.objects.get(centre=world.kerman)
    response = client_for(world.cast.bob).post(f"/api/v1/comms-messages/{message.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert Receipt.objects.get().centre.code == "KER-CC"


def test_acknowledge_and_open_case_through_the_api(world: World) -> None:
    send(world, requires_ack=True)
    message = Message.objects.get(centre=world.kerman)
    bob = client_for(world.cast.bob)
    assert (
        bob.post(f"/api/v1/comms-messages/{message.pk}/acknowledge/", {"note": "انجام شد"}).status_code == 200
    )
    response = bob.post(
        f"/api/v1/comms-messages/{message.pk}/open-case/",
        {"kind": "challenge", "category": "border"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["case"].startswith("CH-")


def test_attachment_download(world: World) -> None:
    data = "گزارش پاسگاه".encode()
    send(
        world,
        attachments=[
            {"name": "report.txt", "content_type": "text/plain", "content": base64.b64encode(data).decode()}
        ],
    )
    message = Message.objects.get(centre=world.kerman)
    response = client_for(world.cast.bob).get(f"/api/v1/comms-messages/{message.pk}/attachments/0/")
    assert response.status_code == 200
    assert response.content == data
    assert "report.txt" in response["Content-Disposition"]
    missing = client_for(world.cast.bob).get(f"/api/v1/comms-messages/{message.pk}/attachments/5/")
    assert missing.status_code == 400


def test_unpinned_recipient_is_refused_naming_the_reason(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    client_for(world.cast.root).post(
        "/api/v1/comms-peers/", {"local_centre": "ISF-CC", "bundle": yazd.bundle().to_dict()}, format="json"
    )
    with assert_nothing_changed("comms.message", "comms.envelope", "comms.delivery"):
        response = client_for(world.cast.alice).post(
            "/api/v1/comms-messages/",
            {"sender": "ISF-CC", "recipients": ["YZD-CC"], "subject": "سلام", "text": ""},
            format="json",
        )
    assert response.status_code == 400
    assert "recipients" in response.json()["error"]["fields"]


def test_unknown_recipient_code_is_refused(world: World) -> None:
    response = client_for(world.cast.alice).post(
        "/api/v1/comms-messages/",
        {"sender": "ISF-CC", "recipients": ["NOWHERE"], "subject": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "recipients" in response.json()["error"]["fields"]


def test_peer_registered_and_confirmed_through_the_api(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    root = client_for(world.cast.root)
    created = root.post(
        "/api/v1/comms-peers/", {"local_centre": "ISF-CC", "bundle": yazd.bundle().to_dict()}, format="json"
    )
    assert created.status_code == 201
    peer = created.json()
    assert peer["status"] == "pending"
    assert peer["fingerprint"] == yazd.fingerprint_digits
    wrong = root.post(f"/api/v1/comms-peers/{peer['id']}/confirm/", {"fingerprint_digits": "12345"})
    assert wrong.status_code == 400
    confirmed = root.post(
        f"/api/v1/comms-peers/{peer['id']}/confirm/", {"fingerprint_digits": yazd.fingerprint_digits}
    )
    assert confirmed.json()["status"] == "pinned"


def test_confirming_needs_the_confirm_right(world: World) -> None:
    yazd = RemoteCentre("YZD-CC", "یزد", "https://yazd.example/")
    root = client_for(world.cast.root)
    peer = root.post(
        "/api/v1/comms-peers/", {"local_centre": "ISF-CC", "bundle": yazd.bundle().to_dict()}, format="json"
    ).json()
    with assert_nothing_changed("comms.peer"):
        response = client_for(world.cast.alice).post(
            f"/api/v1/comms-peers/{peer['id']}/confirm/", {"fingerprint_digits": yazd.fingerprint_digits}
        )
    assert response.status_code == 404


def test_centre_shows_its_fingerprint_and_keys(world: World) -> None:
    centre = client_for(world.cast.alice).get(f"/api/v1/comms-centres/{world.isfahan.pk}/").json()
    assert len(centre["fingerprint"]) == 35
    assert len(centre["fingerprint_words"]) == 12
    assert {key["purpose"] for key in centre["keys"]} == {"sign", "encrypt"}


def test_rotating_keys_needs_the_key_right(world: World) -> None:
    assert (
        client_for(world.cast.alice).post(f"/api/v1/comms-centres/{world.isfahan.pk}/rotate/").status_code
        == 404
    )
    response = client_for(world.cast.root).post(f"/api/v1/comms-centres/{world.isfahan.pk}/rotate/")
    assert response.status_code == 200
    assert [key["state"] for key in response.json()["keys"]].count("active") == 2
