"""Form building blocks shared by every app: the rows a user may choose (``scoped_choices``),
fields that read numbers in any digits, a date field that speaks the user's calendar, the Jalali
period picker, the filters' selects, the controls' Bootstrap classes (``style_controls``,
``control``), and the form mixin that runs an action and turns its ValidationError into field
errors (``ActionFormMixin``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any, ClassVar, Final, ParamSpec, Protocol, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasad.lib import boundary, display, formatting, jalali, persian
from rasad.lib.jalali import JalaliPeriod, PeriodKind

_P = ParamSpec("_P")
_R = TypeVar("_R")


def scoped_choices(
    form: forms.BaseForm,
    name: str,
    queryset: QuerySet[Any],
    *,
    label: Callable[[Any], str] | None = None,
) -> forms.ModelChoiceField[Any]:
    """Offer ``queryset`` (the rows the user may choose) as the choices of ``form``'s model
    choice field ``name`` (a multiple choice too), each shown as ``label`` says when given, and
    return the field for the rest of its set-up."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label  # type: ignore[method-assign,assignment]  # Django's documented hook
    return field


def typed_in_reader_digits(text: str, *, separators: bool = False) -> str:
    """What a person typed, shown back (a form that came back with an error) in the reader's
    digits: «۱۱۰٫۵» for "110.5" or for «١١٠٫٥» when they read Persian digits, "110.5" for
    «۱۱۰٫۵» when they read Latin ones. The fields read all three kinds of digits, so what is shown
    can be sent again as it is. ``separators`` also writes a decimal or thousands separator
    between digits in the reader's form (numbers; a date's separators are not a number's)."""
    if display.current().persian_digits:
        return persian.to_persian_digits(text, separators=separators)
    return persian.to_latin_digits(text, separators=separators)


# The day every date field's hint shows as its example: the 15th, so that the day and the month
# cannot be taken for each other, of the first month of a year (Jalali 1405/01/15).
DATE_HINT_EXAMPLE: Final = date(2026, 4, 4)


def date_hint() -> str:
    """The placeholder of every date field: an example marked as one («مثلاً ۱۴۰۵/۰۱/۱۵», "e.g.
    2026-04-04"), in the reader's calendar and digits, so that an empty field does not look filled
    in."""
    prefs = display.current()
    example = jalali.format_date(
        DATE_HINT_EXAMPLE, calendar=prefs.calendar, persian_digits=prefs.persian_digits
    )
    return gettext("e.g. %(date)s") % {"date": example}


# The time every time-of-day field's hint shows as its example: half past nine, not a round hour
# that reads like a default already chosen.
TIME_HINT_EXAMPLE: Final = time(9, 30)


def time_hint() -> str:
    """The placeholder of every time-of-day field, marked as an example like the date's («مثلاً
    ۰۹:۳۰», "e.g. 09:30"), in the reader's digits."""
    example = formatting.digits(TIME_HINT_EXAMPLE.strftime("%H:%M"))
    return gettext("e.g. %(time)s") % {"time": example}


class JalaliDateInput(forms.TextInput):
    """A text input the vendored Jalali date picker attaches to (``data-jdp``)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "dir": "ltr", "class": "form-control", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if display.current().calendar == "jalali":
            context["widget"]["attrs"]["data-jdp"] = ""
        context["widget"]["attrs"].setdefault("placeholder", date_hint())
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            prefs = display.current()
            # In the reader's digits, as the date picker writes them («۱۴۰۵/۰۹/۱۵»).
            return jalali.format_date(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)
        if isinstance(value, str) and value:
            return typed_in_reader_digits(value)
        formatted: str | None = super().format_value(value)
        return formatted


class NumberInput(forms.TextInput):
    """A text input for a number a person types in any digits. A value the form starts with (an
    initial or stored number) and what the person typed, when the form comes back with an error,
    are both shown in the reader's digits, «۱۱۰٫۵» (what they send is parsed by
    ``rasad.lib.persian.parse_number``, which reads Latin, Persian and Arabic-Indic digits)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"dir": "ltr", "inputmode": "decimal", "class": "form-control", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            return typed_in_reader_digits(value, separators=True)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            formatted: str | None = super().format_value(value)
            return formatted
        return persian.format_number(value, persian_digits=display.current().persian_digits, grouping=False)


