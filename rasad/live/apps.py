from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "rasad.live"
    label = "live"
    verbose_name = _("Live operations")

    def ready(self) -> None:
        from rasad.live import audit  # noqa: F401  (8xx audit codes)
