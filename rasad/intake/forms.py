"""Forms of the intake pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.core.models import Organization
from rasad.intake.choices import ProposalField
from rasad.intake.models import OrganizationAlias, Proposal
from rasad.web.forms import ActionFormMixin, JalaliDateField, NormalizedCharField, scoped_choices


class SubmitDocumentForm(ActionFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Submitted for"),
        queryset=Organization.objects.none(),
        help_text=_("Who may see and review the document follows from this organization."),
    )
    title = NormalizedCharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the document's first line."),
    )
    document_date = JalaliDateField(
        label=_("Document date"),
        required=False,
        help_text=_("Only if the text does not say it; relative dates («تا پایان ماه») count from it."),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "class": "form-control", "dir": "rtl", "data-testid": "intake-text"}
        ),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_(".txt, .docx, or .pdf with a text layer (no scans); up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".txt,.docx,.pdf"}),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations).widget.attrs["class"] = "form-select"
        for name in ("title", "document_date"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            self.add_error("text", _("Paste a text or upload a file."))
        return data


class CorrectProposalForm(ActionFormMixin, forms.Form):
    """The values a reviewer may correct, depending on what the proposal is."""

    def __init__(self, *args: Any, proposal: Proposal, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = proposal.values
        field = proposal.field
        organization_choice = forms.ModelChoiceField(
            label=_("Organization"),
            queryset=organizations,
            required=False,
            to_field_name="code",
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        if field == ProposalField.DATE:
            self.fields["iso"] = JalaliDateField(label=_("Date"), initial=values.get("iso"))
        elif field == ProposalField.ORGANIZATION:
            organization_choice.label = _("The organization of the tree it names")
            organization_choice.initial = values.get("code") or None
            self.fields["code"] = organization_choice
            self.fields["name"] = NormalizedCharField(
                label=_("Name"), initial=values.get("name"), max_length=300
            )
        elif field == ProposalField.PERSON:
            self.fields["name"] = NormalizedCharField(
                label=_("Name"), initial=values.get("name"), max_length=150
            )
            self.fields["honorific"] = NormalizedCharField(
                label=_("Honorific or rank"), initial=values.get("honorific"), required=False, max_length=60
            )
            self.fields["title"] = NormalizedCharField(
                label=_("Title"), initial=values.get("title"), required=False, max_length=300
            )
            organization_choice.initial = values.get("organization_code") or None
            self.fields["organization_code"] = organization_choice
        elif field == ProposalField.PLACE:
            self.fields["name"] = NormalizedCharField(
                label=_("Name"), initial=values.get("name"), max_length=120
            )
        else:
            self.fields["action"] = NormalizedCharField(
                label=_("What must be done"),
                initial=values.get("action"),
                max_length=300,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            organization_choice.label = _("Who must act")
            organization_choice.initial = values.get("organization_code") or None
            self.fields["organization_code"] = organization_choice
            self.fields["deadline"] = JalaliDateField(
                label=_("Deadline"), required=False, initial=values.get("deadline")
            )
        for bound in self.fields.values():
            bound.widget.attrs.setdefault("class", "form-control")

    def changes(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, Organization):
                value = value.code
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            result[name] = value if value is not None else ""
        return result


class AliasForm(ActionFormMixin, forms.ModelForm[OrganizationAlias]):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    alias = NormalizedCharField(
        label=_("Alias"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    class Meta:
        model = OrganizationAlias
        fields = ["organization", "alias"]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped_choices(self, "organization", organizations)
