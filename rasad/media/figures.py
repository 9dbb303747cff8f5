"""How responsive each agency is: acknowledgment time, response time, the share of deadlines
met and the rumours answered, per agency over a set of receipts (a period, or one crisis), and
the agencies ranked by responsiveness with the project's peer-ranking method (percentile scores
per criterion, a weighted composite, competition ranks; docs/reference/methods.md, §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from django.db.models import QuerySet

from rasad.core.models import Organization
from rasad.indicators.methods.ranking import Direction, competition_ranks, percentile_scores
from rasad.media.choices import ANSWERED_STATES, RecipientState, RumourState
from rasad.media.models import Recipient, Rumour

# Criteria of the responsiveness composite: (key, weight, higher is better). Weights are data
# here and in docs/reference/methods.md §5; they sum to 1.
CRITERIA: tuple[tuple[str, float, bool], ...] = (
    ("met_share", 0.4, True),
    ("response_hours", 0.3, False),
    ("ack_hours", 0.2, False),
    ("rumour_share", 0.1, True),
)


def hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600.0


@dataclass
class AgencyFigures:
    agency: Organization
    issued: int = 0
    acknowledged: int = 0
    answered: int = 0
    on_time: int = 0
    due: int = 0  # receipts whose deadline passed, or that were answered: the base of met_share
    late_open: int = 0
    ack_hours_list: list[float] = field(default_factory=list)
    response_hours_list: list[float] = field(default_factory=list)
    rumours_assigned: int = 0
    rumours_answered: int = 0
    score: float | None = None
    rank: int | None = None

    @property
    def ack_hours(self) -> float | None:
        return median(self.ack_hours_list) if self.ack_hours_list else None

    @property
    def response_hours(self) -> float | None:
        return median(self.response_hours_list) if self.response_hours_list else None

    @property
    def met_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def rumour_share(self) -> float | None:
        return self.rumours_answered / self.rumours_assigned if self.rumours_assigned else None

    def value(self, key: str) -> float | None:
        """A criterion's value for ranking. An agency that owed answers but never acknowledged
        (or never answered) takes the worst time, not none: silence must not rank above a late
        answer."""
        found: float | None = getattr(self, key)
        if found is None and key in ("ack_hours", "response_hours") and self.due:
            return math.inf
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency.code,
            "agency_name": self.agency.name,
            "issued": self.issued,
            "acknowledged": self.acknowledged,
            "answered": self.answered,
            "on_time": self.on_time,
            "due": self.due,
            "late_open": self.late_open,
            "ack_hours": _round(self.ack_hours),
            "response_hours": _round(self.response_hours),
            "met_share": _round(self.met_share, 4),
            "rumours_assigned": self.rumours_assigned,
            "rumours_answered": self.rumours_answered,
            "score": _round(self.score),
            "rank": self.rank,
        }


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def agency_figures(
    recipients: QuerySet[Recipient], rumours: QuerySet[Rumour], *, now: datetime
) -> list[AgencyFigures]:
    """Figures of every agency in ``recipients`` and ``rumours`` (already scoped and filtered by
    the caller), ranked: best first, unranked (nothing due yet) last."""
    by_agency: dict[int, AgencyFigures] = {}

    def of(agency: Organization) -> AgencyFigures:
        if agency.pk not in by_agency:
            by_agency[agency.pk] = AgencyFigures(agency)
        return by_agency[agency.pk]

    for receipt in recipients.exclude(state=RecipientState.WITHDRAWN).select_related("agency", "statement"):
        figures = of(receipt.agency)
        issued_at = receipt.statement.issued_at or receipt.created
        figures.issued += 1
        if receipt.acknowledged_at is not None:
            figures.acknowledged += 1
            figures.ack_hours_list.append(max(0.0, hours(issued_at, receipt.acknowledged_at)))
        if receipt.state in ANSWERED_STATES and receipt.responded_at is not None:
            figures.answered += 1
            figures.due += 1
            figures.response_hours_list.append(max(0.0, hours(issued_at, receipt.responded_at)))
            if receipt.responded_at <= receipt.due_at:
                figures.on_time += 1
        elif receipt.due_at <= now:
            figures.due += 1
            figures.late_open += 1
    for rumour in rumours.filter(agency__isnull=False).select_related("agency"):
        assert rumour.agency is not None
        figures = of(rumour.agency)
        figures.rumours_assigned += 1
        if rumour.state == RumourState.ANSWERED:
            figures.rumours_answered += 1
    rows = sorted(by_agency.values(), key=lambda f: f.agency.name)
    rank(rows)
    return sorted(rows, key=lambda f: (f.rank is None, f.rank or 0, f.agency.name))


def _comparable(values: list[float]) -> list[float]:
    """The shared method scores finite numbers only. +∞ hours (an agency that owed answers and
    gave none) becomes one hour more than the slowest finite time: the order and the ties, all a
    percentile score depends on, stay as they were."""
    finite = [value for value in values if math.isfinite(value)]
    slowest = max(finite, default=0.0) + 1.0
    return [value if math.isfinite(value) else slowest for value in values]


def rank(rows: list[AgencyFigures]) -> None:
    """Score and rank the agencies that had something due: for each criterion, the percentile
    score among the agencies that have a value for it; the composite is the weighted mean over
    the criteria an agency has values for (weights renormalized); ties share the better rank.
    Scores and ranks come from the indicators' peer-ranking functions (``percentile_scores``,
    ``competition_ranks``), so ties and order follow one documented rule (methods.md §2.2)."""
    ranked = [row for row in rows if row.due]
    if not ranked:
        return
    totals = [0.0] * len(ranked)
    weights = [0.0] * len(ranked)
    for key, weight, higher in CRITERIA:
        present = [(index, row.value(key)) for index, row in enumerate(ranked) if row.value(key) is not None]
        if not present:
            continue
        direction = Direction.HIGHER_IS_BETTER if higher else Direction.LOWER_IS_BETTER
        scores = percentile_scores(
            _comparable([float(value) for _index, value in present if value is not None]), direction
        )
        for (index, _value), score in zip(present, scores, strict=True):
            totals[index] += weight * score
            weights[index] += weight
    composites = [total / weight if weight else 0.0 for total, weight in zip(totals, weights, strict=True)]
    for row, composite, position in zip(ranked, composites, competition_ranks(composites), strict=True):
        row.score = composite
        row.rank = position


def figures_for_period(user: Any, period: Any) -> list[AgencyFigures]:
    """The figures of the receipts the user may see of statements issued in the Jalali
    ``period``, and of the rumours logged in it; the period's end is the moment of reckoning (or
    now, for the current period)."""
    from datetime import datetime, time

    from django.utils import timezone

    from rasad.lib.jalali import TEHRAN

    start = datetime.combine(period.start, time.min, tzinfo=TEHRAN)
    end = datetime.combine(period.end, time.min, tzinfo=TEHRAN)
    recipients = Recipient.objects.visible_to(user, "view").filter(
        statement__issued_at__gte=start, statement__issued_at__lt=end
    )
    rumours = Rumour.objects.visible_to(user, "view").filter(logged_at__gte=start, logged_at__lt=end)
    return agency_figures(recipients, rumours, now=min(end, timezone.now()))
