"""What the indicators app puts on a person's home queue (``rasad.web.home`` collects it):
reports their organizations owe, periods waiting for their approval, open alerts in their scope,
and for coordinators the reporting completeness of their subtree and alerts by province."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.dashboards import completeness
from rasad.indicators.deadlines import collecting_period, owed_reports
from rasad.indicators.models import Alert, Observation
from rasad.lib import display, formatting
from rasad.web.home import HomeContribution, HomeCount, HomePanel, ItemAction, WorkItem, oversees, url_with

# Open alerts listed on the queue; the count links to all of them.
ALERT_LIMIT = 8
# Organizations shown in the completeness panel (the least complete first).
COMPLETENESS_ROWS = 10


def _reporting_organizations(user: User) -> list[Organization]:
    """The organizations the person reports for: where they work and may submit values."""
    scope = organization_scope(user, Observation, "submit")
    if scope.is_nothing:
        return []
    members = Organization.objects.filter(memberships__user=user, closed_on__isnull=True).distinct()
    return [organization for organization in members if scope.contains(organization)]


def _report_items(user: User, today: date) -> list[WorkItem]:
    organizations = _reporting_organizations(user)
    several = len(organizations) > 1
    items = []
    for report in owed_reports(organizations, today):
        period = formatting.period(report.period)
        due = formatting.due_text(report.due, today=today)
        if several:
            title = _("Report of %(organization)s for %(period)s: %(due)s") % {
                "organization": report.organization.name,
                "period": period,
                "due": due,
            }
        else:
            title = _("Report for %(period)s: %(due)s") % {"period": period, "due": due}
        overdue = report.is_overdue(today)
        items.append(
            WorkItem(
                section="overdue" if overdue else "waiting",
                kind="indicators.report_due",
                title=title,
                url=reverse("indicators:report", args=[report.organization.pk, report.period.key]),
                detail=_("%(missing)s of %(expected)s values not yet submitted")
                % {
                    "missing": formatting.number(report.missing),
                    "expected": formatting.number(report.expected),
                },
                due=report.due,
                tone="danger" if overdue else "warning",
            )
        )
    return items


def _approval_items(user: User) -> tuple[list[WorkItem], int]:
    """Periods submitted by organizations whose parent the person may approve for."""
    scope = organization_scope(user, Observation, "approve")
    if scope.is_nothing:
        return [], 0
    pending = Observation.objects.filter(status=ObservationStatus.SUBMITTED)
    if not scope.is_everything:
        pending = pending.filter(scope.as_q("organization__parent__"))
    groups = list(
        pending.values("organization_id", "period_key")
        .annotate(values=Count("pk"))
        .order_by("period_key", "organization_id")
    )
    names = dict(
        Organization.objects.filter(pk__in={g["organization_id"] for g in groups}).values_list("pk", "name")
    )
    home = reverse("web:home")
    items = []
    for group in groups[:12]:
        organization_id, key = group["organization_id"], group["period_key"]
        items.append(
            WorkItem(
                section="waiting",
                kind="indicators.approval",
                title=_("Approve the report of %(organization)s for %(period)s")
                % {"organization": names.get(organization_id, ""), "period": formatting.period(key)},
                url=reverse("indicators:report", args=[organization_id, key]),
                detail=_("%(count)s values submitted") % {"count": formatting.number(group["values"])},
                tone="primary",
                actions=(
                    ItemAction(
                        _("Approve"),
                        reverse("indicators:period-action", args=[organization_id, key, "approve"]),
                        {"next": home},
                        tone="success",
                        testid=f"approve-{organization_id}-{key}",
                    ),
                ),
            )
        )
    return items, len(groups)


def alert_title(alert: Alert) -> str:
    """«شدت مصرف انرژی در معدن چادرملو: ۴۷٫۹ گیگاژول بر تن در فروردین ۱۴۰۴، بالاتر از آستانهٔ هشدار ۴۷٫۵»."""
    unit = alert.indicator.unit
    return _(
        "%(indicator)s at %(organization)s: %(value)s in %(period)s, "
        "beyond the %(level)s threshold %(threshold)s"
    ) % {
        "indicator": alert.indicator.name,
        "organization": alert.organization.name,
        "value": formatting.quantity(alert.value, unit),
        "period": formatting.period(alert.period_key),
        "level": alert.get_level_display(),
        "threshold": formatting.quantity(alert.threshold, unit),
    }


def _alert_items(user: User) -> tuple[list[WorkItem], int]:
    alerts = Alert.objects.visible_to(user).filter(is_open=True)
    total = alerts.count()
    closable = organization_scope(user, Alert, "change")
    home = reverse("web:home")
    items = []
    for alert in alerts.select_related("organization", "indicator", "indicator__unit").order_by("-created")[
        :ALERT_LIMIT
    ]:
        actions: tuple[ItemAction, ...] = ()
        if closable.contains(alert.organization):
            actions = (
                ItemAction(
                    _("Close"),
                    reverse("indicators:alert-close", args=[alert.pk]),
                    {"next": home},
                    tone="secondary",
                    testid=f"close-alert-{alert.pk}",
                ),
            )
        items.append(
            WorkItem(
                section="alerts",
                kind="indicators.alert",
                title=alert_title(alert),
                url=reverse("indicators:organization", args=[alert.organization_id]),
                moment=alert.created,
                tone="danger" if alert.level == "critical" else "warning",
                actions=actions,
            )
        )
    return items, total


def _completeness_panel(user: User, today: date) -> HomePanel | None:
    scope = organization_scope(user, Observation, "approve")
    organizations = list(Organization.objects.filter(scope.as_q(), closed_on__isnull=True)[:500])
    period = collecting_period("month", today)
    rows = completeness(organizations, period)
    if not rows:
        return None
    done = sum(1 for row in rows if row.submitted_rate >= 1)
    rows.sort(key=lambda row: (row.submitted_rate, row.organization.name))
    return HomePanel(
        _("Reporting completeness, %(period)s") % {"period": formatting.period(period)},
        "indicators/home_completeness.html",
        {
            "rows": [
                {
                    "organization": row.organization,
                    "percent": round(100 * row.submitted_rate),
                    "text": formatting.percent(row.submitted_rate),
                    "url": reverse("indicators:report", args=[row.organization.pk, period.key]),
                }
                for row in rows[:COMPLETENESS_ROWS]
            ],
            # «۰ سازمان از…» would begin with a lone zero, which reads as a dot: none is said in words.
            "summary": (
                _("%(done)s of %(total)s organizations have submitted every value")
                if done
                else _("None of the %(total)s organizations has submitted every value yet")
            )
            % {"done": formatting.number(done), "total": formatting.number(len(rows))},
        },
        order=20,
    )


def _alerts_by_province_panel(user: User) -> HomePanel | None:
    persian = display.current().language.startswith("fa")
    rows = Counter(
        (name_fa if persian else name_en)
        for name_fa, name_en in Alert.objects.visible_to(user)
        .filter(is_open=True)
        .values_list("organization__province__name_fa", "organization__province__name_en")
    )
    if not rows:
        return None
    most = max(rows.values())
    no_province = _("No province")
    ordered = sorted(rows.items(), key=lambda item: (-item[1], item[0] or ""))
    return HomePanel(
        _("Open alerts by province"),
        "web/home_bars.html",
        {
            "rows": [
                {
                    "label": name or no_province,
                    "value": count,
                    "text": formatting.number(count),
                    "percent": round(100 * count / most),
                }
                for name, count in ordered
            ],
            "testid": "alerts-by-province",
        },
        order=30,
    )


def provide(user: User, today: date) -> HomeContribution:
    contribution = HomeContribution()
    reports = _report_items(user, today)
    approvals, approval_count = _approval_items(user)
    alerts, alert_count = _alert_items(user)
    contribution.items.extend(reports + approvals + alerts)
    if reports:
        overdue = sum(1 for item in reports if item.section == "overdue")
        contribution.counts.append(
            HomeCount(
                _("Reports due"),
                len(reports),
                reverse("indicators:report-start"),
                "danger" if overdue else "warning",
            )
        )
    if not organization_scope(user, Observation, "approve").is_nothing:
        contribution.counts.append(
            HomeCount(
                _("Reports waiting for approval"),
                approval_count,
                url_with("indicators:observations", status=ObservationStatus.SUBMITTED),
            )
        )
    if not organization_scope(user, Alert, "view").is_nothing:
        contribution.counts.append(
            HomeCount(
                _("Open indicator alerts"),
                alert_count,
                reverse("indicators:dashboard") + "#alerts",
                "danger" if alert_count else "success",
            )
        )
    if oversees(user, "indicators.approve_observation"):
        for panel in (_completeness_panel(user, today), _alerts_by_province_panel(user)):
            if panel is not None:
                contribution.panels.append(panel)
    return contribution
