"""Forms of the media pages. A deadline is a number of working or clock hours from issue, or a
Jalali day and a time in Tehran."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.cases.actions import attachment_accept
from rasad.core.models import City, Organization
from rasad.lib.jalali import TEHRAN, local_date
from rasad.media.actions import (
    CrisisValues,
    Deadline,
    PlanValues,
    ResponseValues,
    RumourValues,
    StatementValues,
)
from rasad.media.actions.statements import spokesperson_label
from rasad.media.choices import (
    Channel,
    DeadlineBasis,
    EntryKind,
    PlanKind,
    ResponseOutcome,
    Severity,
    StatementKind,
)
from rasad.media.models import Crisis, PlannedItem, Statement
from rasad.programs.models import Axis
from rasad.training.forms import ClockField, kept_moment
from rasad.training.models import Event, PositionHolding
from rasad.web.forms import (
    LATIN_ENTRY,
    IntegerNumberField,
    JalaliDateField,
    JalaliDateInput,
    KeysChoiceField,
    NormalizedCharField,
    NumberInput,
    StyledForm,
    scoped_choices,
)


class WholeNumberField(IntegerNumberField):
    """A whole number a person types in Persian or Latin digits, with a phone's digit keyboard."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


class SpokespersonChoiceField(forms.ModelChoiceField[PositionHolding]):
    def label_from_instance(self, obj: PositionHolding) -> str:
        return spokesperson_label(obj)


class AxisChoiceField(forms.ModelChoiceField[Axis]):
    def label_from_instance(self, obj: Axis) -> str:
        return f"{obj.title} ({obj.programme.title})"


class StatementForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Media headquarters"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=StatementKind.choices)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    body = NormalizedCharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "For talking points, one point a paragraph; an empty line between paragraphs. "
            "**Bold**, *italic*, a list (a line starting with - or 1.) and a heading (a line "
            "starting with #) are shown as such; HTML is shown as written."
        ),
    )
    crisis = forms.ModelChoiceField(
        label=_("Crisis"),
        queryset=Crisis.objects.none(),
        required=False,
        help_text=_("When the statement is part of an open crisis: it then shows on the crisis timeline."),
    )
    spokesperson = SpokespersonChoiceField(
        label=_("Spokesperson"),
        queryset=PositionHolding.objects.none(),
        required=False,
        help_text=_(
            "Who speaks it: a person holding the position of spokesperson in the headquarters or in "
            "one of its member agencies."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        crises: QuerySet[Crisis],
        spokespeople: QuerySet[PositionHolding],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "crisis", crises)
        scoped_choices(self, "spokesperson", spokespeople)

    @staticmethod
    def initial_for(statement: Statement) -> dict[str, Any]:
        return {
            "organization": statement.organization_id,
            "kind": statement.kind,
            "title": statement.title,
            "body": statement.body,
            "crisis": statement.crisis_id,
            "spokesperson": statement.spokesperson_id,
        }

    def values(self) -> StatementValues:
        data = self.cleaned_data
        return StatementValues(
            organization=data["organization"],
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            crisis=data["crisis"],
            spokesperson=data["spokesperson"],
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": attachment_accept()}),
    )


class IssueForm(StyledForm):
    agencies = KeysChoiceField(
        label=_("Agencies"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one agency to issue the statement to.")},
    )
    deadline_basis = forms.ChoiceField(
        label=_("Deadline counted in"),
        choices=DeadlineBasis.choices,
        initial=DeadlineBasis.WORKING,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    deadline_hours = WholeNumberField(
        label=_("Hours to respond"),
        required=False,
        min_value=1,
        max_value=720,
        help_text=_("Working hours on the working calendar, or clock hours in a crisis."),
    )
    due_day = JalaliDateField(label=_("Respond by (day)"), required=False)
    due_time = ClockField(label=_("Respond by (time)"), required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "agencies", agencies)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("deadline_basis") == DeadlineBasis.FIXED and data.get("due_day") is None:
            self.add_error(
                "due_day", ValidationError(_("Give the date and time by which agencies must answer."))
            )
        return data

    def deadline(self) -> Deadline:
        data = self.cleaned_data
        due_at = None
        if data.get("due_day") is not None:
            clock = data.get("due_time")
            due_at = datetime.combine(
                data["due_day"], clock or datetime.min.time().replace(hour=14), tzinfo=TEHRAN
            )
        return Deadline(basis=data["deadline_basis"], hours=data.get("deadline_hours"), due_at=due_at)

    # The action names the fixed moment "due_at".
    error_fields: ClassVar[Mapping[str, str]] = {"due_at": "due_day"}


# A web address typed without its scheme, as a phone's user types one («kerman-water.ir/news/1»):
# a host name with a dot, then a path or nothing.
SCHEMELESS_ADDRESS = re.compile(r"[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:/\S*)?")


class ResponseForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=ResponseOutcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    evidence_url = forms.CharField(
        label=_("Link to the publication"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={**LATIN_ENTRY, "inputmode": "url", "autocomplete": "url"}),
    )
    evidence_file = forms.FileField(
        label=_("Or a file as evidence"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": attachment_accept()}),
        help_text=_("A screenshot or a scan (PDF, image, Word, Excel or text); at most 10 MB."),
    )
    reason = NormalizedCharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the statement is not applicable or is declined."),
    )

    def clean_evidence_url(self) -> str:
        """A link typed without «https://» is a web address all the same: it is taken as one, not
        refused for what a phone's user rarely types (docs/development/conventions.md, "Phones")."""
        url: str = self.cleaned_data["evidence_url"].strip()
        if url and "://" not in url and SCHEMELESS_ADDRESS.fullmatch(url):
            return f"https://{url}"
        return url

    def values(self) -> ResponseValues:
        data = self.cleaned_data
        return ResponseValues(
            outcome=data["outcome"],
            channel=data["channel"],
            evidence_url=data["evidence_url"],
            evidence_file=data["evidence_file"],
            reason=data["reason"],
        )


class MemberAgencyForm(StyledForm):
    hq = forms.ModelChoiceField(label=_("Media headquarters"), queryset=Organization.objects.none())
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Organization.objects.none())
    joined_on = JalaliDateField(label=_("Member since"), required=False, help_text=_("Empty: today."))

    def __init__(
        self, *args: Any, hqs: QuerySet[Organization], agencies: QuerySet[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "hq", hqs)
        scoped_choices(self, "agency", agencies)


class CrisisForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Media headquarters"), queryset=Organization.objects.none())
    title = NormalizedCharField(label=_("Title"), max_length=300)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    places = KeysChoiceField(
        label=_("Places affected"),
        queryset=City.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("The cities of the headquarters' province, largest first."),
    )
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], cities: QuerySet[City], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "places", cities, label=lambda city: city.name_fa or city.name_en)

    def values(self) -> CrisisValues:
        data = self.cleaned_data
        return CrisisValues(
            organization=data["organization"],
            title=data["title"],
            severity=data["severity"],
            description=data["description"],
            places=list(data["places"]),
        )


class TimelineEntryForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(EntryKind.EVENT, EntryKind.EVENT.label), (EntryKind.DECISION, EntryKind.DECISION.label)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=EntryKind.EVENT,
    )
    text = NormalizedCharField(
        label=_("What happened or was decided"), widget=forms.Textarea(attrs={"rows": 2})
    )
    organization = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = scoped_choices(self, "organization", organizations)
        if organizations.count() == 1:
            field.initial = organizations.first()
            field.widget = forms.HiddenInput()


class CloseCrisisForm(StyledForm):
    closing_summary = NormalizedCharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, what was said, and what to do better next time."),
    )


class RumourForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Media headquarters"), queryset=Organization.objects.none())
    crisis = forms.ModelChoiceField(label=_("Crisis"), queryset=Crisis.objects.none(), required=False)
    claim = NormalizedCharField(label=_("Claim"), widget=forms.Textarea(attrs={"rows": 3}))
    seen_where = NormalizedCharField(
        label=_("Seen where"), max_length=300, help_text=_("A channel, a page, a group, a place.")
    )
    reach = WholeNumberField(
        label=_("Estimated reach (people)"), required=False, min_value=0, max_value=100_000_000
    )
    facts = NormalizedCharField(
        label=_("Verified facts"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], crises: QuerySet[Crisis], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "crisis", crises)

    def values(self) -> RumourValues:
        data = self.cleaned_data
        return RumourValues(
            organization=data["organization"],
            claim=data["claim"],
            seen_where=data["seen_where"],
            crisis=data["crisis"],
            reach=data["reach"],
            facts=data["facts"],
        )


class AssignRumourForm(StyledForm):
    agency = forms.ModelChoiceField(label=_("Agency to answer"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, agencies: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "agency", agencies)


class AnswerRumourForm(StyledForm):
    response = NormalizedCharField(
        label=_("The answer given"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was said to the public, and where."),
    )


class PlannedItemForm(StyledForm):
    """An item of the media calendar: what, for which agency, from which Jalali day (and time)
    to which, on which channel, the training event it announces."""

    organization = forms.ModelChoiceField(label=_("Media headquarters"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("What is planned"), choices=PlanKind.choices)
    title = NormalizedCharField(label=_("Title"), max_length=300)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("The headquarters itself"),
    )
    start_day = JalaliDateField(label=_("Start day"))
    start_time = ClockField(label=_("Start time"), required=False, help_text=_("Leave empty for 9:00."))
    end_day = JalaliDateField(
        label=_("End day"),
        required=False,
        help_text=_("Leave empty for an item of one day."),
        # Not the shared example date: an empty end reads "the same day", not a date in the past.
        widget=JalaliDateInput(attrs={"placeholder": _("The same day")}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    training_event = forms.ModelChoiceField(
        label=_("Training event it announces"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("No training event"),
    )
    axis = AxisChoiceField(
        label=_("Roadmap axis"),
        queryset=Axis.objects.none(),
        required=False,
        empty_label=_("No axis"),
        help_text=_("The axis of a programme the headquarters takes part in that this item serves."),
    )
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    error_fields: ClassVar[Mapping[str, str]] = {"starts_at": "start_day", "ends_at": "end_day"}

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        agencies: QuerySet[Organization],
        events: QuerySet[Event],
        axes: QuerySet[Axis],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "agency", agencies)
        scoped_choices(self, "training_event", events)
        scoped_choices(self, "axis", axes)

    def values(self, kept: PlannedItem | None = None) -> PlanValues:
        """The item's values; ``kept``: the item the page changes. Its start stays as it is when
        the page shows it unchanged (``kept_moment``: a time with seconds is not moved to the
        minute), and so does its end, which the page shows by its day alone, while the start
        and that day are unchanged."""
        data = self.cleaned_data
        clock = data.get("start_time") or time(9, 0)
        starts = datetime.combine(data["start_day"], clock, tzinfo=TEHRAN)
        end_day = data.get("end_day")
        ends = (
            starts if end_day is None else datetime.combine(end_day, max(clock, time(17, 0)), tzinfo=TEHRAN)
        )
        if kept is not None:
            starts = kept_moment(starts, kept.starts_at)
            if starts == kept.starts_at and local_date(kept.ends_at) == (end_day or data["start_day"]):
                ends = kept.ends_at
            elif end_day is None:
                ends = starts
        return PlanValues(
            organization=data["organization"],
            kind=data["kind"],
            title=data["title"],
            starts_at=starts,
            ends_at=ends,
            agency=data.get("agency"),
            channel=data.get("channel") or "",
            description=data.get("description") or "",
            training_event=data.get("training_event"),
            axis=data.get("axis"),
        )


class PublishItemForm(StyledForm):
    link = forms.URLField(
        label=_("Where it was published"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address (https://…)."),
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )


class CancelItemForm(StyledForm):
    reason = NormalizedCharField(label=_("Why it is cancelled"), widget=forms.Textarea(attrs={"rows": 2}))
