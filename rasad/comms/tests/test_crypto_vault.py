"""Private keys at rest: sealed under the operator key, bound to their row, and a wrong or
altered key says so."""

from __future__ import annotations

import base64
import os

import pytest

from rasad.comms.crypto import CryptoError, Failure, Vault, generate_key_text, parse_key_text


def test_sealed_secret_opens_only_in_its_context() -> None:
    vault = Vault(os.urandom(32))
    secret = os.urandom(32)
    blob = vault.seal(secret, context="centre:YZD-CC:e-1")
    assert secret not in blob
    assert vault.open(blob, context="centre:YZD-CC:e-1") == secret
    with pytest.raises(CryptoError) as caught:
        vault.open(blob, context="centre:ISF-BCC:e-1")
    assert caught.value.failure == Failure.VAULT_CORRUPT


def test_another_operator_key_is_named() -> None:
    blob = Vault(os.urandom(32)).seal(b"secret", context="x")
    other = Vault(os.urandom(32))
    with pytest.raises(CryptoError) as caught:
        other.open(blob, context="x")
    assert caught.value.failure == Failure.VAULT_KEY
    assert other.key_id.hex() in caught.value.detail


def test_altered_blob_fails() -> None:
    vault = Vault(os.urandom(32))
    blob = bytearray(vault.seal(b"secret", context="x"))
    blob[-1] ^= 1
    with pytest.raises(CryptoError) as caught:
        vault.open(bytes(blob), context="x")
    assert caught.value.failure == Failure.VAULT_CORRUPT


def test_key_text_in_base64_or_hex() -> None:
    text = generate_key_text()
    key = parse_key_text(text + "\n")
    assert len(key) == 32
    assert parse_key_text(key.hex()) == key
    assert parse_key_text(base64.urlsafe_b64encode(key).decode().rstrip("=")) == key


@pytest.mark.parametrize("text", ["", "short", base64.b64encode(b"x" * 16).decode(), "!" * 44])
def test_bad_key_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="key"):
        parse_key_text(text)


def test_vault_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32"):
        Vault(b"short")
