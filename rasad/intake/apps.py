from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "rasad.intake"
    label = "intake"
    verbose_name = _("Document intake")

    def ready(self) -> None:
        from rasad.intake import audit, targets  # noqa: F401  (7xx audit codes; acceptance targets)
