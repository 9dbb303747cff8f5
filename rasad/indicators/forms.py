"""Forms of the indicators UI: starting a report, entering and importing values, and the write
forms (targets, assignments, baselines, scorecards). They collect values; the actions validate
and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasad.core.choices import OrganizationKind
from rasad.core.forms import OrganizationChoiceField
from rasad.core.models import Organization
from rasad.indicators.actions import BaselineValues, CriterionValues, ScorecardValues, TargetValues
from rasad.indicators.choices import Category, CriterionKind
from rasad.indicators.models import Indicator
from rasad.lib import formatting
from rasad.lib.persian import TextParseError, parse_number
from rasad.web.forms import (
    ActionFormMixin,
    JalaliDateField,
    KeysChoiceField,
    NormalizedCharField,
    NumberInput,
    PeriodField,
    control,
    scoped_choices,
    typed_number,
)


class ReportStartForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organization"))
    period = PeriodField(label=_("Period"))

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)


def range_error(indicator: Indicator, value: float) -> str | None:
    """Why a typed value cannot be the indicator's (the page puts it beside the field and, in the
    summary above the table, after the indicator's name); None when it can be.

    The catalogue says which values an input indicator takes (its minimum and maximum): a
    consumption, a production or a count is never below zero (the starter catalogue's minimum), a
    percentage never above 100. A figure that may be negative (a net balance) has no minimum, so
    nothing here refuses it. The same limits block submission (``rasad.indicators.validation``);
    the form says so at once, beside the field, before anything is stored."""
    if indicator.minimum is not None and value < indicator.minimum:
        if indicator.minimum == 0:
            return gettext("%(value)s is negative; this quantity is never below zero.") % {
                "value": formatting.number(value),
            }
        return gettext("%(value)s is below %(limit)s, the lowest value of this indicator.") % {
            "limit": formatting.number(indicator.minimum),
            "value": formatting.number(value),
        }
    if indicator.maximum is not None and value > indicator.maximum:
        return gettext("%(value)s is above %(limit)s, the highest value of this indicator.") % {
            "limit": formatting.number(indicator.maximum),
            "value": formatting.number(value),
        }
    return None


class EntryForm(forms.Form):
    """One value and one comment per assigned indicator of the period's kind."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value_{indicator.code}"] = forms.CharField(
                label=indicator.name,
                required=False,
                widget=NumberInput(),
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
                number = float(parse_number(text))
            except TextParseError as error:
                self.add_error(f"value_{indicator.code}", str(error))
                continue
            cleaned[f"number_{indicator.code}"] = number
            out_of_range = range_error(indicator, number)
            if out_of_range:
                self.add_error(f"value_{indicator.code}", out_of_range)
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"indicator": i, "value": self[f"value_{i.code}"], "comment": self[f"comment_{i.code}"]}
            for i in self.indicators
        ]


