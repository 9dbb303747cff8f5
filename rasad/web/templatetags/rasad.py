"""The one set of template filters for dates and numbers, used by every template.

``{{ value|jdate }}``, ``{{ value|jdate:"long" }}``, ``{{ value|jdatetime }}``, ``{{ value|num }}``,
``{{ value|num:2 }}``, ``{{ text|digits }}``. They follow the current user's calendar and digit
preferences (``rasad.lib.display``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template

from rasad.lib import display, jalali, persian

register = template.Library()


@register.filter
def jdate(value: date | datetime | None, style: str = "short") -> str:
    prefs = display.current()
    if value in (None, ""):
        return "—"
    return jalali.format_date(
        value,
        calendar=prefs.calendar,
        persian_digits=prefs.persian_digits,
        style="long" if style == "long" else "short",
    )


@register.filter
def jdatetime(value: datetime | None, style: str = "short") -> str:
    prefs = display.current()
    if value in (None, ""):
        return "—"
    return jalali.format_datetime(
        value,
        calendar=prefs.calendar,
        persian_digits=prefs.persian_digits,
        style="long" if style == "long" else "short",
    )


@register.filter
def num(value: int | float | Decimal | str | None, decimals: int | None = None) -> str:
    prefs = display.current()
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return digits(value)
    return persian.format_number(value, decimals=decimals, persian_digits=prefs.persian_digits)


@register.filter
def digits(value: Any) -> str:
    text = "" if value is None else str(value)
    return persian.to_persian_digits(text) if display.current().persian_digits else text


@register.simple_tag
def calendar_name() -> str:
    return display.current().calendar


@register.inclusion_tag("web/includes/app_nav.html", takes_context=True)
def app_nav(context: Any, key: str) -> dict[str, Any]:
    """An app's sub-navigation: the entries of its menu group the user may open (the same
    permission data as the main menu)."""
    from rasad.web.navigation import app_navigation

    request = context.get("request")
    if request is None:
        return {"entries": [], "key": key}
    return {"entries": app_navigation(request.user, key, request.path), "key": key}
