"""The programmes app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "programs",
        _("Programmes"),
        (
            MenuItem(
                _("Programmes"), "programs:programme-list", "bi-journal-check", "programs.view_programme"
            ),
            MenuItem(
                _("My obligations"), "programs:obligations", "bi-clipboard-check", "programs.view_actionitem"
            ),
            MenuItem(
                _("New programme"),
                "programs:programme-create",
                "bi-plus-lg",
                "programs.add_programme",
                is_action=True,
            ),
        ),
        position=40,
        section="programmes",
    ),
)
