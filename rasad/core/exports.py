"""Exports to Excel and CSV of the core app's lists, written by ``rasad.lib.tabular``.

An export is a list of :class:`ExportColumn` (key, label, how to get the value) applied to a
queryset that the caller has already scoped with ``visible_to``. Dates come as a pair (the
reader's calendar, and ISO for machines); text cells are cleaned and neutralised against formula
injection by the tabular module.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.models import AuditEvent, Membership, Organization, User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.tabular import (
    CSV_TYPE,
    XLSX_TYPE,
    ExportColumn,
    date_columns,
    iso,
    person_date,
    safe_cell,
)

__all__ = [
    "CSV_TYPE",
    "XLSX_TYPE",
    "ExportColumn",
    "audit_columns",
    "date_columns",
    "iso",
    "organization_columns",
    "people_columns",
    "person_date",
    "safe_cell",
]


def organization_columns() -> list[ExportColumn]:
    """The import columns (so an export is a valid import template), then names and ISO dates."""
    return [
        ExportColumn("code", _("Code"), lambda o: o.code),
        ExportColumn("name", _("Name"), lambda o: o.name),
        ExportColumn("name_en", _("English name"), lambda o: o.name_en),
        ExportColumn("kind", _("Kind"), lambda o: o.kind),
        ExportColumn("kind_label", _("Kind (label)"), lambda o: str(o.get_kind_display())),
        ExportColumn("parent_code", _("Parent code"), lambda o: o.parent.code if o.parent else ""),
        ExportColumn("province_code", _("Province code"), lambda o: o.province.code if o.province else ""),
        ExportColumn("province_name", _("Province"), lambda o: o.province.name_fa if o.province else ""),
        ExportColumn("county_code", _("County code"), lambda o: o.county.code if o.county else ""),
        ExportColumn("latitude", _("Latitude"), lambda o: o.latitude),
        ExportColumn("longitude", _("Longitude"), lambda o: o.longitude),
        ExportColumn("sector_tags", _("Sector tags"), lambda o: "، ".join(o.sector_tags)),
        *date_columns("opened_on", _("Opened on"), lambda o: o.opened_on),
        *date_columns("closed_on", _("Closed on"), lambda o: o.closed_on),
    ]


def people_columns() -> list[ExportColumn]:
    """The import's columns first (username and the two names: an export filled in is a valid
    names import), then what a reader checks them against."""
    from rasad.lib.formatting import join

    return [
        ExportColumn("username", _("Username"), lambda u: u.username),
        ExportColumn("display_name", _("Display name"), lambda u: u.display_name),
        ExportColumn("latin_name", _("Name in Latin letters"), lambda u: u.latin_name),
        ExportColumn("email", _("E-mail"), lambda u: u.email),
        ExportColumn(
            "organizations",
            _("Organizations"),
            lambda u: join(m.organization.code for m in u.visible_memberships),
        ),
        ExportColumn(
            "titles", _("Job titles"), lambda u: join(m.title for m in u.visible_memberships if m.title)
        ),
        ExportColumn("is_active", _("Active"), lambda u: str(_("Yes") if u.is_active else _("No"))),
        *date_columns("joined", _("Joined"), lambda u: u.date_joined),
    ]


def _actor(event: AuditEvent) -> str:
    """Who acted, as the audit trail's page names them: the person's name, «System», or the
    username alone for a person who is gone or has no name the reader can read."""
    from rasad.lib import formatting

    if event.actor_name == "system":
        return str(_("System"))
    if event.actor is None:
        return event.actor_name
    return formatting.person_name(event.actor) or event.actor_name


def audit_columns() -> list[ExportColumn]:
    from rasad.core.audit_log import event_label

    return [
        *date_columns("created", _("Time"), lambda e: e.created),
        ExportColumn("event_type", _("Event code"), lambda e: e.event_type),
        ExportColumn("event", _("Event"), lambda e: event_label(e.event_type)),
        # The person as pages name them, and the username the trail keeps (and the filter reads).
        ExportColumn("actor", _("Actor"), _actor),
        ExportColumn("actor_name", _("Username"), lambda e: e.actor_name),
        ExportColumn("organization_id", _("Organization (id)"), lambda e: e.organization_id or ""),
        ExportColumn("object_type", _("Object type"), lambda e: e.object_type),
        ExportColumn("object_id", _("Object id"), lambda e: e.object_id),
        ExportColumn("object_repr", _("Object"), lambda e: e.object_repr),
        ExportColumn("request_id", _("Request id"), lambda e: e.request_id),
        ExportColumn("ip", _("Address"), lambda e: e.ip or ""),
        ExportColumn("chain", _("Chain"), lambda e: e.chain),
        ExportColumn("sequence", _("Sequence"), lambda e: e.sequence),
        ExportColumn("hash", _("Hash"), lambda e: e.hash),
    ]


# ---- background exports (rasad.jobs.exports) ----------------------------------------------------


def visible_organizations(user: User, params: Params) -> QuerySet[Organization]:
    from rasad.core.filtersets import OrganizationFilterSet

    visible = Organization.objects.visible_to(user).select_related("parent", "province", "county")
    return apply_filters(OrganizationFilterSet, visible, params).order_by("path")


def visible_people(user: User, params: Params) -> QuerySet[User]:
    """The people list's rows, each with the memberships the reader may see (as on the page)."""
    from rasad.core.filtersets import UserFilterSet

    memberships = Membership.objects.visible_to(user).select_related("organization").order_by("pk")
    visible = User.objects.visible_to(user).prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="visible_memberships")
    )
    return apply_filters(UserFilterSet, visible, params).order_by("username")


def visible_audit_events(user: User, params: Params) -> QuerySet[AuditEvent]:
    from rasad.core.audit_log import visible_events
    from rasad.core.filtersets import AuditEventFilterSet

    return (
        apply_filters(AuditEventFilterSet, visible_events(user), params)
        .select_related("actor")
        .order_by("-created", "-id")
    )


ORGANIZATIONS = register_export(
    ExportKind(
        name="organizations",
        title=_("Organizations"),
        permission="core.view_organization",
        columns=organization_columns,
        queryset=visible_organizations,
        list_url="core:organization-list",
    )
)
PEOPLE = register_export(
    ExportKind(
        name="people",
        title=_("People"),
        permission="core.view_user",
        columns=people_columns,
        queryset=visible_people,
        list_url="core:people-list",
    )
)
AUDIT = register_export(
    ExportKind(
        name="audit",
        title=_("Audit trail"),
        permission="core.view_auditevent",
        columns=audit_columns,
        queryset=visible_audit_events,
        list_url="core:audit-list",
    )
)
