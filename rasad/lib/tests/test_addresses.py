"""The client address behind reverse proxies: X-Forwarded-For is believed only as far as the
proxies the operator trusts."""

from __future__ import annotations

import pytest

from rasad.lib.addresses import client_address, parse_networks

PROXIES = parse_networks(["10.0.0.1", "10.1.0.0/16", "fd00::/8"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", None, "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # a client may not choose its address
        ("10.0.0.1", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
        ("10.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two trusted proxies
        ("10.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged entry left of the client
        ("10.0.0.1", "10.1.2.3", "10.1.2.3"),  # every hop trusted: the farthest one
        ("10.0.0.1", "nonsense, 10.1.2.3", "10.1.2.3"),  # malformed: stop at the last trusted hop
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "198.51.100.7:5555", "198.51.100.7"),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        ("fd00::1", "[2001:db8::7]:443", "2001:db8::7"),
        ("", None, "0.0.0.0"),  # noqa: S104
    ],
)
def test_client_address(remote: str, forwarded: str | None, expected: str) -> None:
    assert client_address(remote, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("10.0.0.1", "198.51.100.7", ()) == "10.0.0.1"


def test_a_bad_network_is_refused() -> None:
    with pytest.raises(ValueError, match="does not appear"):
        parse_networks(["10.0.0.300"])
