"""Private keys on this node: sealed under the operator key at rest, opened only in memory.

The operator key comes from ``RASAD_COMMS_KEY`` or the file named by ``RASAD_COMMS_KEY_FILE``
(settings.COMMS_KEY); it is never written to the database. Each private key is sealed with the
context ``comms-key:<centre>:<kid>``, so a sealed key copied to another row does not open.

Opened keys are cached in the process by the digest of their sealed blob, but every lookup asks
the database first whether the key still exists: a key destroyed by another process (the worker)
is gone here too, at the next lookup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rasad.comms.choices import KeyPurpose, KeyState
from rasad.comms.crypto import EncryptionKeyPair, Purpose, SigningKeyPair, Vault, parse_key_text
from rasad.comms.models import Centre, CentreKey

_opened: dict[str, bytes] = {}


@lru_cache(maxsize=4)
def _vault_for(key_text: str) -> Vault:
    try:
        return Vault(parse_key_text(key_text))
    except ValueError as error:
        raise ImproperlyConfigured(f"RASAD_COMMS_KEY is not usable: {error}") from None


def operator_vault() -> Vault:
    key_text: str = settings.COMMS_KEY
    if not key_text:
        raise ImproperlyConfigured(
            "RASAD_COMMS_KEY (or RASAD_COMMS_KEY_FILE) is not set: this node cannot open its centres' "
            "private keys. Generate one with `rasad comms generate-key` and keep it outside the database."
        )
    return _vault_for(key_text)


def key_context(centre_code: str, kid: str) -> str:
    return f"comms-key:{centre_code}:{kid}"


def seal_private(centre_code: str, kid: str, secret: bytes) -> bytes:
    return operator_vault().seal(secret, context=key_context(centre_code, kid))


def _open(centre_code: str, kid: str, blob: bytes) -> bytes:
    cache_key = hashlib.sha256(blob).hexdigest()
    secret = _opened.get(cache_key)
    if secret is None:
        secret = operator_vault().open(blob, context=key_context(centre_code, kid))
        _opened[cache_key] = secret
    return secret


def forget(blob: bytes) -> None:
    """Drop an opened key from this process's memory (called when a key is destroyed)."""
    _opened.pop(hashlib.sha256(blob).hexdigest(), None)


def _current(centre: Centre, purpose: KeyPurpose) -> CentreKey:
    key: CentreKey | None = (
        CentreKey.objects.filter(
            centre=centre, purpose=purpose, state=KeyState.ACTIVE, private_sealed__isnull=False
        )
        .order_by("-not_before", "-id")
        .first()
    )
    if key is None:
        raise ImproperlyConfigured(f"centre {centre.code} has no active {purpose} key on this node")
    return key


def _sealed(key: CentreKey) -> bytes:
    if key.private_sealed is None:
        raise ImproperlyConfigured(f"key {key.kid} has no private key on this node")
    return bytes(key.private_sealed)


def identity_pair(centre: Centre) -> SigningKeyPair:
    key = _current(centre, KeyPurpose.IDENTITY)
    return SigningKeyPair(Purpose.IDENTITY, _open(centre.code, key.kid, _sealed(key)))


def signing_pair(centre: Centre) -> SigningKeyPair:
    key = _current(centre, KeyPurpose.SIGN)
    return SigningKeyPair(Purpose.SIGN, _open(centre.code, key.kid, _sealed(key)))


def current_encryption_key(centre: Centre) -> CentreKey:
    return _current(centre, KeyPurpose.ENCRYPT)


def encryption_keyring(centre: Centre) -> Callable[[str], EncryptionKeyPair | None]:
    """Look up a private encryption key of ``centre`` by key id: present while the key is in use
    or retired within its grace period; None once it is destroyed (or was never here). The
    keyring reads and unseals each key once: keep it for as long as one request lasts, no longer
    (a destroyed key must stop opening messages)."""
    opened: dict[str, EncryptionKeyPair | None] = {}

    def lookup(kid: str) -> EncryptionKeyPair | None:
        if kid not in opened:
            row = (
                CentreKey.objects.filter(
                    centre=centre, kid=kid, purpose=KeyPurpose.ENCRYPT, private_sealed__isnull=False
                )
                .values_list("private_sealed", flat=True)
                .first()
            )
            opened[kid] = None if row is None else EncryptionKeyPair(_open(centre.code, kid, bytes(row)))
        return opened[kid]

    return lookup


def archive_vault(centre: Centre) -> Vault:
    if centre.archive_key_sealed is None:
        raise ImproperlyConfigured(f"centre {centre.code} has no archive key")
    return Vault(_open(centre.code, "archive", bytes(centre.archive_key_sealed)))
