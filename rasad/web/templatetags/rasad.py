"""The one set of template filters for dates, numbers, quantities and periods, used by every
template. Each is a thin wrapper over ``rasad.lib.formatting`` (the one formatting layer), so a
page, a message, an export and a PDF write the same value the same way.

``{{ value|jdate }}``, ``{{ value|jdate:"long" }}``, ``{{ value|jdatetime }}``, ``{{ value|num }}``,
``{{ value|num:2 }}``, ``{{ value|num:"auto" }}`` (places by size), ``{{ value|qty:unit }}``
(«۴۷٫۹ مگاوات‌ساعت»), ``{{ share|pct:0 }}`` («۸۷٪», a value already in percent),
``{{ unit|unit }}`` («مگاوات‌ساعت»), ``{{ key|period }}`` («آذر ۱۴۰۵»),
``{{ count|days }}`` («۳ روز»), ``{{ date|due }}`` («تا ۳ روز دیگر»), ``{{ text|digits }}``,
``{{ case.due_at|deadline }}`` (a date-only deadline without «۰۰:۰۰»), ``{{ case.reference|code }}``
(«CH-۰۰۰۰۱۲»), ``{{ "xlsx"|file_format }}`` («اکسل»).
They follow the current person's language, calendar and digit preferences (``rasad.lib.display``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from rasad.lib import display, formatting, jalali
from rasad.lib import richtext as richtext_module

register = template.Library()


@register.filter
def jdate(value: date | datetime | None, style: str = "short") -> str:
    return formatting.date_text(value, style="long" if style == "long" else "short")


@register.filter
def jdatetime(value: datetime | None, style: str = "short") -> str:
    return formatting.datetime_text(value, style="long" if style == "long" else "short")


@register.filter
def num(value: int | float | Decimal | str | None, decimals: int | str | None = None) -> str:
    if decimals == "auto":
        return formatting.number(value, rounded=True)
    return formatting.number(value, decimals=int(decimals) if decimals not in (None, "") else None)


@register.filter
def pages_shown(page: Any) -> str:
    """How many pages a list has, in the reader's digits: «بیش از ۲۰» for a list counted only so
    far (``rasad.web.pagination.BoundedPaginator.shown_pages``), else the count."""
    shown = getattr(page.paginator, "shown_pages", None)
    return str(shown) if shown is not None else formatting.number(page.paginator.num_pages)


@register.filter
def invalid_fields(form: Any) -> list[Any]:
    """The visible fields of ``form`` that have errors, in the form's order (the summary above
    a form that came back with errors: web/includes/form.html)."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def filesize(value: int | None) -> str:
    """A file's size in the reader's digits and words («۲۰ کیلوبایت»), not Django's «20.0 KB»."""
    return formatting.file_size(value)


@register.filter
def qty(value: int | float | Decimal | None, unit: Any = None) -> str:
    """A value with its unit, rounded for the unit (the unit's decimal places, else by size)."""
    return formatting.quantity(value, unit)


@register.filter
def pct(value: int | float | Decimal | None, decimals: int | str | None = None) -> str:
    """A value already in percent (87.5 for 87.5 %): «۸۷٫۵٪», "87.5%"; ``pct:0`` rounds it whole."""
    places = int(decimals) if decimals not in (None, "") else None
    return formatting.quantity(value, formatting.PERCENT, decimals=places)


@register.filter(name="unit")
def unit_filter(unit: Any) -> str:
    return formatting.unit_name(unit)


@register.filter
def period(value: jalali.JalaliPeriod | str | None) -> str:
    return formatting.period(value)


@register.filter
def days(value: int | None) -> str:
    return formatting.EMPTY if value is None else formatting.days_text(int(value))


@register.filter
def due(value: date | None) -> str:
    return formatting.EMPTY if value is None else formatting.due_text(value)


@register.filter
def digits(value: Any) -> str:
    return formatting.digits(value)


@register.filter
def code(value: Any) -> str:
    return formatting.code(value)


@register.filter
def person_name(value: Any) -> str:
    """The name a page calls a person by (``rasad.lib.formatting.person_name``): ``""`` on an
    English page for a person with no name in Latin letters."""
    return formatting.person_name(value)


@register.filter
def deadline(value: date | datetime | None, style: str = "short") -> str:
    return formatting.deadline_text(value, style="long" if style == "long" else "short")


@register.filter
def file_format(value: str | None) -> str:
    return formatting.file_format(value)


@register.filter
def input_number(value: Any) -> str:
    """A number as the value of a text input: the reader's digits, no grouping («۶۱۷۴٫۸»); what a
    person typed (a string) is shown back in the reader's digits too (``NumberInput``)."""
    from rasad.web.forms import NumberInput

    return NumberInput().format_value(value) or ""


