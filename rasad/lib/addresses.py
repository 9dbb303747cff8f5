"""Which address a request comes from, when reverse proxies stand in between.

Behind a reverse proxy every request arrives from the proxy's address, so counting failed
sign-ins per address would count everyone's together, and one person's bad passwords would lock
out the whole office. The proxy passes the client's address in ``X-Forwarded-For``, but any
client can send that header too, so it is believed only as far as the proxies the operator
trusts (``RASAD_TRUSTED_PROXIES``): the chain is read from the right (the hop nearest to Rasad),
skipping trusted proxies, and the first address that is not one is the client's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (``10.0.0.5``, ``10.0.0.0/8``, ``::1``); raises ``ValueError``."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def client_address(remote: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client's address: ``remote`` (the TCP peer) unless it is a trusted proxy, in which case
    the nearest address of ``forwarded_for`` that is not a trusted proxy. A malformed entry stops
    the walk at the last trusted hop, since nothing before it can be believed."""
    peer = _address(remote)
    if peer is None:
        return "0.0.0.0"  # noqa: S104 (no address at all, e.g. a test client)
    if not forwarded_for or not _trusted(peer, trusted):
        return str(peer)
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, trusted):
            break
    return str(client)
