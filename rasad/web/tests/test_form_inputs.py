"""The shared number and date inputs: what a person typed comes back, when the form has an error,
in the reader's digits (as a stored value is shown), and is still read in Latin, Persian or
Arabic-Indic digits; an empty date field shows an example marked as one, not a value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.utils import translation

from rasad.lib import display
from rasad.lib.display import DisplayPreferences
from rasad.lib.persian import TextParseError, parse_number
from rasad.web.forms import (
    DecimalNumberField,
    FloatNumberField,
    IntegerNumberField,
    JalaliDateField,
    NumberInput,
    StyledForm,
    time_hint,
)


class AmountField(forms.Field):
    """A number read as the apps' number fields read one (``parse_number``)."""

    widget = NumberInput

    def to_python(self, value: Any) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            return parse_number(str(value))
        except TextParseError as error:
            raise forms.ValidationError(str(error)) from None


class EntryForm(forms.Form):
    """A number, a date and a required note: leaving the note empty sends the form back."""

    amount = AmountField()
    day = JalaliDateField()
    note = forms.CharField()


def rendered_value(form: forms.Form, name: str) -> str:
    match = re.search(r'value="([^"]*)"', str(form[name]))
    assert match is not None, str(form[name])
    return match.group(1)


@pytest.fixture
def reader() -> Iterator[None]:
    """A Persian reader who reads Persian digits and the Jalali calendar (the default)."""
    token = display.activate(DisplayPreferences(language="fa", calendar="jalali", persian_digits=True))
    with translation.override("fa"):
        yield
    display.reset(token)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("110.5", "۱۱۰٫۵"),
        ("١١٠٫٥", "۱۱۰٫۵"),  # Arabic-Indic digits
        ("۱۱۰٫۵", "۱۱۰٫۵"),
        ("1,250", "۱٬۲۵۰"),
        ("-3", "-۳"),
    ],
)
def test_a_typed_number_comes_back_in_the_readers_digits(reader, typed, shown):
    form = EntryForm({"amount": typed, "day": "1405/01/15", "note": ""})
    assert not form.is_valid()
    assert rendered_value(form, "amount") == shown


def test_a_typed_date_comes_back_in_the_readers_digits(reader):
    form = EntryForm({"amount": "5", "day": "1405/01/15", "note": ""})
    assert not form.is_valid()
    assert rendered_value(form, "day") == "۱۴۰۵/۰۱/۱۵"


def test_a_reader_of_latin_digits_gets_latin_digits_back():
    token = display.activate(DisplayPreferences(language="en", calendar="jalali", persian_digits=False))
    try:
        form = EntryForm({"amount": "۱۱۰٫۵", "day": "۱۴۰۵/۰۱/۱۵", "note": ""})
        assert not form.is_valid()
        assert rendered_value(form, "amount") == "110.5"
        assert rendered_value(form, "day") == "1405/01/15"
    finally:
        display.reset(token)


def test_text_that_is_not_a_number_comes_back_with_only_its_digits_changed(reader):
    form = EntryForm({"amount": "12kg", "day": "", "note": "x"})
    assert not form.is_valid()
    assert rendered_value(form, "amount") == "۱۲kg"


