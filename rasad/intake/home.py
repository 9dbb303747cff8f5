"""What the intake app puts on the home queue (``rasad.web.home`` collects it): documents with
proposals still awaiting review, among those the person may review, as a waiting item and a count
that opens the document list."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasad.core.models import User
from rasad.intake.choices import ProposalStatus
from rasad.intake.models import IntakeDocument
from rasad.lib import formatting
from rasad.web.home import HomeContribution, HomeCount, WorkItem


def provide(user: User, today: date) -> HomeContribution:
    documents = IntakeDocument.objects.visible_to(user, "review")
    if not documents.exists():
        return HomeContribution()
    waiting = documents.filter(proposals__status=ProposalStatus.PENDING).distinct().count()
    url = reverse("intake:document-list")
    contribution = HomeContribution(counts=[HomeCount(_("Documents awaiting review"), waiting, url)])
    if waiting:
        contribution.items.append(
            WorkItem(
                section="waiting",
                kind="intake.review",
                title=ngettext(
                    "%(count)s document awaits your review",
                    "%(count)s documents await your review",
                    waiting,
                )
                % {"count": formatting.number(waiting)},
                url=url,
                detail=_("Check what was read from them before it is recorded."),
                tone="primary",
            )
        )
    return contribution
