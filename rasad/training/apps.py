from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "rasad.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from rasad.training import audit  # noqa: F401  (15xx audit codes)
