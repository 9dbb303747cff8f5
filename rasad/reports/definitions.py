"""Report templates as code: each report is a parameter set, an access check and a builder that
turns the data a person may see into sections (figures, tables, charts). ``rasad.reports.render``
turns the sections into a PDF (WeasyPrint) or an Excel workbook (``rasad.lib.tabular``).

Every number and date in a report is formatted for people here (Persian digits, Jalali dates);
the Excel version keeps numbers as numbers and adds ISO dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.access import ObjectNotFound, refusal_at
from rasad.core.models import Organization, User
from rasad.core.scope import scope_for_permission
from rasad.lib import formatting, jalali
from rasad.lib.formatting import digits, unit_name
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.persian import TextParseError, format_number
from rasad.lib.tabular import Quantity, percent_cell, quantity_cell
from rasad.reports.charts import bar_chart, line_chart


@dataclass
class Figure:
    """A figure as the PDF shows it (``value``), and as the workbook holds it (``amount``: a
    number, or a ``Quantity`` whose format shows its unit; ``None`` when the text is all)."""

    label: str
    value: str
    note: str = ""
    amount: Any = None


@dataclass
class Table:
    """A table: ``header`` labels, ``rows`` of display text (PDF), ``raw`` rows of values for Excel
    (numbers as numbers), and the English ``keys`` of its columns."""

    title: str
    header: list[str]
    keys: list[str]
    rows: list[list[str]] = field(default_factory=list)
    raw: list[list[Any]] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    empty: str = ""

    @property
    def styled_rows(self) -> list[tuple[str, list[str]]]:
        return [(self.classes[i] if i < len(self.classes) else "", row) for i, row in enumerate(self.rows)]


@dataclass
class Chart:
    title: str
    svg: str
    caption: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    title: str
    subtitle: str
    generated_at: str
    sections: list[Section]


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str | Promise
    kind: str  # "organization", "month", "season", "baseline"


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str | Promise
    description: str | Promise
    permission: str
    parameters: tuple[Parameter, ...]
    build: Callable[[User, dict[str, Any]], ReportData]
    # The period kind a subscription delivers for each frequency (None: not subscribable).
    subscribable: bool = True


REPORTS: dict[str, ReportDefinition] = {}


def available_reports(user: User) -> list[ReportDefinition]:
    return [d for d in REPORTS.values() if not scope_for_permission(user, d.permission).is_nothing]


def may_see_reports(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(available_reports(user))


def register(definition: ReportDefinition) -> ReportDefinition:
    REPORTS[definition.name] = definition
    return definition


def num(value: float | int | None, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    return format_number(value, decimals=decimals, persian_digits=True)


def now_text() -> str:
    return jalali.format_datetime(timezone.now(), calendar="jalali", persian_digits=True)


def period_param(value: Any, kind: str, *, also: tuple[str, ...] = ()) -> JalaliPeriod:
    try:
        period = JalaliPeriod.parse(str(value or ""))
    except (TextParseError, ValueError) as error:
        raise ParameterError("period", str(error)) from None
    if period.kind != kind and period.kind not in also:
        raise ParameterError(
            "period",
            _("Choose a month, such as 1403-07.")
            if kind == "month"
            else _("Choose a season, such as 1403-S2."),
        )
    return period


class ParameterError(Exception):
    """A report parameter is invalid: the field and a translated cause."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def organization_param(user: User, value: Any, permission: str) -> Organization:
    """The organization, if the user holds ``permission`` over it and its whole subtree; else the
    same 404 as a missing one. An empty choice is a field error, not a refusal."""
    if value is None or str(value).strip() == "":
        raise ValidationError({"organization": [_("Choose an organization.")]})
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ObjectNotFound from None
    organization: Organization | None = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise ObjectNotFound
    scope = scope_for_permission(user, permission)
    if not (scope.is_everything or any(s and organization.path.startswith(p) for p, s in scope.rules)):
        # Audited once, by the request that asked (its 404); each read of the file checks again
        # and catches the refusal unaudited.
        raise refusal_at(user, permission, organization)
    return organization


