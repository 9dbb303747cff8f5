"""Audit events of the media app (codes 1900-1999): one function writes them all, in the chain of
the organization that owns the changed record (the headquarters, or the answering agency)."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User


@unique
class MediaAuditEvent(IntEnum):
    MEMBER_ADDED = 1901
    MEMBER_CHANGED = 1902
    STATEMENT_SAVED = 1910
    STATEMENT_SUBMITTED = 1911
    STATEMENT_RETURNED = 1912
    STATEMENT_APPROVED = 1913
    STATEMENT_ISSUED = 1914
    STATEMENT_REVISED = 1915
    STATEMENT_SUPERSEDED = 1916
    ATTACHMENT_ADDED = 1917
    ACKNOWLEDGED = 1920
    RESPONDED = 1921
    REMINDED = 1922
    ESCALATED = 1923
    CRISIS_OPENED = 1930
    CRISIS_CLOSED = 1931
    TIMELINE_ENTRY_ADDED = 1932
    RUMOUR_LOGGED = 1940
    RUMOUR_ASSIGNED = 1941
    RUMOUR_ANSWERED = 1942
    RUMOUR_DISMISSED = 1943
    ITEM_PLANNED = 1950
    ITEM_CHANGED = 1951
    ITEM_PUBLISHED = 1952
    ITEM_CANCELLED = 1953


register_event_types(
    MediaAuditEvent,
    {
        MediaAuditEvent.MEMBER_ADDED: _("Member agency added to a media headquarters"),
        MediaAuditEvent.MEMBER_CHANGED: _("Member agency changed"),
        MediaAuditEvent.STATEMENT_SAVED: _("Statement saved"),
        MediaAuditEvent.STATEMENT_SUBMITTED: _("Statement sent for review"),
        MediaAuditEvent.STATEMENT_RETURNED: _("Statement sent back to draft"),
        MediaAuditEvent.STATEMENT_APPROVED: _("Statement approved"),
        MediaAuditEvent.STATEMENT_ISSUED: _("Statement issued to agencies"),
        MediaAuditEvent.STATEMENT_REVISED: _("New version of a statement drafted"),
        MediaAuditEvent.STATEMENT_SUPERSEDED: _("Statement superseded by a new version"),
        MediaAuditEvent.ATTACHMENT_ADDED: _("File added to a statement"),
        MediaAuditEvent.ACKNOWLEDGED: _("Statement acknowledged by an agency"),
        MediaAuditEvent.RESPONDED: _("Agency answered a statement"),
        MediaAuditEvent.REMINDED: _("Agency reminded of a statement's deadline"),
        MediaAuditEvent.ESCALATED: _("Missed statement deadline escalated"),
        MediaAuditEvent.CRISIS_OPENED: _("Crisis room opened"),
        MediaAuditEvent.CRISIS_CLOSED: _("Crisis room closed"),
        MediaAuditEvent.TIMELINE_ENTRY_ADDED: _("Crisis timeline entry added"),
        MediaAuditEvent.RUMOUR_LOGGED: _("Rumour logged"),
        MediaAuditEvent.RUMOUR_ASSIGNED: _("Rumour assigned to an agency"),
        MediaAuditEvent.RUMOUR_ANSWERED: _("Rumour answered"),
        MediaAuditEvent.RUMOUR_DISMISSED: _("Rumour set aside"),
        MediaAuditEvent.ITEM_PLANNED: _("Item put on the media calendar"),
        MediaAuditEvent.ITEM_CHANGED: _("Media calendar item changed"),
        MediaAuditEvent.ITEM_PUBLISHED: _("Media calendar item published"),
        MediaAuditEvent.ITEM_CANCELLED: _("Media calendar item cancelled"),
    },
)


def audit(
    event: MediaAuditEvent,
    *,
    acting_user: User | None,
    organization: Organization,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        actor_name="" if acting_user is not None else "system",
        organization=organization,
        obj=obj,
        old=old,
        new=new,
    )
