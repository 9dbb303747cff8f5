"""Fixed vocabularies of the comms app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPurpose(models.TextChoices):
    IDENTITY = "identity", _("Identity key")
    SIGN = "sign", _("Signing key")
    ENCRYPT = "encrypt", _("Encryption key")


class KeyState(models.TextChoices):
    ACTIVE = "active", _("In use")
    # Replaced by a newer key; the private key is kept for the grace period so that messages
    # sealed to it (queued or in flight) still open.
    RETIRED = "retired", _("Retired (grace period)")
    DESTROYED = "destroyed", _("Destroyed")
    REVOKED = "revoked", _("Revoked")


class PeerStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting fingerprint confirmation")
    PINNED = "pinned", _("Confirmed")
    KEY_CHANGED = "key_changed", _("Key changed: awaiting confirmation")
    BLOCKED = "blocked", _("Blocked")


class Direction(models.TextChoices):
    INCOMING = "in", _("Received")
    OUTGOING = "out", _("Sent")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class EnvelopeKind(models.TextChoices):
    """What an envelope carries (its header's ``content_type``)."""

    MESSAGE = "message", _("Message")
    READ_RECEIPT = "receipt.read", _("Read receipt")
    ACK_RECEIPT = "receipt.ack", _("Acknowledgment")
    GROUP = "group", _("Joint working group")
    TASK = "task", _("Joint task")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused by the peer")


class DeliveryKind(models.TextChoices):
    ENVELOPE = "envelope", _("Envelope")
    BUNDLE = "bundle", _("Public key bundle")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
