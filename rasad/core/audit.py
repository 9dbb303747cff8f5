"""Audit events of the core app (codes 100-199): one small function per event."""

from __future__ import annotations

import datetime
from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import normalize_ip, record, register_event_types
from rasad.lib import context

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import Organization, User


@unique
class CoreAuditEvent(IntEnum):
    ORGANIZATION_CREATED = 101
    ORGANIZATION_CHANGED = 102
    ORGANIZATION_MOVED = 103
    ORGANIZATION_CLOSED = 104
    ORGANIZATIONS_IMPORTED = 105
    NATIONAL_BODY_CHANGED = 106
    USER_CREATED = 110
    USER_DEACTIVATED = 111
    USER_REACTIVATED = 116
    USER_NAMES_CHANGED = 117
    USER_NAMES_IMPORTED = 118
    USER_PREFERENCES_CHANGED = 112
    PASSWORD_CHANGED = 115
    MEMBERSHIP_ADDED = 113
    MEMBERSHIP_REMOVED = 114
    GRANT_ADDED = 120
    GRANT_REVOKED = 121
    ROLE_CHANGED = 122
    WORKING_GROUP_CREATED = 125
    WORKING_GROUP_CHANGED = 126
    LOGIN = 130
    LOGIN_FAILED = 131
    LOGOUT = 132
    LOGIN_THROTTLED = 133
    TWO_FACTOR_ENABLED = 134
    TWO_FACTOR_DISABLED = 135
    TWO_FACTOR_FAILED = 136
    BACKUP_CODES_CREATED = 137
    BACKUP_CODE_USED = 138
    ACCESS_DENIED = 140
    ACCESS_DENIED_REPEATED = 141
    API_TOKEN_CREATED = 150
    API_TOKEN_REVOKED = 151
    HOLIDAY_CHANGED = 160
    DATABASE_RESTORED = 170


register_event_types(
    CoreAuditEvent,
    {
        CoreAuditEvent.ORGANIZATION_CREATED: _("Organization created"),
        CoreAuditEvent.ORGANIZATION_CHANGED: _("Organization changed"),
        CoreAuditEvent.ORGANIZATION_MOVED: _("Organization moved"),
        CoreAuditEvent.ORGANIZATION_CLOSED: _("Organization closed"),
        CoreAuditEvent.ORGANIZATIONS_IMPORTED: _("Organizations imported"),
        CoreAuditEvent.NATIONAL_BODY_CHANGED: _("National body flag changed"),
        CoreAuditEvent.USER_CREATED: _("User created"),
        CoreAuditEvent.USER_DEACTIVATED: _("Account deactivated"),
        CoreAuditEvent.USER_REACTIVATED: _("Account reactivated"),
        CoreAuditEvent.USER_NAMES_CHANGED: _("Name changed"),
        CoreAuditEvent.USER_NAMES_IMPORTED: _("Names imported"),
        CoreAuditEvent.USER_PREFERENCES_CHANGED: _("Preferences changed"),
        CoreAuditEvent.PASSWORD_CHANGED: _("Password changed"),
        CoreAuditEvent.MEMBERSHIP_ADDED: _("Membership added"),
        CoreAuditEvent.MEMBERSHIP_REMOVED: _("Membership removed"),
        CoreAuditEvent.GRANT_ADDED: _("Grant added"),
        CoreAuditEvent.GRANT_REVOKED: _("Grant revoked"),
        CoreAuditEvent.ROLE_CHANGED: _("Role changed"),
        CoreAuditEvent.WORKING_GROUP_CREATED: _("Working group created"),
        CoreAuditEvent.WORKING_GROUP_CHANGED: _("Working group changed"),
        CoreAuditEvent.LOGIN: _("Signed in"),
        CoreAuditEvent.LOGIN_FAILED: _("Sign-in failed"),
        CoreAuditEvent.LOGOUT: _("Signed out"),
        CoreAuditEvent.LOGIN_THROTTLED: _("Sign-in throttled"),
        CoreAuditEvent.TWO_FACTOR_ENABLED: _("Two-factor enabled"),
        CoreAuditEvent.TWO_FACTOR_DISABLED: _("Two-factor disabled"),
        CoreAuditEvent.TWO_FACTOR_FAILED: _("Two-factor code rejected"),
        CoreAuditEvent.BACKUP_CODES_CREATED: _("Two-factor backup codes created"),
        CoreAuditEvent.BACKUP_CODE_USED: _("Two-factor backup code used"),
        CoreAuditEvent.ACCESS_DENIED: _("Access denied"),
        CoreAuditEvent.ACCESS_DENIED_REPEATED: _("Access denied again (summary of a minute)"),
        CoreAuditEvent.API_TOKEN_CREATED: _("API token created"),
        CoreAuditEvent.API_TOKEN_REVOKED: _("API token revoked"),
        CoreAuditEvent.HOLIDAY_CHANGED: _("Holiday changed"),
        CoreAuditEvent.DATABASE_RESTORED: _("Database restored from a backup"),
    },
)


