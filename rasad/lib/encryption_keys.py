"""The operator's encryption keys as ``RASAD_ENCRYPTION_KEYS`` writes them, read without Django
(the settings module checks them at start-up); ``rasad.lib.encryption`` uses them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Final

KEY_BYTES: Final = 32


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]


def parse_keys(text: str) -> KeyRing | None:
    """``id:base64key,...`` (the first is current); ``None`` for an empty setting."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    if not entries:
        return None
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, _, encoded = entry.partition(":")
        if not key_id or len(key_id.encode()) > 255 or not encoded:
            raise ValueError("each key is written id:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ValueError(f"key {key_id!r} is not base64") from None
        if len(key) != KEY_BYTES:
            raise ValueError(f"key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
        if key_id in keys:
            raise ValueError(f"key id {key_id!r} appears twice")
        keys[key_id] = key
    return KeyRing(current=entries[0].partition(":")[0], keys=keys)
