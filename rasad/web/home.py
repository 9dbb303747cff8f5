"""The counts on the home page, each through the same scope as its own list page."""

from __future__ import annotations

from dataclasses import dataclass

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
    return counts
