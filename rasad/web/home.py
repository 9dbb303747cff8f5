"""The counts on the home page, each through the same scope as its own list page.

Core counts are here; every other app that has something to count provides
``<app>.home.home_counts(user) -> list[HomeCount]``, collected in app order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasad.core.models import Organization, User


@dataclass(frozen=True)
class HomeCount:
    label: str | Promise
    value: int
    url_name: str


def home_counts(user: User) -> list[HomeCount]:
    organizations = Organization.objects.visible_to(user)
    counts = [
        HomeCount(_("Organizations"), organizations.count(), "core:organization-list"),
        HomeCount(
            _("Sites and posts"),
            organizations.filter(kind__in=["site", "field_post"]).count(),
            "core:organization-list",
        ),
        HomeCount(
            _("Provinces covered"),
            organizations.exclude(province=None).values("province").distinct().count(),
            "core:organization-map",
        ),
    ]
    for config in apps.get_app_configs():
        if config.name.startswith("rasad.") and config.label not in {"core", "web", "api"}:
            try:
                module = importlib.import_module(f"{config.name}.home")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.home":
                    raise
                continue
            counts.extend(module.home_counts(user))
    return counts
