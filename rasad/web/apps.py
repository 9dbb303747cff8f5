from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "rasad.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        import django_filters

        from rasad.web.forms import StrictNullBooleanField

        # Every boolean filter, declared or generated from a model's BooleanField, refuses a value
        # that is neither true nor false (django-filter would silently ignore it, so a client's
        # typo returned everything): one place for the whole input boundary.
        django_filters.BooleanFilter.field_class = StrictNullBooleanField
