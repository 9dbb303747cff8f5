"""The reports app's menu entry (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.reports.definitions import may_see_reports
from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "reports",
        _("Reports"),
        (MenuItem(_("Reports"), "reports:list", "bi-file-earmark-richtext", check=may_see_reports),),
        position=80,
        section="monitoring",
    ),
)
