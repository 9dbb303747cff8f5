from __future__ import annotations

import importlib
import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CasesConfig(AppConfig):
    name = "rasad.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from rasad.cases import audit  # noqa: F401  (registers the 3xx audit codes)

        # The indicators app may or may not be installed yet; when it offers breach handlers, an
        # alert opens a challenge linked to the observation that breached its threshold.
        try:
            breaches = importlib.import_module("rasad.indicators.breaches")
        except ImportError:
            return
        register = getattr(breaches, "register_breach_handler", None)
        if register is None:
            return
        from rasad.cases.tasks import open_case_for_breach

        register(open_case_for_breach)
