"""Review 19: an agent's item timed at the far ends of the calendar (year 1 at +14:00, whose UTC
moment is before year 1; year 9999) is answered as any bad time is (refused, ``bad_time`` or
``future_time``), and what was stored still reads back: the device's events list answers 200.
The input boundary's date rule (``rasad.lib.boundary``) holds for every door, the agents' too."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rasad.conftest import client_for
from rasad.live.testing import event_item, make_credential, make_device
from rasad.testing.cast import Cast

URL = "/api/v1/live/ingest/"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "1000-01-01T00:00:00+00:00"])
def test_an_event_timed_before_the_calendar_is_refused_and_the_list_reads(cast: Cast, moment: str):
    device = make_device(cast, cast.isfahan_post, serial="GS-ISF-9")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    body = {"heartbeats": [], "events": [event_item(device, 1, time=moment)]}
    response = Client().post(
        URL, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()["events"]
    listed = client_for(cast.root).get("/api/v1/live-events/")
    assert listed.status_code == 200, listed.content[:300]
    assert (answer["result"], answer.get("code")) == ("refused", "bad_time")
