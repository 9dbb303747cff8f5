"""The intake app's count on the home page (rasad.web.home collects every app's): documents with
proposals still awaiting review, among those the user may review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.core.models import User
from rasad.intake.choices import ProposalStatus
from rasad.intake.models import IntakeDocument
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    documents = IntakeDocument.objects.visible_to(user, "review")
    if not documents.exists():
        return []
    waiting = documents.filter(proposals__status=ProposalStatus.PENDING).distinct().count()
    return [HomeCount(_("Documents awaiting review"), waiting, "intake:document-list")]
