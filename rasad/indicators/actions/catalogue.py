"""Indicator actions: catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.access import require_in_scope
from rasad.core.models import Organization, User
from rasad.indicators import deadlines, formulas
from rasad.indicators.audit import IndicatorAuditEvent, audit_object
from rasad.indicators.choices import (
    Category,
    Direction,
    Periodicity,
)
from rasad.indicators.models import (
    Assignment,
    EmissionFactor,
    Indicator,
    Unit,
)
from rasad.indicators.querysets import may_edit_catalogue
from rasad.lib import formatting
from rasad.lib.jalali import today_in_tehran
from rasad.lib.persian import normalize_text, search_key


@dataclass
class IndicatorValues:
    code: str
    name: str
    unit: Unit
    direction: str
    category: str
    periodicity: str = Periodicity.MONTH
    name_en: str = ""
    formula: str = ""
    minimum: float | None = None
    maximum: float | None = None
    is_additive: bool = True
    description: str = ""


def check_indicator_values(
    values: IndicatorValues, *, instance: Indicator | None = None
) -> formulas.Parsed | None:
    errors: dict[str, list[str]] = {}
    code = values.code.strip()
    if not code or not code.replace("_", "").isalnum() or not code[0].isalpha() or code.upper() != code:
        errors["code"] = [_("A code is capital Latin letters, digits and “_”, starting with a letter.")]
    duplicate = Indicator.objects.filter(code=code)
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if code and duplicate.exists():
        errors["code"] = [_("Another indicator already has the code “%(code)s”.") % {"code": code}]
    if not values.name.strip():
        errors["name"] = [_("A name is required.")]
    if values.direction not in Direction.values:
        errors["direction"] = [_("Unknown direction “%(value)s”.") % {"value": values.direction}]
    if values.category not in Category.values:
        errors["category"] = [_("Unknown category “%(value)s”.") % {"value": values.category}]
    if values.periodicity not in Periodicity.values:
        errors["periodicity"] = [_("Unknown periodicity “%(value)s”.") % {"value": values.periodicity}]
    if values.minimum is not None and values.maximum is not None and values.minimum > values.maximum:
        errors["maximum"] = [_("The maximum is below the minimum.")]
    if errors:
        raise ValidationError(errors)
    if not values.formula.strip():
        return None
    known = dict(Indicator.objects.exclude(code=code).values_list("code", "formula"))
    factor_codes = set(EmissionFactor.objects.values_list("code", flat=True))
    return formulas.check_dependencies(code, values.formula, known=known, factor_codes=factor_codes)


@transaction.atomic
def do_save_indicator(
    values: IndicatorValues, *, acting_user: User | None, instance: Indicator | None = None
) -> Indicator:
    if acting_user is not None and not may_edit_catalogue(
        acting_user, Indicator, "add" if instance is None else "change"
    ):
        raise PermissionDenied(_("Only national bodies may change the indicator catalogue."))
    parsed = check_indicator_values(values, instance=instance)
    indicator = instance or Indicator()
    old = {"formula": indicator.formula, "name": indicator.name} if instance else None
    indicator.code = values.code.strip()
    indicator.name = normalize_text(values.name)
    indicator.name_en = values.name_en.strip()
    indicator.unit = values.unit
    indicator.direction = values.direction
    indicator.category = values.category
    indicator.periodicity = values.periodicity
    indicator.formula = values.formula.strip()
    indicator.minimum = values.minimum
    indicator.maximum = values.maximum
    indicator.is_additive = values.is_additive
    indicator.description = normalize_text(values.description)
    indicator.search_text = search_key(f"{indicator.name} {indicator.name_en} {indicator.code}")
    indicator.save()
    indicator.depends_on.set(Indicator.objects.filter(code__in=parsed.indicators) if parsed else [])
    audit_object(
        IndicatorAuditEvent.INDICATOR_SAVED,
        indicator,
        acting_user=acting_user,
        old=old,
        new={"code": indicator.code, "name": indicator.name, "formula": indicator.formula},
    )
    return indicator


def check_reports_from(indicator: Indicator, reports_from: date, *, today: date | None = None) -> None:
    """Refuse a first reporting day outside ``deadlines.reports_from_range``: before the
    indicator's first period that can be reported, or in a year after the next one."""
    day = today or today_in_tehran()
    first, last = deadlines.reports_from_range(indicator, day)
    if reports_from < first:
        raise ValidationError(
            {
                "reports_from": [
                    _(
                        "The first day of reporting cannot be before %(first)s, the start of this "
                        "indicator's first period that can be reported (%(period)s)."
                    )
                    % {
                        "first": formatting.date_text(first, style="long"),
                        "period": formatting.period(deadlines.first_reportable_period(indicator, day)),
                    }
                ]
            }
        )
    if reports_from > last:
        raise ValidationError(
            {
                "reports_from": [
                    _(
                        "The first day of reporting cannot be after %(last)s: an assignment may "
                        "start at the latest in the next year."
                    )
                    % {"last": formatting.date_text(last, style="long")}
                ]
            }
        )


