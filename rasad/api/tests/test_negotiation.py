"""The API's content negotiation (``rasad.api.negotiation``): DRF's answers, kept per ``Accept``
header, format and renderers; refusals never kept; the kept answers bounded."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient

from rasad.api import negotiation
from rasad.api.negotiation import ContentNegotiation
from rasad.core.actions.tokens import do_create_api_token
from rasad.testing.cast import Cast

HEADERS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html, application/json;q=0.9",
    "application/*",
    "text/html;q=0.5, */*;q=0.1",
]


def _request(accept: str | None, query: str = "") -> Request:
    extra: dict[str, Any] = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(RequestFactory().get(f"/api/v1/cases/{query}", **extra))


@pytest.mark.parametrize("renderer_classes", [(JSONRenderer,), (JSONRenderer, BrowsableAPIRenderer)])
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
def test_the_kept_answers_are_drfs(renderer_classes: tuple[type, ...], query: str):
    ours, drfs = ContentNegotiation(), DefaultContentNegotiation()
    for accept in HEADERS:
        for _again in range(2):  # the second answer is the kept one
            renderers = [renderer() for renderer in renderer_classes]
            try:
                expected = drfs.select_renderer(_request(accept, query), renderers)
            except (exceptions.NotAcceptable, Http404) as refusal:
                with pytest.raises(type(refusal)):
                    ours.select_renderer(_request(accept, query), renderers)
                continue
            renderer, media_type = ours.select_renderer(_request(accept, query), renderers)
            assert renderer is expected[0] and media_type == expected[1]


def test_refusals_are_not_kept_and_the_answers_are_bounded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(negotiation, "_answers", {})
    ours = ContentNegotiation()
    for _again in range(2):
        with pytest.raises(exceptions.NotAcceptable):
            ours.select_renderer(_request("text/html"), [JSONRenderer()])
        with pytest.raises(Http404):
            ours.select_renderer(_request(None, "?format=xml"), [JSONRenderer()])
    assert negotiation._answers == {}
    for index in range(negotiation.KEPT + 10):
        ours.select_renderer(_request(f"application/json; n={index}"), [JSONRenderer()])
        assert len(negotiation._answers) <= negotiation.KEPT
    long = "application/json, " + "x/y, " * negotiation.KEPT_HEADER
    assert ours.select_renderer(_request(long), [JSONRenderer()])[1] == "application/json"
    assert all(len(key[1] or "") <= negotiation.KEPT_HEADER for key in negotiation._answers)


def test_an_api_answer_follows_each_requests_accept(cast: Cast):
    secret = do_create_api_token(cast.alice, acting_user=cast.alice, name="accept")[1]
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for _again in range(2):
        indented = client.get("/api/v1/users/me/", HTTP_ACCEPT="application/json; indent=4")
        assert indented.status_code == 200
        assert indented.content.startswith(b'{\n    "')
        compact = client.get("/api/v1/users/me/", HTTP_ACCEPT="application/json")
        assert compact.content.startswith(b'{"')
        refused = client.get("/api/v1/users/me/", HTTP_ACCEPT="text/html")
        assert refused.status_code == 406
        assert refused.json()["error"]["code"] == "not_acceptable"
