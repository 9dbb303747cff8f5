"""Attachments: encrypted in chunks with libsodium's secretstream (XChaCha20-Poly1305).

A stream is the 24-byte stream header followed by one sealed chunk per 64 KiB of plaintext; the
last chunk carries the FINAL tag. Each chunk authenticates its position in the stream, so chunks
cannot be reordered, dropped or repeated, and a stream cut short is detected because its FINAL
chunk is missing. Every chunk also authenticates ``associated_data`` (the message id), so an
attachment cannot be moved to another message.
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions

from rasad.comms.crypto.errors import CryptoError, Failure

CHUNK_BYTES = 64 * 1024
_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def encrypted_size(plain_size: int) -> int:
    chunks = max(1, -(-plain_size // CHUNK_BYTES))
    return _HEADER_BYTES + plain_size + chunks * _ABYTES


def encrypt_stream(key: bytes, data: bytes, associated_data: bytes) -> bytes:
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    parts = [sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)]
    offsets = range(0, max(len(data), 1), CHUNK_BYTES)
    last = offsets[-1]
    for offset in offsets:
        tag = _TAG_FINAL if offset == last else _TAG_MESSAGE
        parts.append(
            sodium.crypto_secretstream_xchacha20poly1305_push(
                state, data[offset : offset + CHUNK_BYTES], associated_data, tag
            )
        )
    return b"".join(parts)


def decrypt_stream(key: bytes, data: bytes, associated_data: bytes, *, what: str) -> bytes:
    if len(data) < _HEADER_BYTES + _ABYTES:
        raise CryptoError(Failure.ATTACHMENT, f"{what} is too short to be an encrypted stream")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, data[:_HEADER_BYTES], key)
    except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError):
        raise CryptoError(Failure.ATTACHMENT, f"{what} has an invalid stream header") from None
    plain: list[bytes] = []
    position = _HEADER_BYTES
    sealed_chunk = CHUNK_BYTES + _ABYTES
    while position < len(data):
        chunk = data[position : position + sealed_chunk]
        position += len(chunk)
        try:
            message, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, associated_data)
        except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError):
            raise CryptoError(
                Failure.ATTACHMENT, f"{what} was altered (chunk at byte {position - len(chunk)})"
            ) from None
        plain.append(message)
        if tag == _TAG_FINAL:
            if position != len(data):
                raise CryptoError(Failure.ATTACHMENT, f"{what} has data after its final chunk")
            return b"".join(plain)
    raise CryptoError(Failure.ATTACHMENT, f"{what} was cut short (no final chunk)")
