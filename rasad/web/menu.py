"""The web app's own menu entry: the home page (see ``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (MenuGroup("overview", _("Overview"), (MenuItem(_("Home"), "web:home", "bi-house"),), position=0),)
