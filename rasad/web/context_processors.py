from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from rasad.lib import display
from rasad.web.navigation import visible_menu


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: direction, preferences, and the menu this user may see."""
    return {
        "rasad_menu": visible_menu(request.user, request.path) if request.user.is_authenticated else [],
        "rasad_display": display.current(),
        "rasad_rtl": translation.get_language_bidi(),
    }
