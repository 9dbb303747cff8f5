from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "rasad.assessments"
    label = "assessments"
    verbose_name = _("Assessments, risks and awards")

    def ready(self) -> None:
        from rasad.assessments import audit  # noqa: F401  (5xx audit codes)
