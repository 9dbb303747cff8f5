"""Forms of the core UI. They collect values; the actions validate and write."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.core.actions.organizations import OrganizationValues
from rasad.core.choices import OrganizationKind
from rasad.core.jalali import TEHRAN
from rasad.core.models import County, Organization, Province, Role, User
from rasad.web.forms import ActionFormMixin, JalaliDateField, NormalizedCharField

_TAG_SEPARATORS = re.compile(r"[,،;؛]")


class OrganizationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name} ({obj.code})"


class CountyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.province.name_fa} / {obj.name_fa}"


def _control(widget: forms.Widget, css: str = "form-control") -> forms.Widget:
    widget.attrs.setdefault("class", css)
    return widget


class OrganizationForm(ActionFormMixin, forms.Form):
    """Create or edit an organization. ``parent`` lists only the organizations under which the
    user may add; changing it moves the organization (its parent history is kept)."""

    code = forms.CharField(
        label=_("Code"), max_length=40, widget=_control(forms.TextInput(attrs={"dir": "ltr"}))
    )
    name = NormalizedCharField(label=_("Name"), max_length=200, widget=_control(forms.TextInput()))
    name_en = forms.CharField(
        label=_("English name"),
        max_length=200,
        required=False,
        widget=_control(forms.TextInput(attrs={"dir": "ltr"})),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrganizationKind.choices, widget=_control(forms.Select(), "form-select")
    )
    parent = OrganizationChoiceField(
        label=_("Parent"),
        queryset=Organization.objects.none(),
        required=False,
        widget=_control(forms.Select(), "form-select"),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        widget=_control(forms.Select(), "form-select"),
    )
    county = CountyChoiceField(
        label=_("County"),
        queryset=County.objects.select_related("province"),
        required=False,
        widget=_control(forms.Select(), "form-select"),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=_control(forms.NumberInput(attrs={"step": "any", "dir": "ltr"})),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=_control(forms.NumberInput(attrs={"step": "any", "dir": "ltr"})),
    )
    sector_tags = NormalizedCharField(
        label=_("Sector tags"),
        required=False,
        help_text=_("Separated by commas."),
        widget=_control(forms.TextInput()),
    )
    opened_on = JalaliDateField(label=_("Opened on"), required=False)
    closed_on = JalaliDateField(label=_("Closed on"), required=False)
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=_control(forms.Textarea(attrs={"rows": 3}))
    )

    def __init__(self, *args: Any, user: User, instance: Organization | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "name_en": instance.name_en,
                "kind": instance.kind,
                "parent": instance.parent_id,
                "province": instance.province_id,
                "county": instance.county_id,
                "latitude": instance.latitude,
                "longitude": instance.longitude,
                "sector_tags": "، ".join(instance.sector_tags),
                "opened_on": instance.opened_on,
                "closed_on": instance.closed_on,
                "description": instance.description,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        parents = Organization.objects.visible_to(user, "add")
        if instance is not None:
            parents = parents.exclude(path__startswith=instance.path)
            if instance.parent_id is not None:
                parents = parents | Organization.objects.filter(pk=instance.parent_id)
        parent_field: forms.ModelChoiceField = self.fields["parent"]  # type: ignore[type-arg,assignment]
        parent_field.queryset = parents.order_by("path")
        if not user.is_superuser:
            parent_field.required = True
            parent_field.empty_label = None
        else:
            parent_field.empty_label = str(_("(top level)"))

    def values(self) -> OrganizationValues:
        data = self.cleaned_data
        return OrganizationValues(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            name_en=data.get("name_en") or "",
            province=data.get("province"),
            county=data.get("county"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            sector_tags=[
                t.strip() for t in _TAG_SEPARATORS.split(data.get("sector_tags") or "") if t.strip()
            ],
            opened_on=data.get("opened_on"),
            closed_on=data.get("closed_on"),
            description=data.get("description") or "",
        )


class MoveOrganizationForm(ActionFormMixin, forms.Form):
    parent = OrganizationChoiceField(
        label=_("New parent"),
        queryset=Organization.objects.none(),
        required=False,
        widget=_control(forms.Select(), "form-select"),
    )

    def __init__(self, *args: Any, user: User, instance: Organization, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"parent": instance.parent_id})
        super().__init__(*args, **kwargs)
        parent_field: forms.ModelChoiceField = self.fields["parent"]  # type: ignore[type-arg,assignment]
        parent_field.queryset = (
            Organization.objects.visible_to(user, "add")
            .exclude(path__startswith=instance.path)
            .order_by("path")
        )
        if user.is_superuser:
            parent_field.empty_label = str(_("(top level)"))
        else:
            parent_field.required = True
            parent_field.empty_label = None


class CloseOrganizationForm(ActionFormMixin, forms.Form):
    closed_on = JalaliDateField(label=_("Closed on"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=_control(forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; import nothing"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class GrantForm(ActionFormMixin, forms.Form):
    """Give a person a role over this organization (and, by default, its sub-organizations)."""

    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), widget=_control(forms.Select(), "form-select")
    )
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.none(), widget=_control(forms.Select(), "form-select")
    )
    include_descendants = forms.BooleanField(
        label=_("Include sub-organizations"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    expires = JalaliDateField(
        label=_("Expires on"), required=False, help_text=_("Leave empty for no expiry.")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: forms.ModelChoiceField = self.fields["user"]  # type: ignore[type-arg,assignment]
        user_field.queryset = User.objects.visible_to(user).filter(is_active=True).order_by("username")
        role_field: forms.ModelChoiceField = self.fields["role"]  # type: ignore[type-arg,assignment]
        role_field.queryset = Role.objects.visible_to(user).order_by("name")

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        return datetime.combine(day, time.max, tzinfo=TEHRAN) if day else None


class TokenForm(ActionFormMixin, forms.Form):
    name = NormalizedCharField(label=_("Name"), max_length=100, widget=_control(forms.TextInput()))
    expires = JalaliDateField(
        label=_("Expires on"), required=False, help_text=_("Leave empty for the default lifetime.")
    )

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        return datetime.combine(day, time.max, tzinfo=TEHRAN) if day else None
