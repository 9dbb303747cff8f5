"""The core app's menu entries: the organization tree and its people, and administration (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "organizations",
        _("Organizations"),
        (
            MenuItem(
                _("Organization tree"), "core:organization-list", "bi-diagram-3", "core.view_organization"
            ),
            MenuItem(_("Map"), "core:organization-map", "bi-map", "core.view_organization"),
            MenuItem(_("People"), "core:people-list", "bi-people", "core.view_user"),
            MenuItem(
                _("Working groups"), "core:working-group-list", "bi-people-fill", "core.view_workinggroup"
            ),
        ),
        position=10,
    ),
    MenuGroup(
        "administration",
        _("Administration"),
        (
            MenuItem(_("Audit trail"), "core:audit-list", "bi-shield-check", "core.view_auditevent"),
            MenuItem(_("My API tokens"), "core:token-list", "bi-key"),
        ),
        position=90,
    ),
)
