"""The Jalali period picker: two selects with Persian names, a key for the server, old-style
keys still read, and translated errors naming the cause."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from rasad.lib.jalali import JalaliPeriod
from rasad.web.forms import PeriodField
from rasad.web.templatetags.rasad import control


class MonthForm(forms.Form):
    period = PeriodField(kinds=("month",), years=(1400, 1406))


class AnyForm(forms.Form):
    period = PeriodField(years=(1400, 1406))


def test_the_two_selects_make_a_month():
    form = MonthForm({"period_0": "09", "period_1": "1405"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == JalaliPeriod("month", 1405, 9)


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("S3", JalaliPeriod("season", 1405, 3)),
        ("H2", JalaliPeriod("half", 1405, 2)),
        ("Y", JalaliPeriod("year", 1405)),
    ],
)
def test_every_kind_of_period_can_be_chosen(part, expected):
    form = AnyForm({"period_0": part, "period_1": "1405"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == expected


def test_a_period_key_in_the_request_is_read_too():
    form = MonthForm({"period": "۱۴۰۵-۰۹"})
    assert form.is_valid()
    assert form.cleaned_data["period"] == JalaliPeriod("month", 1405, 9)


def test_a_missing_year_is_named():
    with translation.override("en"):
        form = MonthForm({"period_0": "09", "period_1": ""})
        assert not form.is_valid()
        assert form.errors["period"] == ["Choose both the year and the period."]


def test_a_period_of_the_wrong_kind_is_refused():
    with translation.override("en"):
        form = MonthForm({"period_0": "S2", "period_1": "1405"})
        assert not form.is_valid()
        assert form.errors["period"] == ["Choose a month."]


def test_the_picker_speaks_persian_with_persian_digits():
    with translation.override("fa"):
        html = str(MonthForm(initial={"period": JalaliPeriod("month", 1405, 9)})["period"])
    assert '<option value="09" selected>آذر</option>' in html
    assert '<option value="1405" selected>۱۴۰۵</option>' in html
    assert "1405<" not in html


def test_a_picker_of_several_kinds_groups_its_options():
    with translation.override("fa"):
        html = str(AnyForm()["period"])
    assert '<optgroup label="فصل">' in html
    assert '<option value="H2">نیمهٔ دوم</option>' in html


class BaselineForm(forms.Form):
    baseline_start = PeriodField(label="آغاز دورهٔ مبنا (ماه)", kinds=("month",), years=(1400, 1406))
    reporting_end = PeriodField(label="پایان دورهٔ گزارش (ماه)", kinds=("month",), years=(1400, 1406))


PICKER_LABELS = [("baseline_start", "آغاز دورهٔ مبنا (ماه)"), ("reporting_end", "پایان دورهٔ گزارش (ماه)")]
SELECT = '<select name="{name}_{index}" class="form-select" data-period="{part}" aria-label="{label}"'


def test_each_picker_is_a_group_named_by_its_field_with_selects_named_by_what_they_hold():
    # Rendered as every page renders a field (the control filter gives it its label as its name):
    # the label names the group, not the two selects, which were both announced by it.
    form = BaselineForm()
    with translation.override("fa"):
        html = {name: control(form[name]) for name in form.fields}
    for name, label in PICKER_LABELS:
        assert html[name].startswith(f'<div class="period-picker" role="group" aria-label="{label}" ')
        assert SELECT.format(name=name, index=0, part="part", label="ماه") in html[name]
        assert SELECT.format(name=name, index=1, part="year", label="سال") in html[name]
        assert html[name].count("aria-label") == 3


def test_a_picker_of_several_kinds_names_its_first_select_period():
    with translation.override("fa"):
        html = control(AnyForm()["period"])
    assert 'data-period="part" aria-label="دوره"' in html
