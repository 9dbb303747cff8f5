"""A funded business's savings and jobs as indicator observations (docs/greenjobs.md, "Savings
and jobs in the indicators").

The indicators app is the system's one store of reported figures (approval by the parent,
rollups, the national view, scorecards). What a business saves in energy, water and waste and the
jobs it created and kept, as its outcome reports give them, are written there as five yearly
indicators of the catalogue, through the indicators app's own reporting action
(``do_record_observations``), in the transaction that records the report:

* **organization**: the business's organization;
* **period**: the Jalali year the milestone's due day falls in; when that year has not begun (a
  report sent early, which the outcome action allows), the year of the day it is reported, since
  the indicators app takes no value for a period that has not started;
* **value**: for each of the business's applications, the latest of its reports that fall in that
  year (twelve months over six, the dashboard's rule: each report gives the savings of the last
  twelve months and the jobs created and kept since the loan, so two reports of one application
  in one year must not be added up), summed over its applications.

The indicators are assigned to the business (``do_save_assignment``, by the system: the scheme's
outcome reports are what asks for them) the first time it reports, because the indicators app
takes values only for assigned indicators. The values are submitted, so that the business's parent
approves them like any other figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import User
from rasad.lib import formatting
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.lib.persian import normalize_text, search_key

# code, Persian name, English name, unit, outcome report field
OUTCOME_INDICATORS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "GREEN_ENERGY_SAVED",
        "صرفه‌جویی انرژی مشاغل سبز",
        "Energy saved by funded green businesses",
        "kWh",
        "energy_saved",
    ),
    (
        "GREEN_WATER_SAVED",
        "صرفه‌جویی آب مشاغل سبز",
        "Water saved by funded green businesses",
        "m3",
        "water_saved",
    ),
    (
        "GREEN_WASTE_DIVERTED",
        "کاهش پسماند دفنی مشاغل سبز",
        "Waste kept from landfill by funded green businesses",
        "t",
        "waste_diverted",
    ),
    (
        "GREEN_JOBS_CREATED",
        "شغل‌های ایجادشدهٔ مشاغل سبز",
        "Jobs created by funded green businesses",
        "count",
        "jobs_created",
    ),
    (
        "GREEN_JOBS_KEPT",
        "شغل‌های حفظ‌شدهٔ مشاغل سبز",
        "Jobs kept by funded green businesses",
        "count",
        "jobs_retained",
    ),
)
FIELD_BY_CODE = {code: field for code, _name, _name_en, _unit, field in OUTCOME_INDICATORS}
DESCRIPTION = (
    "آنچه کسب‌وکار سبزِ برخوردار از تسهیلات در دوازده ماه گذشته صرفه‌جویی کرده است، از گزارش نتایج "
    "شش و دوازده ماه پس از نخستین پرداخت (سامانهٔ مشاغل سبز)."
)
JOBS_DESCRIPTION = (
    "شغل‌هایی که کسب‌وکار سبزِ برخوردار از تسهیلات از زمان دریافت تسهیلات ایجاد یا حفظ کرده است، از "
    "گزارش نتایج شش و دوازده ماه پس از نخستین پرداخت (سامانهٔ مشاغل سبز)."
)


def load(apps: Any = None, schema_editor: Any = None) -> None:
    """Create or update the five outcome indicators (idempotent; matched by code). Run by the
    migrations ``greenjobs.0006`` (savings) and ``greenjobs.0007`` (jobs), and again after a test
    database is flushed."""
    from django.apps import apps as installed

    registry = apps or installed
    unit_model = registry.get_model("indicators", "Unit")
    indicator_model = registry.get_model("indicators", "Indicator")
    for code, name, name_en, unit, field in OUTCOME_INDICATORS:
        indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "name": normalize_text(name),
                "name_en": name_en,
                "unit": unit_model.objects.get(code=unit),
                "periodicity": "year",
                "direction": "higher_is_better",
                "category": "green_jobs",
                "formula": "",
                "minimum": 0.0,
                "maximum": None,
                "is_additive": True,
                "description": normalize_text(JOBS_DESCRIPTION if field.startswith("jobs") else DESCRIPTION),
                "search_text": search_key(f"{name} {name_en} {code}"),
            },
        )


def period_for(due_on: date | None, today: date) -> JalaliPeriod:
    """The Jalali year a report's savings are written for: the year its milestone falls in, or
    the current year when that one has not begun."""
    day = due_on if due_on is not None and due_on <= today else today
    year = JalaliPeriod.containing(day, "year")
    current = JalaliPeriod.containing(today, "year")
    return year if year.start <= today else current


def yearly_values(reports: Iterable[Any]) -> dict[str, Decimal]:
    """The business's value of each outcome indicator for one year, from its reports of that
    year: each application's latest report, summed over applications."""
    latest: dict[int, Any] = {}
    for report in reports:
        held = latest.get(report.application_id)
        if held is None or int(report.milestone) > int(held.milestone):
            latest[report.application_id] = report
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for report in latest.values():
        for code, field in FIELD_BY_CODE.items():
            totals[code] += getattr(report, field)
    return {code: totals[code] for code in FIELD_BY_CODE}


