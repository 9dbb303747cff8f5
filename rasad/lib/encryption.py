"""Encryption at rest for what is marked confidential: envelope encryption under a key the
operator provides.

Each value (a field's text, an attachment's bytes) is encrypted with a fresh random 256-bit data
key; the data key is encrypted ("wrapped") with the operator's key-encryption key and stored
beside the ciphertext. Both use XChaCha20-Poly1305 (libsodium through PyNaCl), an AEAD cipher
with 192-bit random nonces:

* the data key is wrapped with associated data ``rasad-dek|<key id>``;
* the value is encrypted with associated data ``rasad-data|<context>``, where the context names
  the place (``cases.case.confidential_details``, ``cases.attachment``), so a ciphertext moved to
  another field does not decrypt.

Envelope (bytes): ``RSDENC1\\n`` | key id length (1 byte) | key id | wrap nonce (24) | wrapped data
key (48) | data nonce (24) | ciphertext with tag. Text fields store ``rsdenc1:`` followed by the
envelope in URL-safe base64.

Keys come from ``RASAD_ENCRYPTION_KEYS`` (or ``RASAD_ENCRYPTION_KEYS_FILE``):
``id:base64key,id:base64key``, the first being the current one. Rotation (``rasad encryption
rotate``) re-wraps every data key under the current key without touching the data; afterwards the
old key can be removed. The database and its backups hold only ciphertext; the plaintext exists
only inside the application, behind its access checks. ``docs/security.md`` ("Encryption at
rest") describes operation.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import models
from nacl import bindings
from nacl.exceptions import CryptoError

from rasad.lib.encryption_keys import KEY_BYTES, KeyRing, parse_keys

MAGIC: Final = b"RSDENC1\n"
TEXT_PREFIX: Final = "rsdenc1:"
NONCE_BYTES: Final = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_WRAPPED_BYTES: Final = KEY_BYTES + bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES


class EncryptionError(Exception):
    """Encryption is not configured, a key is missing, or a ciphertext does not decrypt."""


@lru_cache(maxsize=4)
def _ring(setting: str) -> KeyRing | None:
    return parse_keys(setting)


def keyring() -> KeyRing | None:
    return _ring(settings.ENCRYPTION_KEYS)


def available() -> bool:
    """Whether a key is configured, so that confidential values can be stored."""
    return keyring() is not None


def new_key_line(key_id: str) -> str:
    """A fresh key for ``RASAD_ENCRYPTION_KEYS``."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _require() -> KeyRing:
    ring = keyring()
    if ring is None:
        raise EncryptionError("encryption at rest is not configured (RASAD_ENCRYPTION_KEYS)")
    return ring


def _aead(key: bytes, nonce: bytes, data: bytes, associated: bytes) -> bytes:
    result: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(data, associated, nonce, key)
    return result


def _open(key: bytes, nonce: bytes, data: bytes, associated: bytes) -> bytes:
    try:
        result: bytes = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(data, associated, nonce, key)
    except CryptoError:
        raise EncryptionError("the ciphertext does not decrypt (damaged, moved or wrong key)") from None
    return result


def _wrap(ring: KeyRing, data_key: bytes) -> bytes:
    key_id = ring.current.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = _aead(ring.keys[ring.current], nonce, data_key, b"rasad-dek|" + key_id)
    return bytes([len(key_id)]) + key_id + nonce + wrapped


def _split(envelope: bytes) -> tuple[str, bytes, bytes, bytes]:
    """(key id, wrap nonce, wrapped data key, rest) of an envelope."""
    if not envelope.startswith(MAGIC):
        raise EncryptionError("not an encrypted value")
    position = len(MAGIC)
    length = envelope[position]
    key_id = envelope[position + 1 : position + 1 + length]
    position += 1 + length
    nonce = envelope[position : position + NONCE_BYTES]
    wrapped = envelope[position + NONCE_BYTES : position + NONCE_BYTES + _WRAPPED_BYTES]
    rest = envelope[position + NONCE_BYTES + _WRAPPED_BYTES :]
    if len(wrapped) != _WRAPPED_BYTES or len(rest) < NONCE_BYTES:
        raise EncryptionError("the encrypted value is truncated")
    return key_id.decode(), nonce, wrapped, rest


def _data_key(envelope: bytes) -> tuple[str, bytes, bytes]:
    """(key id, data key, rest) of an envelope, unwrapping with the key it names."""
    ring = _require()
    key_id, nonce, wrapped, rest = _split(envelope)
    if key_id not in ring.keys:
        raise EncryptionError(f"the key {key_id!r} this value was encrypted with is not configured")
    return key_id, _open(ring.keys[key_id], nonce, wrapped, b"rasad-dek|" + key_id.encode()), rest