def audit_organization_created(
    organization: Organization, *, acting_user: User, values: dict[str, Any]
) -> None:
    record(
        CoreAuditEvent.ORGANIZATION_CREATED,
        actor=acting_user,
        organization=organization,
        obj=organization,
        new=values,
    )


def audit_organization_changed(
    organization: Organization, *, acting_user: User, old: dict[str, Any], new: dict[str, Any]
) -> None:
    record(
        CoreAuditEvent.ORGANIZATION_CHANGED,
        actor=acting_user,
        organization=organization,
        obj=organization,
        old=old,
        new=new,
    )


def audit_organization_moved(
    organization: Organization, *, acting_user: User, old_parent_id: int | None, new_parent_id: int | None
) -> None:
    record(
        CoreAuditEvent.ORGANIZATION_MOVED,
        actor=acting_user,
        organization=organization,
        obj=organization,
        old={"parent": old_parent_id},
        new={"parent": new_parent_id},
    )


def audit_organization_closed(organization: Organization, *, acting_user: User, closed_on: Any) -> None:
    record(
        CoreAuditEvent.ORGANIZATION_CLOSED,
        actor=acting_user,
        organization=organization,
        obj=organization,
        old={"closed_on": None},
        new={"closed_on": closed_on},
    )


def audit_national_body_changed(organization: Organization, *, acting_user: User, value: bool) -> None:
    record(
        CoreAuditEvent.NATIONAL_BODY_CHANGED,
        actor=acting_user,
        organization=organization,
        obj=organization,
        old={"is_national_body": not value},
        new={"is_national_body": value},
    )


