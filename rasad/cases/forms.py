"""Forms of the cases UI. They collect values; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from rasad.cases.actions import assignee_candidates, attachment_accept
from rasad.cases.actions.consolidation import dossier_recipients
from rasad.cases.choices import CaseKind, HolidayKind, Priority
from rasad.cases.models import Case, Category
from rasad.cases.workflow import Action
from rasad.core.models import Organization, User
from rasad.core.scope import organizations_for as scope_organizations_for
from rasad.lib import formatting
from rasad.web.forms import (
    FloatNumberField,
    JalaliDateField,
    NormalizedCharField,
    StyledForm,
    scoped_choices,
    style_controls,
)

# The 1-5 scale of likelihood and impact, its labels in the reader's digits (formatting.number at
# render time); assessments' risk register uses the same scale.
RISK_SCALE = [("", "—"), *[(str(i), lazy(formatting.number, str)(i)) for i in range(1, 6)]]


def organizations_for(user: User, verb: str) -> Any:
    """The organizations ``user`` may ``verb`` cases for (``rasad.core.scope.organizations_for``)."""
    return scope_organizations_for(user, Case, verb)


class CaseForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    title = NormalizedCharField(label=_("Title"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    confidential_details = NormalizedCharField(
        label=_("Confidential details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Only people who may see this case can read it: stored encrypted, never searched or exported."
        ),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    reporter_organization = forms.ModelChoiceField(
        label=_("Reporter organization"), queryset=Organization.objects.none()
    )
    owner_organization = forms.ModelChoiceField(
        label=_("Route to organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty to have the reporting organization handle it first."),
    )
    deadline = JalaliDateField(label=_("Deadline"), required=False, help_text=_("Required for directives."))
    origin = NormalizedCharField(label=_("Origin (meeting or agreement)"), max_length=300, required=False)
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood (1–5)"), choices=RISK_SCALE, coerce=int, required=False, empty_value=None
    )
    impact = forms.TypedChoiceField(
        label=_("Impact (1–5)"), choices=RISK_SCALE, coerce=int, required=False, empty_value=None
    )
    treatment_plan = NormalizedCharField(
        label=_("Treatment plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Organization.objects.none(), required=False)
    latitude = FloatNumberField(label=_("Latitude"), required=False)
    longitude = FloatNumberField(label=_("Longitude"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The 1-5 scale in the reader's digits.
        scale = [(value, formatting.digits(label)) for value, label in RISK_SCALE]
        for name in ("likelihood", "impact"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = scale
        reporters = organizations_for(user, "add")
        scoped_choices(self, "reporter_organization", reporters)
        scoped_choices(self, "owner_organization", organizations_for(user, "assign"))
        scoped_choices(self, "site", scope_organizations_for(user, Organization, "view"))
        if reporters.count() == 1:
            self.fields["reporter_organization"].initial = reporters.first()


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = NormalizedCharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_organization = forms.ModelChoiceField(
        label=_("Owner organization"), queryset=Organization.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none(), required=False)


def transition_form(case: Case, user: User, action: Action | None = None, data: Any = None) -> TransitionForm:
    """A workflow step's form. Assigning offers the organizations the user may route cases to,
    and the people who may work the chosen owner organization's cases, among those the user may
    see (a reference to anyone else reads like a missing one)."""
    form = TransitionForm(data, initial={"action": action.value, "version": case.version} if action else None)
    if action is None or action == Action.ASSIGN:
        routable = organizations_for(user, "assign")
        chosen = str((data or {}).get("owner_organization") or "")
        found = routable.filter(pk=chosen).first() if chosen.isdecimal() else None
        target = found or case.owner_organization
        scoped_choices(form, "owner_organization", routable)
        form.fields["owner_organization"].initial = case.owner_organization_id
        scoped_choices(form, "assignee", assignee_candidates(target, user))
    else:
        del form.fields["owner_organization"]
        del form.fields["assignee"]
    style_controls(form)
    return form


class CommentForm(forms.Form):
    body = NormalizedCharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Mention someone who can see this case with @username."),
    )
    confidential = forms.BooleanField(
        label=_("Confidential (stored encrypted)"),
        required=False,
        help_text=_("Only those who may see this case read it, like its confidential details."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The case page also holds the attachment form, whose checkbox has the same name: own ids,
        # so that each label ticks its own box.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": attachment_accept()}),
    )
    confidential = forms.BooleanField(
        label=_("Confidential (stored encrypted)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class DossierForm(StyledForm):
    from_organization = forms.ModelChoiceField(
        label=_("From organization"), queryset=Organization.objects.none()
    )
    # Coordinating organizations only (``dossier_recipients``), never the whole tree.
    to_organization = forms.ModelChoiceField(
        label=_("Coordinating organization"), queryset=Organization.objects.none()
    )
    title = NormalizedCharField(label=_("Title"), max_length=300)
    summary = NormalizedCharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "from_organization", organizations_for(user, "forward"))
        scoped_choices(self, "to_organization", dossier_recipients())


class HolidayForm(StyledForm):
    """A holiday of the working calendar: the date in the user's calendar, stored Gregorian."""

    date = JalaliDateField(label=_("Date"))
    name_fa = NormalizedCharField(label=_("Persian name"), max_length=200)
    name_en = forms.CharField(
        label=_("English name"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=HolidayKind.choices, initial=HolidayKind.ONE_OFF)


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time", "dir": "ltr"})


class WorkingWeekForm(StyledForm):
    """The office week: Saturday to Wednesday hours, and Thursday hours unless it is closed."""

    workday_start = forms.TimeField(label=_("Saturday–Wednesday start"), widget=_time_input())
    workday_end = forms.TimeField(label=_("Saturday–Wednesday end"), widget=_time_input())
    thursday_open = forms.BooleanField(label=_("Offices work on Thursday"), required=False)
    thursday_start = forms.TimeField(label=_("Thursday start"), required=False, widget=_time_input())
    thursday_end = forms.TimeField(label=_("Thursday end"), required=False, widget=_time_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("thursday_open"):
            for name in ("thursday_start", "thursday_end"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give Thursday's hours, or mark Thursday as closed."))
        return data
