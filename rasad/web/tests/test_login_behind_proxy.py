"""Sign-in throttling and the audit trail behind a reverse proxy: with the proxy trusted, one
person's bad passwords do not lock out everyone behind it, and the audit trail records the
client's address, not the proxy's."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent
from rasad.lib.addresses import parse_networks
from rasad.testing.cast import PASSWORD, Cast

PROXY = "10.0.0.1"
TRUSTED = parse_networks([PROXY])


def login(username: str, password: str, client_address: str) -> Client:
    client = Client()
    client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(LOGIN_FAILURE_LIMIT=2, TRUSTED_PROXY_NETWORKS=TRUSTED)
def test_with_the_proxy_trusted_a_guesser_blocks_only_themselves(cast: Cast):
    for username in ("alice", "bob", "nadia", "ali", "bahram", "charlie", "root", "alice", "bob"):
        login(username, "wrong", "203.0.113.9")  # past the per-address limit (4 × 2)
    assert not signed_in(login("alice", PASSWORD, "203.0.113.9"))
    assert signed_in(login("alice", PASSWORD, "198.51.100.7"))
    assert signed_in(login("bob", PASSWORD, "198.51.100.8"))


@override_settings(LOGIN_FAILURE_LIMIT=2, TRUSTED_PROXY_NETWORKS=())
def test_without_the_proxy_trusted_everyone_behind_it_shares_one_address(cast: Cast):
    # The failure this setting exists for: the proxy's address collects everyone's failures.
    for username in ("alice", "bob", "nadia", "ali", "bahram", "charlie", "root", "alice", "bob"):
        login(username, "wrong", "203.0.113.9")
    assert not signed_in(login("bob", PASSWORD, "198.51.100.8"))


@override_settings(TRUSTED_PROXY_NETWORKS=TRUSTED)
def test_the_audit_trail_records_the_client_address_behind_a_trusted_proxy(cast: Cast):
    login("alice", PASSWORD, "198.51.100.7")
    event = AuditEvent.objects.filter(event_type=CoreAuditEvent.LOGIN).latest("id")
    assert event.ip == "198.51.100.7"


def test_an_untrusted_peer_cannot_put_another_address_in_the_audit_trail(cast: Cast):
    login("alice", PASSWORD, "198.51.100.7")
    event = AuditEvent.objects.filter(event_type=CoreAuditEvent.LOGIN).latest("id")
    assert event.ip == PROXY


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_sign_in_is_refused_while_the_counters_are_unreachable(monkeypatch: pytest.MonkeyPatch, cast: Cast):
    from rasad.lib import counters

    def broken(key: str, window: int) -> counters.Count:
        raise ConnectionError("redis is away")

    monkeypatch.setattr(counters, "get", broken)
    assert not signed_in(login("alice", PASSWORD, "198.51.100.7"))
