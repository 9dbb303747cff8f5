"""Envelope encryption at rest: round trips, binding to the place, keys, rotation, tampering."""

from __future__ import annotations

import pytest
from django.test import override_settings

from rasad.lib import encryption
from rasad.lib.encryption_keys import parse_keys

OLD = encryption.new_key_line("2025")
NEW = encryption.new_key_line("2026")


def test_text_round_trips_and_is_not_readable_at_rest() -> None:
    stored = encryption.encrypt_text("جزئیات حادثهٔ مرزی", context="cases.case.confidential_details")
    assert stored.startswith(encryption.TEXT_PREFIX)
    assert "مرزی" not in stored
    assert encryption.decrypt_text(stored, context="cases.case.confidential_details") == "جزئیات حادثهٔ مرزی"


def test_each_value_gets_its_own_data_key_and_nonce() -> None:
    first = encryption.encrypt_text("same", context="c")
    second = encryption.encrypt_text("same", context="c")
    assert first != second


def test_a_ciphertext_moved_to_another_place_does_not_decrypt() -> None:
    stored = encryption.encrypt_text("secret", context="cases.case.confidential_details")
    with pytest.raises(encryption.EncryptionError, match="does not decrypt"):
        encryption.decrypt_text(stored, context="cases.comment.body")


def test_a_changed_byte_is_detected() -> None:
    envelope = bytearray(encryption.encrypt_bytes(b"report", context="c"))
    envelope[-1] ^= 1
    with pytest.raises(encryption.EncryptionError):
        encryption.decrypt_bytes(bytes(envelope), context="c")


def test_rotation_rewraps_the_data_key_and_keeps_the_data() -> None:
    with override_settings(ENCRYPTION_KEYS=OLD):
        envelope = encryption.encrypt_bytes(b"report", context="c")
        assert encryption.key_id_of(envelope) == "2025"
    with override_settings(ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        rotated = encryption.rewrap(envelope)
        assert encryption.key_id_of(rotated) == "2026"
        assert rotated.endswith(envelope[-30:])  # the ciphertext itself is untouched
    with override_settings(ENCRYPTION_KEYS=NEW):  # the old key is gone
        assert encryption.decrypt_bytes(rotated, context="c") == b"report"
        with pytest.raises(encryption.EncryptionError, match=r"'2025'.*not configured"):
            encryption.decrypt_bytes(envelope, context="c")


def test_without_a_key_nothing_is_encrypted_or_decrypted() -> None:
    stored = encryption.encrypt_text("x", context="c")
    with override_settings(ENCRYPTION_KEYS=""):
        assert not encryption.available()
        with pytest.raises(encryption.EncryptionError, match="not configured"):
            encryption.encrypt_text("x", context="c")
        with pytest.raises(encryption.EncryptionError, match="not configured"):
            encryption.decrypt_text(stored, context="c")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("k1", "id:base64key"),
        ("k1:not base64!", "not base64"),
        ("k1:c2hvcnQ=", "must be 32 bytes"),
        (f"{OLD},{OLD}", "appears twice"),
    ],
    # The keys are random: ids by position, so that every xdist worker collects the same tests.
    ids=["no-colon", "not-base64", "short", "twice"],
)
def test_bad_keys_are_refused_with_the_reason(setting: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_keys(setting)


def test_the_first_key_is_current() -> None:
    ring = parse_keys(f"{NEW},{OLD}")
    assert ring is not None
    assert ring.current == "2026"
    assert set(ring.keys) == {"2025", "2026"}
