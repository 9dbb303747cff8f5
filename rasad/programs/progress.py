"""How a programme's progress is measured (``docs/programs.md``, "How this number is made").

1. Each **obligation** scores 1 or 0. An action item scores 1 when its case is closed (verified by
   the lead); a case that is resolved but not yet verified scores 0. An action item whose case was
   rejected or merged into another is dropped: it counts neither way. An indicator target scores 1
   when the latest approved value of its indicator for the measured organization reaches the
   target.
2. An **objective**'s progress is the weighted share of its obligations that score 1:
   Σ(weight × score) ÷ Σ weight, over its action items and indicator targets (each weight 1 unless
   the lead set another). An objective with nothing to measure has no progress and is left out.
3. An **axis**'s progress is the average of its objectives' progress weighted by their weights
   (percent, set by the lead); the **programme**'s is the average of its axes' weighted the same
   way. When weights of one level do not sum to 100 (while drafting), they are divided by their
   actual sum; when they are all zero, the parts count equally.
4. The figures are computed over the obligations the reader may see: the lead and the reviewing
   body see every party's, so they read the programme's progress; a party reads the progress of
   its own obligations.

The burn-up chart applies the same rules at the end of each Jalali month: "done" counts action
items closed by then and targets met by then (met now, with the meeting value approved by then);
"planned" counts action items due by then and targets due by then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from rasad.cases.choices import CaseStatus
from rasad.lib.jalali import TEHRAN, JalaliPeriod, local_date
from rasad.programs.choices import ObligationState

if TYPE_CHECKING:
    from rasad.programs.models import ActionItem, Axis, IndicatorTarget, Objective, Programme

DROPPED_STATUSES = (CaseStatus.REJECTED, CaseStatus.MERGED)


@dataclass
class ItemScore:
    item: ActionItem
    state: ObligationState

    @property
    def counted(self) -> bool:
        return self.state != ObligationState.DROPPED

    @property
    def score(self) -> int:
        return 1 if self.state == ObligationState.DONE else 0


@dataclass
class TargetScore:
    target: IndicatorTarget
    value: float | None
    state: ObligationState
    met_at: datetime | None = None

    @property
    def counted(self) -> bool:
        return True

    @property
    def score(self) -> int:
        return 1 if self.state == ObligationState.MET else 0


@dataclass
class ObjectiveProgress:
    objective: Objective
    items: list[ItemScore] = field(default_factory=list)
    targets: list[TargetScore] = field(default_factory=list)
    percent: float | None = None


@dataclass
class AxisProgress:
    axis: Axis
    objectives: list[ObjectiveProgress] = field(default_factory=list)
    percent: float | None = None
    weight_sum: int = 0


@dataclass
class ProgrammeProgress:
    programme: Programme
    axes: list[AxisProgress] = field(default_factory=list)
    percent: float | None = None
    weight_sum: int = 0

    @property
    def items(self) -> list[ItemScore]:
        return [item for axis in self.axes for objective in axis.objectives for item in objective.items]

    @property
    def targets(self) -> list[TargetScore]:
        return [t for axis in self.axes for objective in axis.objectives for t in objective.targets]

    def count(self, state: ObligationState) -> int:
        return sum(1 for item in self.items if item.state == state) + sum(
            1 for target in self.targets if target.state == state
        )

    @property
    def weights_complete(self) -> bool:
        """Whether the axes' weights and each axis's objectives' weights sum to 100."""
        if self.axes and self.weight_sum != 100:
            return False
        return all(axis.weight_sum == 100 for axis in self.axes if axis.objectives)


def item_state(item: ActionItem, now: datetime) -> ObligationState:
    case = item.case
    if case.status == CaseStatus.CLOSED:
        return ObligationState.DONE
    if case.status == CaseStatus.RESOLVED:
        return ObligationState.AWAITING_VERIFICATION
    if case.status in DROPPED_STATUSES:
        return ObligationState.DROPPED
    if case.is_overdue(now):
        return ObligationState.OVERDUE
    return ObligationState.OPEN


def latest_value(target: IndicatorTarget, today: date) -> tuple[float | None, datetime | None]:
    """The latest approved value (and when it was approved) of the target's indicator for the
    measured organization, among periods that started by ``today``."""
    from rasad.indicators.choices import ObservationStatus
    from rasad.indicators.models import Observation

    row = (
        Observation.objects.filter(
            indicator_id=target.indicator_id,
            organization_id=target.organization_id,
            status=ObservationStatus.APPROVED,
            period_start__lte=today,
        )
        .order_by("-period_start", "-pk")
        .values_list("value", "approved_at")
        .first()
    )
    return (row[0], row[1]) if row is not None else (None, None)


def target_score(target: IndicatorTarget, today: date) -> TargetScore:
    value, approved_at = latest_value(target, today)
    if target.is_met_by(value):
        return TargetScore(target, value, ObligationState.MET, approved_at)
    state = ObligationState.MISSED if target.due_on < today else ObligationState.NOT_YET
    return TargetScore(target, value, state)


