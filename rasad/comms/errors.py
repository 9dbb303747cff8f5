"""Translated, specific reasons for refusing a message, an envelope or a key.

The cryptographic core names what failed with a :class:`~rasad.comms.crypto.Failure` code; the
domain adds its own codes (an unpinned peer, a centre this node does not host ...). People see
the translated sentence; peer nodes receive the code and the English detail, and the sending node
shows its own users the sentence for that code in their language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rasad.comms.crypto import CryptoError, Failure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_HOSTED = "not_hosted"
UNKNOWN_SENDER = "unknown_sender"
NOT_PINNED = "not_pinned"
PEER_KEY_CHANGED = "peer_key_changed"
PEER_BLOCKED = "peer_blocked"
NO_VALID_KEY = "no_valid_key"
UNREACHABLE = "unreachable"
SERVER_ERROR = "server_error"
UNKNOWN_MESSAGE = "unknown_message"
UNKNOWN_CATEGORY = "unknown_category"
NOT_A_MEMBER = "not_a_member"
RATE_LIMITED = "rate_limited"

MESSAGES: dict[str, StrOrPromise] = {
    Failure.MALFORMED: _("The envelope is not well formed."),
    Failure.VERSION: _("The envelope uses a format version this node does not read."),
    Failure.TOO_LARGE: _("The envelope or one of its attachments is larger than allowed."),
    Failure.HEADER: _("The envelope's header is not what the sender signed, or is invalid."),
    Failure.BODY: _("The message body is not what the sender signed, or does not decrypt."),
    Failure.RECIPIENTS: _("The recipient list is not what the sender signed."),
    Failure.WRAPPED_KEYS: _("The recipients' keys in the envelope are not what the sender signed."),
    Failure.ATTACHMENT: _("An attachment is not what the sender signed, or does not decrypt."),
    Failure.SIGNATURE: _("The signature does not verify: the envelope was altered or forged."),
    Failure.UNKNOWN_KEY: _("The envelope names a key id that this node does not know for the sender."),
    Failure.KEY_NOT_YET_VALID: _("The sender's key was not yet valid when the envelope was made."),
    Failure.KEY_EXPIRED: _("The sender's key had expired."),
    Failure.KEY_REVOKED: _("The sender's key was revoked."),
    Failure.KEY_UNAVAILABLE: _(
        "The private key this message was sealed to is no longer on this node (destroyed after rotation)."
    ),
    Failure.NOT_A_RECIPIENT: _("The envelope is not addressed to this centre."),
    Failure.REPLAY: _("A message with this id was already received (replay)."),
    Failure.CERTIFICATE: _("A key certificate or revocation does not verify."),
    Failure.BUNDLE: _("The public key bundle does not verify."),
    Failure.IDENTITY_CHANGED: _(
        "The centre presents a different identity key than the one confirmed; an administrator must "
        "confirm the new fingerprint first."
    ),
    Failure.VAULT_KEY: _("The private keys were sealed under a different operator key (RASAD_COMMS_KEY)."),
    Failure.VAULT_CORRUPT: _("A sealed private key was altered or is damaged."),
    NOT_HOSTED: _("The envelope is for a centre this node does not host."),
    UNKNOWN_SENDER: _("The sending centre is not registered as a peer on this node."),
    NOT_PINNED: _("The peer's fingerprint has not been confirmed yet."),
    PEER_KEY_CHANGED: _(
        "The peer presented a new identity key; nothing is exchanged until an administrator confirms it."
    ),
    PEER_BLOCKED: _("The peer centre is blocked or revoked."),
    NO_VALID_KEY: _("The peer has no valid encryption key; ask it to publish its keys again."),
    UNKNOWN_MESSAGE: _("The receipt refers to a message this centre did not send to the receipt's sender."),
    UNKNOWN_CATEGORY: _("There is no such case category."),
    NOT_A_MEMBER: _("This centre is not a member of the joint working group."),
    UNREACHABLE: _("The peer node could not be reached; the envelope will be retried."),
    RATE_LIMITED: _(
        "The peer node is receiving too many envelopes from this centre; the rest will be retried shortly."
    ),
    SERVER_ERROR: _("The peer node failed to process the envelope; it will be retried."),
}


def message_for(code: str) -> str:
    return str(MESSAGES.get(code, _("The envelope was refused.")))


class Refusal(Exception):
    """Something addressed to or sent by this node was refused: ``code`` for machines, the
    translated ``message`` for people, ``detail`` in English for logs and the peer."""

    def __init__(self, code: str, detail: str = "", *, centre: str = "") -> None:
        self.code = code
        self.detail = detail
        self.centre = centre
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def message(self) -> str:
        return message_for(self.code)

    @classmethod
    def from_crypto(cls, error: CryptoError, *, centre: str = "") -> Refusal:
        return cls(error.failure.value, error.detail, centre=centre)
