from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "rasad.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from django.apps import apps

        from rasad.programs import audit  # noqa: F401  (4xx audit codes)

        if apps.is_installed("rasad.intake"):
            from rasad.programs import intake

            intake.register()