def encrypt_bytes(plaintext: bytes, *, context: str) -> bytes:
    ring = _require()
    data_key = secrets.token_bytes(KEY_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = _aead(data_key, nonce, plaintext, b"rasad-data|" + context.encode())
    return MAGIC + _wrap(ring, data_key) + nonce + ciphertext


def decrypt_bytes(envelope: bytes, *, context: str) -> bytes:
    _key_id, data_key, rest = _data_key(envelope)
    return _open(data_key, rest[:NONCE_BYTES], rest[NONCE_BYTES:], b"rasad-data|" + context.encode())


def is_envelope(data: bytes) -> bool:
    return data.startswith(MAGIC)


def key_id_of(envelope: bytes) -> str:
    return _split(envelope)[0]


def rewrap(envelope: bytes) -> bytes:
    """The same ciphertext with its data key wrapped under the current key (rotation)."""
    _key_id, data_key, rest = _data_key(envelope)
    return MAGIC + _wrap(_require(), data_key) + rest


def encrypt_text(text: str, *, context: str) -> str:
    envelope = encrypt_bytes(text.encode("utf-8"), context=context)
    return TEXT_PREFIX + base64.urlsafe_b64encode(envelope).decode("ascii")


def text_envelope(value: str) -> bytes:
    return base64.urlsafe_b64decode(value[len(TEXT_PREFIX) :].encode("ascii"))


def decrypt_text(value: str, *, context: str) -> str:
    return decrypt_bytes(text_envelope(value), context=context).decode("utf-8")


def is_encrypted_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX)


class ConfidentialTextField(models.TextField):  # type: ignore[type-arg]
    """Text that is always stored encrypted (``rsdenc1:...``) and read back in the clear. Empty
    text stays empty. It cannot be searched or filtered on: keep it out of search keys, exports
    and audit details (record that it changed, never its value)."""

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if is_encrypted_text(value):
            return decrypt_text(value, context=self.context())
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, "") or is_encrypted_text(value):
            return value
        return encrypt_text(str(value), context=self.context())


# ---------------------------------------------------------------------------------------------
# Rotation and inventory (``rasad encryption``)
# ---------------------------------------------------------------------------------------------


def confidential_columns() -> list[tuple[type[models.Model], ConfidentialTextField]]:
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ConfidentialTextField)
    ]


def _stored_envelopes(model: type[models.Model], field: ConfidentialTextField) -> Iterator[tuple[Any, str]]:
    """(primary key, stored text) of every encrypted value of a column, read without decrypting."""
    from django.db import connection

    quote = connection.ops.quote_name
    table, column, key = model._meta.db_table, str(field.column), str(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(key)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} LIKE %s",  # noqa: S608
            [TEXT_PREFIX + "%"],
        )
        yield from cursor.fetchall()


def _encrypted_files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as stream:
                if stream.read(len(MAGIC)) == MAGIC:
                    yield path


def inventory(media_root: Path) -> dict[str, int]:
    """How many stored values and files each key id protects."""
    counts: dict[str, int] = {}
    for model, field in confidential_columns():
        for _key, stored in _stored_envelopes(model, field):
            key_id = key_id_of(text_envelope(stored))
            counts[key_id] = counts.get(key_id, 0) + 1
    for path in _encrypted_files(media_root):
        key_id = key_id_of(path.read_bytes())
        counts[key_id] = counts.get(key_id, 0) + 1
    return counts


def rotate(media_root: Path) -> int:
    """Re-wrap every data key not under the current key (values and files); returns how many.
    The data itself is not re-encrypted, so rotation is quick and a crash midway leaves every
    value readable (each one is replaced whole)."""
    ring = _require()
    rotated = 0
    for model, field in confidential_columns():
        for key, stored in _stored_envelopes(model, field):
            envelope = text_envelope(stored)
            if key_id_of(envelope) == ring.current:
                continue
            fresh = TEXT_PREFIX + base64.urlsafe_b64encode(rewrap(envelope)).decode("ascii")
            model._default_manager.filter(pk=key).update(**{field.attname: fresh})
            rotated += 1
    for path in _encrypted_files(media_root):
        envelope = path.read_bytes()
        if key_id_of(envelope) == ring.current:
            continue
        staging = path.with_name(path.name + ".rotating")
        staging.write_bytes(rewrap(envelope))
        staging.replace(path)
        rotated += 1
    return rotated
