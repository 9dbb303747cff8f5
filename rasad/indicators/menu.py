"""The indicators app's menu entries, which are also its sub-navigation (see
``rasad.web.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.web.navigation import MenuGroup, MenuItem

MENU = (
    MenuGroup(
        "indicators",
        _("Indicators"),
        (
            MenuItem(
                _("National view"), "indicators:dashboard", "bi-graph-up", "indicators.view_observation"
            ),
            MenuItem(
                _("Report data"), "indicators:report-start", "bi-pencil-square", "indicators.add_observation"
            ),
            MenuItem(_("Import values"), "indicators:import", "bi-upload", "indicators.add_observation"),
            MenuItem(
                _("Reported values"), "indicators:observations", "bi-table", "indicators.view_observation"
            ),
            MenuItem(
                _("Energy baselines"), "indicators:baselines", "bi-lightning", "indicators.view_baseline"
            ),
            MenuItem(_("Rankings"), "indicators:scorecards", "bi-trophy", "indicators.view_scorecard"),
            MenuItem(
                _("Catalogue"),
                "indicators:catalogue",
                "bi-journal-text",
                "indicators.view_indicator",
                in_main_menu=False,
            ),
        ),
        position=20,
        section="monitoring",
    ),
)