def audit_role_changed(role: Any, *, acting_user: User, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Roles are shared by every organization, so their changes go to the system chain."""
    record(CoreAuditEvent.ROLE_CHANGED, actor=acting_user, obj=role, old=old, new=new)


def audit_organizations_imported(
    root: Organization | None, *, acting_user: User, count: int, digest: str, file_name: str
) -> None:
    """Bulk imports write one event per batch carrying the batch's content digest."""
    record(
        CoreAuditEvent.ORGANIZATIONS_IMPORTED,
        actor=acting_user,
        organization=root,
        object_type="core.organization",
        new={"count": count, "sha256": digest, "file": file_name},
    )


def audit_user_event(
    event: CoreAuditEvent,
    user: User,
    *,
    acting_user: User | None,
    organization: Organization | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(event, actor=acting_user, organization=organization, obj=user, old=old, new=new)


def audit_security_event(
    event: CoreAuditEvent,
    *,
    user: User | AnonymousUser | None,
    username: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Sign-in and 2FA events go to the system chain, committed even if the request then fails."""
    with transaction.atomic():
        record(
            event,
            actor=user,
            actor_name=username,
            object_type="core.user",
            object_id=str(user.pk) if user is not None and user.pk else "",
            extra=extra,
        )


def last_event_id() -> int:
    """The id of the audit trail's last event (0 for none): a mark to ask ``recorded_since``
    about. One read of the primary key's index."""
    from rasad.core.models import AuditEvent

    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def recorded_since(mark: int) -> bool:
    """Whether this request (``rasad.lib.context``) has appended an event other than a refusal
    since ``mark`` (``last_event_id``): whether an action it ran changed anything, since every
    change is audited in its own transaction and nothing else is (docs/audit.md). Ids grow with
    time, so the events since the mark are the newest, read by the primary key's index."""
    from rasad.core.models import AuditEvent

    request = context.current()
    events = AuditEvent.objects.filter(pk__gt=mark).exclude(
        event_type__in=(CoreAuditEvent.ACCESS_DENIED, CoreAuditEvent.ACCESS_DENIED_REPEATED)
    )
    if request is not None:
        events = events.filter(request_id=request.request_id[:64])
    return events.exists()


def record_access_denied(
    user: User | AnonymousUser, model: type[models.Model], pk: Any, *, action: str
) -> None:
    """A refused access to an existing object. Refusals are aggregated per actor, object type and
    minute: the first of the minute is an event at once, the others only count in a tally that
    ``fold_access_denials`` turns into one summary event when the minute is over. A flood of
    refusals therefore writes a bounded number of events, and they wait on no shared lock."""
    request = context.current()
    authenticated = user is not None and user.is_authenticated
    actor_id = user.pk if authenticated else None
    ip = normalize_ip(request.ip if request else None)
    object_type = model._meta.label_lower
    object_id = str(pk)[:64]
    minute = timezone.now().replace(second=0, microsecond=0)
    who = str(actor_id) if actor_id is not None else f"anonymous:{ip or '-'}"
    prefix = f"{who}|{object_type}|"
    with transaction.atomic():
        count = _count_refusal(
            bucket=f"{prefix}{minute:%Y-%m-%dT%H:%M}",
            actor_id=actor_id,
            actor_name=user.get_username() if authenticated else "",
            object_type=object_type,
            minute=minute,
            object_id=object_id,
            action=action[:50],
            ip=ip,
            request_id=request.request_id if request else "",
        )
        if count == 1:
            record(
                CoreAuditEvent.ACCESS_DENIED,
                actor=user,
                object_type=object_type,
                object_id=object_id,
                extra={"action": action},
            )
            fold_access_denials(bucket_prefix=prefix, before=minute)


_MAX_LISTED = 300
"""Characters of object ids and actions a tally lists; the count is always exact."""


def _count_refusal(
    *,
    bucket: str,
    actor_id: int | None,
    actor_name: str,
    object_type: str,
    minute: datetime.datetime,
    object_id: str,
    action: str,
    ip: str | None,
    request_id: str,
) -> int:
    """Add one refusal to its tally (one upsert) and return the tally's count."""
    from rasad.core.models import AccessDenialTally

    connection = connections[router.db_for_write(AccessDenialTally)]
    table = connection.ops.quote_name(AccessDenialTally._meta.db_table)
    listed = (
        "CASE WHEN length({t}.{c}) < %s "
        "AND (',' || {t}.{c} || ',') NOT LIKE ('%%,' || excluded.{c} || ',%%') "
        "THEN {t}.{c} || ',' || excluded.{c} ELSE {t}.{c} END"
    )
    sql = (
        f"INSERT INTO {table} (bucket, actor_id, actor_name, object_type, minute, count, object_ids, "  # noqa: S608
        "actions, ip, request_id) VALUES (%s, %s, %s, %s, %s, 1, %s, %s, %s, %s) "
        f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1, "
        f"object_ids = {listed.format(t=table, c='object_ids')}, "
        f"actions = {listed.format(t=table, c='actions')} "
        "RETURNING count"
    )
    params = [
        bucket,
        actor_id,
        actor_name,
        object_type,
        connection.ops.adapt_datetimefield_value(minute),
        object_id.replace(",", " "),
        action.replace(",", " "),
        connection.ops.adapt_ipaddressfield_value(ip),
        request_id,
        _MAX_LISTED,
        _MAX_LISTED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0])


def fold_access_denials(*, bucket_prefix: str = "", before: datetime.datetime | None = None) -> int:
    """Turn the tallies of finished minutes into summary events (one per actor, object type and
    minute with more than one refusal) and drop them. Returns the number of events written."""
    from rasad.core.models import AccessDenialTally, User

    before = before or timezone.now().replace(second=0, microsecond=0)
    written = 0
    with transaction.atomic():
        tallies = list(
            AccessDenialTally.objects.select_for_update(skip_locked=True)
            .filter(minute__lt=before, bucket__startswith=bucket_prefix)
            .order_by("minute", "id")
        )
        actors = User.objects.in_bulk({t.actor_id for t in tallies if t.actor_id is not None})
        for tally in tallies:
            if tally.count > 1:
                record(
                    CoreAuditEvent.ACCESS_DENIED_REPEATED,
                    actor=actors.get(tally.actor_id) if tally.actor_id is not None else None,
                    actor_name=tally.actor_name,
                    object_type=tally.object_type,
                    extra={
                        "refusals": tally.count,
                        "minute": tally.minute.isoformat(),
                        "object_ids": [i for i in tally.object_ids.split(",") if i],
                        "actions": [a for a in tally.actions.split(",") if a],
                    },
                    ip=tally.ip,
                    request_id=tally.request_id,
                )
                written += 1
        AccessDenialTally.objects.filter(pk__in=[t.pk for t in tallies]).delete()
    return written
