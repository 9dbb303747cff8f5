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
    return counts