def record_savings(report: Any, *, acting_user: User | None) -> str:
    """Write the business's savings and jobs for the report's year as observations (in the caller's
    transaction) and return the period's key. A refusal of the indicators app (the year is
    approved and locked, or the person may not report for the business) is raised as a
    ValidationError naming ``milestone``, so that the whole report is refused."""
    from rasad.greenjobs.models import Business, OutcomeReport
    from rasad.indicators.actions import ObservationInput, do_record_observations, do_save_assignment
    from rasad.indicators.choices import ObservationSource
    from rasad.indicators.models import Assignment, Indicator

    organization = report.organization
    # Two reports of one business's applications at once must not each read the other as
    # missing and write a year's value without it: the business's row is locked before its
    # reports are read (after the application's, the order do_report_outcome takes them in).
    Business.objects.select_for_update().filter(pk=report.application.business_id).first()
    today = local_date(timezone.now())
    period = period_for(report.due_on, today)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=FIELD_BY_CODE).select_related("unit")}
    if len(indicators) != len(FIELD_BY_CODE):
        raise ValidationError(
            {
                "milestone": [
                    _(
                        "The outcome indicators (savings and jobs) are missing from the catalogue; "
                        "ask an administrator."
                    )
                ]
            }
        )
    assigned = set(
        Assignment.objects.for_organization(organization)
        .filter(indicator__code__in=FIELD_BY_CODE)
        .values_list("indicator__code", flat=True)
    )
    for code in sorted(set(FIELD_BY_CODE) - assigned):
        do_save_assignment(organization, indicators[code], include_descendants=False, acting_user=None)
    same_year = list(
        OutcomeReport.objects.filter(organization=organization, indicator_period=period.key)
        .exclude(pk=report.pk)
        .select_related("application")
        .order_by("pk")
    )
    reports = [*same_year, report]
    values = yearly_values(reports)
    numbers = sorted({r.application.number for r in reports})
    comment = _("From the green-jobs outcome reports of application(s) %(numbers)s.") % {
        "numbers": ", ".join(numbers)
    }
    rows = [
        ObservationInput(
            organization=organization,
            indicator=indicators[code],
            period=period,
            value=float(values[code]),
            comment=normalize_text(comment),
            row=index,
        )
        for index, code in enumerate(FIELD_BY_CODE)
    ]
    try:
        do_record_observations(rows, acting_user=acting_user, source=ObservationSource.FORM, submit=True)
    except (ValidationError, ObjectNotFound) as refused:
        messages = refused.messages if isinstance(refused, ValidationError) else []
        raise ValidationError(
            {
                "milestone": [
                    _(
                        "The outcomes (savings and jobs) cannot be written to the indicators for "
                        "%(period)s: %(reason)s"
                    )
                    % {
                        "period": formatting.period(period),
                        "reason": "; ".join(dict.fromkeys(messages))
                        or _("you may not report indicator values for this business."),
                    }
                ]
            }
        ) from refused
    return period.key
