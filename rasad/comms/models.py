"""What the comms world is: command centres and their keys, the peers a centre trusts, the
envelopes that travel between nodes, each centre's mailbox of threads and messages, the outbox,
and joint working groups with their shared task lists.

Nothing here holds a message in clear. Envelopes keep ciphertext, the signed header and the
signature; a mailbox entry points at its envelope and, after key rotation, holds the content key
sealed under the centre's archive key. Private keys are stored sealed under the operator key
(``rasad.comms.keystore``). docs/comms.md tells the whole story.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasad.comms.choices import (
    DeliveryKind,
    DeliveryStatus,
    Direction,
    EnvelopeKind,
    KeyPurpose,
    KeyState,
    PeerStatus,
    Priority,
    TaskStatus,
)
from rasad.comms.querysets import (
    CentreKeyQuerySet,
    CentreQuerySet,
    DeliveryQuerySet,
    GroupTaskQuerySet,
    JointGroupQuerySet,
    MessageQuerySet,
    PeerQuerySet,
    ReceiptQuerySet,
    ThreadQuerySet,
)
from rasad.core.models import TimestampedModel
from rasad.lib import search


class Centre(TimestampedModel):
    """A command centre that takes part in centre-to-centre messages: one hosted on this node
    (``organization`` set, private keys here) or a peer on another node, known only by its
    public key bundle.

    ``identity_key`` is the newest identity public key the centre has presented. Whether a local
    centre *trusts* it is a separate question, answered by its :class:`Peer` row.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.OneToOneField(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comms_centre",
        verbose_name=_("organization"),
    )
    is_local = models.BooleanField(_("hosted on this node"), default=False)
    node_url = models.CharField(_("node address"), max_length=300, blank=True)
    identity_key = models.BinaryField(_("identity public key"), max_length=32)
    identity_kid = models.CharField(_("identity key id"), max_length=32, db_index=True)
    # The local archive key (symmetric), sealed under the operator key; local centres only.
    archive_key_sealed = models.BinaryField(null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["-is_local", "code"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        permissions = [("manage_keys_centre", "Can rotate, revoke and destroy a centre's keys")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_local=False) | Q(organization__isnull=False), name="comms_local_centre_has_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CentreKey(TimestampedModel):
    """One key of a centre: its identity key, or a signing or encryption key certified by it.

    Every centre's public keys are here; only local centres' rows have ``private_sealed`` (the
    private key sealed under the operator key) until the key is destroyed.
    """

    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="keys", verbose_name=_("centre")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=KeyPurpose.choices)
    kid = models.CharField(_("key id"), max_length=32)
    public_key = models.BinaryField(_("public key"), max_length=32)
    issuer_kid = models.CharField(_("certified by"), max_length=32, blank=True)
    not_before = models.DateTimeField(_("valid from"), null=True, blank=True)
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    certificate = models.JSONField(_("certificate"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=KeyState.choices, default=KeyState.ACTIVE)
    private_sealed = models.BinaryField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    destroy_after = models.DateTimeField(_("destroy after"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation = models.JSONField(_("revocation"), null=True, blank=True)

    objects = CentreKeyQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "purpose", "-not_before"]
        verbose_name = _("centre key")
        verbose_name_plural = _("centre keys")
        constraints = [models.UniqueConstraint(fields=["centre", "kid"], name="comms_key_unique")]

    def __str__(self) -> str:
        return f"{self.centre.code} {self.kid}"


class Peer(TimestampedModel):
    """A local centre's trust in another centre: the identity key it confirmed out of band.

    Messages go to and are accepted from a peer only while it is ``pinned``. A bundle under a
    different identity key moves the peer to ``key_changed`` and everything from or to it is
    refused until an administrator confirms the new fingerprint.
    """

    local_centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="peers", verbose_name=_("our centre")
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="trusted_by", verbose_name=_("peer centre")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PeerStatus.choices, default=PeerStatus.PENDING
    )
    pinned_identity_key = models.BinaryField(_("confirmed identity key"), max_length=32)
    offered_identity_key = models.BinaryField(
        _("new identity key offered"), max_length=32, null=True, blank=True
    )
    offered_bundle = models.JSONField(null=True, blank=True, editable=False)
    identity_rotation = models.JSONField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    key_changed_at = models.DateTimeField(_("key changed at"), null=True, blank=True)

    objects = PeerQuerySet.as_manager()

    class Meta:
        ordering = ["local_centre", "centre__code"]
        verbose_name = _("peer")
        verbose_name_plural = _("peers")
        permissions = [("confirm_peer", "Can confirm a peer's fingerprint or key change")]
        constraints = [models.UniqueConstraint(fields=["local_centre", "centre"], name="comms_peer_unique")]

    def __str__(self) -> str:
        return f"{self.local_centre.code} → {self.centre.code}"


class Envelope(models.Model):
    """One envelope as it travelled: the signed header fields this node needs for routing and
    ordering, and the exact transport bytes (ciphertext, wrapped keys, signature). Stored once
    per node, whatever number of local centres it is addressed to; ``msg_id`` is unique, which
    is what makes a replayed or re-delivered envelope change nothing."""

    msg_id = models.UUIDField(_("message id"), unique=True)
    thread_uid = models.UUIDField(_("thread id"), db_index=True)
    sender = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="sent_envelopes")
    sender_kid = models.CharField(max_length=32)
    kind = models.CharField(_("kind"), max_length=40, choices=EnvelopeKind.choices)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    requires_ack = models.BooleanField(_("requires acknowledgment"), default=False)
    refers_to = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("written at"))
    received_at = models.DateTimeField(_("stored at"), db_index=True)
    raw = models.BinaryField(editable=False)
    digest = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")

    def __str__(self) -> str:
        return str(self.msg_id)


