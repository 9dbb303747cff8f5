"""The indicators app's counts on the home page (rasad.web.home collects every app's)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rasad.core.models import User
from rasad.indicators.models import Alert
from rasad.web.home import HomeCount


def home_counts(user: User) -> list[HomeCount]:
    alerts = Alert.objects.visible_to(user).filter(is_open=True)
    return [HomeCount(_("Open indicator alerts"), alerts.count(), "indicators:dashboard")]
