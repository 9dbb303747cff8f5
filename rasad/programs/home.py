"""The programmes app's counts on the home page (rasad.web.home collects every app's): what the
organizations a person acts for still owe, through the same scope as "My obligations"."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import CLOCK_STATUSES
from rasad.core.models import User
from rasad.core.scope import organizations_for
from rasad.programs.models import ActionItem, StatusReport
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    acting_for = organizations_for(user, StatusReport, "submit")
    owed = ActionItem.objects.visible_to(user).filter(party__organization__in=acting_for)
    if not owed.exists():
        return []
    overdue = owed.filter(case__status__in=CLOCK_STATUSES, case__due_at__lt=timezone.now())
    reports = StatusReport.objects.visible_to(user, "submit").missing()
    return [
        HomeCount(_("Overdue programme obligations"), overdue.count(), "programs:obligations"),
        HomeCount(_("Quarterly reports to send"), reports.count(), "programs:obligations"),
    ]
