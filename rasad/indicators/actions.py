"""Every state change of the indicators app. ``do_*`` executes, ``check_*`` validates.

Reporting is one path for the form, the Excel/CSV import and the bulk API:
``do_record_observations`` writes a batch with one upsert, its rollups in the same transaction,
one audit event carrying the batch's SHA-256, then checks targets (alerts and breach handlers in
the same transaction) and, if asked, submits.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound, require_in_scope
from rasad.core.events import send_event_on_commit
from rasad.core.jalali import JalaliPeriod, today_in_tehran
from rasad.core.models import Organization, User
from rasad.core.persian import normalize_text, search_key
from rasad.core.scope import organization_scope
from rasad.indicators import breaches, formulas, rollups, validation
from rasad.indicators.audit import IndicatorAuditEvent, audit_batch, audit_object
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.choices import (
    AlertLevel,
    Category,
    Direction,
    ObservationSource,
    ObservationStatus,
    Periodicity,
)
from rasad.indicators.methods import ranking
from rasad.indicators.models import (
    Alert,
    Assignment,
    Baseline,
    EmissionFactor,
    Indicator,
    IndicatorRule,
    Observation,
    Scorecard,
    ScorecardCriterion,
    Target,
    Unit,
)
from rasad.indicators.querysets import may_edit_catalogue

# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


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


@transaction.atomic
def do_save_assignment(
    organization: Organization, indicator: Indicator, *, include_descendants: bool, acting_user: User | None
) -> Assignment:
    if acting_user is not None:
        require_in_scope(acting_user, "add", _owned(Assignment, organization))
    if indicator.is_derived:
        raise ValidationError(
            {"indicator": [_("A derived indicator is computed; assign its inputs instead.")]}
        )
    assignment, _created = Assignment.objects.update_or_create(
        organization=organization, indicator=indicator, defaults={"include_descendants": include_descendants}
    )
    audit_object(
        IndicatorAuditEvent.ASSIGNMENT_SAVED,
        assignment,
        acting_user=acting_user,
        organization=organization,
        new={"indicator": indicator.code, "include_descendants": include_descendants},
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


def assigned_indicators(organization: Organization) -> list[Indicator]:
    ids = Assignment.objects.for_organization(organization).values_list("indicator_id", flat=True)
    return list(Indicator.objects.filter(pk__in=ids).select_related("unit").order_by("category", "code"))


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


@dataclass
class ObservationInput:
    """One value to record, already parsed; ``row`` names its place in the batch (file row or
    list index) for error messages."""

    organization: Organization
    indicator: Indicator
    period: JalaliPeriod
    value: float
    comment: str = ""
    row: int = 0


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    digest: str = ""
    observations: list[Observation] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "sha256": self.digest,
            "alerts": len(self.alerts),
        }


def batch_digest(rows: Sequence[ObservationInput]) -> str:
    canonical = sorted(
        [r.organization.code, r.indicator.code, r.period.key, repr(float(r.value)), r.comment] for r in rows
    )
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def check_record_observations(
    rows: Sequence[ObservationInput], *, acting_user: User | None
) -> list[RowError]:
    """Everything that makes a parsed row unacceptable: scope, assignment, kind of indicator,
    periodicity, a future period, a duplicate in the batch, or a locked (approved) period."""
    errors: list[RowError] = []
    add_scope = organization_scope(acting_user, Observation, "add") if acting_user is not None else None
    assigned: dict[int, set[int]] = {}
    seen: dict[tuple[int, int, str], int] = {}
    today = today_in_tehran()
    keys = {(r.organization.pk, r.indicator.pk, r.period.key) for r in rows}
    locked = set(
        Observation.objects.filter(
            organization_id__in={k[0] for k in keys},
            period_key__in={k[2] for k in keys},
            status=ObservationStatus.APPROVED,
        ).values_list("organization_id", "period_key")
    )
    for r in rows:
        if add_scope is not None and not add_scope.contains(r.organization):
            errors.append(
                RowError(r.row, "organization", _("Unknown organization, or you may not report for it."))
            )
            continue
        if r.organization.pk not in assigned:
            assigned[r.organization.pk] = {i.pk for i in assigned_indicators(r.organization)}
        if r.indicator.is_derived:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("“%(code)s” is computed from other indicators and cannot be reported.")
                    % {"code": r.indicator.code},
                )
            )
        elif r.indicator.pk not in assigned[r.organization.pk]:
            errors.append(
                RowError(
                    r.row,
                    "indicator",
                    _("“%(code)s” is not assigned to this organization.") % {"code": r.indicator.code},
                )
            )
        if r.period.kind != r.indicator.periodicity:
            errors.append(
                RowError(
                    r.row,
                    "period",
                    _("“%(code)s” is reported per %(kind)s, not per %(given)s.")
                    % {
                        "code": r.indicator.code,
                        "kind": Periodicity(r.indicator.periodicity).label,
                        "given": Periodicity(r.period.kind).label,
                    },
                )
            )
        if r.period.start > today:
            errors.append(
                RowError(
                    r.row, "period", _("The period %(period)s is in the future.") % {"period": r.period.key}
                )
            )
        key = (r.organization.pk, r.indicator.pk, r.period.key)
        if key in seen:
            errors.append(
                RowError(
                    r.row,
                    "period",
                    _("Duplicate of row %(row)s (same organization, indicator and period).")
                    % {"row": seen[key]},
                )
            )
        else:
            seen[key] = r.row
        if (r.organization.pk, r.period.key) in locked:
            errors.append(
                RowError(
                    r.row,
                    "period",
                    _("The period %(period)s is approved and locked; ask for it to be reopened.")
                    % {"period": r.period.key},
                )
            )
    return errors


def _common_ancestor(organizations: Sequence[Organization]) -> Organization | None:
    paths = [o.path.strip("/").split("/") for o in organizations]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if not common:
        return None
    return Organization.objects.get(pk=int(common[-1]))


@transaction.atomic
def do_record_observations(
    rows: Sequence[ObservationInput],
    *,
    acting_user: User | None,
    source: str = ObservationSource.API,
    submit: bool = False,
) -> BatchResult:
    """Record a batch of values (insert or update, keyed on organization, indicator, period).

    The same batch again changes nothing and writes no audit event. Any bad row refuses the
    whole batch (the importer offers "apply valid rows" by passing only those)."""
    errors = check_record_observations(rows, acting_user=acting_user)
    if errors:
        raise ValidationError({f"observations[{e.row}].{e.column}": [e.message] for e in errors})
    result = BatchResult(digest=batch_digest(rows))
    if not rows:
        return result
    org_ids = {r.organization.pk for r in rows}
    indicator_ids = {r.indicator.pk for r in rows}
    period_keys = {r.period.key for r in rows}
    rules = list(
        IndicatorRule.objects.filter(left_id__in=indicator_ids).select_related("left", "right")
        | IndicatorRule.objects.filter(right_id__in=indicator_ids).select_related("left", "right")
    )
    rules_by_indicator: dict[int, list[IndicatorRule]] = defaultdict(list)
    for rule in rules:
        rules_by_indicator[rule.left_id].append(rule)
    related_ids = indicator_ids | {r.left_id for r in rules} | {r.right_id for r in rules}
    existing: dict[tuple[int, int, str], Observation] = {}
    history: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    period_values: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for observation in Observation.objects.select_for_update().filter(
        organization_id__in=org_ids, indicator_id__in=related_ids
    ):
        key = (observation.organization_id, observation.indicator_id, observation.period_key)
        if observation.indicator_id in indicator_ids and observation.period_key in period_keys:
            existing[key] = observation
        history[(observation.organization_id, observation.indicator_id)][observation.period_key] = (
            observation.value
        )
        period_values[(observation.organization_id, observation.period_key)][observation.indicator_id] = (
            observation.value
        )
    for r in rows:
        period_values[(r.organization.pk, r.period.key)][r.indicator.pk] = float(r.value)

    provinces = rollups.province_codes({r.organization.pk: r.organization for r in rows}.values())
    deltas = rollups.Deltas()
    now = timezone.now()
    created: list[Observation] = []
    changed: list[Observation] = []
    for r in rows:
        value = float(r.value)
        comment = normalize_text(r.comment) if r.comment else ""
        past = [v for p, v in history[(r.organization.pk, r.indicator.pk)].items() if p != r.period.key]
        findings = validation.findings_for(
            r.indicator,
            value,
            history=past,
            period_values=period_values[(r.organization.pk, r.period.key)],
            rules=rules_by_indicator[r.indicator.pk],
        )
        old = existing.get((r.organization.pk, r.indicator.pk, r.period.key))
        if old is not None:
            # Same value and comment is the same report: sending a batch again must change
            # nothing, even if newer history would now judge an outlier differently.
            if old.value == value and old.comment == comment:
                result.unchanged += 1
                result.observations.append(old)
                continue
            deltas.add(
                r.organization,
                provinces[r.organization.pk],
                r.indicator.pk,
                r.period.key,
                r.period.year,
                total=value - old.value,
            )
            old.value = value
            old.comment = comment
            old.findings = findings
            old.status = ObservationStatus.DRAFT
            old.source = source
            old.reported_by = acting_user
            old.last_updated = now
            changed.append(old)
        else:
            deltas.add(
                r.organization,
                provinces[r.organization.pk],
                r.indicator.pk,
                r.period.key,
                r.period.year,
                total=value,
                count=1,
            )
            created.append(
                Observation(
                    organization=r.organization,
                    indicator=r.indicator,
                    period_key=r.period.key,
                    period_start=r.period.start,
                    year=r.period.year,
                    value=value,
                    comment=comment,
                    status=ObservationStatus.DRAFT,
                    source=source,
                    findings=findings,
                    reported_by=acting_user,
                )
            )
    if created:
        Observation.objects.bulk_create(created, batch_size=1000)
    if changed:
        Observation.objects.bulk_update(
            changed,
            ["value", "comment", "findings", "status", "source", "reported_by", "last_updated"],
            batch_size=1000,
        )
    result.created, result.updated = len(created), len(changed)
    result.observations.extend([*created, *changed])
    if not created and not changed:
        if submit:
            _submit(result.observations, acting_user=acting_user)
        return result
    deltas.apply()
    organizations = list({r.organization.pk: r.organization for r in rows}.values())
    audit_batch(
        IndicatorAuditEvent.OBSERVATIONS_RECORDED,
        acting_user=acting_user,
        organization=_common_ancestor(organizations),
        new={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "sha256": result.digest,
            "source": source,
        },
    )
    result.alerts = check_targets([*created, *changed], acting_user=acting_user)
    if submit:
        _submit(result.observations, acting_user=acting_user)
    if acting_user is not None:
        scope = organization_scope(acting_user, Observation, "add")
        if not all(scope.contains(o) for o in organizations):
            raise ObjectNotFound(_("No such object, or you may not see it."))
    send_event_on_commit(
        "indicators.observations.recorded",
        {"count": result.created + result.updated, "periods": sorted(period_keys)},
        organization_ids=org_ids,
    )
    return result


# ---------------------------------------------------------------------------------------------
# Targets and alerts
# ---------------------------------------------------------------------------------------------


def breach_level(target: Target, value: float) -> str | None:
    lower_better = target.indicator.direction == Direction.LOWER

    def crosses(threshold: float) -> bool:
        return value > threshold if lower_better else value < threshold

    if crosses(target.critical_threshold):
        return AlertLevel.CRITICAL
    if crosses(target.warning_threshold):
        return AlertLevel.WARNING
    return None


def check_targets(observations: Sequence[Observation], *, acting_user: User | None) -> list[Alert]:
    """Raise an alert for each target crossed by a touched (organization, period), for input and
    derived indicators alike; each new alert goes to the breach handlers in this transaction."""
    if not observations:
        return []
    touched: dict[tuple[int, str], Observation] = {}
    for o in observations:
        touched.setdefault((o.organization_id, o.period_key), o)
    org_ids = {k[0] for k in touched}
    years = {o.year for o in observations}
    targets = list(
        Target.objects.filter(organization_id__in=org_ids, year__in=years).select_related(
            "indicator", "organization"
        )
    )
    if not targets:
        return []
    catalogue = Catalogue.load()
    values: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    by_key: dict[tuple[int, str, int], Observation] = {}
    for o in Observation.objects.filter(
        organization_id__in=org_ids, period_key__in={k[1] for k in touched}
    ).select_related("indicator"):
        values[(o.organization_id, o.period_key)][o.indicator.code] = o.value
        by_key[(o.organization_id, o.period_key, o.indicator_id)] = o
    existing = set(
        Alert.objects.filter(organization_id__in=org_ids, period_key__in={k[1] for k in touched}).values_list(
            "organization_id", "indicator_id", "period_key", "level"
        )
    )
    alerts: list[Alert] = []
    for target in targets:
        for (org_id, period_key), first in touched.items():
            if org_id != target.organization_id or first.year != target.year:
                continue
            period = JalaliPeriod.parse(period_key)
            if period.kind != target.indicator.periodicity and not target.indicator.is_derived:
                continue
            value = catalogue.value(target.indicator.code, values[(org_id, period_key)], period.start)
            if value is None:
                continue
            level = breach_level(target, value)
            if level is None or (org_id, target.indicator_id, period_key, level) in existing:
                continue
            alert = Alert.objects.create(
                organization=target.organization,
                indicator=target.indicator,
                target=target,
                observation=by_key.get((org_id, period_key, target.indicator_id), first),
                period_key=period_key,
                level=level,
                value=value,
                threshold=target.critical_threshold
                if level == AlertLevel.CRITICAL
                else target.warning_threshold,
            )
            existing.add((org_id, target.indicator_id, period_key, level))
            audit_object(
                IndicatorAuditEvent.ALERT_RAISED,
                alert,
                acting_user=acting_user,
                organization=target.organization,
                new={
                    "indicator": target.indicator.code,
                    "period": period_key,
                    "level": level,
                    "value": value,
                },
            )
            breaches.notify(alert)
            send_event_on_commit(
                "indicators.alert.raised", {"id": alert.pk, "level": level}, organization_ids=[org_id]
            )
            alerts.append(alert)
    return alerts


@dataclass
class TargetValues:
    organization: Organization
    indicator: Indicator
    year: int
    target: float
    warning_threshold: float
    critical_threshold: float


def check_target_values(values: TargetValues, *, instance: Target | None = None) -> None:
    errors: dict[str, list[str]] = {}
    lower = values.indicator.direction == Direction.LOWER
    ordered = (
        values.target <= values.warning_threshold <= values.critical_threshold
        if lower
        else values.target >= values.warning_threshold >= values.critical_threshold
    )
    if not ordered:
        errors["warning_threshold"] = [
            _(
                "When lower is better the target ≤ warning ≤ critical; "
                "when higher is better the target ≥ warning ≥ critical."
            )
        ]
    duplicate = Target.objects.filter(
        organization=values.organization, indicator=values.indicator, year=values.year
    )
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if duplicate.exists():
        errors["year"] = [_("This organization already has a target for this indicator and year.")]
    if not 1300 <= values.year <= 1500:
        errors["year"] = [_("Give a Jalali year, such as 1403.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_target(
    values: TargetValues, *, acting_user: User | None, instance: Target | None = None
) -> Target:
    _require_may_save(Target, values.organization, instance, acting_user=acting_user)
    check_target_values(values, instance=instance)
    target = instance or Target()
    target.organization = values.organization
    target.indicator = values.indicator
    target.year = values.year
    target.target = values.target
    target.warning_threshold = values.warning_threshold
    target.critical_threshold = values.critical_threshold
    target.save()
    audit_object(
        IndicatorAuditEvent.TARGET_SAVED,
        target,
        acting_user=acting_user,
        organization=values.organization,
        new={
            "indicator": values.indicator.code,
            "year": values.year,
            "target": values.target,
            "warning": values.warning_threshold,
            "critical": values.critical_threshold,
        },
    )
    return target


@transaction.atomic
def do_delete_target(target: Target, *, acting_user: User) -> Target:
    require_in_scope(acting_user, "delete", target)
    audit_object(
        IndicatorAuditEvent.TARGET_DELETED,
        target,
        acting_user=acting_user,
        organization=target.organization,
        old={"indicator": target.indicator.code, "year": target.year},
    )
    target.delete()
    return target


@transaction.atomic
def do_close_alert(alert: Alert, *, acting_user: User | None) -> Alert:
    """Acknowledge an open alert and close it; a closed alert stays closed (a new breach of the
    same organization, indicator, period and level does not raise it again)."""
    if acting_user is not None:
        require_in_scope(acting_user, "change", alert)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise ValidationError({"is_open": [_("This alert is already closed.")]})
    alert.is_open = False
    alert.save(update_fields=["is_open", "last_updated"])
    audit_object(
        IndicatorAuditEvent.ALERT_CLOSED,
        alert,
        acting_user=acting_user,
        organization=alert.organization,
        old={"is_open": True},
        new={"is_open": False},
    )
    send_event_on_commit(
        "indicators.alert.closed", {"id": alert.pk}, organization_ids=[alert.organization_id]
    )
    return alert


# ---------------------------------------------------------------------------------------------
# Submission, approval, reopening
# ---------------------------------------------------------------------------------------------


def _submit(observations: Sequence[Observation], *, acting_user: User | None) -> list[Observation]:
    drafts = [o for o in observations if o.status == ObservationStatus.DRAFT]
    errors: dict[str, list[str]] = {}
    for o in drafts:
        name = f"{o.indicator.code}.{o.period_key}"
        if validation.has_errors(o.findings):
            errors[name] = [
                _("Correct the errors before submitting: %(errors)s")
                % {"errors": "; ".join(validation.message(f) for f in o.findings if f["severity"] == "error")}
            ]
        elif validation.has_warnings(o.findings) and not o.comment.strip():
            errors[name] = [
                _("Explain the warning in a comment before submitting: %(warnings)s")
                % {
                    "warnings": "; ".join(
                        validation.message(f) for f in o.findings if f["severity"] == "warning"
                    )
                }
            ]
    if errors:
        raise ValidationError(errors)
    if acting_user is not None:
        scope = organization_scope(acting_user, Observation, "submit")
        if not all(scope.contains(o.organization) for o in drafts):
            raise ObjectNotFound(_("No such object, or you may not see it."))
    now = timezone.now()
    for o in drafts:
        o.status = ObservationStatus.SUBMITTED
        o.submitted_at = now
    Observation.objects.bulk_update(drafts, ["status", "submitted_at"], batch_size=1000)
    if drafts:
        audit_batch(
            IndicatorAuditEvent.OBSERVATIONS_SUBMITTED,
            acting_user=acting_user,
            organization=_common_ancestor(list({o.organization_id: o.organization for o in drafts}.values())),
            new={"count": len(drafts), "ids": sorted(o.pk for o in drafts)[:1000]},
        )
    return drafts


@transaction.atomic
def do_submit_period(
    organization: Organization, period_key: str, *, acting_user: User | None
) -> list[Observation]:
    """Submit an organization's draft values of a period (warnings need comments, errors block)."""
    observations = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key)
        .select_related("indicator", "organization")
    )
    if not any(o.status == ObservationStatus.DRAFT for o in observations):
        raise ValidationError({"period": [_("There is nothing to submit in this period.")]})
    submitted = _submit(observations, acting_user=acting_user)
    send_event_on_commit(
        "indicators.period.submitted", {"period": period_key}, organization_ids=[organization.pk]
    )
    return submitted


