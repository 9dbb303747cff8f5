"""A small federation for the comms tests: centres set up on this node through the actions, and
a centre on "another node" simulated in memory with the cryptographic core (its keys, its bundle,
the envelopes it writes and those it receives)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rasad.comms.actions import do_confirm_peer, do_register_peer
from rasad.comms.crypto import (
    Envelope,
)
from rasad.comms.delivery import BUNDLES_PATH, INBOX_PATH
from rasad.comms.models import Centre, Peer
from rasad.comms.testing import RemoteCentre
from rasad.testing.cast import Cast


class PeerNodeTransport:
    """Stands in for the HTTP client: routes pushes to the remote centres held by the test and
    answers as their node would (or fails like a node that is down)."""

    def __init__(self, *remotes: RemoteCentre) -> None:
        self.remotes = {remote.node_url: remote for remote in remotes}
        self.down: set[str] = set()
        self.posts: list[tuple[str, bytes]] = []
        self.answer: tuple[int, dict[str, Any]] | None = None

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        node = next((node for node in self.remotes if url.startswith(node)), None)
        if node is None or node in self.down:
            raise ConnectionRefusedError("connection refused")
        self.posts.append((url, body))
        if self.answer is not None:
            status, payload = self.answer
            return status, json.dumps(payload).encode()
        remote = self.remotes[node]
        if url.endswith(BUNDLES_PATH):
            remote.bundles_received.append(json.loads(body))
            return 200, b'{"status": "stored"}'
        assert url.endswith(INBOX_PATH)
        envelope = Envelope.from_transport(body)
        sender = Centre.objects.get(code=envelope.unverified_header().sender)
        verified = remote.receive(body, sender)
        return 200, json.dumps({"status": "stored", "msg_id": verified.header.msg_id}).encode()

    def get(self, url: str) -> tuple[int, bytes]:
        for node, remote in self.remotes.items():
            if url == f"{node}comms/federation/v1/centres/{remote.code}/bundle":
                return 200, json.dumps(remote.bundle().to_dict()).encode()
        return 404, b"{}"


@dataclass
class World:
    cast: Cast
    isfahan: Centre
    kerman: Centre
    khorasan: RemoteCentre

    def pin(self, local: Centre, remote: RemoteCentre) -> Peer:
        peer = do_register_peer(local, remote.bundle().to_dict(), acting_user=self.cast.root)
        return do_confirm_peer(peer, fingerprint_digits=remote.fingerprint_digits, acting_user=self.cast.root)

    @property
    def khorasan_centre(self) -> Centre:
        return Centre.objects.get(code=self.khorasan.code)


def present(value: Any) -> Any:
    """``value``, which must not be None (JSON fields and nullable keys read back in tests)."""
    assert value is not None
    return value
