"""The indicators app's menu entries as plain data (labels translated in this app's catalog);
``rasad.web.navigation`` turns them into its ``MenuGroup``. No import of the web app here, so
either module may be imported first."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABEL = _("Indicators")
# label, URL name, icon, permission
ITEMS = (
    (_("National view"), "indicators:dashboard", "bi-graph-up", "indicators.view_observation"),
    (_("Report data"), "indicators:report-start", "bi-pencil-square", "indicators.add_observation"),
    (_("Import values"), "indicators:import", "bi-upload", "indicators.add_observation"),
    (_("Reported values"), "indicators:observations", "bi-table", "indicators.view_observation"),
    (_("Energy baselines"), "indicators:baselines", "bi-lightning", "indicators.view_baseline"),
    (_("Rankings"), "indicators:scorecards", "bi-trophy", "indicators.view_scorecard"),
)