def weighted(parts: Iterable[tuple[int, float | None]]) -> tuple[float | None, int]:
    """The weighted average of the parts that have a value, and the sum of all parts' weights.
    Weights that sum to zero count equally."""
    rows = list(parts)
    weight_sum = sum(weight for weight, _value in rows)
    measured = [(weight, value) for weight, value in rows if value is not None]
    if not measured:
        return None, weight_sum
    total = sum(weight for weight, _value in measured)
    if total == 0:
        return sum(value for _weight, value in measured) / len(measured), weight_sum
    return sum(weight * value for weight, value in measured) / total, weight_sum


def objective_percent(items: Sequence[ItemScore], targets: Sequence[TargetScore]) -> float | None:
    rows = [(s.item.weight, s.score) for s in items if s.counted] + [
        (s.target.weight, s.score) for s in targets
    ]
    total = sum(weight for weight, _score in rows)
    if total == 0:
        return None
    return 100.0 * sum(weight * score for weight, score in rows) / total


def measure(
    programme: Programme,
    axes: Iterable[Axis],
    objectives: Iterable[Objective],
    items: Iterable[ActionItem],
    targets: Iterable[IndicatorTarget],
    *,
    now: datetime | None = None,
) -> ProgrammeProgress:
    """The progress of ``programme`` over the given obligations (those the reader may see)."""
    moment = now or timezone.now()
    today = local_date(moment)
    by_objective: dict[int, ObjectiveProgress] = {o.pk: ObjectiveProgress(o) for o in objectives}
    for item in items:
        if item.objective_id in by_objective:
            by_objective[item.objective_id].items.append(ItemScore(item, item_state(item, moment)))
    for target in targets:
        if target.objective_id in by_objective:
            by_objective[target.objective_id].targets.append(target_score(target, today))
    result = ProgrammeProgress(programme)
    for axis in axes:
        axis_progress = AxisProgress(axis)
        for objective_progress in by_objective.values():
            if objective_progress.objective.axis_id == axis.pk:
                objective_progress.percent = objective_percent(
                    objective_progress.items, objective_progress.targets
                )
                axis_progress.objectives.append(objective_progress)
        axis_progress.percent, axis_progress.weight_sum = weighted(
            (o.objective.weight, o.percent) for o in axis_progress.objectives
        )
        result.axes.append(axis_progress)
    result.percent, result.weight_sum = weighted((a.axis.weight, a.percent) for a in result.axes)
    return result


# ---------------------------------------------------------------------------------------------
# Over time: the burn-up chart
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurnUpPoint:
    month: JalaliPeriod
    planned: float | None
    done: float | None


def _percent_at(progress: ProgrammeProgress, moment: datetime, *, planned: bool) -> float | None:
    """The programme's percent had exactly the obligations done by ``moment`` (or, ``planned``,
    due by then) scored 1, with the same weights and the same dropped items."""
    day = local_date(moment)

    def item_score(score: ItemScore) -> int:
        case = score.item.case
        if planned:
            return 1 if case.deadline is not None and case.deadline < day + timedelta(days=1) else 0
        return (
            1
            if score.state == ObligationState.DONE and case.closed_at is not None and case.closed_at <= moment
            else 0
        )

    def target_at(score: TargetScore) -> int:
        if planned:
            return 1 if score.target.due_on <= day else 0
        return (
            1
            if score.state == ObligationState.MET and score.met_at is not None and score.met_at <= moment
            else 0
        )

    axes = []
    for axis in progress.axes:
        objectives = []
        for objective in axis.objectives:
            rows = [(s.item.weight, item_score(s)) for s in objective.items if s.counted] + [
                (s.target.weight, target_at(s)) for s in objective.targets
            ]
            total = sum(weight for weight, _score in rows)
            value = None if total == 0 else 100.0 * sum(w * s for w, s in rows) / total
            objectives.append((objective.objective.weight, value))
        axes.append((axis.axis.weight, weighted(objectives)[0]))
    return weighted(axes)[0]


def burn_up(progress: ProgrammeProgress, *, now: datetime | None = None) -> list[BurnUpPoint]:
    """One point per Jalali month of the programme: planned (whole span) and done (to this month)."""
    moment = now or timezone.now()
    programme = progress.programme
    first = JalaliPeriod.containing(programme.starts_on, "month")
    last = JalaliPeriod.containing(programme.ends_on, "month")
    current = JalaliPeriod.containing(local_date(moment), "month")
    points = []
    month = first
    while month <= last:
        end_moment = datetime.combine(month.end, time.min, tzinfo=TEHRAN)
        if month == current:
            end_moment = min(end_moment, moment)
        planned = _percent_at(progress, end_moment, planned=True)
        done = _percent_at(progress, end_moment, planned=False) if month <= current else None
        points.append(BurnUpPoint(month, planned, done))
        month = month.next()
    return points
