"""Forms of the green-jobs pages. Amounts are whole rials typed in any digits, with or without
group separators; dates are Jalali (``JalaliDateField``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.cases.actions import attachment_accept
from rasad.core.models import Organization
from rasad.greenjobs.actions import BusinessValues, OutcomeValues, SchemeValues
from rasad.greenjobs.choices import BusinessSize, Milestone, SchemeKind
from rasad.greenjobs.models import Business, Certificate, Occupation, Scheme
from rasad.lib import formatting
from rasad.web.forms import (
    JalaliDateField,
    KeysChoiceField,
    NormalizedCharField,
    NumberInput,
    StyledForm,
    scoped_choices,
    typed_number,
)

# The kinds of file a scheme's document is asked in (its help text names them).
DOCUMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")


class _WholeNumberField(forms.Field):
    """A whole number in Persian or Latin digits («۲۵۰٬۰۰۰٬۰۰۰»), within the bounds ``fits`` says."""

    widget = NumberInput
    out_of_bounds: Any = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def fits(self, number: Decimal) -> bool:
        raise NotImplementedError

    def whole_number(self, value: Any) -> Decimal | None:
        """What was typed, read as a number that is whole and ``fits``; ``None`` for nothing."""
        number = typed_number(value)
        if number is not None and (number != number.to_integral_value() or not self.fits(number)):
            raise ValidationError(self.out_of_bounds, code="invalid")
        return number


class RialField(_WholeNumberField):
    """A whole number of rials above zero."""

    out_of_bounds = _("Write a whole number of rials above zero.")

    def fits(self, number: Decimal) -> bool:
        return 0 < number < Decimal(10) ** 17

    def to_python(self, value: Any) -> Decimal | None:
        return self.whole_number(value)


class CountField(_WholeNumberField):
    """A whole number from 0 (people, jobs)."""

    out_of_bounds = _("Write a whole number from 0.")

    def fits(self, number: Decimal) -> bool:
        return 0 <= number <= 10**6

    def to_python(self, value: Any) -> int | None:
        number = self.whole_number(value)
        return None if number is None else int(number)


class ApplicationForm(StyledForm):
    """The application form of a business: which business, how much, for what, how many jobs,
    and one file for each document the scheme asks for."""

    business = forms.ModelChoiceField(label=_("Business"), queryset=Business.objects.none())
    amount_requested = RialField(label=_("Amount requested (rials)"))
    purpose = NormalizedCharField(
        label=_("What the money is for"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    jobs_planned = CountField(label=_("Jobs to be created"))

    def __init__(self, *args: Any, scheme: Scheme, businesses: QuerySet[Business], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        field = scoped_choices(self, "business", businesses)
        if businesses.count() == 1:
            field.initial = businesses.first()
        for document in scheme.documents:
            self.fields[f"document_{document['code']}"] = forms.FileField(
                label=document["name"],
                help_text=_("A .pdf, .jpg, .png, .docx or .xlsx file, at most 10 MB."),
                widget=forms.ClearableFileInput(
                    attrs={"class": "form-control", "accept": attachment_accept(DOCUMENT_SUFFIXES)}
                ),
            )

    def files_by_code(self) -> dict[str, Any]:
        return {d["code"]: self.cleaned_data[f"document_{d['code']}"] for d in self.scheme.documents}


class NoteForm(StyledForm):
    note = NormalizedCharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(StyledForm):
    reason = NormalizedCharField(
        label=_("Reasons"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The business reads them."),
    )


class ApproveForm(NoteForm):
    amount = RialField(label=_("Approved amount (rials)"))
    field_order = ["amount", "note"]


class InstalmentForm(StyledForm):
    amount = RialField(label=_("Amount paid (rials)"))
    paid_on = JalaliDateField(label=_("Paid on"))
    reference = NormalizedCharField(label=_("Payment reference"), required=False, max_length=80)


class CorrectionForm(StyledForm):
    amount_requested = RialField(label=_("Amount requested (rials)"))
    purpose = NormalizedCharField(
        label=_("What the money is for"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    jobs_planned = CountField(label=_("Jobs to be created"))
    note = NormalizedCharField(
        label=_("What was corrected"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BusinessForm(StyledForm):
    organization = forms.ModelChoiceField(
        label=_("Business or workshop"), queryset=Organization.objects.none()
    )
    sector_code = forms.CharField(
        label=_("Sector (ISIC Rev.4 class)"),
        max_length=4,
        help_text=_("Four digits, e.g. 3830 for materials recovery."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    size = forms.ChoiceField(label=_("Size"), choices=BusinessSize.choices)
    employees = CountField(label=_("People employed"))
    knowledge_based = forms.BooleanField(label=_("Knowledge-based company"), required=False)
    occupations = KeysChoiceField(
        label=_("Green occupations"),
        queryset=Occupation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)

    def clean_sector_code(self) -> str:
        from rasad.lib.persian import to_latin_digits

        return to_latin_digits(str(self.cleaned_data.get("sector_code") or "")).strip()

    def values(self, instance: Business | None = None) -> BusinessValues:
        data = self.cleaned_data
        return BusinessValues(
            organization=instance.organization if instance else data["organization"],
            sector_code=data["sector_code"],
            size=data["size"],
            employees=data["employees"],
            knowledge_based=data["knowledge_based"],
            occupations=list(data["occupations"]),
        )

    @staticmethod
    def initial_for(business: Business) -> dict[str, Any]:
        return {
            "organization": business.organization,
            "sector_code": business.sector_code,
            "size": business.size,
            "employees": business.employees,
            "knowledge_based": business.knowledge_based,
            "occupations": list(business.occupations.all()),
        }


class JSONListField(forms.CharField):
    """A list written as JSON (eligibility rules, required documents); the action checks each
    item and names the bad one."""

    def __init__(self, *, example: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5, "dir": "ltr", "translate": "no"}))
        super().__init__(**kwargs)
        self.example = example  # shown as code after the help text (web/includes/form.html)

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s)."),
                code="invalid_json",
                params={"line": formatting.number(error.lineno), "column": formatting.number(error.colno)},
            ) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=1)
        return value


class SchemeForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Run by"), queryset=Organization.objects.none())
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Latin letters, digits and dashes."))
    title = NormalizedCharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=SchemeKind.choices)
    description = NormalizedCharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget = RialField(label=_("Budget (rials)"))
    max_amount = RialField(label=_("Most per application (rials)"))
    opens_on = JalaliDateField(label=_("Applications open on"))
    closes_on = JalaliDateField(label=_("Applications close on"))
    labour_office = forms.ModelChoiceField(label=_("Labour office"), queryset=Organization.objects.none())
    environment_office = forms.ModelChoiceField(
        label=_("Environment office"), queryset=Organization.objects.none()
    )
    training_office = forms.ModelChoiceField(
        label=_("Technical-training office"), queryset=Organization.objects.none()
    )
    rules = JSONListField(
        label=_("Eligibility rules"),
        required=False,
        help_text=_(
            "Each rule names a field, its effect (a requirement, or a priority worth some points) and a"
            " value. For example:"
        ),
        example='[{"field": "certified", "effect": "require", "value": true}]',
    )
    documents = JSONListField(
        label=_("Required documents"),
        required=False,
        help_text=_("For example:"),
        example='[{"code": "licence", "name": "پروانهٔ کسب"}]',
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        offices: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("organization", organizations),
            ("labour_office", offices),
            ("environment_office", offices),
            ("training_office", offices),
        ):
            scoped_choices(self, name, queryset)

    def values(self, instance: Scheme | None = None) -> SchemeValues:
        data = self.cleaned_data
        return SchemeValues(
            organization=data["organization"],
            code=data["code"],
            title=data["title"],
            kind=data["kind"],
            budget=data["budget"],
            max_amount=data["max_amount"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            labour_office=data["labour_office"],
            environment_office=data["environment_office"],
            training_office=data["training_office"],
            description=data["description"],
            rules=data["rules"],
            documents=data["documents"],
            programme=instance.programme if instance else None,
        )

    @staticmethod
    def initial_for(scheme: Scheme) -> dict[str, Any]:
        return {
            name: getattr(scheme, name)
            for name in (
                "organization",
                "code",
                "title",
                "kind",
                "description",
                "budget",
                "max_amount",
                "opens_on",
                "closes_on",
                "labour_office",
                "environment_office",
                "training_office",
                "rules",
                "documents",
            )
        }


class CertificateChoiceField(forms.ModelChoiceField[Certificate]):
    """A certificate by its number, in the reader's digits like every code («GC-۰۰۰۰۰۹»)."""

    def label_from_instance(self, obj: Certificate) -> str:
        return formatting.code(obj)


