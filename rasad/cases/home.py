"""What the cases app puts on a person's home queue (``rasad.web.home`` collects it): cases
assigned to them, cases waiting for their triage, information or verification, what is overdue,
unread notifications about what they follow, and for coordinators open and overdue cases by
organization."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.calendar import lunar_warning
from rasad.cases.choices import CLOCK_STATUSES, CaseStatus
from rasad.cases.models import Case, Notification
from rasad.cases.querysets import CaseQuerySet
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import formatting, jalali
from rasad.web.home import HomeContribution, HomeCount, HomePanel, Section, WorkItem, oversees, url_with

# Items of one kind on the queue; the counts link to the full lists.
LIMIT = 10
ORGANIZATION_ROWS = 10


def _case_title(case: Case) -> str:
    return f"{formatting.digits(case.reference)}{formatting.separator()}{case.title}"


def _due_detail(case: Case, today: date) -> str:
    if case.due_at is None:
        return ""
    return formatting.due_text(jalali.local_date(case.due_at), today=today)


def _item(case: Case, kind: str, detail: str, today: date, *, section: Section = "waiting") -> WorkItem:
    overdue = case.is_overdue()
    due = jalali.local_date(case.due_at) if case.due_at else None
    return WorkItem(
        section="overdue" if overdue else section,
        kind=kind,
        title=_case_title(case),
        url=reverse("cases:case-detail", args=[case.pk]),
        detail=formatting.separator().join(part for part in (detail, _due_detail(case, today)) if part),
        due=due,
        tone="danger" if overdue else "primary",
    )


def _member_organization_ids(user: User) -> list[int]:
    return list(Organization.objects.filter(memberships__user=user).values_list("pk", flat=True))


def _lunar_holidays_item(user: User, today: date) -> WorkItem | None:
    """Administrators of the working calendar enter each year's lunar holidays; 60 days before
    a year without them starts, the queue asks for them (meanwhile SLAs use estimates)."""
    if not user.is_superuser:
        return None
    year = lunar_warning(today)
    if year is None:
        return None
    return WorkItem(
        section="waiting",
        kind="cases.lunar_holidays",
        title=_("Enter the lunar holidays of %(year)s") % {"year": formatting.digits(year.year)},
        url=url_with("cases:calendar", year=year.year),
        detail=_("The year starts on %(date)s, in %(days)s; meanwhile due times use estimated dates.")
        % {
            "date": formatting.date_text(year.starts, style="long"),
            "days": formatting.days_text((year.starts - today).days),
        },
        due=year.starts,
        tone="warning",
    )


def provide(user: User, today: date) -> HomeContribution:
    contribution = HomeContribution()
    lunar = _lunar_holidays_item(user, today)
    if lunar is not None:
        contribution.items.append(lunar)
    visible = Case.objects.visible_to(user).select_related("owner_organization")
    if organization_scope(user, Case, "view").is_nothing:
        return contribution
    contribution.items.extend(_case_items(user, visible, today))
    contribution.items.extend(_notification_items(user))
    open_cases = visible.open()
    contribution.counts.extend(
        [
            HomeCount(
                _("Assigned to you"),
                _assigned(user, visible).count(),
                url_with("cases:case-list", assignee_id=user.pk, is_open="true"),
            ),
            HomeCount(_("Open cases"), open_cases.count(), url_with("cases:case-list", is_open="true")),
            HomeCount(
                _("Overdue cases"),
                visible.overdue().count(),
                url_with("cases:case-list", overdue="true"),
                "danger",
            ),
        ]
    )
    if oversees(user, "cases.assign_case"):
        panel = _by_organization_panel(open_cases)
        if panel is not None:
            contribution.panels.append(panel)
            contribution.panels.append(
                HomePanel(
                    _("Map of open cases"),
                    "cases/home_map.html",
                    {"points_url": url_with("cases:case-geojson", is_open="true")},
                    order=40,
                )
            )
    return contribution


def _assigned(user: User, visible: CaseQuerySet) -> CaseQuerySet:
    return visible.filter(assignee=user, status__in=CLOCK_STATUSES).order_by("due_at")


def _case_items(user: User, visible: CaseQuerySet, today: date) -> list[WorkItem]:
    """The cases waiting for the user, each once, under the first reason that applies: assigned
    to them; new in their organization (to triage); waiting for an assignee; the reporter's side
    (answer a question, verify a resolution); overdue in their organization."""
    members = _member_organization_ids(user)
    items: list[WorkItem] = []
    seen: set[int] = set()

    def add(cases: list[Case], kind: str, detail: str) -> None:
        for case in cases:
            if case.pk not in seen:
                seen.add(case.pk)
                items.append(_item(case, kind, detail, today))

    add(list(_assigned(user, visible)[:LIMIT]), "cases.assigned", _("Assigned to you"))

    triage = organization_scope(user, Case, "triage")
    if not triage.is_nothing:
        new = visible.filter(status=CaseStatus.NEW, owner_organization_id__in=members)
        if not triage.is_everything:
            new = new.filter(triage.as_q("owner_organization__"))
        add(list(new.order_by("opened_at")[:LIMIT]), "cases.triage", _("New: triage it"))

    assign = organization_scope(user, Case, "assign")
    if not assign.is_nothing:
        unassigned = visible.filter(
            status__in=[CaseStatus.TRIAGED, CaseStatus.REOPENED], owner_organization_id__in=members
        )
        if not assign.is_everything:
            unassigned = unassigned.filter(assign.as_q("owner_organization__"))
        add(list(unassigned.order_by("due_at")[:LIMIT]), "cases.assign", _("Waiting for an assignee"))

    # The reporter's side: answer a question, verify a resolution.
    mine = Q(reported_by=user) | Q(reporter_organization_id__in=members)
    waiting = visible.filter(mine, status=CaseStatus.WAITING)
    add(
        list(waiting.order_by("due_at")[:LIMIT]),
        "cases.provide_info",
        _("The owner asks you for information"),
    )
    resolved = visible.filter(mine, status=CaseStatus.RESOLVED)
    add(list(resolved.order_by("resolved_at")[:LIMIT]), "cases.verify", _("Resolved: verify and close"))

    overdue = visible.overdue().filter(Q(assignee=user) | Q(owner_organization_id__in=members))
    add(list(overdue.order_by("due_at")[:LIMIT]), "cases.overdue", _("Your organization owns it"))
    return items


def _notification_items(user: User) -> list[WorkItem]:
    """One item per case followed, with its latest unread notification."""
    latest: dict[int | None, tuple[Notification, int]] = {}
    notifications = Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created", "-id")
    for notification in notifications[:200]:
        first, count = latest.get(notification.case_id, (notification, 0))
        latest[notification.case_id] = (first, count + 1)
    items: list[WorkItem] = []
    for case_id, (notification, count) in list(latest.items())[:LIMIT]:
        url = reverse("cases:case-detail", args=[case_id]) if case_id else reverse("cases:notifications")
        when = formatting.datetime_text(notification.created)
        items.append(
            WorkItem(
                section="following",
                kind="cases.notification",
                title=notification.text,
                url=url,
                detail=when
                if count == 1
                else formatting.separator().join(
                    (when, _("%(count)s unread notifications") % {"count": formatting.number(count)})
                ),
                moment=notification.created,
            )
        )
    return items


def _by_organization_panel(open_cases: CaseQuerySet) -> HomePanel | None:
    now = timezone.now()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[int, str] = {}
    for owner_id, name, status, due_at in open_cases.values_list(
        "owner_organization_id", "owner_organization__name", "status", "due_at"
    ):
        names[owner_id] = name
        counts[owner_id][0] += 1
        if status in CLOCK_STATUSES and due_at is not None and due_at < now:
            counts[owner_id][1] += 1
    if not counts:
        return None
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], names[item[0]]))[:ORGANIZATION_ROWS]
    most = max(total for _pk, (total, _overdue) in ordered)
    return HomePanel(
        _("Open and overdue cases by organization"),
        "cases/home_by_organization.html",
        {
            "rows": [
                {
                    "name": names[pk],
                    "open": formatting.number(total),
                    "overdue": formatting.number(late),
                    "open_percent": round(100 * (total - late) / most),
                    "overdue_percent": round(100 * late / most),
                    "url": url_with("cases:case-list", owner_organization_id=pk, is_open="true"),
                    "has_overdue": late > 0,
                }
                for pk, (total, late) in ordered
            ],
        },
        order=10,
    )
