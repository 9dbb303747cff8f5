"""Compliance with training requirements: who must complete what, by when, and who has.

An **obligation** is one person holding one position (an open ``PositionHolding``) under one
active requirement on that position whose organization is the holding's organization or above
it. Its state on a day:

* **met**: the person completed one of the requirement's courses and the certificate is still
  valid (no expiry, or it expires on or after that day);
* **lapsed**: their latest such certificate expired; they must take the course again;
* **due**: never completed, and the deadline (``since`` + ``within_months`` Jalali months) is
  today or later;
* **overdue**: never completed and the deadline has passed.

An organization's **rate** is the share of met obligations among the obligations of the people
of its subtree (lapsed and overdue count as not met). The method is in
``docs/reference/methods.md`` ("Training compliance").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from rasad.core.models import Organization, User
from rasad.training.actions.common import add_months
from rasad.training.choices import ComplianceState
from rasad.training.models import Completion, PositionHolding, Requirement


@dataclass(frozen=True)
class Obligation:
    holding: PositionHolding
    requirement: Requirement
    state: ComplianceState
    due_on: date | None
    completion: Completion | None

    @property
    def user(self) -> User:
        return self.holding.membership.user

    @property
    def organization(self) -> Organization:
        return self.holding.membership.organization

    @property
    def is_met(self) -> bool:
        return self.state == ComplianceState.MET


def _applies(requirement: Requirement, holding: PositionHolding) -> bool:
    return requirement.position_id == holding.position_id and holding.membership.organization.path.startswith(
        requirement.organization.path
    )


def obligations(
    holdings: QuerySet[PositionHolding], requirements: Iterable[Requirement], *, today: date
) -> list[Obligation]:
    """Every obligation of ``holdings`` (open ones) under ``requirements`` (active ones), with its
    state on ``today``. Three queries whatever the number of people."""
    rules = [r for r in requirements if r.is_active]
    if not rules:
        return []
    course_sets = {r.pk: {c.pk for c in r.courses.all()} for r in rules}
    held = list(
        holdings.filter(until__isnull=True, position_id__in={r.position_id for r in rules}).select_related(
            "membership__user", "membership__organization", "position"
        )
    )
    users = {h.membership.user_id for h in held}
    every_course = set().union(*course_sets.values())
    latest: dict[tuple[int, int], Completion] = {}
    for completion in (
        Completion.objects.filter(user_id__in=users, course_id__in=every_course)
        .select_related("course")
        .order_by("completed_on", "pk")
    ):
        latest[(completion.user_id, completion.course_id)] = completion
    result = []
    for holding in held:
        for requirement in rules:
            if not _applies(requirement, holding):
                continue
            done = [
                c
                for course in course_sets[requirement.pk]
                if (c := latest.get((holding.membership.user_id, course))) is not None
            ]
            best = max(done, key=lambda c: (c.expires_on or date.max, c.completed_on), default=None)
            if best is not None and (best.expires_on is None or best.expires_on >= today):
                state, due_on = ComplianceState.MET, best.expires_on
            elif best is not None:
                state, due_on = ComplianceState.LAPSED, best.expires_on
            else:
                due_on = add_months(holding.since, requirement.within_months)
                state = ComplianceState.DUE if due_on >= today else ComplianceState.OVERDUE
            result.append(Obligation(holding, requirement, state, due_on, best))
    order = {
        ComplianceState.OVERDUE: 0,
        ComplianceState.LAPSED: 1,
        ComplianceState.DUE: 2,
        ComplianceState.MET: 3,
    }
    result.sort(key=lambda o: (order[o.state], o.due_on or date.max, o.organization.path, o.user.pk))
    return result


@dataclass
class Tally:
    """The obligations of one organization's subtree."""

    organization: Organization
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> int:
        return self.counts.get(ComplianceState.MET, 0)

    @property
    def overdue(self) -> int:
        return self.counts.get(ComplianceState.OVERDUE, 0) + self.counts.get(ComplianceState.LAPSED, 0)

    @property
    def due(self) -> int:
        return self.counts.get(ComplianceState.DUE, 0)

    @property
    def rate(self) -> float | None:
        """Percent met, or ``None`` when nobody there is bound by a requirement."""
        return 100.0 * self.met / self.total if self.total else None


def rollup(found: list[Obligation], organizations: Iterable[Organization]) -> list[Tally]:
    """A tally per organization over its whole subtree (the organization and everything under
    it), ranked by rate (lowest first, so that the ones behind come first), then by name."""
    tallies = [Tally(o) for o in organizations]
    for tally in tallies:
        prefix = tally.organization.path
        for obligation in found:
            if obligation.organization.path.startswith(prefix):
                tally.counts[obligation.state] += 1
    bound = [t for t in tallies if t.total]
    bound.sort(key=lambda t: (t.rate if t.rate is not None else 101.0, t.organization.name))
    return bound


def organizations_involved(found: list[Obligation]) -> set[int]:
    """The organizations whose subtree holds an obligation: each obligation's organization and
    everything above it (read from the paths)."""
    return {
        int(part)
        for obligation in found
        for part in obligation.organization.path.strip("/").split("/")
        if part
    }


@dataclass
class PlaceTally:
    """Obligations met of all, in one place (a province, or one organization's own people)."""

    met: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.met / self.total if self.total else 0.0


def by_place(found: list[Obligation], place_of: dict[int, str | None]) -> dict[str, PlaceTally]:
    """Obligations met of all per place; ``place_of`` gives each organization id its place (a
    province code), or ``None`` for none (those obligations are left out)."""
    places: dict[str, PlaceTally] = defaultdict(PlaceTally)
    for obligation in found:
        place = place_of.get(obligation.organization.pk)
        if place is None:
            continue
        places[place].total += 1
        places[place].met += 1 if obligation.is_met else 0
    return dict(places)


def rate_colour(share: float) -> str:
    """The colour of a point on the compliance map: red under half met, amber under 80%, green."""
    if share < 0.5:
        return "#c0392b"
    if share < 0.8:
        return "#d68910"
    return "#1e8449"
