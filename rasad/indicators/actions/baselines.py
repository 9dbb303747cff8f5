"""Indicator actions: baselines and scorecards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.models import Organization, User
from rasad.indicators.actions.catalogue import (
    _require_may_save,
)
from rasad.indicators.audit import IndicatorAuditEvent, audit_object
from rasad.indicators.choices import (
    Category,
)
from rasad.indicators.methods import ranking
from rasad.indicators.models import (
    Baseline,
    Indicator,
    Scorecard,
    ScorecardCriterion,
)
from rasad.lib.actions import saved_values
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.persian import normalize_text


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


# What saving a baseline writes besides its drivers (the same before and after: nothing is saved);
# the API's partial update starts from them.
BASELINE_FIELDS = (
    "organization",
    "name",
    "energy_indicator",
    "baseline_start",
    "baseline_end",
    "reporting_start",
    "reporting_end",
)


@transaction.atomic
def do_save_baseline(
    values: BaselineValues, *, acting_user: User | None, instance: Baseline | None = None
) -> Baseline:
    _require_may_save(Baseline, values.organization, instance, acting_user=acting_user)
    check_baseline_values(values)
    baseline = instance or Baseline()
    saved = saved_values(baseline, BASELINE_FIELDS) if instance else None
    drivers = sorted(instance.drivers.values_list("pk", flat=True)) if instance else None
    baseline.organization = values.organization
    baseline.name = normalize_text(values.name)
    baseline.energy_indicator = values.energy_indicator
    baseline.baseline_start = JalaliPeriod.parse(values.baseline_start).key
    baseline.baseline_end = JalaliPeriod.parse(values.baseline_end).key
    baseline.reporting_start = JalaliPeriod.parse(values.reporting_start).key
    baseline.reporting_end = JalaliPeriod.parse(values.reporting_end).key
    if saved == saved_values(baseline, BASELINE_FIELDS) and drivers == sorted(d.pk for d in values.drivers):
        return baseline  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
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
    except ranking.RankingConfigurationError as error:
        errors["criteria"] = [_ranking_message(error.code)]
    except ValueError:
        errors["criteria"] = [_ranking_message("")]
    if errors:
        raise ValidationError(errors)


def _ranking_message(code: str) -> str:
    """The ranking method's refusal (``RankingConfigurationError.code``) in the reader's language."""
    messages = {
        "no_criteria": _("Add at least one criterion."),
        "duplicate_criterion": _("Each indicator may appear once for each kind of criterion."),
        "invalid_weight": _("Every weight must be a number greater than zero."),
        "zero_weight_total": _("The weights sum to zero."),
        "level_and_improvement_required": _(
            "A ranking must combine at least one level criterion (performance against peers) with at "
            "least one improvement criterion (progress against the organization's own baseline)."
        ),
    }
    return messages.get(code, _("These criteria cannot form a ranking."))


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