@pytest.mark.parametrize("typed", ["110.5", "۱۱۰٫۵", "١١٠٫٥", "110٫5"])
def test_every_kind_of_digit_is_read(reader, typed):
    form = EntryForm({"amount": typed, "day": "١٤٠٥/٠١/١٥", "note": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("110.5")
    assert form.cleaned_data["day"] == date(2026, 4, 4)


def test_what_comes_back_can_be_sent_again_as_it_is(reader):
    first = EntryForm({"amount": "1,250.75", "day": "1405/01/15", "note": ""})
    assert not first.is_valid()
    again = EntryForm(
        {"amount": rendered_value(first, "amount"), "day": rendered_value(first, "day"), "note": "x"}
    )
    assert again.is_valid(), again.errors
    assert again.cleaned_data["amount"] == Decimal("1250.75")
    assert again.cleaned_data["day"] == date(2026, 4, 4)


def test_a_stored_number_is_still_shown_in_the_readers_digits(reader):
    form = EntryForm(initial={"amount": Decimal("6174.8")})
    assert rendered_value(form, "amount") == "۶۱۷۴٫۸"


@pytest.mark.parametrize(
    ("preferences", "hint"),
    [
        (DisplayPreferences(language="fa", calendar="jalali", persian_digits=True), "مثلاً ۱۴۰۵/۰۱/۱۵"),
        (DisplayPreferences(language="en", calendar="jalali", persian_digits=False), "e.g. 1405/01/15"),
        (DisplayPreferences(language="en", calendar="gregorian", persian_digits=False), "e.g. 2026-04-04"),
        (DisplayPreferences(language="fa", calendar="gregorian", persian_digits=True), "مثلاً ۲۰۲۶-۰۴-۰۴"),
    ],
)
def test_an_empty_date_field_shows_an_example_marked_as_one(preferences, hint):
    token = display.activate(preferences)
    try:
        with translation.override(preferences.language):
            html = str(EntryForm()["day"])
    finally:
        display.reset(token)
    assert f'placeholder="{hint}"' in html
    assert 'value="' not in html


def test_the_example_date_is_read_back_as_the_day_it_names(reader):
    form = EntryForm({"amount": "1", "day": "۱۴۰۵/۰۱/۱۵", "note": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 4, 4)


@pytest.mark.parametrize(
    ("preferences", "hint"),
    [
        (DisplayPreferences(language="fa", calendar="jalali", persian_digits=True), "مثلاً ۰۹:۳۰"),
        (DisplayPreferences(language="en", calendar="jalali", persian_digits=False), "e.g. 09:30"),
    ],
)
def test_a_time_fields_example_is_marked_as_one_like_the_dates(preferences, hint):
    token = display.activate(preferences)
    try:
        with translation.override(preferences.language):
            assert time_hint() == hint
    finally:
        display.reset(token)


def test_no_stylesheet_of_rasad_restyles_the_placeholder():
    """A hint is shown in Bootstrap's placeholder colour (``.form-control::placeholder``, the
    secondary text colour): none of Rasad's own stylesheets may make it look like a value."""
    from pathlib import Path

    import rasad

    root = Path(rasad.__file__).parent
    sheets = [path for path in root.glob("*/static/**/*.css") if "vendor" not in path.parts]
    assert sheets
    for sheet in sheets:
        assert "placeholder" not in sheet.read_text(encoding="utf-8"), sheet


class PlaceForm(forms.Form):
    latitude = FloatNumberField(min_value=-90, max_value=90)
    hours = DecimalNumberField(max_digits=5, decimal_places=1, min_value=Decimal("0.5"))


@pytest.mark.parametrize(
    ("latitude", "hours"), [("32.654", "1.5"), ("۳۲٫۶۵۴", "۱٫۵"), ("٣٢٫٦٥٤", "١٫٥"), (" ۳۲.۶۵۴ ", "۱.۵")]
)
def test_the_float_and_decimal_fields_read_every_kind_of_digit_and_the_persian_separator(
    reader, latitude, hours
):
    form = PlaceForm({"latitude": latitude, "hours": hours})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["latitude"], form.cleaned_data["hours"]) == (32.654, Decimal("1.5"))


def test_the_float_and_decimal_fields_keep_django_s_bounds_and_messages(reader):
    form = PlaceForm({"latitude": "۹۱", "hours": "۱٫۲۵"})
    assert not form.is_valid()
    assert set(form.errors) == {"latitude", "hours"}
    assert rendered_value(form, "latitude") == "۹۱"  # what was typed comes back in Persian digits
    assert not PlaceForm({"latitude": "سی", "hours": "1"}).is_valid()


@pytest.mark.parametrize("typed", ["60", "۶۰", "٦٠", " ۶۰ "])
def test_a_whole_number_is_read_in_every_digit_from_a_text_box(reader, typed):
    field = IntegerNumberField(min_value=0, max_value=100)
    assert field.clean(typed) == 60
    # A text box, so that a browser does not refuse Persian digits as they are typed.
    assert field.widget.input_type == "text"
    with pytest.raises(forms.ValidationError):
        field.clean("۱۰۱")


class Priority(forms.Form):
    level = forms.ChoiceField(choices=[("", "---------"), ("high", "زیاد")], required=False)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from rasad.core.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.none()  # type: ignore[attr-defined]


def test_a_list_names_its_empty_choice_in_words_not_dashes():
    from rasad.web.templatetags.rasad import control

    form = Priority()
    with translation.override("fa"):
        html = control(form["level"]) + control(form["owner"])
    assert "---------" not in html
    assert html.count(">انتخاب کنید…</option>") == 2


class LimitsForm(StyledForm):
    weight = IntegerNumberField(min_value=1, max_value=100)
    hours = DecimalNumberField(max_digits=3, decimal_places=1)
    title = forms.CharField(max_length=10)


def test_django_s_refusals_of_a_bound_or_a_length_are_in_the_readers_digits(reader):
    """Django writes a field's bound and the length sent as Python does («... مساوی 100 است.»):
    the forms show them in the reader's digits, as every other number on the page."""
    form = LimitsForm({"weight": "۱۵۰", "hours": "۱۲۳۴٫۵", "title": "x" * 12})
    assert not form.is_valid()
    messages = {name: " ".join(str(error) for error in errors) for name, errors in form.errors.items()}
    assert set(messages) == {"weight", "hours", "title"}
    assert "۱۰۰" in messages["weight"]
    assert "۳" in messages["hours"]
    assert "۱۰" in messages["title"] and "۱۲" in messages["title"]
    assert not [message for message in messages.values() if re.search("[0-9]", message)], messages


def test_a_reader_of_latin_digits_gets_django_s_bounds_in_latin_digits():
    token = display.activate(DisplayPreferences(language="en", calendar="gregorian", persian_digits=False))
    try:
        with translation.override("en"):
            form = LimitsForm({"weight": "150", "hours": "1", "title": "x" * 12})
            assert not form.is_valid()
            assert form.errors["weight"] == ["Ensure this value is less than or equal to 100."]
            assert form.errors["title"] == ["Ensure this value has at most 10 characters (it has 12)."]
    finally:
        display.reset(token)


class CountForm(forms.Form):
    """A count with a lower bound only, as a training event's capacity is."""

    capacity = IntegerNumberField(min_value=1, required=False)


@pytest.mark.parametrize("typed", ["99999999999999999999", "۹۹۹۹۹۹۹۹۹۹۹۹", "2147483648"])
def test_a_whole_number_beyond_what_a_column_stores_is_the_field_s_error_not_a_server_error(typed: str):
    """An event's capacity of twenty nines reached the database and failed there (a 500 on both
    engines: integer out of range); the field refuses it itself, within PostgreSQL's integer."""
    with translation.override("fa"):
        form = CountForm({"capacity": typed})
        assert not form.is_valid()
        assert list(form.errors) == ["capacity"]
    assert CountForm({"capacity": "2147483647"}).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["99999999999999999999", "-99999999999999999999"])
def test_a_list_choice_beyond_what_a_key_column_stores_is_the_field_s_error_not_a_server_error(typed: str):
    """A working group's member organizations, a business's occupations, a requirement's courses:
    twenty nines for a key failed in SQLite (a parameter it cannot take) with a server error."""
    from rasad.core.models import Organization
    from rasad.web.forms import KeysChoiceField

    class MembersForm(forms.Form):
        members = KeysChoiceField(queryset=Organization.objects.all())

    form = MembersForm({"members": [typed]})
    assert not form.is_valid()
    assert list(form.errors) == ["members"]