class JointGroup(TimestampedModel):
    """A joint working group across centres of several provinces, as this node knows it: the
    core working group (the shared scope on this node), the centres taking part (local or on
    other nodes), and its shared thread. ``uid`` is the same on every member node."""

    uid = models.UUIDField(_("group id"), unique=True)
    working_group = models.OneToOneField(
        "core.WorkingGroup",
        on_delete=models.PROTECT,
        related_name="joint_group",
        verbose_name=_("working group"),
    )
    owner = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("convening centre")
    )
    members = models.ManyToManyField(Centre, related_name="joint_groups", verbose_name=_("member centres"))
    thread_uid = models.UUIDField(_("shared thread"))

    objects = JointGroupQuerySet.as_manager()

    class Meta:
        ordering = ["working_group__name"]
        verbose_name = _("joint working group")
        verbose_name_plural = _("joint working groups")

    def __str__(self) -> str:
        return str(self.working_group)


class Thread(TimestampedModel):
    """A conversation between two or more centres, as one local centre's mailbox holds it. The
    same conversation on another node (or for another local centre) shares ``uid``. Its subject
    is inside the first message, encrypted; nothing about it is stored in clear."""

    uid = models.UUIDField(_("thread id"))
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="threads", verbose_name=_("mailbox")
    )
    participants = models.ManyToManyField(Centre, related_name="+", verbose_name=_("centres"))
    joint_group = models.ForeignKey(
        JointGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="threads"
    )
    last_message_at = models.DateTimeField(_("last message"), db_index=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [models.UniqueConstraint(fields=["centre", "uid"], name="comms_thread_unique")]

    def __str__(self) -> str:
        return f"{self.centre.code} {self.uid}"


class Message(TimestampedModel):
    """An envelope in one local centre's mailbox: received (``in``) or sent (``out``, the
    sender's own readable copy). What it says is only in the envelope, encrypted."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="messages", verbose_name=_("mailbox")
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, related_name="messages", verbose_name=_("thread")
    )
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    # The encryption key (of this mailbox's centre) that this copy's content key is sealed to:
    # what the archive re-wrap looks for before that key is destroyed.
    key_id = models.CharField(max_length=32, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("read by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # After the encryption key this message was sealed to is destroyed, its content key lives
    # on here, sealed under the centre's archive key.
    archived_key = models.BinaryField(null=True, blank=True, editable=False)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["envelope__created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        permissions = [("acknowledge_message", "Can acknowledge messages")]
        constraints = [models.UniqueConstraint(fields=["centre", "envelope"], name="comms_message_unique")]

    def __str__(self) -> str:
        return f"{self.centre.code} {self.envelope.msg_id}"

    @property
    def organization(self) -> Any:
        return self.centre.organization


class Receipt(TimestampedModel):
    """A signed read receipt or acknowledgment that a recipient centre sent back for a message
    this centre sent. The receipt's own envelope is kept as the signed evidence."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    kind = models.CharField(_("kind"), max_length=40, choices=EnvelopeKind.choices)
    at = models.DateTimeField(_("at"))
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="+")

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["message", "centre", "kind"], name="comms_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.centre.code} {self.at:%Y-%m-%d %H:%M}"