class CertificateRequestForm(StyledForm):
    business = forms.ModelChoiceField(label=_("Business"), queryset=Business.objects.none())
    office = forms.ModelChoiceField(label=_("Environment office"), queryset=Organization.objects.none())
    assessment = forms.ModelChoiceField(
        label=_("Greening checklist"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The business's submitted greening checklist."),
    )
    renews = CertificateChoiceField(
        label=_("Renews certificate"), queryset=Certificate.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        businesses: QuerySet[Business],
        offices: QuerySet[Organization],
        assessments: QuerySet[Any],
        certificates: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("business", businesses),
            ("office", offices),
            ("assessment", assessments),
            ("renews", certificates),
        ):
            scoped_choices(self, name, queryset)


class SiteVisitForm(StyledForm):
    visited_on = JalaliDateField(label=_("Site visit on"))
    findings = NormalizedCharField(
        label=_("Findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class GrantForm(StyledForm):
    valid_months = CountField(label=_("Valid for (months)"), help_text=_("1 to 60 Jalali months."))


class SavingField(forms.Field):
    """A quantity of zero or more, in Persian or Latin digits, one decimal kept («۱۲٬۵۰۰٫۵»)."""

    widget = NumberInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "decimal"

    def to_python(self, value: Any) -> Decimal:
        number = typed_number(value)
        if number is None:
            return Decimal(0)
        if not 0 <= number < Decimal(10) ** 12:
            raise ValidationError(_("Write a number of zero or more."), code="invalid")
        return number


class OutcomeForm(StyledForm):
    milestone = forms.ChoiceField(label=_("Milestone"), choices=Milestone.choices)
    jobs_created = CountField(label=_("Jobs created since the loan"))
    jobs_retained = CountField(
        label=_("Jobs kept"), help_text=_("People who worked here before the loan and still do.")
    )
    energy_saved = SavingField(label=_("Energy saved (kWh a year)"), required=False)
    water_saved = SavingField(label=_("Water saved (cubic metres a year)"), required=False)
    waste_diverted = SavingField(label=_("Waste kept from landfill (tonnes a year)"), required=False)
    note = NormalizedCharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, reported: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the milestones not yet reported are offered (the action refuses the others).
        milestone = self.fields["milestone"]
        assert isinstance(milestone, forms.ChoiceField)
        milestone.choices = [(value, label) for value, label in Milestone.choices if value not in reported]

    def values(self) -> OutcomeValues:
        data = self.cleaned_data
        return OutcomeValues(
            milestone=data["milestone"],
            jobs_created=data["jobs_created"],
            jobs_retained=data["jobs_retained"],
            energy_saved=data.get("energy_saved") or 0,
            water_saved=data.get("water_saved") or 0,
            waste_diverted=data.get("waste_diverted") or 0,
            note=data.get("note") or "",
        )
