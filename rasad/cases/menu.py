"""The cases app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem, keepers

MENU = (
    MenuGroup(
        "cases",
        _("Cases"),
        (
            MenuItem(_("Cases"), "cases:case-list", "bi-list-check", "cases.view_case"),
            MenuItem(_("Case board"), "cases:case-board", "bi-kanban", "cases.view_case"),
            MenuItem(_("Map of cases"), "cases:case-map", "bi-geo-alt", "cases.view_case"),
            MenuItem(_("Consolidate"), "cases:consolidate", "bi-collection", "cases.forward_case"),
            MenuItem(_("Dossiers"), "cases:dossier-list", "bi-folder2-open", "cases.view_dossier"),
            MenuItem(_("Notifications"), "cases:notifications", "bi-bell"),
            # Reference pages: in the main menu of those who triage cases against them.
            MenuItem(
                _("Working calendar"),
                "cases:calendar",
                "bi-calendar3",
                "cases.view_holiday",
                audience=keepers("cases.triage_case", "cases.change_holiday"),
            ),
            MenuItem(
                _("SLA policy"),
                "cases:sla-policy",
                "bi-stopwatch",
                "cases.view_slapolicy",
                audience=keepers("cases.triage_case", "cases.change_slapolicy"),
            ),
            MenuItem(_("File a case"), "cases:case-create", "bi-plus-lg", "cases.add_case", is_action=True),
        ),
        position=30,
        section="cases",
    ),
)
