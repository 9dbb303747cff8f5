"""The case list as a spreadsheet (``rasad.lib.tabular``): labels and keys as headers, dates in
the reader's calendar plus ISO, user text neutralised against formula injection. Registered as
the background export "cases" (``rasad.jobs.exports``); this module sits with the interfaces
(it applies the list page's filters)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.choices import CaseKind
from rasad.cases.filtersets import CaseFilterSet
from rasad.cases.models import Case
from rasad.core.models import User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.tabular import ExportColumn, date_columns


def case_columns(now: datetime | None = None) -> list[ExportColumn]:
    moment = now or timezone.now()
    return [
        ExportColumn("reference", gettext_lazy("Reference"), lambda c: c.reference),
        ExportColumn("kind", gettext_lazy("Kind"), lambda c: str(CaseKind(c.kind).label)),
        ExportColumn("category", gettext_lazy("Category"), lambda c: c.category.name),
        ExportColumn("title", gettext_lazy("Title"), lambda c: c.title),
        ExportColumn("priority", gettext_lazy("Priority"), lambda c: c.get_priority_display()),
        ExportColumn("status", gettext_lazy("Status"), lambda c: c.get_status_display()),
        ExportColumn(
            "reporter_organization",
            gettext_lazy("Reporter organization"),
            lambda c: c.reporter_organization.name,
        ),
        ExportColumn(
            "owner_organization", gettext_lazy("Owner organization"), lambda c: c.owner_organization.name
        ),
        ExportColumn("assignee", gettext_lazy("Assignee"), lambda c: str(c.assignee) if c.assignee else ""),
        *date_columns("opened_at", gettext_lazy("Opened"), lambda c: c.opened_at),
        *date_columns("due_at", gettext_lazy("Due"), lambda c: c.due_at),
        ExportColumn(
            "overdue", gettext_lazy("Overdue"), lambda c: _("yes") if c.is_overdue(moment) else _("no")
        ),
        ExportColumn("escalation_level", gettext_lazy("Escalation level"), lambda c: c.escalation_level),
    ]


def visible_cases(user: User, params: Params) -> QuerySet[Case]:
    visible = Case.objects.visible_to(user, "view").select_related(
        "category", "reporter_organization", "owner_organization", "assignee"
    )
    return apply_filters(CaseFilterSet, visible, params).order_by("-opened_at", "-pk")


CASES = register_export(
    ExportKind(
        name="cases",
        title=gettext_lazy("Cases"),
        permission="cases.view_case",
        columns=case_columns,
        queryset=visible_cases,
        list_url="cases:case-list",
    )
)