def may_approve(user: User, organization: Organization, action: str = "approve") -> bool:
    """Approval belongs to the parent: the permission must cover the organization's parent."""
    if user.is_superuser:
        return True
    if organization.parent_id is None:
        return False
    parent = organization.parent
    assert parent is not None
    return organization_scope(user, Observation, action).contains(parent)


def _approval_deltas(observations: Sequence[Observation], sign: int) -> None:
    if not observations:
        return
    deltas = rollups.Deltas()
    provinces = rollups.province_codes({o.organization_id: o.organization for o in observations}.values())
    for o in observations:
        deltas.add(
            o.organization,
            provinces[o.organization_id],
            o.indicator_id,
            o.period_key,
            o.year,
            approved_total=sign * o.value,
            approved_count=sign,
        )
    deltas.apply()


@transaction.atomic
def do_approve_period(organization: Organization, period_key: str, *, acting_user: User) -> list[Observation]:
    """The parent organization approves a period's submitted values, which locks the period."""
    if not may_approve(acting_user, organization):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    observations = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key)
        .select_related("organization")
    )
    if any(o.status == ObservationStatus.DRAFT for o in observations):
        raise ValidationError(
            {"period": [_("Some values of this period are still drafts; they must be submitted first.")]}
        )
    pending = [o for o in observations if o.status == ObservationStatus.SUBMITTED]
    if not pending:
        raise ValidationError({"period": [_("There is nothing to approve in this period.")]})
    now = timezone.now()
    for o in pending:
        o.status = ObservationStatus.APPROVED
        o.approved_by = acting_user
        o.approved_at = now
    Observation.objects.bulk_update(pending, ["status", "approved_by", "approved_at"])
    _approval_deltas(pending, +1)
    audit_batch(
        IndicatorAuditEvent.PERIOD_APPROVED,
        acting_user=acting_user,
        organization=organization,
        new={"period": period_key, "count": len(pending)},
    )
    send_event_on_commit(
        "indicators.period.approved", {"period": period_key}, organization_ids=[organization.pk]
    )
    return pending


