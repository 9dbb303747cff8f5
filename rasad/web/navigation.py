"""The main menu, declared as data. Apps add their entries here; templates only render it.

An entry is shown when the user holds its permission somewhere (``scope_for_permission`` is not
empty); the pages themselves still apply scope to what they list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: str | None = None


@dataclass(frozen=True)
class MenuGroup:
    label: str | Promise
    items: tuple[MenuItem, ...]


MENU: tuple[MenuGroup, ...] = (
    MenuGroup(
        _("Overview"),
        (MenuItem(_("Home"), "web:home", "bi-house"),),
    ),
    MenuGroup(
        _("Organizations"),
        (
            MenuItem(
                _("Organization tree"), "core:organization-list", "bi-diagram-3", "core.view_organization"
            ),
            MenuItem(_("Map"), "core:organization-map", "bi-map", "core.view_organization"),
        ),
    ),
    MenuGroup(
        _("Administration"),
        (MenuItem(_("Audit trail"), "core:audit-list", "bi-shield-check", "core.view_auditevent"),),
    ),
)