def typed_number(value: Any) -> Decimal | None:
    """What a number field with its own bounds reads (points, rials, a count): a number in
    Persian, Arabic-Indic or Latin digits, with or without group separators
    (``rasad.lib.persian.parse_number``); ``None`` for an empty field. What cannot be read is a
    ValidationError (``invalid``) that says why."""
    if value in (None, ""):
        return None
    try:
        return persian.parse_number(str(value))
    except persian.TextParseError as error:
        raise ValidationError("%(message)s", code="invalid", params={"message": str(error)}) from None


class _TypedInAnyDigits(forms.Field):
    """What a number field reads: Persian, Arabic-Indic or Latin digits, with «٫» (what a Persian
    keyboard types) or "." before the decimals. Django's own fields take the rest (bounds,
    decimal places, their messages)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = persian.to_latin_digits(value.strip(), separators=True)
        return super().to_python(value)


class FloatNumberField(_TypedInAnyDigits, forms.FloatField):
    """A decimal number (a latitude, a target value) typed in any digits."""

    widget = NumberInput


class DecimalNumberField(_TypedInAnyDigits, forms.DecimalField):
    """An exact decimal (hours, points, weights) typed in any digits."""

    widget = NumberInput


# The largest whole number every integer column stores (PostgreSQL's ``integer``): a field without
# its own upper bound refuses more itself, where the database would fail with a server error.
LARGEST_STORED_INTEGER: Final = 2**31 - 1


class IntegerNumberField(_TypedInAnyDigits, forms.IntegerField):
    """A whole number (a weight, a capacity, months) typed in any digits: a text box, since a
    browser's number box refuses Persian digits as they are typed. At most
    ``LARGEST_STORED_INTEGER`` unless given a lower ``max_value``."""

    widget = NumberInput

    def __init__(self, *, max_value: int | None = None, **kwargs: Any) -> None:
        bound = LARGEST_STORED_INTEGER if max_value is None else min(max_value, LARGEST_STORED_INTEGER)
        super().__init__(max_value=bound, **kwargs)


class KeysChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's list of records chosen by key, with a key beyond what a key column stores
    (a bigint) refused as a choice that does not exist: SQLite cannot take such a number as a
    parameter, and Django's check of the list failed with a server error."""

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for key in value:
                try:
                    number = int(str(key))
                except ValueError:
                    continue  # not a number: Django's own check refuses it
                if not -(2**63) <= number < 2**63:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super().clean(value)


