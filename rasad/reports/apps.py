from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rasad.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from rasad.reports import audit, definitions  # noqa: F401  (audit codes; report registry)
