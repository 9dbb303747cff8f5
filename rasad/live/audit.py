"""Audit events of live operations (codes 800-899): one small function per kind of event.

Every event is written in the field post's own chain, so that the posts of a province never
queue on one chain head while they report."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User


@unique
class LiveAuditEvent(IntEnum):
    DEVICE_REGISTERED = 801
    DEVICE_CHANGED = 802
    DEVICE_RETIRED = 803
    CREDENTIAL_ISSUED = 810
    CREDENTIAL_REVOKED = 811
    BATCH_RECEIVED = 820
    STATUS_CHANGED = 830
    OUTAGE_OPENED = 840
    OUTAGE_ENDED = 841
    INCIDENT_RAISED = 842


register_event_types(
    LiveAuditEvent,
    {
        LiveAuditEvent.DEVICE_REGISTERED: _("Device registered"),
        LiveAuditEvent.DEVICE_CHANGED: _("Device changed"),
        LiveAuditEvent.DEVICE_RETIRED: _("Device retired"),
        LiveAuditEvent.CREDENTIAL_ISSUED: _("Agent credential issued"),
        LiveAuditEvent.CREDENTIAL_REVOKED: _("Agent credential revoked"),
        LiveAuditEvent.BATCH_RECEIVED: _("Agent batch recorded"),
        LiveAuditEvent.STATUS_CHANGED: _("Device status changed"),
        LiveAuditEvent.OUTAGE_OPENED: _("Post outage opened"),
        LiveAuditEvent.OUTAGE_ENDED: _("Post outage ended"),
        LiveAuditEvent.INCIDENT_RAISED: _("Device event raised an incident"),
    },
)


def audit_live(
    event: LiveAuditEvent,
    organization: Organization,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    object_type: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    actor_name: str = "",
    request_id: str | None = None,
    ip: str | None = None,
) -> None:
    """An event in the chain of the field post ``organization``. ``request_id`` and ``ip`` are
    the current request's unless given (a batch written by another request's thread, in a
    group commit, names its own)."""
    record(
        **live_entry(
            event,
            organization,
            acting_user=acting_user,
            obj=obj,
            object_type=object_type,
            old=old,
            new=new,
            actor_name=actor_name,
            request_id=request_id,
            ip=ip,
        )
    )


def live_entry(
    event: LiveAuditEvent,
    organization: Organization,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    object_type: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    actor_name: str = "",
    request_id: str | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """``audit_live``'s event as ``record``'s arguments: for ``record_many``, which appends a
    group commit's events (one per batch) together."""
    return {
        "event_type": event,
        "actor": acting_user,
        "actor_name": actor_name or ("" if acting_user is not None else "system"),
        "organization": organization,
        "obj": obj,
        "object_type": object_type,
        "old": old,
        "new": new,
        "request_id": request_id,
        "ip": ip,
    }