class Delivery(TimestampedModel):
    """The outbox: one envelope (or public key bundle) to push to one peer node, retried with
    backoff until that node acknowledges it. Deliveries to one node go strictly in ``id`` order,
    so a node that was down receives its backlog in the order it was written."""

    sender = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="deliveries")
    node_url = models.CharField(_("node address"), max_length=300, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DeliveryKind.choices, default=DeliveryKind.ENVELOPE
    )
    envelope = models.ForeignKey(
        Envelope, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    bundle = models.JSONField(null=True, blank=True)
    centres = models.JSONField(_("recipient centres"), default=list)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # A worker pushing this delivery holds it until then (a crashed worker's claim runs out).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="envelope") & Q(envelope__isnull=False))
                | (Q(kind="bundle") & Q(bundle__isnull=False)),
                name="comms_delivery_payload",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.node_url} ({self.status})"


class GroupTask(TimestampedModel):
    """An item of a joint working group's shared task list. Every member node keeps the same
    item (same ``uid``) and mirrors it as a case of its own member centre (``case``)."""

    uid = models.UUIDField(_("task id"))
    group = models.ForeignKey(
        JointGroup, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    assigned_centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    # The case category (its code) the mirrored cases are filed under on every node.
    category_code = models.CharField(_("category"), max_length=50, default="other")
    version = models.PositiveIntegerField(default=1)
    changed_by_centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )

    objects = GroupTaskQuerySet.as_manager()

    class Meta:
        ordering = ["group", "status", "due_date", "id"]
        verbose_name = _("joint task")
        verbose_name_plural = _("joint tasks")
        constraints = [models.UniqueConstraint(fields=["group", "uid"], name="comms_task_unique")]

    def __str__(self) -> str:
        return self.title


def follow_organization_name(
    sender: Any,
    instance: Any,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """A local centre is named as its organization is now: its name, copied when the centre was
    set up, follows a rename (the pages, the inbox's «صندوق پیام», and the bundle the centre
    publishes to its peers read it). Kept in the row, not read through the relation, because a
    peer's centre has no organization here and every page reads ``name`` alike; one UPDATE that
    matches no row when the organization hosts no centre. Connected in ``CommsConfig.ready``."""
    if raw or created or (update_fields is not None and "name" not in update_fields):
        return
    Centre.objects.filter(organization_id=instance.pk, is_local=True).exclude(name=instance.name).update(
        name=instance.name
    )


# A local centre's key holds its organization's name and code, kept fresh when the organization
# is renamed; a peer's centre keys its own name (rasad.comms.actions.peers._named).
# rasad.lib.search.stored_key; docs/reference/persian-text.md, "How keys stay fresh".
search.stored_key(
    Centre,
    "organization__name",
    "organization__name_en",
    "organization__code",
    rows=Q(organization__isnull=False),
)
