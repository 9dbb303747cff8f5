"""Form building blocks shared by every app: a date field that speaks the user's calendar, and
the form mixin that turns an action's ValidationError into field errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rasad.lib import display, jalali, persian


class JalaliDateInput(forms.TextInput):
    """A text input the vendored Jalali date picker attaches to (``data-jdp``)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "dir": "ltr", "class": "form-control", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if display.current().calendar == "jalali":
            context["widget"]["attrs"]["data-jdp"] = ""
            context["widget"]["attrs"].setdefault("placeholder", "۱۴۰۴/۰۱/۰۱")
        else:
            context["widget"]["attrs"].setdefault("placeholder", "2025-03-21")
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            prefs = display.current()
            return jalali.format_date(value, calendar=prefs.calendar, persian_digits=False)
        formatted: str | None = super().format_value(value)
        return formatted


class JalaliDateField(forms.Field):
    """Accepts a date in the user's calendar (Persian, Arabic or Latin digits); stores Gregorian."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return jalali.parse_date(str(value), calendar=display.current().calendar)
        except ValueError as error:
            # The message may quote what was typed; pass it as a parameter so a "%" in it is not
            # taken for a placeholder when the error is formatted (django-filter does).
            raise ValidationError(
                "%(message)s", code="invalid_date", params={"message": str(error)}
            ) from None


class NormalizedCharField(forms.CharField):
    """A text field whose value is Persian-normalized on input (ی/ک, ZWNJ, digits)."""

    def to_python(self, value: Any) -> str:
        text: str = super().to_python(value) or ""
        return persian.normalize_text(text) if text else text


class ActionFormMixin:
    """Run ``callback`` and map a ValidationError raised by the action onto the form's fields."""

    def run_action(self, callback: Any, *args: Any, **kwargs: Any) -> Any:
        form: forms.BaseForm = self  # type: ignore[assignment]
        try:
            return callback(*args, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
            return None


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("fa", _("Persian")), ("en", _("English"))])
    calendar = forms.ChoiceField(
        label=_("Calendar"), choices=[("jalali", _("Jalali (solar hijri)")), ("gregorian", _("Gregorian"))]
    )
    persian_digits = forms.BooleanField(label=_("Show Persian digits"), required=False)


class PasswordChangeForm(ActionFormMixin, forms.Form):
    """The signed-in person's own password: the current one again, and the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control", "dir": "ltr"}
        ),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "class": "form-control", "dir": "ltr"}
        ),
        help_text=_(
            "At least 10 characters, not only digits, not a common password, not like your username."
        ),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "class": "form-control", "dir": "ltr"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("new_password") and data.get("new_password_again") != data.get("new_password"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data
