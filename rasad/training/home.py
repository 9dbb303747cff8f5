"""The training app's counts on the home page (rasad.web.home collects every app's): the
training a person's own positions require and they have not completed, so that someone newly
named to a position is told of it on their first sign-in; and, for those who follow compliance,
the people in their scope who are overdue."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.core.models import User
from rasad.lib.jalali import local_date
from rasad.training.compliance import obligations
from rasad.training.models import PositionHolding, Requirement
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    today = local_date(timezone.now())
    counts = []
    own = PositionHolding.objects.filter(membership__user=user, until__isnull=True)
    if own.exists():
        mine = obligations(
            own,
            Requirement.objects.active().select_related("organization").prefetch_related("courses"),
            today=today,
        )
        if mine:
            counts.append(
                HomeCount(
                    _("Required training to complete"),
                    sum(1 for o in mine if not o.is_met),
                    "training:my-learning",
                )
            )
    if PositionHolding.objects.may_act_anywhere(user, "view"):
        held = PositionHolding.objects.visible_to(user, "view")
        if held.exists():
            found = obligations(
                held,
                Requirement.objects.visible_to(user, "view")
                .active()
                .select_related("organization")
                .prefetch_related("courses"),
                today=today,
            )
            if found:
                counts.append(
                    HomeCount(
                        _("People overdue on required training"),
                        sum(1 for o in found if o.state in ("overdue", "lapsed")),
                        "training:compliance",
                    )
                )
    return counts
