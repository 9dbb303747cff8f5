from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "rasad.media"
    label = "media"
    verbose_name = _("Media coordination")

    def ready(self) -> None:
        from rasad.live.audience import register_topic
        from rasad.media import audit  # noqa: F401  (19xx audit codes)
        from rasad.media.models import Crisis

        # The crisis room's timeline and the receipts' states reach open pages over the one live
        # stream, for those who may see the crisis (the headquarters and its member agencies).
        register_topic("media.", Crisis)
