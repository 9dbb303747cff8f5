from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from rasad.core.scope import scope_for_permission
from rasad.lib import display
from rasad.web.navigation import MENU


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: direction, preferences, and the menu this user may see."""
    menu = []
    if request.user.is_authenticated:
        for group in MENU:
            items = []
            for item in group.items:
                if item.permission and scope_for_permission(request.user, item.permission).is_nothing:
                    continue
                if item.check is not None and not item.check(request.user):
                    continue
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                items.append(
                    {"label": item.label, "url": url, "icon": item.icon, "active": request.path == url}
                )
            if items:
                menu.append({"label": group.label, "items": items})
    return {
        "rasad_menu": menu,
        "rasad_display": display.current(),
        "rasad_rtl": translation.get_language_bidi(),
    }
