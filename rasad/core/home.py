"""What the core app puts on the home page (``rasad.web.home`` collects it): how many
organizations and sites the person oversees, each count opening the list it counts."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from rasad.core.models import Organization, User
from rasad.web.home import HomeContribution, HomeCount, url_with


def provide(user: User, today: date) -> HomeContribution:
    organizations = Organization.objects.visible_to(user)
    if organizations.query.is_empty():
        return HomeContribution()
    return HomeContribution(
        counts=[
            HomeCount(_("Organizations"), organizations.count(), reverse("core:organization-list")),
            HomeCount(
                _("Sites and posts"),
                organizations.filter(kind__in=["site", "field_post"]).count(),
                url_with("core:organization-list", kind=["site", "field_post"]),
            ),
        ]
    )
