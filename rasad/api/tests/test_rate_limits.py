"""API rate limits per credential and per client address, answered 429 with Retry-After in the
error shape; the address is the client's behind a trusted reverse proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from rasad.core.actions.tokens import do_create_api_token
from rasad.lib.addresses import parse_networks
from rasad.testing.cast import Cast

ORGS = "/api/v1/organizations/"


def bearer(secret: str, address: str = "198.51.100.7", forwarded: str | None = None) -> dict[str, Any]:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return headers


@pytest.fixture
def secrets(cast: Cast) -> tuple[str, str]:
    return (
        do_create_api_token(cast.alice, acting_user=cast.alice, name="one")[1],
        do_create_api_token(cast.bob, acting_user=cast.bob, name="two")[1],
    )


@override_settings(API_RATE_PER_TOKEN=3)
def test_a_token_past_its_limit_gets_429_with_retry_after(secrets: tuple[str, str], api: APIClient):
    for _ in range(3):
        assert api.get(ORGS, **bearer(secrets[0])).status_code == 200
    refused = api.get(ORGS, **bearer(secrets[0]))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["request_id"] == refused["X-Request-ID"]
    # Another token from the same address is not affected.
    assert api.get(ORGS, **bearer(secrets[1])).status_code == 200


@override_settings(API_RATE_PER_ADDRESS=4)
def test_an_address_past_its_limit_gets_429_whatever_the_token(secrets: tuple[str, str], api: APIClient):
    for index in range(4):
        assert api.get(ORGS, **bearer(secrets[index % 2])).status_code == 200
    assert api.get(ORGS, **bearer(secrets[1])).status_code == 429
    assert api.get(ORGS, **bearer(secrets[1], address="203.0.113.50")).status_code == 200


@override_settings(API_RATE_PER_ADDRESS=3)
def test_guessing_tokens_is_limited_per_address(cast: Cast, api: APIClient):
    for attempt in range(3):
        assert api.get(ORGS, **bearer(f"rsd_guess{attempt}")).status_code == 401
    assert api.get(ORGS, **bearer("rsd_guess-again")).status_code == 429


@override_settings(API_RATE_PER_ADDRESS=3, TRUSTED_PROXY_NETWORKS=parse_networks(["10.0.0.1"]))
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(secrets: tuple[str, str], api: APIClient):
    for _ in range(3):
        assert api.get(ORGS, **bearer(secrets[0], "10.0.0.1", "198.51.100.7")).status_code == 200
    assert api.get(ORGS, **bearer(secrets[0], "10.0.0.1", "198.51.100.7")).status_code == 429
    assert api.get(ORGS, **bearer(secrets[1], "10.0.0.1", "203.0.113.50")).status_code == 200


@override_settings(API_RATE_PER_ADDRESS=3)
def test_an_untrusted_peer_cannot_escape_the_limit_by_forging_its_address(
    secrets: tuple[str, str], api: APIClient
):
    for index in range(3):
        assert api.get(ORGS, **bearer(secrets[0], forwarded=f"192.0.2.{index}")).status_code == 200
    assert api.get(ORGS, **bearer(secrets[0], forwarded="192.0.2.99")).status_code == 429


@override_settings(API_RATE_PER_TOKEN=1, API_RATE_PER_ADDRESS=1)
def test_pages_are_not_counted_by_the_api_limits(cast: Cast):
    from django.test import Client

    client = Client()
    for _ in range(3):
        assert client.get("/login/").status_code == 200


@override_settings(API_RATE_PER_TOKEN=2)
def test_if_the_counters_are_unreachable_the_api_still_answers(
    monkeypatch: pytest.MonkeyPatch, secrets: tuple[str, str], api: APIClient
):
    from rasad.lib import counters

    def broken(key: str, window: int) -> counters.Count:
        raise ConnectionError("redis is away")

    monkeypatch.setattr(counters, "hit", broken)
    for _ in range(4):
        assert api.get(ORGS, **bearer(secrets[0])).status_code == 200
