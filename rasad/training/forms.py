"""Forms of the training pages. Dates are Jalali (``JalaliDateField``); an event's times are a
day plus an hour and minute in Tehran time."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.models import Membership, Organization
from rasad.lib import formatting
from rasad.lib.jalali import TEHRAN
from rasad.lib.persian import to_latin_digits
from rasad.training.actions import CourseValues, EventValues, RequirementValues
from rasad.training.choices import DeliveryMode, EventKind
from rasad.training.models import Course, Event, Position, Requirement
from rasad.web.forms import (
    DecimalNumberField,
    FloatNumberField,
    IntegerNumberField,
    JalaliDateField,
    KeysChoiceField,
    NormalizedCharField,
    StyledForm,
    scoped_choices,
    time_hint,
)


class ClockInput(forms.TextInput):
    """An hour and minute shown in the reader's digits (a stored time, and the example of
    :func:`rasad.web.forms.time_hint`, marked as one so that an empty field does not look filled
    in)."""

    def __init__(self) -> None:
        super().__init__(attrs={"dir": "ltr", "inputmode": "numeric"})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", time_hint())
        return context

    def format_value(self, value: Any) -> str | None:
        shown: str | None = super().format_value(value)
        return formatting.digits(shown) if shown else shown


class ClockField(forms.Field):
    """An hour and minute (۰۹:۳۰ or 9:30), in Persian or Latin digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ClockInput())
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> time | None:
        text = to_latin_digits(str(value or "")).strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2})[:.٫](\d{2})", text)
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValidationError(_("Write the time as hours:minutes, e.g. 09:30."), code="invalid_time")
        return time(int(match.group(1)), int(match.group(2)))


def kept_moment(entered: datetime, kept: datetime | None) -> datetime:
    """The moment a page's day and clock fields give, to the minute, or the record's own
    ``kept`` moment when that is the same minute: a time with seconds (a record made through the
    API) is not moved to the minute by a save of its page that changed nothing
    (``rasad/web/tests/test_unchanged_forms.py``). Tehran's offset is whole minutes, so the
    minute is the same in every zone."""
    if kept is not None and kept.replace(second=0, microsecond=0) == entered:
        return kept
    return entered


class CourseForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.none())
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Latin letters, digits and dashes."))
    title = NormalizedCharField(label=_("Title"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = NormalizedCharField(
        label=_("Topic tags"), required=False, help_text=_("Separated by commas (، or ,).")
    )
    hours = DecimalNumberField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0.5)
    mode = forms.ChoiceField(label=_("Delivery mode"), choices=DeliveryMode.choices)
    validity_months = IntegerNumberField(
        label=_("Certificate valid for (months)"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_("Empty: the certificate does not expire."),
    )
    prerequisites = KeysChoiceField(label=_("Prerequisites"), queryset=Course.objects.none(), required=False)

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], courses: QuerySet[Course], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "prerequisites", courses)

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        return {
            "organization": course.organization_id,
            "code": course.code,
            "title": course.title,
            "description": course.description,
            "tags": "، ".join(course.tags),
            "hours": course.hours,
            "mode": course.mode,
            "validity_months": course.validity_months,
            "prerequisites": list(course.prerequisites.values_list("pk", flat=True)),
        }

    def values(self) -> CourseValues:
        data = self.cleaned_data
        return CourseValues(
            organization=data["organization"],
            code=data["code"],
            title=data["title"],
            hours=data["hours"],
            mode=data["mode"],
            description=data["description"],
            tags=[t.strip() for t in re.split(r"[،,]", data["tags"] or "") if t.strip()],
            validity_months=data["validity_months"],
            prerequisites=list(data["prerequisites"]),
        )


class EventForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("For a course session."),
    )
    title = NormalizedCharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Empty: the course's title.")
    )
    organization = forms.ModelChoiceField(label=_("Organizer"), queryset=Organization.objects.none())
    audience = forms.ModelChoiceField(
        label=_("Audience"),
        queryset=Organization.objects.none(),
        help_text=_("The people of this organization and of everything under it may enrol."),
    )
    day = JalaliDateField(label=_("Day"))
    starts = ClockField(label=_("Starts at"))
    end_day = JalaliDateField(label=_("Last day"), required=False, help_text=_("Empty: the same day."))
    ends = ClockField(label=_("Ends at"))
    place = NormalizedCharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    latitude = FloatNumberField(
        label=_("Latitude"), required=False, help_text=_("Where the event is held, for the map.")
    )
    longitude = FloatNumberField(label=_("Longitude"), required=False)
    capacity = IntegerNumberField(
        label=_("Capacity"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        organizers: QuerySet[Organization],
        audiences: QuerySet[Organization],
        courses: QuerySet[Course],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizers)
        scoped_choices(self, "audience", audiences)
        scoped_choices(self, "course", courses)

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        from rasad.lib.jalali import to_tehran

        start, end = to_tehran(event.starts_at), to_tehran(event.ends_at)
        return {
            "kind": event.kind,
            "course": event.course_id,
            "title": event.title,
            "organization": event.organization_id,
            "audience": event.audience_id,
            "day": start.date(),
            "starts": start.strftime("%H:%M"),
            "end_day": end.date() if end.date() != start.date() else None,
            "ends": end.strftime("%H:%M"),
            "place": event.place,
            "online_url": event.online_url,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "capacity": event.capacity,
            "description": event.description,
        }

    def values(self, kept: Event | None = None) -> EventValues:
        """The event's values; ``kept``: the event the page changes, whose start and end stay as
        they are when the page shows them unchanged (``kept_moment``)."""
        data = self.cleaned_data
        start = datetime.combine(data["day"], data["starts"], tzinfo=TEHRAN)
        end = datetime.combine(data["end_day"] or data["day"], data["ends"], tzinfo=TEHRAN)
        if kept is not None:
            start, end = kept_moment(start, kept.starts_at), kept_moment(end, kept.ends_at)
        return EventValues(
            organization=data["organization"],
            audience=data["audience"],
            kind=data["kind"],
            title=data["title"],
            starts_at=start,
            ends_at=end,
            course=data["course"],
            description=data["description"],
            place=data["place"],
            online_url=data["online_url"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            capacity=data["capacity"],
        )


class RequirementForm(StyledForm):
    title = NormalizedCharField(label=_("Title"), max_length=300)
    organization = forms.ModelChoiceField(
        label=_("Applies in"),
        queryset=Organization.objects.none(),
        help_text=_("This organization and everything under it."),
    )
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all())
    courses = KeysChoiceField(
        label=_("Courses (any one satisfies it)"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    within_months = IntegerNumberField(
        label=_("Within (months of taking the position)"), min_value=1, max_value=120
    )
    basis = NormalizedCharField(
        label=_("Basis"),
        max_length=300,
        required=False,
        help_text=_("The decision or rule that requires it."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], courses: QuerySet[Course], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
        scoped_choices(self, "courses", courses)

    @staticmethod
    def initial_for(requirement: Requirement) -> dict[str, Any]:
        return {
            "title": requirement.title,
            "organization": requirement.organization_id,
            "position": requirement.position_id,
            "courses": list(requirement.courses.values_list("pk", flat=True)),
            "within_months": requirement.within_months,
            "basis": requirement.basis,
            "is_active": requirement.is_active,
        }

    def values(self) -> RequirementValues:
        data = self.cleaned_data
        return RequirementValues(
            organization=data["organization"],
            position=data["position"],
            courses=list(data["courses"]),
            title=data["title"],
            within_months=data["within_months"],
            basis=data["basis"],
            is_active=data["is_active"],
        )


class PositionAssignForm(StyledForm):
    membership = forms.ModelChoiceField(label=_("Person"), queryset=Membership.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all())
    since = JalaliDateField(label=_("Since"), required=False, help_text=_("Empty: today."))

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "membership", memberships, label=lambda m: f"{m.user} — {m.organization}")


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; change nothing"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class AnnounceForm(StyledForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Tell the people of"),
        help_text=_("The organization and everything under it; the event's whole audience by default."),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations.order_by("path"))
