"""The cases app's counts on the home page (rasad.web.home collects every app's)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.cases.models import Case
from rasad.core.models import User
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    cases = Case.objects.visible_to(user).open()
    return [
        HomeCount(_("Open cases"), cases.count(), "cases:case-list"),
        HomeCount(_("Overdue cases"), cases.overdue().count(), "cases:case-board"),
    ]