@transaction.atomic
def do_save_assignment(
    organization: Organization,
    indicator: Indicator,
    *,
    include_descendants: bool,
    acting_user: User | None,
    reports_from: date | None = None,
) -> Assignment:
    """Assign ``indicator`` to ``organization``, or change the assignment it has. ``reports_from``
    is the first day it reports from; a new assignment without one reports from today (Tehran),
    a changed one keeps its day."""
    if acting_user is not None:
        require_in_scope(acting_user, "add", _owned(Assignment, organization))
    if indicator.is_derived:
        raise ValidationError(
            {"indicator": [_("A derived indicator is computed; assign its inputs instead.")]}
        )
    if reports_from is not None:
        check_reports_from(indicator, reports_from)
    # get_or_create settles two people assigning the same indicator at once (the unique
    # constraint, then a second read); the row lock keeps a concurrent change's "old" exact.
    assignment: Assignment
    assignment, created = Assignment.objects.select_for_update().get_or_create(
        organization=organization,
        indicator=indicator,
        defaults={
            "include_descendants": include_descendants,
            "reports_from": reports_from or today_in_tehran(),
        },
    )
    old = None
    if not created:
        old = {
            "include_descendants": assignment.include_descendants,
            "reports_from": assignment.reports_from.isoformat(),
        }
        assignment.include_descendants = include_descendants
        if reports_from is not None:
            assignment.reports_from = reports_from
        assignment.save(update_fields=["include_descendants", "reports_from", "last_updated"])
    audit_object(
        IndicatorAuditEvent.ASSIGNMENT_SAVED,
        assignment,
        acting_user=acting_user,
        organization=organization,
        old=old,
        new={
            "indicator": indicator.code,
            "include_descendants": include_descendants,
            "reports_from": assignment.reports_from.isoformat(),
        },
    )
    return assignment


@transaction.atomic
def do_delete_assignment(assignment: Assignment, *, acting_user: User) -> Assignment:
    require_in_scope(acting_user, "delete", assignment)
    audit_object(
        IndicatorAuditEvent.ASSIGNMENT_DELETED,
        assignment,
        acting_user=acting_user,
        organization=assignment.organization,
        old={"indicator": assignment.indicator.code},
    )
    assignment.delete()
    return assignment


def _owned(model: type[Any], organization: Organization) -> Any:
    """An unsaved record of ``model`` in ``organization``, to check scope before creating one."""
    return model(organization=organization)


def _require_may_save(
    model: type[Any], organization: Organization, instance: Any | None, *, acting_user: User | None
) -> None:
    """Creating needs ``add`` in the organization; changing needs ``change`` where the record is
    now and where it is going. ``acting_user`` None is the command line (demo, imports)."""
    if acting_user is None:
        return
    if instance is not None:
        require_in_scope(acting_user, "change", instance)
    require_in_scope(acting_user, "add" if instance is None else "change", _owned(model, organization))


def assigned_indicators(organization: Organization, *, in_subtree: bool = False) -> list[Indicator]:
    """The indicators assigned to ``organization`` (its own assignments and its ancestors' subtree
    ones); with ``in_subtree``, also those assigned to any organization under it, as a holding's or
    a province's report sums its members' values (``dashboards.organization_series``)."""
    assignments = Assignment.objects.for_organization(organization)
    if in_subtree:
        assignments |= Assignment.objects.filter(organization__path__startswith=organization.path)
    ids = assignments.values_list("indicator_id", flat=True)
    return list(Indicator.objects.filter(pk__in=ids).select_related("unit").order_by("category", "code"))