def report_organizations(user: User, permission: str, *, limit: int = 500) -> list[Organization]:
    """The open organizations a report may be asked about: those over which (with their whole
    subtree) the user holds ``permission``, the rule ``organization_param`` checks."""
    scope = scope_for_permission(user, permission)
    organizations = list(
        Organization.objects.filter(scope.as_q())
        .filter(closed_on__isnull=True)
        .order_by("path")
        .only("pk", "name", "code", "depth", "path")[:limit]
    )
    if scope.is_everything:
        return organizations
    roots = [path for path, whole in scope.rules if whole]
    return [o for o in organizations if any(o.path.startswith(root) for root in roots)]


def report_baselines(user: User, *, limit: int = 200) -> list[Any]:
    """The energy baselines a baseline report may be asked about: those the user sees."""
    from rasad.indicators.models import Baseline

    return list(
        Baseline.objects.visible_to(user)
        .select_related("organization")
        .order_by("organization__name")[:limit]
    )


def subtree(organization: Organization) -> Q:
    return Q(path__startswith=organization.path)


# ---- 1. Monthly indicators report of a province or company ------------------------------------


def build_indicators_monthly(user: User, params: dict[str, Any]) -> ReportData:
    from rasad.indicators.actions.catalogue import assigned_indicators
    from rasad.indicators.catalogue import Catalogue

    organization = organization_param(user, params.get("organization"), "indicators.view_rollup")
    period = period_param(params.get("period"), "month")
    catalogue = Catalogue.load()
    months = [period]
    while len(months) < 12:
        months.insert(0, months[0].previous())
    # A holding or a province reports the sums of its members' values: the indicators assigned
    # anywhere in its subtree, as the reports received are counted over its members.
    indicators = [i for i in assigned_indicators(organization, in_subtree=True) if i.periodicity == "month"]
    year_ago = JalaliPeriod("month", period.year - 1, period.index)
    table = _figures_table(period, year_ago)
    charts: list[Chart] = []
    counts = {"ok": 0, "warning": 0, "critical": 0, "none": 0}
    for indicator in indicators:
        figures = _MonthlyFigures.of(organization, indicator, months, year_ago, catalogue)
        counts[figures.css] += 1
        figures.add_row(table, indicator)
        if len(charts) < 6 and any(v is not None for v in figures.series):
            charts.append(figures.trend_chart(indicator, months))
    members = list(Organization.objects.filter(subtree(organization)).order_by("path"))
    alerts = _period_alerts(members, period)
    return ReportData(
        _("Monthly indicators report"),
        _("%(organization)s — %(period)s")
        % {"organization": organization.name, "period": formatting.period(period)},
        now_text(),
        [
            _monthly_summary(members, period, len(indicators), counts, len(alerts)),
            Section(_("Indicators and targets"), tables=[table]),
            Section(_("Trends"), charts=charts, notes=[] if charts else [_("No values were reported yet.")]),
            Section(_("Alerts"), tables=[_alerts_table(alerts, period)]),
        ],
    )


def _figures_table(period: JalaliPeriod, year_ago: JalaliPeriod) -> Table:
    """The empty table of the month's figures, one row per indicator to come."""
    return Table(
        _("Figures of %(period)s") % {"period": formatting.period(period)},
        [
            _("Indicator"),
            _("Unit"),
            formatting.period(period),
            formatting.period(period.previous()),
            _("Change from last month"),
            formatting.period(year_ago),
            _("Target %(year)s") % {"year": digits(period.year)},
            _("Status"),
        ],
        ["indicator", "unit", "value", "previous", "change_percent", "year_ago", "target", "status"],
        empty=_("No indicator is assigned to this organization."),
    )


