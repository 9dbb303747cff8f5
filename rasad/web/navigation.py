"""The main menu, declared as data. Apps add their entries here; templates only render it.

An entry is shown when the user holds its permission somewhere (``scope_for_permission`` is not
empty); the pages themselves still apply scope to what they list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasad.indicators import menu as indicators_menu
from rasad.jobs.access import may_manage_jobs


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: str | None = None
    # A further condition on the user, for pages whose audience is not a permission's scope.
    check: Callable[[Any], bool] | None = None


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
            MenuItem(_("People"), "core:people-list", "bi-people", "core.view_user"),
            MenuItem(
                _("Working groups"), "core:working-group-list", "bi-people-fill", "core.view_workinggroup"
            ),
        ),
    ),
    MenuGroup(indicators_menu.LABEL, tuple(MenuItem(*item) for item in indicators_menu.ITEMS)),
    MenuGroup(
        _("Cases"),
        (
            MenuItem(_("Cases"), "cases:case-list", "bi-list-check", "cases.view_case"),
            MenuItem(_("Case board"), "cases:case-board", "bi-kanban", "cases.view_case"),
            MenuItem(_("Map of cases"), "cases:case-map", "bi-geo-alt", "cases.view_case"),
            MenuItem(_("Consolidate"), "cases:consolidate", "bi-collection", "cases.forward_case"),
            MenuItem(_("Dossiers"), "cases:dossier-list", "bi-folder2-open", "cases.view_dossier"),
            MenuItem(_("Notifications"), "cases:notifications", "bi-bell"),
            MenuItem(_("Working calendar"), "cases:calendar", "bi-calendar3", "cases.view_holiday"),
            MenuItem(_("SLA policy"), "cases:sla-policy", "bi-stopwatch", "cases.view_slapolicy"),
        ),
    ),
    MenuGroup(
        _("Administration"),
        (
            MenuItem(_("Audit trail"), "core:audit-list", "bi-shield-check", "core.view_auditevent"),
            MenuItem(_("My API tokens"), "core:token-list", "bi-key"),
            MenuItem(_("Background work"), "jobs:jobs", "bi-gear-wide-connected", check=may_manage_jobs),
        ),
    ),
)