class JalaliDateField(forms.Field):
    """Accepts a date in the user's calendar (Persian, Arabic or Latin digits) within the accepted
    range (Jalali 1200 to 1500, ``rasad.lib.boundary``); stores Gregorian."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            boundary.check_date(value)
            return value
        try:
            return jalali.parse_date(str(value), calendar=display.current().calendar)
        except ValueError as error:
            # The message may quote what was typed; pass it as a parameter so a "%" in it is not
            # taken for a placeholder when the error is formatted (django-filter does).
            raise ValidationError(
                "%(message)s", code="invalid_date", params={"message": str(error)}
            ) from None


# The second select of the period picker: what part of the year. Months "01".."12", seasons
# "S1".."S4", halves "H1", "H2", and "Y" for the whole year.
_YEAR_PART: Final = "Y"


def _part_choices(kinds: tuple[PeriodKind, ...]) -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = []

    def name(period: JalaliPeriod) -> str:
        label = formatting.period(period)
        return label.rsplit(" ", 1)[0]

    if "month" in kinds:
        months = [(f"{m:02d}", name(JalaliPeriod("month", 1400, m))) for m in range(1, 13)]
        groups.append((str(_("Month")), months))
    if "season" in kinds:
        seasons = [(f"S{s}", name(JalaliPeriod("season", 1400, s))) for s in range(1, 5)]
        groups.append((str(_("Season")), seasons))
    if "half" in kinds:
        halves = [(f"H{h}", name(JalaliPeriod("half", 1400, h))) for h in range(1, 3)]
        groups.append((str(_("Half-year")), halves))
    if "year" in kinds:
        groups.append((str(_("Year")), [(_YEAR_PART, str(_("Whole year")))]))
    # One kind: a flat list, no group headings.
    return groups[0][1] if len(groups) == 1 else groups


class PeriodWidget(forms.MultiWidget):
    """Two selects: the Jalali year and the part of it (a month, a season, a half, the whole
    year), with Persian names. Works without JavaScript. A request that carries the period key
    itself under the field's name (``?period=1405-09``, old links and the API's style) is read
    too."""

    template_name = "web/widgets/period.html"

    def __init__(
        self, kinds: tuple[PeriodKind, ...], years: tuple[int, int], attrs: dict[str, Any] | None = None
    ):
        self.kinds = kinds
        self.years = years
        # Read as people say it: «آذر» then «۱۴۰۵».
        super().__init__(
            [
                forms.Select(attrs={"class": "form-select", "data-period": "part"}),
                forms.Select(attrs={"class": "form-select", "data-period": "year"}),
            ],
            attrs,
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        first, last = self.years
        # Nothing chosen reads as what is to be chosen («ماه», «سال»), not as a dash: in a filter
        # beside fields that say what they hold in their placeholders, two dashes said nothing.
        part = _("Month") if self.kinds == ("month",) else _("Period")
        # The form's own copies of the two selects (a form deep-copies its widgets).
        part_select, year_select = (cast(forms.Select, widget) for widget in self.widgets)
        part_select.choices = [("", str(part)), *_part_choices(self.kinds)]
        year_select.choices = [("", str(_("Year")))] + [
            (str(year), formatting.digits(year)) for year in range(last, first - 1, -1)
        ]
        # A screen reader names each select by what it holds («ماه», «سال») inside a group named
        # by the field («آغاز دورهٔ مبنا (ماه)»): the name the page gives the field (the control
        # filter's aria-label) names the group. Handed on to both selects, as a single control's
        # attributes are, it named them alike, so that the month and the year of a picker were
        # announced the same, and the attribute overrode the selects' own names.
        attrs = dict(attrs or {})
        group_label = attrs.pop("aria-label", "")
        part_select.attrs["aria-label"] = str(part)
        year_select.attrs["aria-label"] = str(_("Year"))
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = str(group_label)
        return context

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, str) and value:
            try:
                value = JalaliPeriod.parse(value)
            except ValueError:
                return [None, None]
        if isinstance(value, JalaliPeriod):
            if value.kind == "month":
                part = f"{value.index:02d}"
            elif value.kind == "season":
                part = f"S{value.index}"
            elif value.kind == "half":
                part = f"H{value.index}"
            else:
                part = _YEAR_PART
            return [part, str(value.year)]
        return [None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        typed = data.get(name)
        if typed:
            return str(typed)
        part, year = super().value_from_datadict(data, files, name)
        if not year and not part:
            return None
        if not year or not part:
            return f"{year or ''}-{part or ''}"
        return str(year) if part == _YEAR_PART else f"{year}-{part}"

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


class PeriodField(forms.Field):
    """A Jalali reporting period chosen with the period picker; cleans to a ``JalaliPeriod``.

    ``kinds`` limits what may be chosen (an indicator's periodicity); ``years`` is the range of
    Jalali years offered, by default from ten years back to next year.
    """

    default_error_messages = {
        "incomplete": _("Choose both the year and the period."),
        "kind": _("Choose a %(kinds)s."),
    }

    def __init__(
        self,
        *,
        kinds: tuple[PeriodKind, ...] = ("month", "season", "half", "year"),
        years: tuple[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        this_year = jalali.today_jalali().year
        self.kinds = kinds
        self.years = years or (this_year - 10, this_year + 1)
        kwargs.setdefault("widget", PeriodWidget(kinds, self.years))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> JalaliPeriod | None:
        if value in (None, ""):
            return None
        if isinstance(value, JalaliPeriod):
            return value
        text = str(value)
        if text.startswith("-") or text.endswith("-"):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            period = JalaliPeriod.parse(text)
        except ValueError as error:
            raise ValidationError(
                "%(message)s", code="invalid_period", params={"message": str(error)}
            ) from None
        if period.kind not in self.kinds:
            names = {"month": _("month"), "season": _("season"), "half": _("half-year"), "year": _("year")}
            raise ValidationError(
                self.error_messages["kind"],
                code="kind",
                params={"kinds": str(_(" or ")).join(str(names[kind]) for kind in self.kinds)},
            )
        return period

    def prepare_value(self, value: Any) -> Any:
        return value.key if isinstance(value, JalaliPeriod) else value


class _RawNullBooleanSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, handing the submitted text over as it came (the stock one
    turns anything it does not know into "unknown" before the field can refuse it)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class StrictNullBooleanField(forms.NullBooleanField):
    """Yes, no, or not given; anything else is an error rather than "not given" (the filters'
    boolean field, ``rasad.web.apps``)."""

    widget = _RawNullBooleanSelect

    _TRUE = frozenset({"true", "1", "yes", "on", "2"})  # "2"/"3": Django's NullBooleanSelect
    _FALSE = frozenset({"false", "0", "no", "off", "3"})

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self._TRUE:
            return True
        if text in self._FALSE:
            return False
        raise ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        pass


class FilterSelect(forms.SelectMultiple):
    """A list's filter by one of its choices (a status, a kind, an organization): one select whose
    first choice says in words that nothing is left out («همهٔ وضعیت‌ها»), the same control on every
    list. It reads every value sent, as a multiple choice does (``?status=a&status=b`` from a link
    or the API), and drops the empty one, so that "all" filters nothing.

    ``choices`` may be given here when the filter is a text field (an organization's code) whose
    choices depend on the reader: a callable is called only when the select is drawn, so the API,
    which shares the filter, never runs its query."""

    allow_multiple_selected = False

    def __init__(self, everything: Any, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "form-select form-select-sm", **(attrs or {})}, choices)
        self.everything = everything

    def use_required_attribute(self, initial: Any) -> bool:
        # A filter is never required (and asking would run the choices' query once more).
        return False

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        offered = self.choices
        self.choices = [("", self.everything), *offered]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = offered

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = super().value_from_datadict(data, files, name)
        return [value for value in values if value not in (None, "")]


class FilterTextSelect(FilterSelect):
    """A :class:`FilterSelect` for a filter that reads one text value (an organization's code):
    the first value sent, or nothing."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = super().value_from_datadict(data, files, name)
        return values[0] if values else None

    def format_value(self, value: Any) -> list[str]:
        return [] if value in (None, "") else [str(value)]


class NormalizedCharField(forms.CharField):
    """A text field whose value is Persian-normalized on input (ی/ک, ZWNJ, digits). Unless it is
    a text area it is one line: a tab or line break is refused (``rasad.lib.boundary``)."""

    def to_python(self, value: Any) -> str:
        text: str = super().to_python(value) or ""
        if text and not isinstance(self.widget, forms.Textarea):
            boundary.check_single_line(text)
        return persian.normalize_text(text) if text else text


class _Form(Protocol):
    """What :class:`ActionFormMixin` needs of the form it is mixed into."""

    fields: dict[str, forms.Field]

    def add_error(self, field: str | None, error: Any) -> None: ...


class _ActionForm(_Form, Protocol):
    error_fields: ClassVar[Mapping[str, str]]

    def run_mapped(
        self,
        mapping: Mapping[str, str],
        callback: Callable[_P, _R],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _R | None: ...


class ActionFormMixin:
    """Run ``callback`` and map a ValidationError raised by the action onto the form's fields.
    The callback's arguments are checked against its signature (``ParamSpec``), and what it
    returns is what the call returns, or ``None`` when the action refused."""

    # Where an error the action names ``key`` lands when the form's field has another name.
    error_fields: ClassVar[Mapping[str, str]] = {}

    def add_error(self, field: str | None, error: Any) -> None:
        """Django's own refusal of a bound or a length («... مساوی ۱۰۰ است.») with the reader's
        digits (``formatting.limit_refusal``), as every other number of the page; then Django's
        ``add_error``."""
        super().add_error(field, limits_in_reader_digits(error))  # type: ignore[misc]  # a mixin of forms.Form

    def run_action(
        self: _ActionForm, callback: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
    ) -> _R | None:
        """Run ``callback``; an error the action names lands on the field ``error_fields`` maps
        it to, or on the field of that name, or on the whole form; ``None`` when it failed."""
        return self.run_mapped(self.error_fields, callback, *args, **kwargs)

    def run_mapped(
        self: _Form,
        mapping: Mapping[str, str],
        callback: Callable[_P, _R],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _R | None:
        """Run ``callback``; an error the action names ``key`` lands on the field
        ``mapping[key]`` (or on the field of that name, or on the whole form)."""
        try:
            return callback(*args, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, messages in error.message_dict.items():
                    field = mapping.get(key, key)
                    self.add_error(field if field in self.fields else None, messages)
            else:
                self.add_error(None, error.messages)
            return None


def limits_in_reader_digits(error: Any) -> Any:
    """``error`` (what ``Form.add_error`` takes) with each refusal of a bound or a length
    (``formatting.LIMIT_CODES``) written out in the reader's digits; anything else as it is."""
    if not isinstance(error, ValidationError):
        return error
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                name: limits_in_reader_digits(ValidationError(items))
                for name, items in error.error_dict.items()
            }
        )
    return ValidationError(
        [
            ValidationError(formatting.limit_refusal(item.messages[0], item.code), code=item.code)
            if item.code in formatting.LIMIT_CODES
            else item
            for item in error.error_list
        ]
    )


# What is typed in Latin letters (a username, a password, a code, a link): left to right, and a
# phone's keyboard does not capitalize, correct or spell-check it (a username that gains a capital
# «C» is refused) (docs/development/conventions.md, "Phones").
LATIN_ENTRY = {"dir": "ltr", "autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


def control(widget: forms.Widget, css: str = "form-control") -> forms.Widget:
    """``widget`` with its Bootstrap class (``form-select`` for a select, ``form-check-input`` for
    a check box), unless it has one: for a form that does not style its controls at once
    (:class:`StyledForm` does)."""
    widget.attrs.setdefault("class", css)
    return widget


def style_controls(form: forms.BaseForm) -> None:
    """Give each field's widget its Bootstrap class, unless the form set one: ``form-select`` on a
    select, ``form-control`` on the rest. Radio buttons and check boxes (one or many) keep the
    look their template gives them."""
    for field in form.fields.values():
        widget = field.widget
        # CheckboxSelectMultiple derives from RadioSelect.
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(ActionFormMixin, forms.Form):
    """A form whose controls are styled by :func:`style_controls` once its fields are made (a
    form that adds fields in its own ``__init__`` calls ``style_controls`` again at its end)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_controls(self)


class LatinNameField(forms.CharField):
    """A person's name in Latin letters, typed left to right whatever the page's direction. The
    action (``rasad.core.actions.people.clean_latin_name``) normalizes it and refuses Persian
    letters with an error naming the field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Name in Latin letters"))
        kwargs.setdefault("help_text", _("For English pages and correspondence, as in your passport."))
        attrs = {
            "class": "form-control",
            "dir": "ltr",
            "lang": "en",
            "autocomplete": "name",
            "autocapitalize": "words",
            "spellcheck": "false",
            # A name in Latin letters is not to be translated (nor checked as a Persian page's text).
            "translate": "no",
            "placeholder": "Erfan Pishin",
        }
        super().__init__(max_length=150, required=False, widget=forms.TextInput(attrs=attrs), **kwargs)


class PreferencesForm(forms.Form):
    """Your own name in Latin letters, language, calendar and digits."""

    latin_name = LatinNameField()
    language = forms.ChoiceField(label=_("Language"), choices=[("fa", _("Persian")), ("en", _("English"))])
    calendar = forms.ChoiceField(
        label=_("Calendar"), choices=[("jalali", _("Jalali (solar hijri)")), ("gregorian", _("Gregorian"))]
    )
    persian_digits = forms.BooleanField(label=_("Show Persian digits"), required=False)


class PasswordChangeForm(ActionFormMixin, forms.Form):
    """The signed-in person's own password: the current one again, and the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control", "dir": "ltr"}
        ),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "class": "form-control", "dir": "ltr"}
        ),
        help_text=_(
            "At least 10 characters, not only digits, not a common password, not like your username."
        ),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "class": "form-control", "dir": "ltr"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("new_password") and data.get("new_password_again") != data.get("new_password"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


# Django's empty choice is a row of dashes ("---------"); a list a person reads says in words that
# nothing is chosen yet.
EMPTY_CHOICE_DASHES: Final = "---------"


class FormRenderer(DjangoTemplates):
    """Django's form renderer (``FORM_RENDERER``), with every select's empty choice named in words
    («انتخاب کنید…») instead of Django's dashes: model choices, choice fields and filter forms
    alike, whichever template draws them."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            for _group, options, _index in widget.get("optgroups", ()):
                for option in options:
                    if option.get("label") == EMPTY_CHOICE_DASHES:
                        option["label"] = gettext("Choose…")
        return super().render(template_name, context, request)
