"""The jobs app's menu entries: the person's prepared files, and background work for platform
administrators (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.jobs.access import may_manage_jobs
from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "administration",
        _("Administration"),
        (
            MenuItem(_("My files"), "jobs:my-files", "bi-folder2"),
            MenuItem(_("Background work"), "jobs:jobs", "bi-gear-wide-connected", check=may_manage_jobs),
        ),
        position=90,
    ),
)