@dataclass
class _MonthlyFigures:
    """One indicator of one organization in the report's month: its twelve months to the month,
    the month's value, the month before, the same month a year ago, the year's target, the change
    from last month (percent) and the status against the target (``css``: ok, warning, critical,
    or none when there is no target or no value)."""

    period: JalaliPeriod
    series: list[float | None]
    value: float | None
    previous: float | None
    year_ago: float | None
    target: Any
    change: float | None
    status: str
    css: str

    @classmethod
    def of(
        cls,
        organization: Organization,
        indicator: Any,
        months: list[JalaliPeriod],
        year_ago: JalaliPeriod,
        catalogue: Any,
    ) -> _MonthlyFigures:
        from rasad.indicators.actions.targets import breach_level
        from rasad.indicators.choices import AlertLevel
        from rasad.indicators.dashboards import organization_series
        from rasad.indicators.models import Target

        period = months[-1]
        series = organization_series(organization, indicator.code, months, catalogue=catalogue)
        value, previous = series.values[-1], series.values[-2]
        ago = organization_series(organization, indicator.code, [year_ago], catalogue=catalogue).values[0]
        target = Target.objects.filter(
            organization=organization, indicator=indicator, year=period.year
        ).first()
        change = None if value is None or not previous else 100.0 * (value - previous) / abs(previous)
        if target is None or value is None:
            status, css = (_("No target") if target is None else _("Not reported")), "none"
        else:
            level = breach_level(target, value)
            status = {
                "": _("On target"),
                AlertLevel.WARNING: _("Warning"),
                AlertLevel.CRITICAL: _("Critical"),
            }[level or ""]
            css = level or "ok"
        return cls(period, list(series.values), value, previous, ago, target, change, status, css)

    def add_row(self, table: Table, indicator: Any) -> None:
        """The indicator's row: formatted for the PDF, as numbers for Excel."""
        unit = indicator.unit.code
        target = self.target.target if self.target else None
        table.rows.append(
            [
                indicator.name,
                # The reader's name of the unit («مگاوات‌ساعت»), as on the pages; the file keeps its code.
                unit_name(indicator.unit),
                num(self.value, 1),
                num(self.previous, 1),
                "—" if self.change is None else f"{num(self.change, 1)}٪",
                num(self.year_ago, 1),
                num(target, 1) if self.target else "—",
                self.status,
            ]
        )
        # In the workbook each figure is a number shown in its indicator's unit with the PDF's
        # places (each cell its own format: the column holds several units), the change in percent.
        table.raw.append(
            [
                indicator.name,
                unit,
                *(quantity_cell(v, indicator.unit, decimals=1) for v in (self.value, self.previous)),
                percent_cell(self.change),
                *(quantity_cell(v, indicator.unit, decimals=1) for v in (self.year_ago, target)),
                self.status,
            ]
        )
        table.classes.append(self.css)

    def trend_chart(self, indicator: Any, months: list[JalaliPeriod]) -> Chart:
        """The twelve months to the report's month, with the target as a dashed line."""
        return Chart(
            f"{indicator.name} ({unit_name(indicator.unit)})",
            line_chart(
                [digits(f"{p.year}/{p.index:02d}") for p in months],
                self.series,
                target=self.target.target if self.target else None,
            ),
            _("Twelve months to %(period)s; the dashed line is the target.")
            % {"period": formatting.period(self.period)},
        )


def _period_alerts(members: list[Organization], period: JalaliPeriod) -> list[Any]:
    """The alerts raised in the period in the organization and below (at most 200, worst first)."""
    from rasad.indicators.models import Alert

    return list(
        Alert.objects.filter(organization__in=members, period_key=period.key)
        .select_related("organization", "indicator__unit")
        .order_by("-level", "organization__code")[:200]
    )


def _alerts_table(alerts: list[Any], period: JalaliPeriod) -> Table:
    alert_table = Table(
        _("Alerts of %(period)s") % {"period": formatting.period(period)},
        [_("Organization"), _("Indicator"), _("Level"), _("Value"), _("Threshold"), _("Open")],
        ["organization", "indicator", "level", "value", "threshold", "open"],
        empty=_("No alert was raised in this period."),
    )
    for alert in alerts:
        alert_table.rows.append(
            [
                alert.organization.name,
                alert.indicator.name,
                alert.get_level_display(),
                num(alert.value, 1),
                num(alert.threshold, 1),
                _("yes") if alert.is_open else _("no"),
            ]
        )
        alert_table.raw.append(
            [
                alert.organization.name,
                alert.indicator.name,
                alert.level,
                quantity_cell(alert.value, alert.indicator.unit, decimals=1),
                quantity_cell(alert.threshold, alert.indicator.unit, decimals=1),
                alert.is_open,
            ]
        )
        alert_table.classes.append(alert.level)
    return alert_table


