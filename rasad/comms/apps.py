from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "rasad.comms"
    label = "comms"
    verbose_name = _("Centre-to-centre messages")

    def ready(self) -> None:
        from rasad.comms import audit  # noqa: F401  (registers the 6xx audit codes)
