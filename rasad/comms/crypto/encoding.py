"""Byte-exact encodings shared by every signed statement: canonical JSON, base64, UTC times and
UUIDv7 message ids.

A signature covers bytes, so everything signed is serialized exactly once, by the signer, and
travels as those bytes; the verifier parses what it received and never re-serializes before
checking. Canonical JSON (sorted keys, no insignificant whitespace, UTF-8) is used so that two
implementations produce the same bytes for the same statement.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from rasad.comms.crypto.errors import CryptoError, Failure


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def parse_json(data: bytes, failure: Failure, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CryptoError(failure, f"{what} is not valid UTF-8 JSON") from None


def b64(data: bytes) -> str:
    """URL-safe base64 without padding: safe in JSON, URLs and file names."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: Any, failure: Failure, what: str, *, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise CryptoError(failure, f"{what} must be a base64 string")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(failure, f"{what} is not valid base64") from None
    if length is not None and len(data) != length:
        raise CryptoError(failure, f"{what} must be {length} bytes, not {len(data)}")
    return data


def format_time(moment: datetime) -> str:
    """UTC with millisecond precision and a ``Z``: ``2025-03-21T08:30:00.000Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: Any, failure: Failure, what: str) -> datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise CryptoError(failure, f"{what} must be a UTC time ending in Z")
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        raise CryptoError(failure, f"{what} is not an ISO 8601 time") from None
    return moment


def uuid7(now: datetime | None = None) -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.

    Message ids sort by creation time, which keeps indexes compact and makes a backlog easy to
    read in order; the random part makes them unguessable and collision-free in practice.
    """
    milliseconds = int((now.timestamp() if now is not None else time.time()) * 1000)
    random = int.from_bytes(os.urandom(10), "big")
    value = (milliseconds & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((random >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= random & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def uuid7_time(value: uuid.UUID) -> datetime:
    return datetime.fromtimestamp((value.int >> 80) / 1000, tz=UTC)