def _monthly_summary(
    members: list[Organization],
    period: JalaliPeriod,
    indicator_count: int,
    counts: dict[str, int],
    alert_count: int,
) -> Section:
    """How many indicators, how complete the month's reports are, how many are on target, in
    warning or critical, and how many alerts were raised."""
    from rasad.indicators.dashboards import completeness

    filled = completeness(members, period)
    expected = sum(c.expected for c in filled)
    reported = sum(c.reported for c in filled)
    return Section(
        _("Summary"),
        figures=[
            Figure(_("Indicators"), num(indicator_count)),
            # None owed: «—», not «۰ از ۰» and a «۰٪ کامل» that reads as every report missing.
            Figure(
                _("Reports received"),
                _("%(count)s of %(total)s") % {"count": num(reported), "total": num(expected)},
                _("%(percent)s٪ complete") % {"percent": num(100 * reported / expected, 0)},
            )
            if expected
            else Figure(_("Reports received"), "—"),
            Figure(_("On target"), num(counts["ok"])),
            Figure(_("Warning"), num(counts["warning"])),
            Figure(_("Critical"), num(counts["critical"])),
            Figure(_("Alerts in the period"), num(alert_count)),
        ],
    )


# ---- 2. Case status report ----------------------------------------------------------------------


def build_case_status(user: User, params: dict[str, Any]) -> ReportData:
    from rasad.cases.choices import OPEN_STATUSES, CaseStatus
    from rasad.cases.models import Case, CaseEvent

    organization = organization_param(user, params.get("organization"), "cases.view_case")
    period = period_param(params.get("period"), "month", also=("season",))
    start = _midnight(period.start)
    end = _midnight(period.end)
    now = min(timezone.now(), end)
    cases = Case.objects.visible_to(user).filter(owner_organization__path__startswith=organization.path)
    open_cases = list(
        cases.filter(opened_at__lt=end)
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=end) | Q(resolved_at__gte=end))
        .select_related("owner_organization", "category")
    )
    by_org, by_category = _open_and_overdue(open_cases, organization, now)
    service_level = _service_level_section(cases, start, end)
    escalations = CaseEvent.objects.filter(
        case__in=cases, action="escalate", created__gte=start, created__lt=end
    ).count()
    opened = cases.filter(opened_at__gte=start, opened_at__lt=end).count()
    closed = cases.filter(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end).count()
    org_table = _open_cases_table(_("Open cases by organization"), _("Organization"), "organization", by_org)
    return ReportData(
        _("Case status report"),
        _("%(organization)s — %(period)s")
        % {"organization": organization.name, "period": formatting.period(period)},
        now_text(),
        [
            Section(
                _("Summary"),
                figures=[
                    Figure(_("Open at the end of the period"), num(len(open_cases))),
                    Figure(_("Overdue"), num(sum(v[1] for v in by_org.values()))),
                    Figure(_("Opened in the period"), num(opened)),
                    Figure(_("Closed in the period"), num(closed)),
                    Figure(_("Escalations in the period"), num(escalations)),
                ],
            ),
            service_level,
            Section(
                _("Open and overdue"),
                tables=[
                    org_table,
                    _open_cases_table(_("Open cases by category"), _("Category"), "category", by_category),
                ],
                charts=[
                    Chart(
                        _("Open cases by organization (as in the table)"),
                        bar_chart([r[1] for r in org_table.raw]),
                    )
                ]
                if org_table.raw
                else [],
            ),
        ],
    )


