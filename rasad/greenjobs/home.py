"""The green-jobs app's part of the home page (rasad.web.home collects every app's): for the
people of the three offices, the applications waiting for their office's step; for a business,
its applications returned for correction, and the outcome reports of its funded applications
that fall due within a fortnight or are overdue (for everyone who may report them)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.core.scope import organization_scope
from rasad.greenjobs.actions import due_milestones
from rasad.greenjobs.choices import Milestone, Stage
from rasad.greenjobs.models import Application, OutcomeReport
from rasad.lib import formatting
from rasad.web.home import HomeContribution, HomeCount, WorkItem, url_with

STEP_TITLES = {
    Stage.SUBMITTED: gettext_lazy("Check eligibility"),
    Stage.ELIGIBLE: gettext_lazy("Confirm environmental compliance"),
    Stage.COMPLIANT: gettext_lazy("Confirm training"),
    Stage.TRAINED: gettext_lazy("Approve with an amount"),
    Stage.APPROVED: gettext_lazy("Record an instalment"),
}


def provide(user: User, today: date) -> HomeContribution:
    contribution = HomeContribution()
    waiting = list(
        Application.objects.visible_to(user, "review")
        .select_related("organization")
        .order_by("submitted_at")[:12]
    )
    approving = list(
        Application.objects.visible_to(user, "approve")
        .filter(stage__in=[Stage.TRAINED, Stage.APPROVED])
        .exclude(pk__in=[a.pk for a in waiting])
        .select_related("organization")
        .order_by("submitted_at")[:12]
    )
    for application in [*waiting, *approving]:
        contribution.items.append(
            WorkItem(
                section="waiting",
                kind="greenjobs.step",
                title=_("%(step)s: application %(number)s of %(business)s")
                % {
                    "step": STEP_TITLES.get(application.stage, application.get_stage_display()),
                    "number": formatting.digits(application.number),
                    "business": application.organization.name,
                },
                url=reverse("greenjobs:application-detail", args=[application.pk]),
                moment=application.submitted_at,
            )
        )
    if waiting or approving:
        contribution.counts.append(
            HomeCount(
                gettext_lazy("Incentive applications waiting for your office"),
                len(waiting) + len(approving),
                "greenjobs:queue",
            )
        )
    returned = (
        Application.objects.visible_to(user, "change").filter(stage=Stage.RETURNED).select_related("scheme")
    )
    for application in returned[:12]:
        contribution.items.append(
            WorkItem(
                section="waiting",
                kind="greenjobs.returned",
                title=_("Correct and resubmit application %(number)s (%(scheme)s)")
                % {"number": formatting.digits(application.number), "scheme": application.scheme.title},
                url=reverse("greenjobs:application-detail", args=[application.pk]),
                moment=application.last_updated,
                tone="warning",
            )
        )
    if returned.exists():
        contribution.counts.append(
            HomeCount(
                gettext_lazy("Applications returned for correction"),
                returned.count(),
                url_with("greenjobs:application-list", stage="returned"),
                tone="warning",
            )
        )
    contribution.items.extend(_outcome_items(user, today))
    return contribution


def _outcome_items(user: User, today: date) -> list[WorkItem]:
    """Unreported outcome milestones due within the notice days or overdue, of the businesses
    the person may report outcomes for."""
    scope = organization_scope(user, OutcomeReport, "add")
    if scope.is_nothing:
        return []
    items = []
    applications = Application.objects.filter(organization_id__in=scope.organization_ids())
    for item in due_milestones(applications, today=today)[:12]:
        overdue = item.is_overdue(today)
        items.append(
            WorkItem(
                section="overdue" if overdue else "waiting",
                kind="greenjobs.outcome_due",
                title=_("Report the outcomes of application %(number)s (%(milestone)s)")
                % {
                    "number": formatting.digits(item.application.number),
                    "milestone": Milestone(item.milestone).label,
                },
                url=reverse("greenjobs:application-outcome", args=[item.application.pk]),
                detail=formatting.due_text(item.due_on, today=today),
                due=item.due_on,
                tone="danger" if overdue else "warning",
            )
        )
    return items