class ImportForm(forms.Form):
    # The phone's file chooser offers the spreadsheets it takes (as the other imports' do).
    file = forms.FileField(
        label=_("Excel (.xlsx) or CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )
    apply_valid_rows = forms.BooleanField(
        label=_("Apply the valid rows even if some rows have errors"), required=False
    )
    submit = forms.BooleanField(label=_("Submit the values for approval"), required=False)


# ---------------------------------------------------------------------------------------------
# Write forms of the UI: they collect values; the actions validate and write.
# ---------------------------------------------------------------------------------------------

_TAG_SEPARATORS = re.compile(r"[,،;؛]")
CRITERION_ROWS = 4


class NumberField(forms.CharField):
    """A number typed by a person: Persian, Arabic-Indic or Latin digits, «٫» or "."."""

    def __init__(self, *, integer: bool = False, **kwargs: Any) -> None:
        self.integer = integer
        kwargs.setdefault("widget", NumberInput())
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        number = typed_number(super().to_python(value))
        if number is None:
            return None
        if self.integer:
            if number != number.to_integral_value():
                raise forms.ValidationError(_("Enter a whole number."))
            return int(number)
        return float(number)


def indicator_label(indicator: Indicator) -> str:
    """An indicator in a list of choices: its name, with its code."""
    return f"{indicator.name} ({formatting.code(indicator.code)})"


class IndicatorChoiceField(forms.ModelChoiceField[Indicator]):
    def label_from_instance(self, obj: Indicator) -> str:
        return indicator_label(obj)


class IndicatorMultipleChoiceField(KeysChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return indicator_label(obj)


class TargetForm(ActionFormMixin, forms.Form):
    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    year = NumberField(label=_("Jalali year"), integer=True, help_text=_("Such as 1403."))
    target = NumberField(label=_("Target"))
    warning_threshold = NumberField(label=_("Warning threshold"))
    critical_threshold = NumberField(
        label=_("Critical threshold"),
        help_text=_(
            "When lower is better: target ≤ warning ≤ critical; when higher is better: "
            "target ≥ warning ≥ critical."
        ),
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "indicator", indicators)

    def values(self, organization: Organization) -> TargetValues:
        data = self.cleaned_data
        return TargetValues(
            organization=organization,
            indicator=data["indicator"],
            year=data["year"],
            target=data["target"],
            warning_threshold=data["warning_threshold"],
            critical_threshold=data["critical_threshold"],
        )


class AssignmentForm(ActionFormMixin, forms.Form):
    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    include_descendants = forms.BooleanField(
        label=_("Include sub-organizations"),
        required=False,
        widget=control(forms.CheckboxInput(), "form-check-input"),
    )
    reports_from = JalaliDateField(
        label=_("Reports from"),
        required=False,
        help_text=_(
            "The first day it reports from: a period that ended before it is not owed. "
            "Empty: today (a new assignment), or unchanged."
        ),
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "indicator", indicators)


class BaselineForm(ActionFormMixin, forms.Form):
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    name = NormalizedCharField(label=_("Name"), max_length=200, widget=control(forms.TextInput()))
    energy_indicator = IndicatorChoiceField(
        label=_("Energy indicator"),
        queryset=Indicator.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    drivers = IndicatorMultipleChoiceField(
        label=_("Relevant variables"),
        queryset=Indicator.objects.none(),
        help_text=_("The drivers the energy use is regressed on, such as ore milled."),
        widget=control(forms.SelectMultiple(attrs={"size": 8}), "form-select"),
    )
    baseline_start = PeriodField(label=_("Baseline from (month)"), kinds=("month",))
    baseline_end = PeriodField(label=_("Baseline to (month)"), kinds=("month",))
    reporting_start = PeriodField(label=_("Reporting from (month)"), kinds=("month",))
    reporting_end = PeriodField(label=_("Reporting to (month)"), kinds=("month",))

    def __init__(self, *args: Any, organizations: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        energy = indicators.filter(category__in=[Category.ENERGY, Category.ENERGY_SUPPLY])
        scoped_choices(self, "energy_indicator", energy)
        scoped_choices(self, "drivers", indicators)

    def values(self) -> BaselineValues:
        data = self.cleaned_data
        return BaselineValues(
            organization=data["organization"],
            name=data["name"],
            energy_indicator=data["energy_indicator"],
            drivers=list(data["drivers"]),
            baseline_start=data["baseline_start"].key,
            baseline_end=data["baseline_end"].key,
            reporting_start=data["reporting_start"].key,
            reporting_end=data["reporting_end"].key,
        )


class ScorecardForm(ActionFormMixin, forms.Form):
    """A scorecard with up to ``CRITERION_ROWS`` weighted criteria; blank rows are ignored. The
    ``criteria`` field carries no input: it holds the action's errors about the criteria as a
    whole (weights, duplicates) so that they show next to the criteria table."""

    organization = OrganizationChoiceField(
        label=_("Coordinating organization"),
        queryset=Organization.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    name = NormalizedCharField(label=_("Name"), max_length=200, widget=control(forms.TextInput()))
    year = NumberField(label=_("Jalali year"), integer=True)
    baseline_year = NumberField(label=_("Baseline year"), integer=True)
    peer_tags = NormalizedCharField(
        label=_("Peer groups (sector tags)"),
        max_length=600,
        help_text=_("Separate tags with commas; each tag forms one peer group."),
        widget=control(forms.TextInput()),
    )
    entity_kind = forms.ChoiceField(
        label=_("Kind of ranked organizations"),
        choices=OrganizationKind.choices,
        initial=OrganizationKind.SITE,
        widget=control(forms.Select(), "form-select"),
    )
    minimum_peers = NumberField(label=_("Minimum peers"), integer=True, initial=8)
    criteria = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organizations: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        for n in range(1, CRITERION_ROWS + 1):
            self.fields[f"criterion_{n}_indicator"] = IndicatorChoiceField(
                label=_("Indicator"),
                queryset=indicators,
                required=False,
                widget=control(forms.Select(), "form-select"),
            )
            self.fields[f"criterion_{n}_kind"] = forms.ChoiceField(
                label=_("Kind"),
                choices=[("", "—"), *CriterionKind.choices],
                required=False,
                widget=control(forms.Select(), "form-select"),
            )
            self.fields[f"criterion_{n}_weight"] = NumberField(label=_("Weight"), required=False)

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if not name.startswith("criterion_") and name != "criteria"
        ]

    def criterion_rows(self) -> list[dict[str, forms.BoundField]]:
        return [
            {part: self[f"criterion_{n}_{part}"] for part in ("indicator", "kind", "weight")}
            for n in range(1, CRITERION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        criteria: list[CriterionValues] = []
        for n in range(1, CRITERION_ROWS + 1):
            indicator = cleaned.get(f"criterion_{n}_indicator")
            kind = cleaned.get(f"criterion_{n}_kind")
            weight = cleaned.get(f"criterion_{n}_weight")
            if indicator is None and not kind and weight is None:
                continue
            missing = False
            for part, value in (("indicator", indicator), ("kind", kind), ("weight", weight)):
                if value in (None, "") and f"criterion_{n}_{part}" not in self.errors:
                    self.add_error(f"criterion_{n}_{part}", _("Fill in the whole row or leave it empty."))
                    missing = True
            if not missing and indicator is not None and kind and weight is not None:
                criteria.append(CriterionValues(indicator=indicator, kind=kind, weight=weight))
        if not criteria and not any(name.startswith("criterion_") for name in self.errors):
            self.add_error("criteria", _("Give at least one criterion."))
        cleaned["criterion_values"] = criteria
        return cleaned

    def values(self) -> ScorecardValues:
        data = self.cleaned_data
        return ScorecardValues(
            organization=data["organization"],
            name=data["name"],
            year=data["year"],
            baseline_year=data["baseline_year"],
            peer_tags=[t.strip() for t in _TAG_SEPARATORS.split(data["peer_tags"]) if t.strip()],
            criteria=data["criterion_values"],
            entity_kind=data["entity_kind"],
            minimum_peers=data["minimum_peers"],
        )
