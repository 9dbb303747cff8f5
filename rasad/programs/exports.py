"""The programme list and a party's obligations as spreadsheets (``rasad.lib.tabular``), made in
the background (``rasad.jobs.exports``): labels and keys as headers, every date in the reader's
calendar plus ISO. This module sits with the interfaces (it applies the list pages' filters)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.core.scope import organizations_for
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.tabular import ExportColumn, date_columns
from rasad.programs.filtersets import ActionItemFilterSet, ProgrammeFilterSet
from rasad.programs.models import ActionItem, Programme, StatusReport
from rasad.programs.progress import item_state


def programme_columns() -> list[ExportColumn]:
    return [
        ExportColumn("id", gettext_lazy("Id"), lambda p: p.pk),
        ExportColumn("title", gettext_lazy("Title"), lambda p: p.title),
        ExportColumn("kind", gettext_lazy("Kind"), lambda p: p.get_kind_display()),
        ExportColumn("reference_number", gettext_lazy("Reference number"), lambda p: p.reference_number),
        ExportColumn("organization", gettext_lazy("Lead organization"), lambda p: p.organization.name),
        ExportColumn(
            "parties",
            gettext_lazy("Parties"),
            lambda p: "، ".join(party.organization.name for party in p.parties.all()),
        ),
        ExportColumn("status", gettext_lazy("Status"), lambda p: p.get_status_display()),
        *date_columns("signed_on", gettext_lazy("Signed on"), lambda p: p.signed_on),
        *date_columns("starts_on", gettext_lazy("Starts on"), lambda p: p.starts_on),
        *date_columns("ends_on", gettext_lazy("Ends on"), lambda p: p.ends_on),
        ExportColumn("legal_basis", gettext_lazy("Legal basis"), lambda p: "\n".join(p.legal_basis)),
    ]


def visible_programmes(user: User, params: Params) -> QuerySet[Programme]:
    visible = (
        Programme.objects.visible_to(user, "view")
        .select_related("organization")
        .prefetch_related("parties__organization")
    )
    return apply_filters(ProgrammeFilterSet, visible, params).order_by("-starts_on", "-pk")


def obligation_columns(now: datetime | None = None) -> list[ExportColumn]:
    moment = now or timezone.now()
    return [
        ExportColumn("programme", gettext_lazy("Programme"), lambda i: i.programme.title),
        ExportColumn("axis", gettext_lazy("Axis"), lambda i: i.objective.axis.title),
        ExportColumn("objective", gettext_lazy("Objective"), lambda i: i.objective.title),
        ExportColumn("party", gettext_lazy("Party"), lambda i: i.party.organization.name),
        ExportColumn("reference", gettext_lazy("Reference"), lambda i: i.case.reference),
        ExportColumn("title", gettext_lazy("Action item"), lambda i: i.case.title),
        ExportColumn("weight", gettext_lazy("Weight"), lambda i: i.weight),
        *date_columns("starts_on", gettext_lazy("Starts on"), lambda i: i.starts_on),
        *date_columns("deadline", gettext_lazy("Deadline"), lambda i: i.case.deadline),
        ExportColumn(
            "case_status", gettext_lazy("Status of the case"), lambda i: i.case.get_status_display()
        ),
        ExportColumn("state", gettext_lazy("State"), lambda i: str(item_state(i, moment).label)),
        ExportColumn("escalation_level", gettext_lazy("Escalation level"), lambda i: i.case.escalation_level),
    ]


def owed_obligations(user: User, params: Params) -> QuerySet[ActionItem]:
    """The rows of "My obligations": action items the user sees, owed by organizations they act
    for (may submit the reports of)."""
    acting_for = organizations_for(user, StatusReport, "submit")
    visible = (
        ActionItem.objects.visible_to(user, "view")
        .filter(party__organization__in=acting_for)
        .select_related("programme", "objective__axis", "party__organization", "case")
    )
    return apply_filters(ActionItemFilterSet, visible, params).order_by("case__deadline", "pk")


PROGRAMMES = register_export(
    ExportKind(
        name="programmes",
        title=gettext_lazy("Programmes"),
        permission="programs.view_programme",
        columns=programme_columns,
        queryset=visible_programmes,
        list_url="programs:programme-list",
    )
)
OBLIGATIONS = register_export(
    ExportKind(
        name="programme-obligations",
        title=gettext_lazy("My obligations"),
        permission="programs.view_actionitem",
        columns=obligation_columns,
        queryset=owed_obligations,
        list_url="programs:obligations",
    )
)
