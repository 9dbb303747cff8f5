"""Forms of the core UI. They collect values; the actions validate and write."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasad.core.actions.organizations import OrganizationValues
from rasad.core.choices import OrganizationKind
from rasad.core.models import County, Organization, Province, Role, User, WorkingGroup
from rasad.lib import formatting
from rasad.lib.jalali import TEHRAN
from rasad.web.forms import (
    ActionFormMixin,
    FloatNumberField,
    JalaliDateField,
    KeysChoiceField,
    LatinNameField,
    NormalizedCharField,
    control,
    scoped_choices,
)

_TAG_SEPARATORS = re.compile(r"[,،;؛]")


def organization_label(organization: Organization) -> str:
    """An organization in a list of choices: indented by its depth, with its code."""
    return f"{'— ' * organization.depth}{organization.name} ({formatting.code(organization.code)})"


class OrganizationChoiceField(forms.ModelChoiceField[Organization]):
    def label_from_instance(self, obj: Organization) -> str:
        return organization_label(obj)


class CountyChoiceField(forms.ModelChoiceField[County]):
    def label_from_instance(self, obj: County) -> str:
        return f"{obj.province.name_fa} / {obj.name_fa}"


class OrganizationForm(ActionFormMixin, forms.Form):
    """Create or edit an organization. ``parent`` lists only the organizations under which the
    user may add; changing it moves the organization (its parent history is kept)."""

    code = forms.CharField(
        label=_("Code"), max_length=40, widget=control(forms.TextInput(attrs={"dir": "ltr"}))
    )
    name = NormalizedCharField(label=_("Name"), max_length=200, widget=control(forms.TextInput()))
    name_en = forms.CharField(
        label=_("English name"),
        max_length=200,
        required=False,
        widget=control(forms.TextInput(attrs={"dir": "ltr"})),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrganizationKind.choices, widget=control(forms.Select(), "form-select")
    )
    parent = OrganizationChoiceField(
        label=_("Parent"),
        queryset=Organization.objects.none(),
        required=False,
        widget=control(forms.Select(), "form-select"),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        widget=control(forms.Select(), "form-select"),
    )
    county = CountyChoiceField(
        label=_("County"),
        queryset=County.objects.select_related("province"),
        required=False,
        widget=control(forms.Select(), "form-select"),
    )
    latitude = FloatNumberField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=control(forms.NumberInput(attrs={"step": "any", "dir": "ltr"})),
    )
    longitude = FloatNumberField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=control(forms.NumberInput(attrs={"step": "any", "dir": "ltr"})),
    )
    sector_tags = NormalizedCharField(
        label=_("Sector tags"),
        required=False,
        help_text=_("Separated by commas."),
        widget=control(forms.TextInput()),
    )
    opened_on = JalaliDateField(label=_("Opened on"), required=False)
    closed_on = JalaliDateField(label=_("Closed on"), required=False)
    description = NormalizedCharField(
        label=_("Description"), required=False, widget=control(forms.Textarea(attrs={"rows": 3}))
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
        parent_field = scoped_choices(self, "parent", parents.order_by("path"))
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
        widget=control(forms.Select(), "form-select"),
    )

    def __init__(self, *args: Any, user: User, instance: Organization, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"parent": instance.parent_id})
        super().__init__(*args, **kwargs)
        parent_field = scoped_choices(
            self,
            "parent",
            Organization.objects.visible_to(user, "add")
            .exclude(path__startswith=instance.path)
            .order_by("path"),
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
        widget=control(forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; import nothing"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class GrantForm(ActionFormMixin, forms.Form):
    """Give a person a role over this organization (and, by default, its sub-organizations)."""

    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), widget=control(forms.Select(), "form-select")
    )
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.none(), widget=control(forms.Select(), "form-select")
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
        scoped_choices(
            self, "user", User.objects.visible_to(user).filter(is_active=True).order_by("username")
        )
        scoped_choices(self, "role", Role.objects.visible_to(user).order_by("name"))

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        return datetime.combine(day, time.max, tzinfo=TEHRAN) if day else None


class TokenForm(ActionFormMixin, forms.Form):
    name = NormalizedCharField(label=_("Name"), max_length=100, widget=control(forms.TextInput()))
    expires = JalaliDateField(
        label=_("Expires on"), required=False, help_text=_("Leave empty for the default lifetime.")
    )

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        return datetime.combine(day, time.max, tzinfo=TEHRAN) if day else None


class OrganizationMultipleChoiceField(KeysChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return organization_label(obj)


def _members_field() -> OrganizationMultipleChoiceField:
    return OrganizationMultipleChoiceField(
        label=_("Member organizations"),
        queryset=Organization.objects.none(),
        widget=control(forms.SelectMultiple(attrs={"size": 10}), "form-select"),
        help_text=_("Only organizations you may change are listed."),
    )


class WorkingGroupForm(ActionFormMixin, forms.Form):
    """A new working group: its owner and members are limited to organizations the user may
    change (the action checks the same)."""

    code = forms.CharField(
        label=_("Code"), max_length=40, widget=control(forms.TextInput(attrs={"dir": "ltr"}))
    )
    name = NormalizedCharField(label=_("Name"), max_length=200, widget=control(forms.TextInput()))
    owner = OrganizationChoiceField(
        label=_("Owner organization"),
        queryset=Organization.objects.none(),
        widget=control(forms.Select(), "form-select"),
    )
    organizations = _members_field()
    include_descendants = forms.BooleanField(
        label=_("Include sub-organizations"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from rasad.core.scope import scope_for_permission

        changeable = Organization.objects.visible_to(user, "change").order_by("path")
        scoped_choices(
            self, "owner", changeable.filter(scope_for_permission(user, "core.add_workinggroup").as_q())
        )
        scoped_choices(self, "organizations", changeable)


class WorkingGroupMembersForm(ActionFormMixin, forms.Form):
    """Change a working group's members. Members outside the user's scope are shown apart and
    kept as they are."""

    organizations = _members_field()
    include_descendants = forms.BooleanField(
        label=_("Include sub-organizations"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, user: User, group: WorkingGroup, **kwargs: Any) -> None:
        self.changeable = Organization.objects.visible_to(user, "change").order_by("path")
        current = list(group.organizations.all())
        changeable_ids = set(
            self.changeable.filter(pk__in=[o.pk for o in current]).values_list("pk", flat=True)
        )
        self.fixed = [o for o in current if o.pk not in changeable_ids]
        kwargs.setdefault(
            "initial",
            {
                "organizations": [o.pk for o in current if o.pk in changeable_ids],
                "include_descendants": group.include_descendants,
            },
        )
        super().__init__(*args, **kwargs)
        members_field = scoped_choices(self, "organizations", self.changeable)
        members_field.required = not self.fixed

    def members(self) -> list[Organization]:
        """The chosen members plus the ones the user may not change (kept)."""
        return [*self.fixed, *self.cleaned_data["organizations"]]


class UserNamesForm(ActionFormMixin, forms.Form):
    """What an administrator may correct about a person they manage: the names they go by."""

    display_name = NormalizedCharField(
        label=_("Display name"),
        max_length=150,
        required=False,
        help_text=_("The name Persian pages call the person by, for example «عرفان پیشین»."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    latin_name = LatinNameField(
        help_text=_("For English pages and correspondence, as in the person's passport.")
    )
