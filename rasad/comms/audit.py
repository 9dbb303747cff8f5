"""Audit events of the comms app (codes 900-999): one small function per event.

Every key change (set-up, rotation, destruction, revocation, a peer's new key) is an event on
the hash chain of the local centre's organization. Events name keys by key id and messages by
message id; they never hold a subject, a body or a file name.
"""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.comms.models import Centre
    from rasad.core.models import User


@unique
class CommsAuditEvent(IntEnum):
    CENTRE_SET_UP = 901
    KEYS_ROTATED = 902
    KEY_DESTROYED = 903
    KEY_REVOKED = 904
    IDENTITY_ROTATED = 905
    PEER_REGISTERED = 910
    PEER_CONFIRMED = 911
    PEER_KEY_CHANGED = 912
    PEER_BLOCKED = 913
    PEER_KEYS_UPDATED = 914
    MESSAGE_SENT = 920
    MESSAGE_RECEIVED = 921
    ENVELOPE_REFUSED = 922
    MESSAGE_READ = 923
    MESSAGE_ACKNOWLEDGED = 924
    CASE_FROM_MESSAGE = 925
    DELIVERY_REFUSED = 926
    GROUP_CREATED = 930
    GROUP_JOINED = 931
    TASK_ADDED = 932
    TASK_CHANGED = 933


register_event_types(
    CommsAuditEvent,
    {
        CommsAuditEvent.CENTRE_SET_UP: _("Centre keys created"),
        CommsAuditEvent.KEYS_ROTATED: _("Centre keys rotated"),
        CommsAuditEvent.KEY_DESTROYED: _("Old private key destroyed"),
        CommsAuditEvent.KEY_REVOKED: _("Key revoked"),
        CommsAuditEvent.IDENTITY_ROTATED: _("Centre identity key replaced"),
        CommsAuditEvent.PEER_REGISTERED: _("Peer centre registered"),
        CommsAuditEvent.PEER_CONFIRMED: _("Peer fingerprint confirmed"),
        CommsAuditEvent.PEER_KEY_CHANGED: _("Peer presented a new identity key"),
        CommsAuditEvent.PEER_BLOCKED: _("Peer centre blocked"),
        CommsAuditEvent.PEER_KEYS_UPDATED: _("Peer keys updated"),
        CommsAuditEvent.MESSAGE_SENT: _("Message sent"),
        CommsAuditEvent.MESSAGE_RECEIVED: _("Message received"),
        CommsAuditEvent.ENVELOPE_REFUSED: _("Incoming envelope refused"),
        CommsAuditEvent.MESSAGE_READ: _("Message read"),
        CommsAuditEvent.MESSAGE_ACKNOWLEDGED: _("Message acknowledged"),
        CommsAuditEvent.CASE_FROM_MESSAGE: _("Case opened from a message"),
        CommsAuditEvent.DELIVERY_REFUSED: _("Peer refused our envelope"),
        CommsAuditEvent.GROUP_CREATED: _("Joint working group created"),
        CommsAuditEvent.GROUP_JOINED: _("Joined a joint working group"),
        CommsAuditEvent.TASK_ADDED: _("Joint task added"),
        CommsAuditEvent.TASK_CHANGED: _("Joint task changed"),
    },
)


def audit_comms(
    event: CommsAuditEvent,
    centre: Centre | None,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Record ``event`` on the chain of ``centre``'s organization (the system chain when no
    local centre is concerned, for example an envelope for a centre this node does not host)."""
    record(
        event,
        actor=acting_user,
        organization=centre.organization if centre is not None else None,
        obj=obj,
        old=old,
        new=new,
        extra=extra,
        actor_name="" if acting_user else "system",
    )


def audit_refusal(centre: Centre | None, *, extra: dict[str, Any]) -> None:
    """A refused envelope is recorded even though the request that brought it fails."""
    with transaction.atomic():
        audit_comms(CommsAuditEvent.ENVELOPE_REFUSED, centre, acting_user=None, extra=extra)
