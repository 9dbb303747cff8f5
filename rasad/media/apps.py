from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "rasad.media"
    label = "media"
    verbose_name = _("Media coordination")

    def ready(self) -> None:
        from rasad.media import audit  # noqa: F401  (19xx audit codes)
