"""The assessments app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "assessments",
        _("Assessments"),
        (
            MenuItem(
                _("Assessments"),
                "assessments:assessment-list",
                "bi-clipboard2-check",
                "assessments.view_assessment",
            ),
            MenuItem(_("Cycles"), "assessments:cycle-list", "bi-arrow-repeat", "assessments.view_cycle"),
            MenuItem(
                _("Instruments"),
                "assessments:instrument-list",
                "bi-list-check",
                "assessments.view_instrument",
            ),
            MenuItem(
                _("Checklist compliance"),
                "assessments:compliance",
                "bi-grid-3x3-gap",
                "assessments.view_assessment",
            ),
            MenuItem(_("Risk register"), "assessments:risk-register", "bi-grid-3x3", "cases.view_case"),
            MenuItem(
                _("New cycle"),
                "assessments:cycle-create",
                "bi-plus-lg",
                "assessments.add_cycle",
                is_action=True,
            ),
        ),
        position=50,
    ),
)
