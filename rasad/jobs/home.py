"""What the jobs app puts on the home queue (``rasad.web.home`` collects it): files prepared for
the person and not yet opened, as a waiting item and a count that opens "My files"."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasad.core.models import User
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.lib import formatting
from rasad.web.home import HomeContribution, HomeCount, WorkItem


def provide(user: User, today: date) -> HomeContribution:
    ready = ExportFile.objects.filter(owner=user, status=ExportStatus.READY, seen_at__isnull=True).count()
    if not ready:
        return HomeContribution()
    url = reverse("jobs:my-files")
    return HomeContribution(
        items=[
            WorkItem(
                section="waiting",
                kind="jobs.files_ready",
                title=ngettext("%(count)s file is ready for you", "%(count)s files are ready for you", ready)
                % {"count": formatting.number(ready)},
                url=url,
                detail=_("Prepared in the background; open “My files” to download."),
                tone="success",
            )
        ],
        counts=[HomeCount(_("Files ready for you"), ready, url)],
    )