def _open_and_overdue(
    open_cases: list[Any], organization: Organization, now: datetime
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """``[open, overdue]`` counts by the organization's child that owns each case (or the
    organization itself) and by category."""
    by_org: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    children = {o.pk: o for o in Organization.objects.filter(parent=organization)}
    for case in open_cases:
        owner = case.owner_organization
        child = next((c for c in children.values() if owner.path.startswith(c.path)), None)
        name = (child or organization).name
        overdue = case.due_at is not None and case.due_at < now
        for bucket in (by_org[name], by_category[case.category.name]):
            bucket[0] += 1
            bucket[1] += int(overdue)
    return by_org, by_category


def _service_level_section(cases: Any, start: datetime, end: datetime) -> Section:
    """The cases with a due time resolved in the period: how many, how many on time, and the
    median hours to resolve."""
    resolved = list(cases.filter(resolved_at__gte=start, resolved_at__lt=end).exclude(due_at=None))
    on_time = sum(
        1
        for c in resolved
        if c.resolved_at is not None and c.due_at is not None and c.resolved_at <= c.due_at
    )
    hours = [(c.resolved_at - c.opened_at).total_seconds() / 3600 for c in resolved if c.resolved_at]
    median = sorted(hours)[len(hours) // 2] if hours else None
    share = 100 * on_time / len(resolved) if resolved else 0
    return Section(
        _("Service level"),
        figures=[
            Figure(_("Resolved in the period"), num(len(resolved))),
            # None resolved: «—», not a «۰٪» on time of nothing.
            Figure(
                _("Resolved on time"),
                f"{num(share, 0)}٪",
                _("%(count)s of %(total)s") % {"count": num(on_time), "total": num(len(resolved))},
                percent_cell(share, decimals=0),
            )
            if resolved
            else Figure(_("Resolved on time"), "—"),
            Figure(
                _("Median time to resolve"),
                _("%(hours)s hours") % {"hours": num(median, 0)} if median is not None else "—",
                amount=None if median is None else Quantity(median, _("hours"), 0),
            ),
        ],
    )


def _open_cases_table(title: str, first: str, key: str, data: dict[str, list[int]]) -> Table:
    """Open and overdue counts by ``first`` (an organization or a category), most open first."""
    result = Table(
        title, [first, _("Open"), _("Overdue")], [key, "open", "overdue"], empty=_("No open case.")
    )
    for name, (count, late) in sorted(data.items(), key=lambda item: -item[1][0]):
        result.rows.append([name, num(count), num(late)])
        result.raw.append([name, count, late])
        result.classes.append("critical" if late else "")
    return result


def _period_label(key: str) -> str:
    try:
        return formatting.period(key)
    except (TextParseError, ValueError):
        return key


def _midnight(day: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=jalali.TEHRAN)


# ---- 3. Baseline / EnPI report of a site ----------------------------------------------------------


def build_baseline(user: User, params: dict[str, Any]) -> ReportData:
    from rasad.indicators.energy import report

    baseline = _baseline_param(user, params.get("baseline"))
    bundle = report(baseline)
    reporting = bundle.get("reporting") or {}
    sections = [_baseline_model_section(bundle)]
    # The method writes its findings with Latin digits («(2.63)»): the reader's digits here.
    notes = [digits(str(reason.get("message", ""))) for reason in bundle.get("reasons", [])]
    if reporting:
        sections.append(_savings_section(reporting, baseline.energy_indicator.unit))
    if notes:
        sections.append(Section(_("Findings"), notes=notes))
    return ReportData(
        _("Energy baseline and EnPI report"),
        _("%(site)s — %(name)s") % {"site": baseline.organization.name, "name": baseline.name},
        now_text(),
        sections,
    )


def _baseline_param(user: User, value: Any) -> Any:
    """The baseline the user sees, with its organization and energy unit; else the same 404 as a
    missing one."""
    from rasad.indicators.models import Baseline

    try:
        pk = int(value or 0)
    except (TypeError, ValueError):
        raise ObjectNotFound from None
    baseline = (
        Baseline.objects.visible_to(user)
        .select_related("organization", "energy_indicator__unit")
        .filter(pk=pk)
        .first()
    )
    if baseline is None:
        raise ObjectNotFound
    return baseline


def _baseline_model_section(bundle: dict[str, Any]) -> Section:
    """The model's grade and fit statistics, and each term's coefficient with its standard error
    and p-value (terms named as the catalogue names their indicators)."""
    from rasad.indicators.models import Indicator

    model = bundle.get("baseline") or {}
    grades = {"valid": _("Valid"), "caution": _("Use with caution"), "not_valid": _("Not valid")}
    names = dict(Indicator.objects.values_list("code", "name"))
    names["intercept"] = _("Intercept")
    figures = [
        Figure(_("Grade"), grades.get(str(bundle.get("grade")), "—")),
        Figure(_("R²"), num(model.get("r_squared"), 3)),
        Figure(
            _("CV(RMSE)"),
            f"{num(100 * model['cv_rmse'], 2)}٪" if model.get("cv_rmse") is not None else "—",
            amount=percent_cell(100 * model["cv_rmse"], decimals=2)
            if model.get("cv_rmse") is not None
            else None,
        ),
        Figure(_("Data points"), num(model.get("n"))),
    ]
    coefficients = Table(
        _("Model"),
        [_("Term"), _("Coefficient"), _("Standard error"), _("p-value")],
        ["term", "coefficient", "standard_error", "p_value"],
    )
    for name, value in (model.get("coefficients") or {}).items():
        se = (model.get("standard_errors") or {}).get(name)
        p = (model.get("p_values") or {}).get(name)
        coefficients.rows.append([names.get(name, name), num(value, 3), num(se, 3), num(p, 4)])
        coefficients.raw.append([name, value, se, p])
    return Section(_("Baseline model"), figures=figures, tables=[coefficients])


def _savings_section(reporting: dict[str, Any], energy_unit: Any) -> Section:
    """The reporting period: totals, SEnPI, improvement and its uncertainty, the monthly table
    (actual, adjusted baseline, avoided energy, CUSUM) and the CUSUM chart. In the workbook the
    energies are numbers shown in the energy's unit, as the PDF rounds them."""
    unit = unit_name(energy_unit)

    def energy(value: Any) -> Any:
        return quantity_cell(value, energy_unit, decimals=0)

    monthly = Table(
        _("Reporting period"),
        [
            _("Period"),
            _("Actual (%(unit)s)") % {"unit": unit},
            _("Adjusted baseline"),
            _("Avoided energy"),
            _("CUSUM"),
        ],
        ["period", "actual", "adjusted_baseline", "avoided_energy", "cusum"],
    )
    labels = reporting.get("period_labels") or []
    for index, label in enumerate(labels):
        row = [
            reporting["actual"][index],
            reporting["adjusted_baseline"][index],
            reporting["avoided_energy"][index],
            reporting["cusum"][index],
        ]
        monthly.rows.append([_period_label(str(label)), *[num(v, 0) for v in row]])
        monthly.raw.append([str(label), *(energy(v) for v in row)])
    uncertainty = next(iter(reporting.get("uncertainties") or []), None)
    return Section(
        _("Savings"),
        figures=[
            Figure(
                _("Adjusted baseline"),
                f"{num(reporting.get('total_adjusted_baseline'), 0)} {unit}",
                amount=energy(reporting.get("total_adjusted_baseline")),
            ),
            Figure(
                _("Avoided energy"),
                f"{num(reporting.get('total_avoided_energy'), 0)} {unit}",
                amount=energy(reporting.get("total_avoided_energy")),
            ),
            Figure(_("SEnPI"), num(reporting.get("senpi"), 4)),
            Figure(
                _("Improvement"),
                f"{num(reporting.get('improvement_percent'), 2)}٪",
                amount=percent_cell(reporting.get("improvement_percent"), decimals=2),
            ),
            Figure(
                _("Savings uncertainty"),
                f"±{num(100 * uncertainty['fractional'], 1)}٪" if uncertainty else "—",
                _("at %(level)s٪ confidence") % {"level": num(100 * uncertainty["confidence_level"], 0)}
                if uncertainty
                else "",
                percent_cell(100 * uncertainty["fractional"], sign="±") if uncertainty else None,
            ),
        ],
        tables=[monthly],
        charts=[
            Chart(
                _("CUSUM (actual − expected)"),
                line_chart([num(i + 1) for i in range(len(labels))], reporting.get("cusum") or []),
                _("A falling line is a persistent saving."),
            )
        ],
    )


register(
    ReportDefinition(
        "indicators-monthly",
        gettext_lazy("Monthly indicators report"),
        gettext_lazy(
            "The month's figures of a province or company with their trend, target status and alerts."
        ),
        "indicators.view_rollup",
        (
            Parameter("organization", gettext_lazy("Province or company"), "organization"),
            Parameter("period", gettext_lazy("Month"), "month"),
        ),
        build_indicators_monthly,
    )
)
register(
    ReportDefinition(
        "case-status",
        gettext_lazy("Case status report"),
        gettext_lazy("Open and overdue cases by organization and category, service levels and escalations."),
        "cases.view_case",
        (
            Parameter("organization", gettext_lazy("Organization"), "organization"),
            Parameter("period", gettext_lazy("Month"), "month"),
        ),
        build_case_status,
    )
)
register(
    ReportDefinition(
        "baseline",
        gettext_lazy("Energy baseline and EnPI report"),
        gettext_lazy("A site's energy baseline model, savings, SEnPI and their uncertainty (ISO 50006)."),
        "indicators.view_baseline",
        (Parameter("baseline", gettext_lazy("Baseline"), "baseline"),),
        build_baseline,
        subscribable=False,
    )
)


def since(hours: int) -> datetime:
    return timezone.now() - timedelta(hours=hours)
