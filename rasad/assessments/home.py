"""The assessments app's part of the home page (rasad.web.home collects every app's): the
self-assessments the person's organizations still owe; the reviews, consensuses and audits waiting
for the person (the same queues as their page "Waiting for me", ``waiting_for``); and the risk
reviews and treatment actions that have come due in their scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.assessments.choices import AssessmentStatus, CycleStatus
from rasad.assessments.models import Assessment
from rasad.core.models import User
from rasad.lib import formatting
from rasad.web.home import HomeContribution, HomeCount, WorkItem

# Items of one queue on the home page; the count opens the whole queue.
LIMIT = 10


@dataclass(frozen=True)
class Queue:
    """One kind of work an assessor or auditor is asked for: its title, the page that does it
    (``url_name`` with the assessment's id) and a stable code for tests and styling."""

    key: str
    title: str | Promise
    url_name: str


REVIEW = Queue("review", gettext_lazy("Assessments to review"), "assessments:assessment-review")
CONSENSUS = Queue("consensus", gettext_lazy("Consensus to record"), "assessments:assessment-consensus")
AUDIT = Queue("audit", gettext_lazy("Sections to audit"), "assessments:assessment-audit")


def waiting_for(user: User) -> list[tuple[Queue, QuerySet[Assessment]]]:
    """What waits for ``user`` as an assessor (reviews to score, consensuses to record as the
    lead) and as an auditor (audits their agency has not submitted), each within the scope where
    they may review or audit, the review window's end first."""
    assessments = Assessment.objects.select_related("organization", "cycle").order_by(
        "cycle__review_closes_on", "submitted_at", "pk"
    )
    return [
        (REVIEW, assessments.visible_to(user, "review").awaiting_review_by(user)),
        (CONSENSUS, assessments.visible_to(user, "review").awaiting_consensus_by(user)),
        (AUDIT, assessments.visible_to(user, "audit").awaiting_audit_by(user)),
    ]


def _work_item(queue: Queue, assessment: Assessment, today: date) -> WorkItem:
    closes = assessment.cycle.review_closes_on
    overdue = closes is not None and closes < today
    return WorkItem(
        section="overdue" if overdue else "waiting",
        kind=f"assessments.{queue.key}",
        title=_("%(work)s: %(organization)s")
        % {"work": queue.title, "organization": assessment.organization.name},
        url=reverse(queue.url_name, args=[assessment.pk]),
        detail=formatting.separator().join(
            part
            for part in (assessment.cycle.name, formatting.due_text(closes, today=today) if closes else "")
            if part
        ),
        due=closes,
        tone="danger" if overdue else "primary",
    )


def provide(user: User, today: date) -> HomeContribution:
    contribution = HomeContribution()
    owed = Assessment.objects.visible_to(user, "change").filter(
        cycle__status=CycleStatus.OPEN,
        status__in=(AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS),
    )
    owed_count = owed.count()
    if owed_count:
        contribution.counts.append(
            HomeCount(_("Self-assessments to complete"), owed_count, "assessments:assessment-list")
        )
    for queue, assessments in waiting_for(user):
        count = assessments.count()
        if not count:
            continue
        contribution.counts.append(HomeCount(queue.title, count, "assessments:queue"))
        contribution.items.extend(_work_item(queue, assessment, today) for assessment in assessments[:LIMIT])
    contribution.counts.extend(risk_counts(user))
    return contribution


def risk_counts(user: User) -> list[HomeCount]:
    """Risks whose review has come due and treatment actions past their date, in the scope where
    the person rates and treats risks (their owner's analysts)."""
    from rasad.assessments.models import RiskAction, RiskRating
    from rasad.cases.choices import OPEN_STATUSES
    from rasad.lib.jalali import today_in_tehran

    today = today_in_tehran()
    counts = []
    reviews = (
        RiskRating.objects.visible_to(user, "change")
        .filter(review_on__lte=today, case__status__in=OPEN_STATUSES)
        .count()
    )
    if reviews:
        url = reverse("assessments:risk-register") + "?review_due=true&state=open"
        counts.append(HomeCount(_("Risk reviews due"), reviews, url, "warning"))
    late = (
        RiskAction.objects.visible_to(user, "change")
        .filter(done_on__isnull=True, due_on__lt=today, case__status__in=OPEN_STATUSES)
        .count()
    )
    if late:
        counts.append(
            HomeCount(_("Risk treatment actions overdue"), late, "assessments:risk-register", "danger")
        )
    return counts
