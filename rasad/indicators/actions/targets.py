"""Indicator actions: targets and alerts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.access import require_in_scope
from rasad.core.models import Organization, User
from rasad.indicators import breaches
from rasad.indicators.actions.catalogue import (
    _require_may_save,
)
from rasad.indicators.audit import IndicatorAuditEvent, audit_object
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.choices import (
    AlertLevel,
    Direction,
)
from rasad.indicators.models import (
    Alert,
    Indicator,
    Observation,
    Target,
)
from rasad.lib.actions import saved_values
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import JalaliPeriod


def breach_level(target: Target, value: float) -> str | None:
    lower_better = target.indicator.direction == Direction.LOWER

    def crosses(threshold: float) -> bool:
        return value > threshold if lower_better else value < threshold

    if crosses(target.critical_threshold):
        return AlertLevel.CRITICAL
    if crosses(target.warning_threshold):
        return AlertLevel.WARNING
    return None


def check_targets(
    touched_rows: Sequence[tuple[int, str, int, int]],
    *,
    acting_user: User | None,
    target_ids: set[int] | None = None,
) -> list[Alert]:
    """Raise an alert for each target crossed by a touched (organization, period), for input and
    derived indicators alike; each new alert goes to the breach handlers in this transaction.

    ``touched_rows`` are (organization id, period key, Jalali year, observation id) of the values
    just written. ``target_ids``, if the caller read them in this transaction: the ids of the
    targets of (at least) the touched organizations and years; none means nothing to check."""
    if not touched_rows or target_ids == set():
        return []
    touched: dict[tuple[int, str], tuple[int, int]] = {}
    for org_id, period_key, year, observation_id in touched_rows:
        touched.setdefault((org_id, period_key), (year, observation_id))
    org_ids = {k[0] for k in touched}
    years = {year for year, _observation_id in touched.values()}
    targets = list(
        Target.objects.filter(organization_id__in=org_ids, year__in=years).select_related(
            "indicator", "organization"
        )
    )
    if not targets:
        return []
    catalogue = Catalogue.load()
    values: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    by_key: dict[tuple[int, str, int], int] = {}
    for pk, org_id, period_key, indicator_id, code, value in Observation.objects.filter(
        organization_id__in=org_ids, period_key__in={k[1] for k in touched}
    ).values_list("pk", "organization_id", "period_key", "indicator_id", "indicator__code", "value"):
        values[(org_id, period_key)][code] = value
        by_key[(org_id, period_key, indicator_id)] = pk
    existing = set(
        Alert.objects.filter(organization_id__in=org_ids, period_key__in={k[1] for k in touched}).values_list(
            "organization_id", "indicator_id", "period_key", "level"
        )
    )
    alerts: list[Alert] = []
    for target in targets:
        for (org_id, period_key), (year, first) in touched.items():
            if org_id != target.organization_id or year != target.year:
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
                observation_id=by_key.get((org_id, period_key, target.indicator_id), first),
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


# What saving a target writes (the same before and after: nothing is saved).
_TARGET_FIELDS = ("organization", "indicator", "year", "target", "warning_threshold", "critical_threshold")


@transaction.atomic
def do_save_target(
    values: TargetValues, *, acting_user: User | None, instance: Target | None = None
) -> Target:
    _require_may_save(Target, values.organization, instance, acting_user=acting_user)
    check_target_values(values, instance=instance)
    target = instance or Target()
    saved = saved_values(target, _TARGET_FIELDS) if instance else None
    target.organization = values.organization
    target.indicator = values.indicator
    target.year = values.year
    target.target = values.target
    target.warning_threshold = values.warning_threshold
    target.critical_threshold = values.critical_threshold
    if saved == saved_values(target, _TARGET_FIELDS):
        return target  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
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
