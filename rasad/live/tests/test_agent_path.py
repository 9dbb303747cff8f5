"""The agents' short path (``rasad.live.api.agents``) answers as the whole stack and as DRF's view
do: for every bad input of issue 17 the same status, the same JSON (but the request id), and the
same headers that matter for a JSON API; a revoked credential is refused even when the process
knew it; the WSGI dispatch sends only an agent's POST to the short path."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.utils import timezone

from rasad.live.actions import do_revoke_credential
from rasad.live.api.agents import AgentDispatch, AgentHandler
from rasad.live.api.views import IngestView
from rasad.live.models import Device, DeviceEvent
from rasad.live.testing import event_item, make_credential, make_device
from rasad.testing.cast import Cast

URL = "/api/v1/live/ingest/"
# The headers of an API answer that a client or a browser acts on.
HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Content-Language",
    "Content-Security-Policy",
    "Referrer-Policy",
    "Retry-After",
    "WWW-Authenticate",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


class _ShortHandler(ClientHandler):
    """The test client's handler with ``AgentHandler``'s middleware (what the server runs)."""

    load_middleware = AgentHandler.load_middleware


class ShortClient(Client):
    def __init__(self) -> None:
        super().__init__()
        self.handler = _ShortHandler(enforce_csrf_checks=False)


def _request(secret: str | None, raw: bytes) -> dict[str, Any]:
    headers: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "fa"}
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return {"path": URL, "data": raw, "content_type": "application/json", **headers}


def _steady(body: Any) -> Any:
    """The answer without what differs between two requests sent a moment apart: how many
    seconds ahead of the server's clock a future time was when each was read."""
    for item in body.get("events", []) if isinstance(body, dict) else []:
        if item.get("code") == "future_time":
            item["message"] = re.sub(r"\d+ ", "N ", item["message"], count=1)
    return body


def _seen(response: Any) -> tuple[int, Any, dict[str, str]]:
    body = _steady(json.loads(response.content))
    if "error" in body:
        assert body["error"].pop("request_id")
    return response.status_code, body, {name: response.get(name, "") for name in HEADERS}


def _drf(secret: str | None, raw: bytes) -> tuple[int, Any, str]:
    """DRF's view alone (no middleware): the answer before the short path existed."""
    request = RequestFactory().post(**_request(secret, raw))
    response = IngestView.as_view()(request)
    if hasattr(response, "render"):  # DRF's Response (its errors); the answer itself is plain
        response.render()
    body = _steady(json.loads(response.content))
    if "error" in body:
        body["error"].pop("request_id")
    return response.status_code, body, response.get("WWW-Authenticate", "")


@pytest.fixture
def agent(cast: Cast) -> tuple[Device, str]:
    device = make_device(cast, cast.isfahan_post, serial="GS-ISF-9")
    _credential, secret = make_credential(cast, cast.isfahan_post)
    return device, secret


def _batch(*items: dict[str, Any]) -> bytes:
    return json.dumps({"events": list(items)}).encode()


def _revoked(cast: Cast, device: Device, secret: str) -> tuple[str | None, bytes]:
    do_revoke_credential(device.organization.agent_credentials.get(), acting_user=cast.root)
    return secret, _batch(event_item(device, 1))


CASES: dict[str, Callable[[Cast, Device, str, Any], tuple[str | None, bytes]]] = {
    "a device of another post": lambda cast, device, secret, settings: (
        secret,
        _batch(event_item(make_device(cast, cast.kerman_post, serial="GS-KER-9"), 1)),
    ),
    "an unknown device": lambda cast, device, secret, settings: (
        secret,
        _batch({**event_item(device, 1), "device": "NO-SUCH"}),
    ),
    "a time beyond the skew tolerance": lambda cast, device, secret, settings: (
        secret,
        _batch(
            event_item(
                device,
                1,
                time=(
                    timezone.now() + timedelta(seconds=settings.RASAD_LIVE_SKEW_TOLERANCE_SECONDS + 600)
                ).isoformat(),
            )
        ),
    ),
    "a payload over the size limit": lambda cast, device, secret, settings: (
        secret,
        _batch(*(event_item(device, n, text="متن " * 200) for n in range(1, 200))),
    ),
    "a revoked credential": lambda cast, device, secret, settings: _revoked(cast, device, secret),
    "no credential": lambda cast, device, secret, settings: (None, _batch(event_item(device, 1))),
    "a forged credential": lambda cast, device, secret, settings: (
        "rpa_forged",
        _batch(event_item(device, 1)),
    ),
    "malformed JSON": lambda cast, device, secret, settings: (secret, b"{not json"),
    "not a batch": lambda cast, device, secret, settings: (secret, b"[]"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_short_path_answers_each_bad_input_as_the_whole_stack_and_drf(
    cast: Cast, agent: tuple[Device, str], settings: Any, case: str
):
    device, secret = agent
    sent_secret, raw = CASES[case](cast, device, secret, settings)
    short = _seen(ShortClient().post(**_request(sent_secret, raw)))
    whole = _seen(Client().post(**_request(sent_secret, raw)))
    assert short == whole
    status, body, headers = short
    assert status in {200, 400, 401, 413}
    assert (status, body, headers["WWW-Authenticate"]) == _drf(sent_secret, raw)
    assert headers["Cache-Control"] == "no-store, private"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Language"] == "fa"
    if status == 200:
        assert [item["result"] for item in body["events"]] == ["refused"]
    else:
        assert body["error"]["code"] and body["error"]["message"]
    assert not DeviceEvent.objects.exists()


def test_a_credential_revoked_after_the_process_knew_it_writes_nothing(cast: Cast, agent: tuple[Device, str]):
    device, secret = agent
    client = ShortClient()
    assert client.post(**_request(secret, _batch(event_item(device, 1)))).status_code == 200
    do_revoke_credential(device.organization.agent_credentials.get(), acting_user=cast.root)
    refused = client.post(**_request(secret, _batch(event_item(device, 2))))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert list(
        DeviceEvent.objects.filter(device=device, kind="sensor_alarm").values_list("sequence", flat=True)
    ) == [1]


def test_an_accepted_batch_gets_the_same_answer_on_both_paths(agent: tuple[Device, str]):
    device, secret = agent
    raw = _batch(event_item(device, 1))
    first = ShortClient().post(**_request(secret, raw))
    again = Client().post(**_request(secret, raw))
    assert first.json()["events"][0]["result"] == "created"
    assert again.json()["events"][0] == {**first.json()["events"][0], "result": "duplicate"}
    assert first["X-Request-ID"] and first["X-Request-ID"] != again["X-Request-ID"]


def test_the_dispatch_sends_only_an_agents_post_to_the_short_path(monkeypatch: pytest.MonkeyPatch):
    seen: list[str] = []

    def app(name: str) -> Callable[..., list[bytes]]:
        def answer(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            seen.append(name)
            return [b""]

        return answer

    dispatch = AgentDispatch(app("django"))
    monkeypatch.setattr(dispatch, "agents", app("agents"))
    for method, path in [("POST", URL), ("GET", URL), ("POST", "/api/v1/live-devices/"), ("POST", URL + "x")]:
        dispatch({"REQUEST_METHOD": method, "PATH_INFO": path}, lambda *args: None)
    assert seen == ["agents", "django", "django", "django"]
