"""Forms of the live pages: a device, an agent credential, a step on a post's incident."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.cases.workflow import Action
from rasad.core.models import User
from rasad.live.choices import DeviceKind
from rasad.web.forms import ActionFormMixin, IntegerNumberField, StyledForm, scoped_choices


class DeviceForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type"), choices=DeviceKind.choices)
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    heartbeat_interval = IntegerNumberField(
        label=_("Expected heartbeat interval (seconds)"),
        initial=60,
        min_value=5,
        max_value=86_400,
        help_text=_("The device is shown offline after three intervals without a heartbeat."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["serial"].widget.attrs["class"] = "form-control ltr"
        self.fields["heartbeat_interval"].widget.attrs["class"] = "form-control ltr"


class CredentialForm(ActionFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which agent uses it, for example “the post's relay computer”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


# The steps of an incident's case taken in place on the command view; every other step is on the
# case's own page.
INCIDENT_STEPS = (Action.TRIAGE, Action.ASSIGN)
# Not a workflow step: the case stays in its status and goes one level up its owner's tree
# (rasad.cases.actions.do_escalate_case_by_hand).
ESCALATE = "escalate"


class IncidentStepForm(forms.Form):
    """Acknowledge (the case workflow's triage), assign or escalate a post's incident case, from
    the command view. It only collects values: ``do_transition_case`` and
    ``do_escalate_case_by_hand`` check and write."""

    action = forms.ChoiceField(
        choices=[(step.value, step.value) for step in INCIDENT_STEPS] + [(ESCALATE, ESCALATE)],
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Only acknowledging, assigning and escalating are done here; open the case for other steps."
            )
        },
    )
    version = IntegerNumberField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why it goes up a level"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("This person cannot be assigned this incident.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "assignee", candidates)
        self.fields["assignee"].widget.attrs["class"] = "form-select form-select-sm"
