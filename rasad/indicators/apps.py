from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "rasad.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # Registers the app's audit event codes (2xx).
        from rasad.indicators import audit  # noqa: F401