@transaction.atomic
def do_reopen_period(
    organization: Organization, period_key: str, *, acting_user: User, reason: str
) -> list[Observation]:
    """Unlock an approved period for correction: audited, with a reason; values go back to draft."""
    if not may_approve(acting_user, organization, "reopen"):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the approved values must be corrected.")]})
    approved = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key, status=ObservationStatus.APPROVED)
        .select_related("organization")
    )
    if not approved:
        raise ValidationError({"period": [_("This period is not approved.")]})
    _approval_deltas(approved, -1)
    for o in approved:
        o.status = ObservationStatus.DRAFT
        o.approved_by = None
        o.approved_at = None
    Observation.objects.bulk_update(approved, ["status", "approved_by", "approved_at"])
    audit_batch(
        IndicatorAuditEvent.PERIOD_REOPENED,
        acting_user=acting_user,
        organization=organization,
        new={"period": period_key, "count": len(approved)},
        extra={"reason": normalize_text(reason)},
    )
    send_event_on_commit(
        "indicators.period.reopened", {"period": period_key}, organization_ids=[organization.pk]
    )
    return approved


# ---------------------------------------------------------------------------------------------
# Baselines and scorecards
# ---------------------------------------------------------------------------------------------


@dataclass
class BaselineValues:
    organization: Organization
    name: str
    energy_indicator: Indicator
    drivers: Sequence[Indicator]
    baseline_start: str
    baseline_end: str
    reporting_start: str
    reporting_end: str


