"""The live app's menu entries (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "live",
        _("Live operations"),
        (MenuItem(_("Command view"), "live:command", "bi-broadcast", "live.view_device"),),
        position=45,
        section="monitoring",
    ),
)
