"""``scoped_choices``: the one way a form offers only the rows a user may choose, on a single or
a multiple model choice, and refuses a field that offers no rows."""

from __future__ import annotations

import pytest
from django import forms

from rasad.core.models import Organization
from rasad.testing.cast import Cast
from rasad.web.forms import scoped_choices


class _PickForm(forms.Form):
    one = forms.ModelChoiceField(queryset=Organization.objects.none())
    many = forms.ModelMultipleChoiceField(queryset=Organization.objects.none())
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_a_single_choice_offers_only_the_rows_given(cast: Cast) -> None:
    form = _PickForm()
    field = scoped_choices(form, "one", Organization.objects.filter(pk=cast.isfahan.pk))
    assert field is form.fields["one"]
    assert list(field.queryset or []) == [cast.isfahan]


def test_a_multiple_choice_offers_only_the_rows_given_shown_by_the_label(cast: Cast) -> None:
    form = _PickForm()
    rows = Organization.objects.filter(pk__in=[cast.isfahan.pk, cast.kerman.pk]).order_by("code")
    field = scoped_choices(form, "many", rows, label=lambda organization: f"#{organization.code}")
    assert field is form.fields["many"]
    assert [field.label_from_instance(row) for row in field.queryset or []] == ["#ISF-CC", "#KER-CC"]


def test_a_field_without_rows_is_refused() -> None:
    with pytest.raises(TypeError, match=r"^_PickForm\.kind is not a model choice field$"):
        scoped_choices(_PickForm(), "kind", Organization.objects.none())
