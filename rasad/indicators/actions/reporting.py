"""Indicator actions: reporting."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, User, common_ancestor
from rasad.core.scope import organization_scope
from rasad.indicators import rollups, validation
from rasad.indicators.actions.approval import (
    _submit,
)
from rasad.indicators.actions.catalogue import (
    assigned_indicators,
)
from rasad.indicators.actions.targets import (
    check_targets,
)
from rasad.indicators.audit import IndicatorAuditEvent, audit_batch
from rasad.indicators.choices import (
    ObservationSource,
    ObservationStatus,
    Periodicity,
)
from rasad.indicators.models import (
    Alert,
    Indicator,
    IndicatorRule,
    Observation,
)
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.lib.persian import normalize_text


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
        organization=common_ancestor(organizations),
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
