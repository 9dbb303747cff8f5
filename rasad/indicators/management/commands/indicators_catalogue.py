from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or update the starter indicator catalogue (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        from rasad.indicators import starter

        starter.load(apps)
        self.stdout.write(self.style.SUCCESS("indicator catalogue up to date"))
