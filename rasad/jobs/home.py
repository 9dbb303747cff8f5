"""The jobs app's count on the home page: files prepared for the person and not yet seen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.core.models import User
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    ready = ExportFile.objects.filter(owner=user, status=ExportStatus.READY, seen_at__isnull=True).count()
    if not ready:
        return []
    return [HomeCount(_("Files ready for you"), ready, "jobs:my-files")]