def _month(key: str, field_name: str, errors: dict[str, list[str]]) -> JalaliPeriod | None:
    try:
        period = JalaliPeriod.parse(key)
    except ValueError as error:
        errors[field_name] = [str(error)]
        return None
    if period.kind != "month":
        errors[field_name] = [_("Give a month, such as 1402-01.")]
        return None
    return period


def check_baseline_values(values: BaselineValues) -> None:
    errors: dict[str, list[str]] = {}
    if not values.name.strip():
        errors["name"] = [_("A name is required.")]
    if values.energy_indicator.category not in (Category.ENERGY, Category.ENERGY_SUPPLY):
        errors["energy_indicator"] = [_("Choose an energy indicator.")]
    if not values.drivers:
        errors["drivers"] = [_("Choose at least one relevant variable.")]
    elif values.energy_indicator in values.drivers:
        errors["drivers"] = [_("The energy indicator cannot be its own relevant variable.")]
    b0 = _month(values.baseline_start, "baseline_start", errors)
    b1 = _month(values.baseline_end, "baseline_end", errors)
    r0 = _month(values.reporting_start, "reporting_start", errors)
    r1 = _month(values.reporting_end, "reporting_end", errors)
    if b0 and b1 and b1 < b0:
        errors["baseline_end"] = [_("The baseline period ends before it starts.")]
    if r0 and r1 and r1 < r0:
        errors["reporting_end"] = [_("The reporting period ends before it starts.")]
    if b1 and r0 and not b1 < r0:
        errors["reporting_start"] = [_("The reporting period must start after the baseline period.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_baseline(
    values: BaselineValues, *, acting_user: User | None, instance: Baseline | None = None
) -> Baseline:
    _require_may_save(Baseline, values.organization, instance, acting_user=acting_user)
    check_baseline_values(values)
    baseline = instance or Baseline()
    baseline.organization = values.organization
    baseline.name = normalize_text(values.name)
    baseline.energy_indicator = values.energy_indicator
    baseline.baseline_start = JalaliPeriod.parse(values.baseline_start).key
    baseline.baseline_end = JalaliPeriod.parse(values.baseline_end).key
    baseline.reporting_start = JalaliPeriod.parse(values.reporting_start).key
    baseline.reporting_end = JalaliPeriod.parse(values.reporting_end).key
    baseline.save()
    baseline.drivers.set(values.drivers)
    audit_object(
        IndicatorAuditEvent.BASELINE_SAVED,
        baseline,
        acting_user=acting_user,
        organization=values.organization,
        new={
            "energy": values.energy_indicator.code,
            "drivers": [d.code for d in values.drivers],
            "baseline": [baseline.baseline_start, baseline.baseline_end],
            "reporting": [baseline.reporting_start, baseline.reporting_end],
        },
    )
    return baseline


@dataclass
class CriterionValues:
    indicator: Indicator
    kind: str
    weight: float


@dataclass
class ScorecardValues:
    organization: Organization
    name: str
    year: int
    baseline_year: int
    peer_tags: Sequence[str]
    criteria: Sequence[CriterionValues]
    entity_kind: str = "site"
    minimum_peers: int = 8


def check_scorecard_values(values: ScorecardValues) -> None:
    errors: dict[str, list[str]] = {}
    if not values.name.strip():
        errors["name"] = [_("A name is required.")]
    if values.baseline_year >= values.year:
        errors["baseline_year"] = [_("The baseline year must come before the scored year.")]
    if values.minimum_peers < 2:
        errors["minimum_peers"] = [_("At least two peers are needed.")]
    if not values.peer_tags:
        errors["peer_tags"] = [_("Name at least one sector tag that forms a peer group.")]
    try:
        ranking.normalized_weights(
            [
                ranking.Criterion(
                    key=f"{c.kind}:{c.indicator.code}",
                    kind=ranking.CriterionKind(c.kind),
                    direction=ranking.Direction(c.indicator.direction),
                    weight=c.weight,
                )
                for c in values.criteria
            ]
        )
    except (ranking.RankingConfigurationError, ValueError) as error:
        errors["criteria"] = [str(error)]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_scorecard(
    values: ScorecardValues, *, acting_user: User | None, instance: Scorecard | None = None
) -> Scorecard:
    _require_may_save(Scorecard, values.organization, instance, acting_user=acting_user)
    check_scorecard_values(values)
    scorecard = instance or Scorecard()
    scorecard.organization = values.organization
    scorecard.name = normalize_text(values.name)
    scorecard.year = values.year
    scorecard.baseline_year = values.baseline_year
    scorecard.peer_tags = [normalize_text(t) for t in values.peer_tags]
    scorecard.entity_kind = values.entity_kind
    scorecard.minimum_peers = values.minimum_peers
    scorecard.save()
    scorecard.criteria.all().delete()
    ScorecardCriterion.objects.bulk_create(
        [
            ScorecardCriterion(scorecard=scorecard, indicator=c.indicator, kind=c.kind, weight=c.weight)
            for c in values.criteria
        ]
    )
    audit_object(
        IndicatorAuditEvent.SCORECARD_SAVED,
        scorecard,
        acting_user=acting_user,
        organization=values.organization,
        new={
            "name": scorecard.name,
            "criteria": [[c.indicator.code, c.kind, c.weight] for c in values.criteria],
        },
    )
    return scorecard
