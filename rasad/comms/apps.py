from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "rasad.comms"
    label = "comms"
    verbose_name = _("Centre-to-centre messages")

    def ready(self) -> None:
        from rasad.comms import audit  # noqa: F401  (registers the 6xx audit codes)
        from rasad.comms.models import follow_organization_name

        post_save.connect(
            follow_organization_name, sender="core.Organization", dispatch_uid="comms-centre-name"
        )
