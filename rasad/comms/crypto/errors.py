"""What can go wrong when checking or opening an envelope, a certificate or a bundle.

Every check fails closed: it raises :class:`CryptoError` with a stable ``code`` naming the part
that failed, and nothing from the rejected input may be used. The domain layer turns each code
into a translated sentence (``rasad.comms.errors``); this module stays free of Django so that the
cryptographic core can be read, tested and reviewed on its own.
"""

from __future__ import annotations

from enum import StrEnum


class Failure(StrEnum):
    """The part of an input that failed, as a stable machine code."""

    MALFORMED = "malformed"  # not a well-formed envelope (structure, encoding, field types)
    VERSION = "version"  # a format version this node does not speak
    TOO_LARGE = "too_large"  # over a size limit (envelope, body, attachment, recipient count)
    HEADER = "header"  # the header is not what the sender signed, or is invalid
    BODY = "body"  # the encrypted body is not what the sender signed, or does not decrypt
    RECIPIENTS = "recipients"  # the recipient list is not what the sender signed
    WRAPPED_KEYS = "wrapped_keys"  # the per-recipient wrapped keys are not what the sender signed
    ATTACHMENT = "attachment"  # an attachment is not what the sender signed, or does not decrypt
    SIGNATURE = "signature"  # the signature does not verify under the sender's key
    UNKNOWN_KEY = "unknown_key"  # a key id nobody certified for that centre
    KEY_NOT_YET_VALID = "key_not_yet_valid"
    KEY_EXPIRED = "key_expired"
    KEY_REVOKED = "key_revoked"
    KEY_UNAVAILABLE = "key_unavailable"  # the private key is not on this node (destroyed, or never was)
    NOT_A_RECIPIENT = "not_a_recipient"  # the envelope is not addressed to this centre
    REPLAY = "replay"  # a message id already received
    CERTIFICATE = "certificate"  # a key certificate or revocation that does not verify
    BUNDLE = "bundle"  # a public key bundle that does not verify
    IDENTITY_CHANGED = "identity_changed"  # a bundle signed by another identity key than the pinned one
    VAULT_KEY = "vault_key"  # a private key encrypted under another operator key than the one given
    VAULT_CORRUPT = "vault_corrupt"  # an encrypted private key that was altered or truncated


class CryptoError(Exception):
    """A check failed. ``failure`` says which part; ``detail`` says what, in English, for logs
    and for the peer that sent the input (never containing any plaintext)."""

    def __init__(self, failure: Failure, detail: str) -> None:
        super().__init__(f"{failure.value}: {detail}")
        self.failure = failure
        self.detail = detail
