"""Reading a programme for one reader: its structure, the obligations they may see, and the
progress, burn-up and timeline those make (``rasad.programs.progress`` holds the method)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.programs.choices import ObligationState
from rasad.programs.models import ActionItem, IndicatorTarget, Programme
from rasad.programs.progress import ProgrammeProgress, burn_up, measure

if TYPE_CHECKING:
    from rasad.core.models import User


def item_rows(queryset: models.QuerySet[ActionItem]) -> models.QuerySet[ActionItem]:
    return queryset.select_related(
        "case__category", "case__owner_organization", "case__escalated_to", "party__organization", "objective"
    ).order_by("starts_on", "case__deadline", "pk")


def target_rows(queryset: models.QuerySet[IndicatorTarget]) -> models.QuerySet[IndicatorTarget]:
    return queryset.select_related("indicator__unit", "organization", "party__organization").order_by(
        "due_on", "pk"
    )


def measure_obligations(
    programme: Programme,
    items: models.QuerySet[ActionItem],
    targets: models.QuerySet[IndicatorTarget],
    *,
    now: datetime | None = None,
) -> ProgrammeProgress:
    """The progress of ``programme`` over the given obligations (already scoped to the reader)."""
    axes = list(programme.axes.order_by("position", "pk"))
    objectives = list(programme.objectives.order_by("position", "pk"))
    return measure(
        programme,
        axes,
        objectives,
        item_rows(items.filter(programme=programme)),
        target_rows(targets.filter(programme=programme)),
        now=now,
    )


def visible_progress(programme: Programme, user: User, *, now: datetime | None = None) -> ProgrammeProgress:
    """What ``user`` may see of the programme's progress (for the API, exports and the home
    queue; pages pass their own scoped querysets to ``measure_obligations``)."""
    return measure_obligations(
        programme,
        ActionItem.objects.visible_to(user),
        IndicatorTarget.objects.visible_to(user),
        now=now,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def progress_as_data(progress: ProgrammeProgress, *, now: datetime | None = None) -> dict[str, Any]:
    """The progress as JSON for the API."""
    return {
        "percent": _round(progress.percent),
        "weights_complete": progress.weights_complete,
        "axes": [
            {
                "id": axis.axis.pk,
                "title": axis.axis.title,
                "weight": axis.axis.weight,
                "percent": _round(axis.percent),
                "objectives": [
                    {
                        "id": objective.objective.pk,
                        "title": objective.objective.title,
                        "weight": objective.objective.weight,
                        "percent": _round(objective.percent),
                        "action_items": [
                            {
                                "id": s.item.pk,
                                "case": s.item.case_id,
                                "weight": s.item.weight,
                                "state": s.state.value,
                            }
                            for s in objective.items
                        ],
                        "indicator_targets": [
                            {
                                "id": s.target.pk,
                                "weight": s.target.weight,
                                "value": s.value,
                                "state": s.state.value,
                            }
                            for s in objective.targets
                        ],
                    }
                    for objective in axis.objectives
                ],
            }
            for axis in progress.axes
        ],
        "burn_up": [
            {"month": point.month.key, "planned": _round(point.planned), "done": _round(point.done)}
            for point in burn_up(progress, now=now)
        ],
        "counts": {state.value: progress.count(state) for state in ObligationState},
    }


# ---------------------------------------------------------------------------------------------
# The timeline (a Gantt-like chart of the action items by Jalali month)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineBar:
    item: ActionItem
    state: ObligationState
    start: date
    end: date
    offset: float  # percent of the chart's width before the bar
    width: float  # percent of the chart's width the bar covers


@dataclass(frozen=True)
class Timeline:
    months: list[JalaliPeriod]
    bars: list[TimelineBar]
    today_offset: float | None


def timeline(programme: Programme, progress: ProgrammeProgress, *, now: datetime | None = None) -> Timeline:
    """The action items the reader sees as bars from their start to their deadline, over the
    Jalali months of the programme (every bar within the chart, today marked)."""
    moment = now or timezone.now()
    first = JalaliPeriod.containing(programme.starts_on, "month")
    last = JalaliPeriod.containing(programme.ends_on, "month")
    scores = sorted(
        progress.items, key=lambda s: (s.item.starts_on, s.item.case.deadline or s.item.starts_on)
    )
    for score in scores:
        deadline = score.item.case.deadline or programme.ends_on
        first = min(first, JalaliPeriod.containing(score.item.starts_on, "month"))
        last = max(last, JalaliPeriod.containing(deadline, "month"))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.next()
    span_start, span_end = first.start, last.end
    span = max((span_end - span_start).days, 1)

    def position(day: date) -> float:
        return 100.0 * min(max((day - span_start).days, 0), span) / span

    bars = []
    for score in scores:
        start = score.item.starts_on
        end = score.item.case.deadline or programme.ends_on
        left = position(start)
        right = position(end) + 100.0 / span  # the deadline day is included
        bars.append(
            TimelineBar(score.item, score.state, start, end, round(left, 2), round(max(right - left, 0.8), 2))
        )
    today = local_date(moment)
    today_offset = round(position(today), 2) if span_start <= today < span_end else None
    return Timeline(months, bars, today_offset)
