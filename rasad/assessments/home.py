"""The assessments app's counts on the home page (rasad.web.home collects every app's): the
self-assessments the person's organizations still owe and the reviews waiting for them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.assessments.choices import AssessmentStatus, CycleStatus
from rasad.assessments.models import Assessment, Review
from rasad.core.models import User
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    owed = Assessment.objects.visible_to(user, "change").filter(
        cycle__status=CycleStatus.OPEN,
        status__in=(AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS),
    )
    reviews = Review.objects.filter(
        reviewer=user,
        kind="assessor",
        submitted_at__isnull=True,
        assessment__status=AssessmentStatus.SUBMITTED,
    )
    counts = []
    owed_count = owed.count()
    if owed_count:
        counts.append(HomeCount(_("Self-assessments to complete"), owed_count, "assessments:assessment-list"))
    review_count = reviews.count()
    if review_count:
        counts.append(HomeCount(_("Assessments to review"), review_count, "assessments:assessment-list"))
    counts.extend(risk_counts(user))
    return counts


def risk_counts(user: User) -> list[HomeCount]:
    """Risks whose review has come due and treatment actions past their date, in the scope where
    the person rates and treats risks (their owner's analysts)."""
    from django.urls import reverse

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
