"""Forms of the comms UI. They collect values; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import CaseKind
from rasad.cases.models import Category
from rasad.comms.choices import Priority, TaskStatus
from rasad.comms.models import Centre
from rasad.core.models import Organization, WorkingGroup
from rasad.web.forms import (
    ActionFormMixin,
    FloatNumberField,
    JalaliDateField,
    KeysChoiceField,
    NormalizedCharField,
    scoped_choices,
)


class CommsForm(ActionFormMixin, forms.Form):
    """Bootstrap classes on every widget (selects, check boxes, text), so the forms read like
    the rest of Rasad on a desktop and a phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (attachments)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class CentreChoiceField(forms.ModelChoiceField[Centre]):
    def label_from_instance(self, obj: Centre) -> str:
        return f"{obj.name} ({obj.code})"


class CentresChoiceField(KeysChoiceField):
    def label_from_instance(self, obj: Centre) -> str:
        return f"{obj.name} ({obj.code})"


class ComposeForm(CommsForm):
    sender = CentreChoiceField(label=_("From"), queryset=Centre.objects.none())
    recipients = CentresChoiceField(
        label=_("To"),
        queryset=Centre.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The other centres on this node and the peers your centre has confirmed."),
    )
    subject = NormalizedCharField(label=_("Subject"), max_length=200)
    text = NormalizedCharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    requires_ack = forms.BooleanField(label=_("Ask for an acknowledgment"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, senders: Any, recipients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "sender", senders)
        scoped_choices(self, "recipients", recipients)
        if senders.count() == 1:
            self.fields["sender"].initial = senders.first()


class ReplyForm(CommsForm):
    text = NormalizedCharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    requires_ack = forms.BooleanField(label=_("Ask for an acknowledgment"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class AcknowledgeForm(CommsForm):
    note = NormalizedCharField(label=_("Note"), max_length=1000, required=False)


class OpenCaseForm(CommsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.CHALLENGE)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    title = NormalizedCharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the message's subject."),
    )
    deadline = JalaliDateField(label=_("Deadline"), required=False, help_text=_("Required for directives."))
    latitude = FloatNumberField(label=_("Latitude"), required=False, help_text=_("Incidents need a point."))
    longitude = FloatNumberField(label=_("Longitude"), required=False)


class PeerAddForm(CommsForm):
    local_centre = CentreChoiceField(label=_("Our centre"), queryset=Centre.objects.none())
    node_url = forms.URLField(
        label=_("Peer node address"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://rasad.example.ir/"}),
    )
    code = forms.CharField(
        label=_("Peer centre code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    bundle = forms.CharField(
        label=_("Or paste its public bundle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        help_text=_("The JSON its administrator exported with «rasad comms bundle» or from its keys page."),
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "local_centre", centres)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("bundle") and not (data.get("node_url") and data.get("code")):
            raise forms.ValidationError(
                _("Give the peer node's address and the centre's code, or paste its bundle.")
            )
        return data


class ConfirmPeerForm(CommsForm):
    fingerprint_digits = forms.CharField(
        label=_("Fingerprint read by the other centre"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}),
        help_text=_(
            "Call the other centre on a number you already know and type the 30 digits their administrator "
            "reads from their own page."
        ),
    )


class ReasonForm(CommsForm):
    reason = NormalizedCharField(label=_("Reason"), max_length=200)


class RevokeForm(CommsForm):
    kid = forms.CharField(label=_("Key id"), max_length=32, widget=forms.TextInput(attrs={"dir": "ltr"}))
    reason = NormalizedCharField(label=_("Reason"), max_length=200)


class SetUpCentreForm(CommsForm):
    organization = forms.ModelChoiceField(label=_("Command centre"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)


class MakeJointForm(CommsForm):
    working_group = forms.ModelChoiceField(label=_("Working group"), queryset=WorkingGroup.objects.none())
    peers = CentresChoiceField(
        label=_("Centres on other nodes"),
        queryset=Centre.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, working_groups: Any, peers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "working_group", working_groups)
        scoped_choices(self, "peers", peers)


class GroupTaskForm(CommsForm):
    centre = CentreChoiceField(label=_("Written by"), queryset=Centre.objects.none())
    title = NormalizedCharField(label=_("Title"), max_length=300)
    description = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    assigned_centre = CentreChoiceField(label=_("Assigned to"), queryset=Centre.objects.none())
    due_date = JalaliDateField(label=_("Due date"), required=False)
    category = forms.ModelChoiceField(
        label=_("Case category"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        help_text=_("Each member node files the task as a case of this category."),
    )

    def __init__(self, *args: Any, writers: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "centre", writers)
        scoped_choices(self, "assigned_centre", members)
        if writers.count() == 1:
            self.fields["centre"].initial = writers.first()


class TaskStatusForm(CommsForm):
    status = forms.ChoiceField(choices=TaskStatus.choices, widget=forms.HiddenInput)