@register.simple_tag
def sep(*, outer: bool = False) -> str:
    """The separator between the facts of one line, spaces included: ``A{% sep %}B`` («الف، ب»);
    never «·», which reads as a zero beside Persian digits (``formatting.separator``)."""
    return formatting.separator(outer=outer)


@register.simple_tag
def calendar_name() -> str:
    return display.current().calendar


_CONTROL_CLASSES = ("form-control", "form-select", "form-check-input", "btn-check")


@register.filter
def control(field: Any) -> str:
    """A form field's widget with Bootstrap's class for its kind (and ``is-invalid`` when the
    field has errors), unless the widget already carries one: every control on every page is
    styled, whatever form it belongs to."""
    widget = field.field.widget
    classes = str(widget.attrs.get("class", ""))
    if isinstance(widget, forms.MultiWidget) or any(name in classes.split() for name in _CONTROL_CLASSES):
        extra = classes
    elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        extra = f"{classes} form-check-input".strip()
    elif isinstance(widget, forms.Select):
        extra = f"{classes} form-select".strip()
    else:
        extra = f"{classes} form-control".strip()
    if field.errors and not isinstance(widget, forms.MultiWidget):
        extra += " is-invalid"
    attrs = {"class": extra} if extra else {}
    if field.label and "aria-label" not in widget.attrs:
        attrs["aria-label"] = str(field.label)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return str(field.as_widget(attrs=attrs))


@register.inclusion_tag("web/includes/app_nav.html", takes_context=True)
def app_nav(context: Any, key: str) -> dict[str, Any]:
    """An app's sub-navigation: the entries of its menu group the user may open (the same
    permission data as the main menu)."""
    from rasad.web.navigation import app_navigation

    request = context.get("request")
    if request is None:
        return {"entries": [], "key": key}
    return {"entries": app_navigation(request.user, key, request.path), "key": key}


# Query parameters that choose a page or an order, not what is listed.
_NOT_FILTERS = frozenset({"page", "sort", "lang"})


@register.inclusion_tag("web/includes/empty_list.html", takes_context=True)
def empty_list(context: Any, message: str, add: str = "", scoped: str = "") -> dict[str, Any]:
    """What an empty list says, the one piece every list uses: with filters on, that nothing
    matches them and a link that clears them; otherwise what is not there yet and, when the user
    may open it, the page ``add`` names (a menu entry's URL name: "File a case").

    ``message`` says that nothing is there at all, which only a person who sees every row may be
    told; to anyone whose scope holds less, a list of scoped rows says ``scoped`` ("No case you
    can see has been filed yet"): other organizations' rows may exist. The choice is the
    person's, not the data's (no query asks whether rows outside the scope exist, which would
    tell). A list of reference data everyone reads whole (green occupations) gives no ``scoped``."""
    from rasad.web.navigation import action_entry

    request = context.get("request")
    filtered = request is not None and any(
        value.strip() for key, values in request.GET.lists() if key not in _NOT_FILTERS for value in values
    )
    entry = action_entry(request.user, add) if add and request is not None and not filtered else None
    sees_everything = request is not None and request.user.is_superuser
    return {
        "filtered": filtered,
        "message": message if sees_everything or not scoped else scoped,
        "entry": entry,
        "path": request.path if request else "",
    }


@register.filter
def model_label(value: str | None) -> str:
    """ "core.user" → «کاربر»: the translated name of a model named by ``app_label.model``;
    anything else unchanged."""
    from django.apps import apps

    if not value or "." not in value:
        return value or ""
    try:
        model = apps.get_model(value)
    except (LookupError, ValueError):
        return value
    return str(model._meta.verbose_name)


@register.filter
def field_label(form: Any, name: str) -> str:
    """The label of a form's field by name (to say which filter an error belongs to)."""
    field = form.fields.get(name) if form is not None else None
    return str(field.label) if field is not None and field.label else name


@register.filter
def among(name: str, names: str) -> bool:
    """Whether ``name`` is one of ``names`` (separated by spaces): which filters a page shows."""
    return name in names.split()


@register.filter
def sent_values(field: Any) -> list[str]:
    """The values a filter was sent (one, or several for a multiple choice), to keep a filter the
    page does not show as hidden inputs."""
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    return [str(item) for item in values if item not in (None, "")]


_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.\-]+)")


@register.filter(needs_autoescape=True)
def mentions(text: str, autoescape: bool = True) -> str:
    """A comment with its ``@username`` mentions marked as identifiers (not to be translated)."""
    escaped = conditional_escape(text) if autoescape else text
    return mark_safe(  # noqa: S308 - the text is escaped above; only the span is added
        _MENTION.sub(r'<span class="mention" dir="ltr" translate="no">@\1</span>', str(escaped))
    )


@register.filter
def richtext(value: Any) -> str:
    """People's rich text (``rasad.lib.richtext``: a small Markdown, no HTML accepted)."""
    return richtext_module.render(value)
