"""Forms of the live pages: a device, an agent credential."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.live.choices import DeviceKind
from rasad.web.forms import ActionFormMixin


class DeviceForm(ActionFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=DeviceKind.choices)
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    heartbeat_interval = forms.IntegerField(
        label=_("Expected heartbeat interval (seconds)"),
        initial=60,
        min_value=5,
        max_value=86_400,
        help_text=_("The device is shown offline after three intervals without a heartbeat."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "kind" else "form-control")
        self.fields["serial"].widget.attrs["class"] = "form-control ltr"
        self.fields["heartbeat_interval"].widget.attrs["class"] = "form-control ltr"


class CredentialForm(ActionFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which agent uses it, for example “the post's relay computer”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
