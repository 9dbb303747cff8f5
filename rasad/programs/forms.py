"""Forms of the programmes UI. They collect values; the actions validate and write, and their
errors come back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import Priority
from rasad.cases.models import Category
from rasad.core.models import Organization
from rasad.indicators.models import Indicator
from rasad.lib import formatting
from rasad.programs.actions import (
    ActionItemValues,
    IndicatorTargetValues,
    PartValues,
    PartyValues,
    ProgrammeValues,
)
from rasad.programs.choices import Comparator, ProgrammeKind, ReportState
from rasad.programs.models import Axis, Objective, Party, Programme
from rasad.web.forms import (
    FloatNumberField,
    IntegerNumberField,
    JalaliDateField,
    NormalizedCharField,
    StyledForm,
    scoped_choices,
    style_controls,
)

# Rows for the other parties on the new-programme form (the lead is one more); a programme with
# more parties gets them added from its page.
EXTRA_PARTY_ROWS = 5


def _legal_basis(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProgrammeForm(StyledForm):
    """A new programme: what it is, its dates, and its parties (the lead first)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    reference_number = NormalizedCharField(label=_("Reference number"), max_length=80, required=False)
    signed_on = JalaliDateField(label=_("Signed on"), required=False)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    organization = forms.ModelChoiceField(label=_("Lead organization"), queryset=Organization.objects.none())
    lead_signatory_name = NormalizedCharField(label=_("Lead's signatory"), max_length=150, required=False)
    lead_signatory_title = NormalizedCharField(
        label=_("Lead's signatory's title"), max_length=200, required=False
    )
    starts_on = JalaliDateField(label=_("Starts on"), required=False)
    ends_on = JalaliDateField(label=_("Ends on"), required=False)
    reviewing_organization = forms.ModelChoiceField(
        label=_("Reviewing body"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("A body above the parties (a governorate) that follows the roll-up."),
    )
    legal_basis = NormalizedCharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One reference a line (an article of a law or policy)."),
    )
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    renews = forms.ModelChoiceField(
        label=_("Renews"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("The earlier programme this one renews, if any."),
    )

    def __init__(
        self,
        *args: Any,
        leads: QuerySet[Organization],
        organizations: QuerySet[Organization],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", leads.order_by("name"))
        scoped_choices(self, "reviewing_organization", organizations.order_by("name"))
        scoped_choices(self, "renews", programmes.order_by("-starts_on", "title"))
        for row in range(1, EXTRA_PARTY_ROWS + 1):
            self.fields[f"party_{row}_organization"] = forms.ModelChoiceField(
                label=_("Party %(number)s") % {"number": formatting.number(row)},
                queryset=organizations.order_by("name"),
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"party_{row}_signatory_name"] = NormalizedCharField(
                label=_("Signatory"), max_length=150, required=False
            )
            self.fields[f"party_{row}_signatory_title"] = NormalizedCharField(
                label=_("Signatory's title"), max_length=200, required=False
            )
        style_controls(self)
        self.party_prefixes: list[str] = []

    def main_fields(self) -> list[forms.BoundField]:
        """Every field but the other-party rows (the template lays those out as a table)."""
        return [self[name] for name in self.fields if not name.startswith("party_")]

    def party_rows(self) -> list[dict[str, Any]]:
        """The other-party rows as (organization, name, title) bound fields, for the template."""
        return [
            {
                "organization": self[f"party_{row}_organization"],
                "signatory_name": self[f"party_{row}_signatory_name"],
                "signatory_title": self[f"party_{row}_signatory_title"],
            }
            for row in range(1, EXTRA_PARTY_ROWS + 1)
        ]

    def values(self) -> ProgrammeValues:
        data = self.cleaned_data
        lead: Organization = data["organization"]
        parties = [PartyValues(lead, data["lead_signatory_name"], data["lead_signatory_title"])]
        self.party_prefixes = ["lead_"]
        for row in range(1, EXTRA_PARTY_ROWS + 1):
            organization = data.get(f"party_{row}_organization")
            if organization is None:
                continue
            parties.append(
                PartyValues(
                    organization,
                    data.get(f"party_{row}_signatory_name") or "",
                    data.get(f"party_{row}_signatory_title") or "",
                )
            )
            self.party_prefixes.append(f"party_{row}_")
        return ProgrammeValues(
            kind=data["kind"],
            title=data["title"],
            reference_number=data["reference_number"],
            organization=lead,
            parties=parties,
            reviewing_organization=data["reviewing_organization"],
            signed_on=data["signed_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            legal_basis=_legal_basis(data["legal_basis"]),
            description=data["description"],
            renews=data["renews"],
        )

    def party_error_fields(self) -> dict[str, str]:
        """Where an error of ``do_create_programme`` about party ``n`` goes on this form."""
        mapping = {"parties": "party_1_organization"}
        for index, prefix in enumerate(self.party_prefixes):
            target = "organization" if prefix == "lead_" else f"{prefix}organization"
            mapping[f"parties.{index}.organization"] = target
            mapping[f"parties.{index}.signatory_name"] = f"{prefix}signatory_name"
            mapping[f"parties.{index}.signatory_title"] = f"{prefix}signatory_title"
        return mapping


class ProgrammeEditForm(StyledForm):
    """What a programme says (its parties, lead and status change elsewhere)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    reference_number = NormalizedCharField(label=_("Reference number"), max_length=80, required=False)
    reviewing_organization = forms.ModelChoiceField(
        label=_("Reviewing body"), queryset=Organization.objects.none(), required=False
    )
    signed_on = JalaliDateField(label=_("Signed on"), required=False)
    starts_on = JalaliDateField(label=_("Starts on"), required=False)
    ends_on = JalaliDateField(label=_("Ends on"), required=False)
    legal_basis = NormalizedCharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One reference a line (an article of a law or policy)."),
    )
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    renews = forms.ModelChoiceField(
        label=_("Renews"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("The earlier programme this one renews, if any."),
    )
    version = IntegerNumberField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "reviewing_organization", organizations.order_by("name"))
        scoped_choices(self, "renews", programmes.order_by("-starts_on", "title"))

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        return {
            "kind": programme.kind,
            "title": programme.title,
            "reference_number": programme.reference_number,
            "reviewing_organization": programme.reviewing_organization,
            "signed_on": programme.signed_on,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "legal_basis": "\n".join(programme.legal_basis),
            "description": programme.description,
            "renews": programme.renews,
            "version": programme.version,
        }

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["legal_basis"] = _legal_basis(data["legal_basis"])
        return data


class PartyForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    signatory_name = NormalizedCharField(label=_("Signatory"), max_length=150, required=False)
    signatory_title = NormalizedCharField(label=_("Signatory's title"), max_length=200, required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations.order_by("name"))

    def values(self) -> PartyValues:
        data = self.cleaned_data
        return PartyValues(data["organization"], data["signatory_name"], data["signatory_title"])


class WeightsForm(StyledForm):
    """Every weight of a programme's structure on one page: the axes' (summing to 100), and
    within each axis its objectives' (summing to 100)."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.axes = list(programme.axes.order_by("position", "pk").prefetch_related("objectives"))
        for axis in self.axes:
            self.fields[f"axis_{axis.pk}"] = self._weight(
                axis.title, axis.weight, str(_("An axis: the weights of the axes sum to 100."))
            )
            for objective in self._objectives(axis):
                self.fields[f"objective_{objective.pk}"] = self._weight(
                    objective.title,
                    objective.weight,
                    _("An objective of “%(axis)s”: the weights of its objectives sum to 100.")
                    % {"axis": axis.title},
                )
        style_controls(self)

    @staticmethod
    def _weight(label: str, initial: int, help_text: str) -> forms.IntegerField:
        # A text box in the reader's digits (a number box refuses Persian digits as they are typed).
        return IntegerNumberField(
            label=label,
            help_text=help_text,
            min_value=0,
            max_value=100,
            initial=initial,
        )

    @staticmethod
    def _objectives(axis: Axis) -> list[Objective]:
        return sorted(axis.objectives.all(), key=lambda objective: (objective.position, objective.pk))

    def axis_weights(self) -> dict[int, int]:
        """Axis id → the weight given, when any differs from what is stored; else empty."""
        weights = {axis.pk: self.cleaned_data[f"axis_{axis.pk}"] for axis in self.axes}
        return weights if any(axis.weight != weights[axis.pk] for axis in self.axes) else {}

    def objective_weights(self) -> list[tuple[Axis, dict[int, int]]]:
        """For each axis whose objectives' weights changed: the axis, objective id → weight."""
        changed = []
        for axis in self.axes:
            objectives = self._objectives(axis)
            weights = {item.pk: self.cleaned_data[f"objective_{item.pk}"] for item in objectives}
            if any(item.weight != weights[item.pk] for item in objectives):
                changed.append((axis, weights))
        return changed


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    note = NormalizedCharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class PartForm(StyledForm):
    """An axis (or, with ``axes``, an objective under one of them)."""

    title = NormalizedCharField(label=_("Title"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weight = IntegerNumberField(
        label=_("Weight (percent)"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("Its share of the level above; the weights of one level sum to 100."),
    )

    def __init__(self, *args: Any, axes: QuerySet[Axis] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if axes is not None:
            self.fields = {
                "axis": forms.ModelChoiceField(
                    label=_("Axis"),
                    queryset=axes,
                    empty_label=None,
                    widget=forms.Select(attrs={"class": "form-select"}),
                ),
                **self.fields,
            }

    def values(self) -> PartValues:
        data = self.cleaned_data
        return PartValues(data["title"], data["description"], data["weight"])


class ActionItemForm(StyledForm):
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=Objective.objects.none(), empty_label=None
    )
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.none())
    title = NormalizedCharField(label=_("Title"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    starts_on = JalaliDateField(label=_("Starts on"), required=False)
    deadline = JalaliDateField(label=_("Deadline"))
    weight = IntegerNumberField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Its share within the objective, against the objective's other obligations."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(
            self,
            "objective",
            programme.objectives.select_related("axis").order_by("axis__position", "position", "pk"),
        )
        scoped_choices(self, "party", programme.parties.select_related("organization"))

    def values(self) -> ActionItemValues:
        data = self.cleaned_data
        return ActionItemValues(
            objective=data["objective"],
            party=data["party"],
            title=data["title"],
            description=data["description"],
            deadline=data["deadline"],
            category=data["category"],
            priority=data["priority"],
            starts_on=data["starts_on"],
            weight=data["weight"],
        )


class IndicatorTargetForm(StyledForm):
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=Objective.objects.none())
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.none())
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    organization = forms.ModelChoiceField(
        label=_("Measured organization"),
        queryset=Organization.objects.none(),
        help_text=_("The party's organization or one under it, whose approved values count."),
    )
    comparator = forms.ChoiceField(label=_("Comparison"), choices=Comparator.choices)
    target_value = FloatNumberField(label=_("Target value"))
    due_on = JalaliDateField(label=_("By"))
    weight = IntegerNumberField(label=_("Weight"), min_value=1, max_value=100, initial=1)

    def __init__(
        self, *args: Any, programme: Programme, organizations: QuerySet[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(
            self,
            "objective",
            programme.objectives.select_related("axis").order_by("axis__position", "position", "pk"),
        )
        scoped_choices(self, "party", programme.parties.select_related("organization"))
        scoped_choices(self, "indicator", Indicator.objects.order_by("code"))
        scoped_choices(self, "organization", organizations.order_by("name"))

    def values(self) -> IndicatorTargetValues:
        data = self.cleaned_data
        return IndicatorTargetValues(
            objective=data["objective"],
            party=data["party"],
            indicator=data["indicator"],
            organization=data["organization"],
            comparator=data["comparator"],
            target_value=data["target_value"],
            due_on=data["due_on"],
            weight=data["weight"],
        )


class StatusReportForm(StyledForm):
    state = forms.ChoiceField(
        label=_("State"),
        choices=ReportState.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = NormalizedCharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the item is at risk or blocked."),
    )


class ProgrammeAttachmentForm(StyledForm):
    file = forms.FileField(label=_("File"))
    description = NormalizedCharField(label=_("Description"), max_length=200, required=False)


class ActionItemImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; add nothing"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
