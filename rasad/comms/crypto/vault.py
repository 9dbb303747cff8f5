"""Secrets at rest: private keys under the operator's key, content keys under an archive key.

A :class:`Vault` holds one 32-byte symmetric key and seals small secrets with
XChaCha20-Poly1305. Each sealed blob starts with a format tag and the key's short id, so that a
blob sealed under another key is refused with a message that says exactly that, and it binds a
``context`` string (for example ``centre:ISF-BCC:e-…``) as associated data, so a blob copied from
one row to another does not open.

The operator key never touches the database: it comes from ``RASAD_COMMS_KEY`` or the file named
by ``RASAD_COMMS_KEY_FILE`` (``rasad.comms.keystore``). Archive keys are themselves sealed under
the operator key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

import nacl.bindings as sodium
import nacl.exceptions

from rasad.comms.crypto.errors import CryptoError, Failure

KEY_BYTES = 32
_MAGIC = b"RV1"
_KEY_ID_BYTES = 8
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class Vault:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a vault key is {KEY_BYTES} bytes")
        self._key = key
        self.key_id = hashlib.blake2b(key, digest_size=_KEY_ID_BYTES, person=b"rasad-vault-id").digest()

    def __repr__(self) -> str:
        return f"Vault({self.key_id.hex()})"

    def seal(self, secret: bytes, *, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        prefix = _MAGIC + self.key_id
        ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            secret, prefix + context.encode(), nonce, self._key
        )
        return prefix + nonce + ciphertext

    def open(self, blob: bytes, *, context: str) -> bytes:
        header_length = len(_MAGIC) + _KEY_ID_BYTES
        if len(blob) < header_length + _NONCE_BYTES or not blob.startswith(_MAGIC):
            raise CryptoError(Failure.VAULT_CORRUPT, f"the sealed secret for {context} is not a vault blob")
        if blob[len(_MAGIC) : header_length] != self.key_id:
            raise CryptoError(
                Failure.VAULT_KEY,
                f"the secret for {context} was sealed under key {blob[len(_MAGIC) : header_length].hex()}, "
                f"not under the key given ({self.key_id.hex()})",
            )
        nonce = blob[header_length : header_length + _NONCE_BYTES]
        try:
            return bytes(
                sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    blob[header_length + _NONCE_BYTES :],
                    blob[:header_length] + context.encode(),
                    nonce,
                    self._key,
                )
            )
        except nacl.exceptions.CryptoError:
            raise CryptoError(Failure.VAULT_CORRUPT, f"the sealed secret for {context} was altered") from None


def generate_key_text() -> str:
    """A fresh operator or archive key, as the base64 text an operator stores in a file."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_key_text(text: str) -> bytes:
    """Read a 32-byte key written as base64 (standard or URL-safe) or as 64 hex digits."""
    cleaned = text.strip()
    if len(cleaned) == 2 * KEY_BYTES and all(character in "0123456789abcdefABCDEF" for character in cleaned):
        return bytes.fromhex(cleaned)
    try:
        key = base64.b64decode(
            cleaned.replace("-", "+").replace("_", "/") + "=" * (-len(cleaned) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        raise ValueError("the key is neither base64 nor hexadecimal") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"the key must be {KEY_BYTES} random bytes, not {len(key)}")
    return key
