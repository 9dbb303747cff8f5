"""A small federation for the comms tests: centres set up on this node through the actions, and
a centre on "another node" simulated in memory with the cryptographic core (its keys, its bundle,
the envelopes it writes and those it receives)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rasad.comms.actions import bundle_for, do_confirm_peer, do_register_peer
from rasad.comms.content import MessageContent, ReceiptContent
from rasad.comms.crypto import (
    Bundle,
    Certificate,
    EncryptionKeyPair,
    Envelope,
    Header,
    KnownSigningKey,
    Purpose,
    RecipientKey,
    SigningKeyPair,
    VerifiedEnvelope,
    certify,
    fingerprint,
    make_bundle,
    open_envelope,
    seal_envelope,
    uuid7,
    verify_envelope,
)
from rasad.comms.delivery import BUNDLES_PATH, INBOX_PATH
from rasad.comms.models import Centre, Peer
from rasad.testing.cast import Cast


@dataclass
class RemoteCentre:
    code: str
    name: str
    node_url: str
    identity: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.IDENTITY))
    signing: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.SIGN))
    encryption: EncryptionKeyPair = field(default_factory=EncryptionKeyPair.generate)
    received: list[VerifiedEnvelope] = field(default_factory=list)
    bundles_received: list[dict[str, Any]] = field(default_factory=list)

    def certificates(self, start: datetime | None = None) -> list[Certificate]:
        start = start or timezone.now() - timedelta(days=1)
        return [
            certify(
                self.identity,
                centre=self.code,
                purpose=purpose,
                public_key=public,
                not_before=start,
                not_after=start + timedelta(days=44),
            )
            for purpose, public in (
                (Purpose.SIGN, self.signing.public_key),
                (Purpose.ENCRYPT, self.encryption.public_key),
            )
        ]

    def bundle(self, *, revocations: tuple[Any, ...] = (), start: datetime | None = None) -> Bundle:
        return make_bundle(
            self.identity,
            centre=self.code,
            name=self.name,
            node_url=self.node_url,
            certificates=self.certificates(start),
            revocations=revocations,
            issued_at=timezone.now(),
        )

    @property
    def fingerprint_digits(self) -> str:
        return fingerprint(self.identity.public_key).digits

    def write(
        self,
        to: Centre,
        subject: str,
        text: str = "",
        *,
        kind: str = "message",
        refers_to: str = "",
        requires_ack: bool = False,
        attachments: tuple[bytes, ...] = (),
        body: bytes | None = None,
        created_at: datetime | None = None,
        thread_uid: str | None = None,
        extra_recipients: tuple[Centre, ...] = (),
    ) -> Envelope:
        """An envelope from this centre to local centre ``to``, sealed to ``to``'s current
        encryption key as its bundle publishes it."""
        moment = created_at or timezone.now()
        if body is None:
            if kind == "message":
                body = MessageContent(subject=subject, text=text, author="مهدی خراسانی").to_bytes()
            else:
                body = ReceiptContent(reader="مهدی خراسانی").to_bytes()
        header = Header(
            msg_id=str(uuid7(moment)),
            thread_id=thread_uid or str(uuid7(moment)),
            sender=self.code,
            sender_kid=self.signing.kid,
            created_at=moment,
            content_type=kind,
            requires_ack=requires_ack,
            refers_to=refers_to,
        )
        recipients = [local_encryption_key(centre) for centre in (to, *extra_recipients)]
        envelope, _ = seal_envelope(
            header,
            body,
            signer=self.signing,
            recipients=recipients,
            sender_copy=RecipientKey(self.code, self.encryption.public_key),
            attachments=attachments,
        )
        return envelope

    def receive(self, raw: bytes, sender: Centre) -> VerifiedEnvelope:
        """What this centre's node does with a pushed envelope: verify under the sender's
        published signing keys, then open."""
        bundle = bundle_for(sender)
        directory = _BundleDirectory(bundle)
        verified = verify_envelope(Envelope.from_transport(raw), directory=directory, now=timezone.now())
        open_envelope(
            verified,
            centre=self.code,
            keyring=lambda kid: self.encryption if kid == self.encryption.kid else None,
        )
        self.received.append(verified)
        return verified

    def open(self, verified: VerifiedEnvelope) -> bytes:
        return open_envelope(
            verified,
            centre=self.code,
            keyring=lambda kid: self.encryption if kid == self.encryption.kid else None,
        ).body


class _BundleDirectory:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        for certificate in self.bundle.certificates:
            if (
                centre == self.bundle.centre
                and certificate.kid == kid
                and certificate.purpose == Purpose.SIGN
            ):
                return KnownSigningKey(
                    centre, kid, certificate.public_key, certificate.not_before, certificate.not_after
                )
        return None


def local_encryption_key(centre: Centre) -> RecipientKey:
    bundle = bundle_for(centre)
    newest = max(
        (c for c in bundle.certificates if c.purpose == Purpose.ENCRYPT),
        key=lambda certificate: certificate.not_before,
    )
    return RecipientKey(centre.code, newest.public_key)


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
