from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenJobsConfig(AppConfig):
    name = "rasad.greenjobs"
    label = "greenjobs"
    verbose_name = _("Green jobs")

    def ready(self) -> None:
        from rasad.greenjobs import audit  # noqa: F401  (16xx audit codes)
