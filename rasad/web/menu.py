"""The web app's own menu entry, the home page, and the main menu's sections (see
``rasad.web.navigation``): what fits on one line at 1280 px for the person with every menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, MenuSection

SECTIONS = (
    MenuSection("monitoring", _("Monitoring"), 20),
    MenuSection("cases", _("Cases & documents"), 30),
    MenuSection("programmes", _("Programmes & training"), 40),
    MenuSection("communication", _("Communication"), 47),
)

MENU = (MenuGroup("overview", _("Overview"), (MenuItem(_("Home"), "web:home", "bi-house"),), position=0),)
