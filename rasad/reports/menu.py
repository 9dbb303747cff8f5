"""The reports app's menu entry (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "reports",
        _("Reports"),
        (MenuItem(_("Reports"), "reports:list", "bi-file-earmark-richtext"),),
        position=80,
    ),
)
