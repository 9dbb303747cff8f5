from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rasad.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Framework plumbing only: keep the default roles in step with the permissions that
        # migrations create, and audit logins. Domain logic never hangs on signals.
        from rasad.core import signals  # noqa: F401
