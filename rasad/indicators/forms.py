from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.core.jalali import JalaliPeriod
from rasad.core.models import Organization
from rasad.core.persian import TextParseError, parse_number
from rasad.indicators.models import Indicator


class PeriodField(forms.CharField):
    """A Jalali period key: 1403 (year), 1403-S2 (season), 1403-07 (month)."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return JalaliPeriod.parse(text)
        except TextParseError as error:
            raise forms.ValidationError(str(error)) from None


class ReportStartForm(forms.Form):
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    period = PeriodField(
        label=_("Period"), help_text=_("1403-07 for a month, 1403-S2 for a season, 1403 for a year.")
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    """One value and one comment per assigned indicator of the period's kind."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value_{indicator.code}"] = forms.CharField(
                label=indicator.name,
                required=False,
                widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
            )
            self.fields[f"comment_{indicator.code}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=2000
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for indicator in self.indicators:
            text = cleaned.get(f"value_{indicator.code}") or ""
            if not text.strip():
                cleaned[f"number_{indicator.code}"] = None
                continue
            try:
                cleaned[f"number_{indicator.code}"] = float(parse_number(text))
            except TextParseError as error:
                self.add_error(f"value_{indicator.code}", str(error))
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"indicator": i, "value": self[f"value_{i.code}"], "comment": self[f"comment_{i.code}"]}
            for i in self.indicators
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))
    apply_valid_rows = forms.BooleanField(
        label=_("Apply the valid rows even if some rows have errors"), required=False
    )
    submit = forms.BooleanField(label=_("Submit the values for approval"), required=False)
