"""A small in-memory world of centres for the cryptographic core's tests (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rasad.comms.crypto import (
    Certificate,
    EncryptionKeyPair,
    Header,
    KnownSigningKey,
    Purpose,
    RecipientKey,
    SigningKeyPair,
    certify,
    uuid7,
)

NOW = datetime(2025, 3, 21, 8, 30, tzinfo=UTC)


@dataclass
class CentreKeys:
    code: str
    identity: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.IDENTITY))
    signing: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.SIGN))
    encryption: EncryptionKeyPair = field(default_factory=EncryptionKeyPair.generate)
    old_encryption: list[EncryptionKeyPair] = field(default_factory=list)

    def certificate(
        self, purpose: Purpose, *, days: int = 37, start: datetime = NOW - timedelta(days=1)
    ) -> Certificate:
        public = self.signing.public_key if purpose == Purpose.SIGN else self.encryption.public_key
        return certify(
            self.identity,
            centre=self.code,
            purpose=purpose,
            public_key=public,
            not_before=start,
            not_after=start + timedelta(days=days),
        )

    @property
    def recipient_key(self) -> RecipientKey:
        return RecipientKey(self.code, self.encryption.public_key)

    def keyring(self, kid: str) -> EncryptionKeyPair | None:
        for pair in [self.encryption, *self.old_encryption]:
            if pair.kid == kid:
                return pair
        return None

    def header(self, **changes: object) -> Header:
        values: dict[str, object] = {
            "msg_id": str(uuid7(NOW)),
            "thread_id": str(uuid7(NOW)),
            "sender": self.code,
            "sender_kid": self.signing.kid,
            "created_at": NOW,
            "content_type": "message",
        }
        values.update(changes)
        return Header(**values)  # type: ignore[arg-type]


class Directory:
    """Trusted signing keys by (centre, kid), as a node's pinned-peer table would hold them."""

    def __init__(
        self, *centres: CentreKeys, not_before: datetime = NOW - timedelta(days=1), days: int = 37
    ) -> None:
        self.keys: dict[tuple[str, str], KnownSigningKey] = {}
        for centre in centres:
            self.add(centre, not_before=not_before, days=days)

    def add(
        self, centre: CentreKeys, *, not_before: datetime = NOW - timedelta(days=1), days: int = 37
    ) -> None:
        self.keys[(centre.code, centre.signing.kid)] = KnownSigningKey(
            centre=centre.code,
            kid=centre.signing.kid,
            public_key=centre.signing.public_key,
            not_before=not_before,
            not_after=not_before + timedelta(days=days),
        )

    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        return self.keys.get((centre, kid))
