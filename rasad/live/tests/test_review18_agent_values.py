"""An agent's batch with a reading no float holds (an integer of four hundred digits) or a time
that is written as one but is no date (the 30th of February) is answered as any bad item or
batch is: the item refused with its code, or the batch refused (400), never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rasad.live.models import Heartbeat
from rasad.live.testing import heartbeat_item, make_credential, make_device
from rasad.testing.cast import Cast

URL = "/api/v1/live/ingest/"
NO_DAY = "2026-02-30T10:00:00+00:00"


@pytest.fixture
def sent(cast: Cast) -> tuple[dict[str, Any], str]:
    device = make_device(cast, cast.isfahan_post, serial="GS-ISF-1")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    return {"heartbeats": [heartbeat_item(device)], "events": []}, secret


def _post(raw: str, secret: str) -> Any:  # the test client's response (its type is in the stubs only)
    return Client().post(
        URL, data=raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def test_a_reading_past_the_largest_float_is_refused(sent: tuple[dict[str, Any], str]):
    body, secret = sent
    raw = json.dumps(body).replace('"battery": 90', '"battery": 1' + "0" * 400)
    response = _post(raw, secret)
    assert response.status_code == 200
    [answer] = response.json()["heartbeats"]
    assert (answer["result"], answer["code"]) == ("refused", "bad_reading")
    assert not Heartbeat.objects.exists()


def test_an_items_time_that_is_no_date_is_refused(sent: tuple[dict[str, Any], str]):
    body, secret = sent
    body["heartbeats"][0]["time"] = NO_DAY
    response = _post(json.dumps(body), secret)
    assert response.status_code == 200
    [answer] = response.json()["heartbeats"]
    assert (answer["result"], answer["code"]) == ("refused", "bad_time")
    assert not Heartbeat.objects.exists()


def test_a_batchs_sending_time_that_is_no_date_refuses_the_batch(sent: tuple[dict[str, Any], str]):
    body, secret = sent
    response = _post(json.dumps({**body, "sent_at": NO_DAY}), secret)
    assert response.status_code == 400
    assert not Heartbeat.objects.exists()
